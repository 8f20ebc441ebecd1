//! What happened to every customer of a plan, as JSON and CSV.

use crate::error::Error;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeKind {
    Removed,
    Failed,
    Skipped,
}

/// Where an outcome was decided: kept by the plan, or settled by applying it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Plan,
    Apply,
}

/// The end of one customer: removed, failed (with the error) or skipped (with the reason).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Outcome {
    pub customer_tenant_id: String,
    #[serde(default)]
    pub organization_display_name: Option<String>,
    pub outcome: OutcomeKind,
    pub stage: Stage,
    /// Why it was skipped (or how it was settled), in words.
    #[serde(default)]
    pub reason: Option<String>,
    /// The same as a code to branch on: a plan reason (`recent_sign_in`, `unreadable_date`, `excluded`,
    /// `no_active_gdap`, `gdap_unknown`, ...) when the plan or the recheck kept the customer, else `removed_by_interrupted_run`,
    /// `not_attempted`, `cancelled_in_flight`; `null` for removed and failed ones.
    #[serde(default)]
    pub reason_code: Option<String>,
    #[serde(default)]
    pub error: Option<Box<Error>>,
    #[serde(default)]
    pub correlation_id: Option<Uuid>,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Counts {
    /// Every customer of the plan: removed + failed + skipped.
    pub customers: u64,
    /// The plan's candidates: removed + failed + skippedCandidates.
    pub candidates: u64,
    pub removed: u64,
    pub failed: u64,
    /// Every skipped customer: the plan's kept ones and skipped candidates.
    pub skipped: u64,
    pub skipped_candidates: u64,
    /// Candidates settled by an earlier run recorded in the journal.
    pub from_journal: u64,
}

/// What reading the journal found besides outcomes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JournalSummary {
    pub path: String,
    /// Lines that could not be read, a torn last line included.
    pub unreadable_lines: u64,
    /// The journal ended in a line cut by an interrupted write (ignored).
    pub torn_last_line: bool,
    /// Records naming another plan (ignored: they never mark a customer of this plan done).
    pub foreign_records: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    pub plan_id: Uuid,
    pub started_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
    /// The run was cancelled (or stopped on a failure every request would share) before every candidate was tried.
    pub stopped_early: bool,
    #[serde(default)]
    pub stop_reason: Option<String>,
    pub counts: Counts,
    /// Requests sent by this run (removals and the recheck listing), and 429 pauses.
    pub requests: u64,
    pub throttle_pauses: u64,
    /// The journal this run used, and what it ignored when reading it.
    #[serde(default)]
    pub journal: Option<JournalSummary>,
    pub outcomes: Vec<Outcome>,
}

const CSV_COLUMNS: [&str; 12] = [
    "customerTenantId",
    "organizationDisplayName",
    "outcome",
    "stage",
    "reason",
    "reasonCode",
    "errorKind",
    "errorCode",
    "httpStatus",
    "errorMessage",
    "correlationId",
    "at",
];

/// The UTF-8 byte order mark the CSV report file starts with.
pub const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

impl Report {
    /// RFC 4180 CSV, one row per customer. Text that a spreadsheet would run as a formula (starting with
    /// `=`, `+`, `-`, `@`, tab or CR) is prefixed with `'`.
    pub fn to_csv(&self) -> String {
        let mut out = Vec::new();
        self.write_csv_to(&mut out)
            .expect("writing to a Vec cannot fail");
        String::from_utf8(out).expect("CSV of UTF-8 strings is UTF-8")
    }

    /// Stream the CSV to `out`, one row at a time.
    pub fn write_csv_to(&self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        out.write_all(CSV_COLUMNS.join(",").as_bytes())?;
        out.write_all(b"\r\n")?;
        for o in &self.outcomes {
            let e = o.error.as_ref();
            let row = [
                o.customer_tenant_id.clone(),
                o.organization_display_name.clone().unwrap_or_default(),
                format!("{:?}", o.outcome).to_lowercase(),
                format!("{:?}", o.stage).to_lowercase(),
                o.reason.clone().unwrap_or_default(),
                o.reason_code.clone().unwrap_or_default(),
                e.map(|e| e.kind.to_string()).unwrap_or_default(),
                e.and_then(|e| e.code.clone()).unwrap_or_default(),
                e.and_then(|e| e.status)
                    .map(|s| s.to_string())
                    .unwrap_or_default(),
                e.map(|e| e.message.clone()).unwrap_or_default(),
                o.correlation_id.map(|c| c.to_string()).unwrap_or_default(),
                o.at.to_rfc3339(),
            ];
            let cells: Vec<String> = row.iter().map(|c| csv_cell(c)).collect();
            out.write_all(cells.join(",").as_bytes())?;
            out.write_all(b"\r\n")?;
        }
        Ok(())
    }
}

impl Report {
    /// Write the report as pretty JSON to `path`, atomically.
    pub fn write_json(&self, path: &std::path::Path) -> crate::error::Result<()> {
        super::files::write_json_file("reportPath", path, self)
    }

    /// The CSV file starts with a UTF-8 byte order mark: without it Excel reads the file in the machine's
    /// ANSI code page and garbles non-ASCII customer names (`São Paulo` as `SÃ£o Paulo`).
    pub fn write_csv(&self, path: &std::path::Path) -> crate::error::Result<()> {
        super::files::write_file_atomically("reportCsvPath", path, |out| {
            out.write_all(UTF8_BOM)?;
            self.write_csv_to(out)
        })
    }
}

fn csv_cell(text: &str) -> String {
    let guarded = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    };
    if guarded.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_and_defuses_formulas() {
        assert_eq!(csv_cell("plain"), "plain");
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_cell("line\nbreak"), "\"line\nbreak\"");
        assert_eq!(csv_cell("Café Müller"), "Café Müller");
    }
}
