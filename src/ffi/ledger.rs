//! `da_access_ledger`'s JSON input and output, shared by the blocking export and the `accessLedger` job.

use super::boundary::{result_json, Common, Done};
use crate::engine::files::{check_outputs, OutputFile};
use crate::engine::JobControl;
use crate::error::{Error, ErrorKind, Result};
use crate::ledger::{self, Format, LedgerRequest, LighthouseSource};
use serde::Deserialize;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct LedgerInput {
    expiring_within_days: Option<i64>,
    inactive_days: Option<i64>,
    /// Subscription ids to look for Lighthouse delegations in (default: every one the credential sees).
    subscriptions: Option<Vec<String>>,
    /// `true`: Lighthouse must be read; `false`: never; absent: when it can be.
    lighthouse: Option<bool>,
    format: Option<String>,
    output_path: Option<String>,
    concurrency: Option<i64>,
}

fn in_range(what: &str, v: Option<i64>, lo: i64, hi: i64, default: i64) -> Result<i64> {
    match v {
        None => Ok(default),
        Some(n) if (lo..=hi).contains(&n) => Ok(n),
        Some(n) => Err(Error::invalid(format!(
            "{what} must be from {lo} to {hi}, not {n}"
        ))),
    }
}

impl LedgerInput {
    fn into_parts(self) -> Result<(LedgerRequest, Format, Option<PathBuf>)> {
        let req = LedgerRequest {
            expiring_within_days: in_range(
                "expiringWithinDays",
                self.expiring_within_days,
                0,
                i64::from(crate::gdap::relationships::MAX_EXPIRING_WITHIN_DAYS),
                i64::from(ledger::DEFAULT_EXPIRING_WITHIN_DAYS),
            )? as u32,
            inactive_days: in_range(
                "inactiveDays",
                self.inactive_days,
                i64::from(*crate::cleanup::plan::INACTIVE_DAYS_RANGE.start()),
                i64::from(*crate::cleanup::plan::INACTIVE_DAYS_RANGE.end()),
                i64::from(ledger::DEFAULT_INACTIVE_DAYS),
            )? as u32,
            lighthouse: match self.lighthouse {
                None => LighthouseSource::Auto,
                Some(true) => LighthouseSource::On,
                Some(false) => LighthouseSource::Off,
            },
            subscriptions: self
                .subscriptions
                .map(|list| {
                    list.iter()
                        .map(|s| crate::validate::guid("subscriptions", s))
                        .collect::<Result<Vec<_>>>()
                })
                .transpose()?,
            concurrency: in_range(
                "concurrency",
                self.concurrency,
                1,
                ledger::MAX_CONCURRENCY as i64,
                ledger::DEFAULT_CONCURRENCY as i64,
            )? as usize,
        };
        let format = self
            .format
            .as_deref()
            .map(Format::parse)
            .transpose()?
            .unwrap_or_default();
        let path = self
            .output_path
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(PathBuf::from);
        if self.output_path.is_some() && path.is_none() {
            return Err(Error::invalid("outputPath is empty"));
        }
        Ok((req, format, path))
    }
}

/// The ledger's head (no customers) as a JSON object, to add the output's description to.
fn head(l: &ledger::Ledger) -> Result<serde_json::Map<String, Value>> {
    match serde_json::to_value(l.head()) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(Error::internal("the ledger's head is not an object")),
        Err(e) => Err(Error::internal(format!("cannot serialise the ledger: {e}"))),
    }
}

fn done(result: Result<String>) -> Done {
    match result {
        Ok(text) => Done {
            result: Some(text),
            error: None,
            trace: None,
        },
        Err(e) => Done {
            result: None,
            error: Some(e),
            trace: None,
        },
    }
}

/// Validate a ledger request (and its output file) before any request is sent; the returned future builds
/// the ledger and writes it. The result: the whole ledger (JSON, no `outputPath`); or its head plus
/// `output: {format, path?, bytes}` and, without `outputPath`, `content` (the CSV or HTML text). A file that
/// cannot be written gives an `io` error envelope that still carries the head.
pub(crate) fn access_ledger(
    c: Common,
    input: LedgerInput,
    control: Arc<JobControl>,
) -> Result<impl std::future::Future<Output = Done>> {
    let Common { client, opts, .. } = c;
    let (req, format, path) = input.into_parts()?;
    req.validate(&client)?;
    if let Some(p) = &path {
        check_outputs(
            &[OutputFile {
                what: "outputPath",
                path: p,
            }],
            &[],
        )?;
    }
    Ok(async move {
        let built = match ledger::build(&client, &opts, &req, &control).await {
            Ok(l) => l,
            Err(e) => return done(Err(e)),
        };
        if let Some(p) = path {
            control.update(|x| x.phase = "writing".into());
            let written = ledger::output::write_file(&built, format, &p);
            let mut h = match head(&built) {
                Ok(h) => h,
                Err(e) => return done(Err(e)),
            };
            let bytes = written.as_ref().ok().copied();
            h.insert(
                "output".into(),
                json!({ "format": format.name(), "path": p.display().to_string(), "bytes": bytes }),
            );
            let mut d = done(result_json(&Value::Object(h)));
            if let Err(e) = written {
                d.error = Some(Error::new(
                    ErrorKind::Io,
                    format!(
                        "the ledger was built ({} customers), but {}; its summary is in this envelope's result",
                        built.summary.customers, e.message
                    ),
                ));
            }
            control.update(|x| x.phase = "finished".into());
            return d;
        }
        match format {
            Format::Json => done(result_json(&built.full())),
            Format::Csv | Format::Html => {
                let text = match ledger::output::render(&built, format) {
                    Ok(t) => t,
                    Err(e) => return done(Err(e)),
                };
                let mut h = match head(&built) {
                    Ok(h) => h,
                    Err(e) => return done(Err(e)),
                };
                h.insert(
                    "output".into(),
                    json!({ "format": format.name(), "path": null, "bytes": text.len() }),
                );
                h.insert("content".into(), Value::String(text));
                done(result_json(&Value::Object(h)))
            }
        }
    })
}
