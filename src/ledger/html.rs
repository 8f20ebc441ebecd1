//! The ledger as one self-contained HTML page for people who would rather look than read: a summary (counts
//! per risk, the sources), a chart of the active GDAP relationships' end dates by month (inline SVG drawn by
//! the page's script), and a sortable, filterable table of every customer.
//!
//! Nothing on the page is fetched: the CSS and the script are inline, and a Content-Security-Policy allows
//! exactly those two (by their SHA-256) and nothing else, no network at all. Names come from customers and
//! are treated as hostile: the summary is HTML-escaped here, and the table's data travels as JSON inside a
//! `<script type="application/json">` block with `<`, `>` and `&` written as `\u003c`, `\u003e` and
//! `\u0026` (so no `</script>` can end it early), which the script only ever puts in the page as text.

use super::model::{CustomerEntry, Ledger, RoleKind, SourceStatus};
use base64::Engine;
use chrono::SecondsFormat;
use serde::ser::SerializeSeq;
use serde::{Serialize, Serializer};
use std::collections::BTreeSet;
use std::io::{self, Write};

const CSS: &str = include_str!("page/ledger.css");
const SCRIPT: &str = include_str!("page/ledger.js");

/// Text as HTML: `& < > " '` escaped.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `'sha256-…'` of an inline block, for the Content-Security-Policy.
fn csp_hash(text: &str) -> String {
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, text.as_bytes());
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest.as_ref())
    )
}

/// Writes JSON into a `<script>` block: `<`, `>` and `&` (which JSON has only inside strings) as `\u00XX`.
struct ScriptSafe<'a>(&'a mut dyn Write);

impl Write for ScriptSafe<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut start = 0;
        for (i, b) in buf.iter().enumerate() {
            let escaped: &[u8] = match b {
                b'<' => b"\\u003c",
                b'>' => b"\\u003e",
                b'&' => b"\\u0026",
                _ => continue,
            };
            self.0.write_all(&buf[start..i])?;
            self.0.write_all(escaped)?;
            start = i + 1;
        }
        self.0.write_all(&buf[start..])?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

/// One row of the page's table (short keys: 10,000 of them travel in the page).
struct Row<'a>(&'a CustomerEntry);

impl Serialize for Row<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let e = self.0;
        let active: Vec<_> = e.active_gdap().collect();
        let next = active
            .iter()
            .filter_map(|r| r.end.map(|end| (end, r.days_to_end)))
            .min();
        let groups: BTreeSet<&str> = active
            .iter()
            .filter_map(|r| r.listed_assignments())
            .flatten()
            .filter(|a| a.is_active())
            .filter_map(|a| a.security_group_id.as_deref())
            .collect();
        let managing: BTreeSet<&str> = e
            .lighthouse
            .iter()
            .filter_map(|d| {
                d.managed_by_tenant_name
                    .as_deref()
                    .or(d.managed_by_tenant_id.as_deref())
            })
            .collect();
        let dap = match e.dap.as_ref().map(|d| d.enabled) {
            None => "",
            Some(Some(true)) => "on",
            Some(Some(false)) => "off",
            Some(None) => "unreadable",
        };
        let codes: Vec<&str> = e.risks.iter().map(|r| r.code.code()).collect();
        let mut m = s.serialize_map(Some(14))?;
        m.serialize_entry("n", e.display_name.as_deref().unwrap_or("(no name)"))?;
        m.serialize_entry("t", &e.tenant_id)?;
        m.serialize_entry("d", dap)?;
        m.serialize_entry(
            "s",
            &e.dap
                .as_ref()
                .and_then(|d| d.last_sign_in)
                .map(|t| t.date_naive().to_string())
                .unwrap_or_default(),
        )?;
        m.serialize_entry("ga", &active.len())?;
        m.serialize_entry("gt", &e.gdap.len())?;
        m.serialize_entry(
            "e",
            &next
                .map(|(end, _)| end.date_naive().to_string())
                .unwrap_or_default(),
        )?;
        m.serialize_entry("de", &next.and_then(|(_, d)| d))?;
        m.serialize_entry("x", &active.iter().any(|r| r.holds_global_administrator()))?;
        m.serialize_entry("g", &groups.len())?;
        m.serialize_entry("l", &e.lighthouse.len())?;
        m.serialize_entry("m", &managing.into_iter().collect::<Vec<_>>().join(", "))?;
        m.serialize_entry("r", &codes)?;
        m.serialize_entry("p", &Paths(e))?;
        m.end()
    }
}

/// Every access path of a customer as `[kind, name, status, detail]`.
struct Paths<'a>(&'a CustomerEntry);

impl Serialize for Paths<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let e = self.0;
        let mut seq = s.serialize_seq(None)?;
        if let Some(d) = &e.dap {
            let status = match d.enabled {
                Some(true) => "enabled",
                Some(false) => "disabled",
                None => "unreadable",
            };
            let detail = match (d.last_sign_in, d.unreadable.as_deref()) {
                (_, Some(u)) => format!("unreadable: {u}"),
                (Some(t), None) => format!("last partner sign-in {}", t.date_naive()),
                (None, None) => "no partner sign-in".to_string(),
            };
            seq.serialize_element(&["DAP", "delegated admin privileges", status, &detail])?;
        }
        for r in &e.gdap {
            let roles: Vec<String> = r.roles.iter().map(|x| RoleKind::Entra.label(x)).collect();
            let mut detail = match r.end {
                Some(end) => format!("ends {}", end.date_naive()),
                None => "no end date".to_string(),
            };
            detail.push_str(if r.auto_extends() {
                ", auto-extend on"
            } else {
                ", auto-extend off"
            });
            if let Some(a) = r.listed_assignments() {
                detail.push_str(&format!(
                    ", {} access assignment{}",
                    a.len(),
                    if a.len() == 1 { "" } else { "s" }
                ));
            }
            detail.push_str(&format!("; roles: {}", roles.join(", ")));
            seq.serialize_element(&[
                "GDAP",
                r.display_name.as_deref().unwrap_or(&r.id),
                r.status.as_deref().unwrap_or("unknown"),
                &detail,
            ])?;
        }
        for d in &e.lighthouse {
            let roles: Vec<String> = d
                .authorizations
                .iter()
                .map(|a| RoleKind::Azure.label(&a.role))
                .collect();
            let eligible: Vec<String> = d
                .eligible_authorizations
                .iter()
                .map(|a| RoleKind::Azure.label(&a.role))
                .collect();
            let mut detail = format!(
                "subscription {}; managed by {}; roles: {}",
                d.subscription_name
                    .as_deref()
                    .map(str::to_string)
                    .unwrap_or_else(|| d.subscription_id.to_string()),
                d.managed_by_tenant_name
                    .as_deref()
                    .or(d.managed_by_tenant_id.as_deref())
                    .unwrap_or("an unknown tenant"),
                roles.join(", ")
            );
            if !eligible.is_empty() {
                detail.push_str(&format!("; eligible: {}", eligible.join(", ")));
            }
            seq.serialize_element(&[
                "Lighthouse",
                d.registration_definition_name
                    .as_deref()
                    .or(d.assignment_id.as_deref())
                    .unwrap_or("delegation"),
                d.provisioning_state.as_deref().unwrap_or("unknown"),
                &detail,
            ])?;
        }
        seq.end()
    }
}

/// What the page's script reads.
struct PageData<'a>(&'a Ledger);

impl Serialize for PageData<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        #[derive(Serialize)]
        struct Month<'m> {
            m: &'m str,
            a: u64,
            n: u64,
        }
        #[derive(Serialize)]
        struct RiskLabel {
            code: &'static str,
            label: &'static str,
        }
        let l = self.0;
        let mut m = s.serialize_map(Some(3))?;
        m.serialize_entry(
            "months",
            &l.summary
                .gdap_end_dates_by_month
                .iter()
                .map(|x| Month {
                    m: &x.month,
                    a: x.auto_extend,
                    n: x.no_auto_extend,
                })
                .collect::<Vec<_>>(),
        )?;
        m.serialize_entry(
            "risks",
            &l.summary
                .risks
                .iter()
                .map(|r| RiskLabel {
                    code: r.code,
                    label: r.label,
                })
                .collect::<Vec<_>>(),
        )?;
        m.serialize_entry("rows", &Rows(&l.customers))?;
        m.end()
    }
}

struct Rows<'a>(&'a [CustomerEntry]);

impl Serialize for Rows<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(Row))
    }
}

fn card(out: &mut dyn Write, class: &str, number: &str, label: &str) -> io::Result<()> {
    write!(
        out,
        "<li class=\"card {class}\"><span class=\"n\">{}</span><span class=\"l\">{}</span></li>",
        escape(number),
        escape(label)
    )
}

/// Write the page to `out`, the table's data streamed (never the whole page in memory).
pub fn write_html(ledger: &Ledger, out: &mut dyn Write) -> io::Result<()> {
    let generated = ledger
        .generated_at
        .to_rfc3339_opts(SecondsFormat::Secs, true);
    let csp = format!(
        "default-src 'none'; style-src {}; script-src {}; img-src data:; base-uri 'none'; form-action 'none'",
        csp_hash(CSS),
        csp_hash(SCRIPT)
    );
    write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{}\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"referrer\" content=\"no-referrer\">\n\
         <title>Access ledger {}</title>\n<style>{CSS}</style>\n</head>\n<body>\n",
        escape(&csp),
        escape(&generated)
    )?;
    let s = &ledger.summary;
    write!(
        out,
        "<h1>Access ledger</h1>\n<p class=\"meta\">Generated {}; {} customers; GDAP expiring within {} days; DAP unused after {} days without a partner sign-in.</p>\n",
        escape(&generated),
        s.customers,
        ledger.expiring_within_days,
        ledger.inactive_days
    )?;
    let failed: Vec<&str> = ledger
        .sources
        .iter()
        .filter(|x| matches!(x.status, SourceStatus::Failed | SourceStatus::Partial))
        .map(|x| x.source)
        .collect();
    if !failed.is_empty() {
        writeln!(
            out,
            "<p class=\"incomplete\" id=\"incomplete\">Incomplete: {} could not be read in full (see Sources); risks that depend on them are not judged.</p>",
            escape(&failed.join(", "))
        )?;
    }
    out.write_all(b"<h2>Summary</h2>\n<ul class=\"cards\" id=\"summary\">")?;
    card(out, "", &s.customers.to_string(), "customers")?;
    card(
        out,
        if s.customers_with_risks > 0 {
            "risk"
        } else {
            "zero"
        },
        &s.customers_with_risks.to_string(),
        "customers with at least one risk",
    )?;
    for r in &s.risks {
        let (class, number) = match (r.evaluated, r.customers) {
            (false, _) => ("unknown", "not judged".to_string()),
            (true, 0) => ("zero", "0".to_string()),
            (true, n) => ("risk", n.to_string()),
        };
        write!(out, "<li class=\"card {class}\" data-risk=\"{}\"><span class=\"n\">{}</span><span class=\"l\">{}</span></li>",
            escape(r.code), escape(&number), escape(r.label))?;
    }
    card(
        out,
        "",
        &s.relationships.active.to_string(),
        "active GDAP relationships",
    )?;
    card(
        out,
        "",
        &s.lighthouse.delegations.to_string(),
        "Lighthouse delegations",
    )?;
    let mut tally: Vec<String> = Vec::new();
    for (status, word) in [
        (SourceStatus::Ok, "ok"),
        (SourceStatus::Partial, "partial"),
        (SourceStatus::Failed, "failed"),
        (SourceStatus::Skipped, "skipped"),
    ] {
        let n = ledger.sources.iter().filter(|x| x.status == status).count();
        if n > 0 {
            tally.push(format!("{n} {word}"));
        }
    }
    write!(
        out,
        "</ul>\n<details class=\"sources-box\"{}><summary>Sources: {}</summary>\n",
        if failed.is_empty() { "" } else { " open" },
        escape(&tally.join(", "))
    )?;
    out.write_all(b"<table class=\"sources\" id=\"sources\"><thead><tr><th>source</th><th>service</th><th>status</th><th>items</th><th>detail</th></tr></thead><tbody>")?;
    for src in &ledger.sources {
        let status = serde_json::to_value(src.status)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        let mut detail = src.detail.clone().unwrap_or_default();
        if let Some(e) = &src.error {
            if !detail.is_empty() {
                detail.push_str("; ");
            }
            detail.push_str(&format!("{}: {}", e.kind, e.message));
        }
        write!(
            out,
            "<tr><td>{}</td><td>{}</td><td class=\"st-{}\">{}</td><td>{}</td><td>{}</td></tr>",
            escape(src.source),
            escape(src.service),
            escape(&status),
            escape(&status),
            src.items,
            escape(&detail)
        )?;
    }
    out.write_all(b"</tbody></table>\n</details>\n")?;
    out.write_all(
        b"<h2>Active GDAP relationships by the month they end</h2>\n<div id=\"chart-box\"><svg id=\"end-chart\" role=\"img\" aria-label=\"Active GDAP relationships by the month they end\"></svg></div>\n\
          <p class=\"legend\"><span class=\"sw noauto\"></span>without auto-extend<span class=\"sw auto\"></span>with auto-extend</p>\n\
          <h2>Customers</h2>\n<noscript><p>The table and the chart need JavaScript; the same data is in the JSON and CSV ledgers.</p></noscript>\n\
          <div id=\"table-box\"></div>\n<script type=\"application/json\" id=\"ledger-data\">",
    )?;
    serde_json::to_writer(ScriptSafe(out), &PageData(ledger)).map_err(io::Error::other)?;
    write!(
        out,
        "</script>\n<script>{SCRIPT}</script>\n<footer>delegated-admin access ledger, format {}. Offline page: no request leaves it.</footer>\n</body>\n</html>\n",
        super::model::LEDGER_VERSION
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_html_and_script_data() {
        assert_eq!(
            escape("<img src=x onerror=alert(1)> & \"'"),
            "&lt;img src=x onerror=alert(1)&gt; &amp; &quot;&#39;"
        );
        let mut out = Vec::new();
        serde_json::to_writer(
            ScriptSafe(&mut out),
            &["</script><script>alert(1)</script>&"],
        )
        .unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            !text.contains('<') && !text.contains('>') && !text.contains('&'),
            "{text}"
        );
        let back: Vec<String> = serde_json::from_str(&text).unwrap();
        assert_eq!(back[0], "</script><script>alert(1)</script>&");
    }

    #[test]
    fn the_assets_fetch_nothing() {
        for (name, text) in [("css", CSS), ("js", SCRIPT)] {
            for bad in [
                "http:",
                "https:",
                "url(",
                "@import",
                "fetch(",
                "XMLHttpRequest",
                "innerHTML",
                "eval(",
            ] {
                assert!(!text.contains(bad), "{name} contains {bad}");
            }
        }
    }
}
