//! What happened to every target of a plan (a customer's DAP relationship, a GDAP relationship, a Lighthouse
//! assignment), as JSON and CSV. The target's own fields come first in each outcome (see [`Target`]), so the
//! DAP cleanup's report and journal keep the shape they always had.

use crate::error::Error;
use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt::Debug;
use uuid::Uuid;

/// What an action acts on, as its outcomes, journal and report name it.
pub trait Target:
    Clone + Debug + PartialEq + Serialize + DeserializeOwned + Send + Sync + 'static
{
    /// The JSON field holding [`Target::key`] (the journal's `started` records use it).
    const KEY_FIELD: &'static str;
    /// The outcome word for a target acted on: `removed`, `terminated`, `changed`.
    const DONE: &'static str;
    /// The field of the report's counts for those: `removed`, `done`.
    const DONE_COUNT: &'static str;
    /// CSV columns of the target's own fields, before the outcome's.
    const CSV_COLUMNS: &'static [&'static str];
    /// Unique within a plan: the journal's key.
    fn key(&self) -> &str;
    /// A name for people (events, progress), if any.
    fn display_name(&self) -> Option<&str>;
    /// The customer tenant this target belongs to, if known (events carry it).
    fn customer_tenant_id(&self) -> Option<&str>;
    /// The CSV cells of [`Target::CSV_COLUMNS`].
    fn csv_cells(&self) -> Vec<String>;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OutcomeKind {
    /// Acted on: serialized as the target's [`Target::DONE`] word (`removed` for the DAP cleanup).
    Done,
    Failed,
    Skipped,
}

impl OutcomeKind {
    pub fn word<T: Target>(self) -> &'static str {
        match self {
            OutcomeKind::Done => T::DONE,
            OutcomeKind::Failed => "failed",
            OutcomeKind::Skipped => "skipped",
        }
    }

    /// `failed`, `skipped`, or any action's done word (`removed`, `done`, `changed`, `terminated`).
    pub fn parse(word: &str) -> OutcomeKind {
        match word {
            "failed" => OutcomeKind::Failed,
            "skipped" => OutcomeKind::Skipped,
            _ => OutcomeKind::Done,
        }
    }
}

fn serialize_kind<T: Target, S: Serializer>(
    kind: &OutcomeKind,
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_str(kind.word::<T>())
}

fn deserialize_kind<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<OutcomeKind, D::Error> {
    let word = String::deserialize(d)?;
    match word.as_str() {
        "failed" | "skipped" | "removed" | "done" | "changed" | "terminated" => {
            Ok(OutcomeKind::parse(&word))
        }
        other => Err(serde::de::Error::custom(format!(
            "unknown outcome `{other}`"
        ))),
    }
}

/// Where an outcome was decided: kept by the plan, or settled by applying it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Plan,
    Apply,
}

/// The end of one target: done, failed (with the error) or skipped (with the reason).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", bound(deserialize = "T: Target"))]
pub struct Outcome<T: Target> {
    #[serde(flatten)]
    pub target: T,
    #[serde(
        serialize_with = "serialize_kind::<T, _>",
        deserialize_with = "deserialize_kind"
    )]
    pub outcome: OutcomeKind,
    pub stage: Stage,
    /// Why it was skipped (or how it was settled, or what was done), in words.
    #[serde(default)]
    pub reason: Option<String>,
    /// The same as a code to branch on: a plan reason when the plan or the recheck kept the target (for the
    /// DAP cleanup `recent_sign_in`, `unreadable_date`, `excluded`, `no_active_gdap`, ...), else
    /// `removed_by_interrupted_run`, `already_done`, `not_attempted`, `cancelled_in_flight`; for a target
    /// acted on, the action's decision where it has several (`enable_auto_extend`, ...), else `null`.
    #[serde(default)]
    pub reason_code: Option<String>,
    #[serde(default)]
    pub error: Option<Box<Error>>,
    #[serde(default)]
    pub correlation_id: Option<Uuid>,
    pub at: DateTime<Utc>,
}

impl<T: Target> Outcome<T> {
    pub fn new(
        target: T,
        kind: OutcomeKind,
        stage: Stage,
        code: Option<&str>,
        reason: impl Into<String>,
    ) -> Outcome<T> {
        Outcome {
            target,
            outcome: kind,
            stage,
            reason: Some(reason.into()),
            reason_code: code.map(str::to_string),
            error: None,
            correlation_id: None,
            at: Utc::now(),
        }
    }

    pub fn key(&self) -> &str {
        self.target.key()
    }
}

/// The report's counts; `done` is written under the target's [`Target::DONE_COUNT`] name (`removed` for
/// the DAP cleanup).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Counts {
    /// Every target of the plan: done + failed + skipped.
    #[serde(alias = "customers")]
    pub targets: u64,
    /// The plan's candidates: done + failed + skippedCandidates.
    pub candidates: u64,
    #[serde(alias = "removed")]
    pub done: u64,
    pub failed: u64,
    /// Every skipped target: the plan's kept ones and skipped candidates.
    pub skipped: u64,
    pub skipped_candidates: u64,
    /// Candidates settled by an earlier run recorded in the journal.
    pub from_journal: u64,
}

/// The counts as JSON, with the field names of the target kind.
struct CountsOf<'a, T>(&'a Counts, std::marker::PhantomData<T>);

impl<T: Target> Serialize for CountsOf<'_, T> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let c = self.0;
        let mut m = s.serialize_map(Some(7))?;
        // The DAP cleanup's reports always called them customers.
        m.serialize_entry(
            if T::KEY_FIELD == "customerTenantId" {
                "customers"
            } else {
                "targets"
            },
            &c.targets,
        )?;
        m.serialize_entry("candidates", &c.candidates)?;
        m.serialize_entry(T::DONE_COUNT, &c.done)?;
        m.serialize_entry("failed", &c.failed)?;
        m.serialize_entry("skipped", &c.skipped)?;
        m.serialize_entry("skippedCandidates", &c.skipped_candidates)?;
        m.serialize_entry("fromJournal", &c.from_journal)?;
        m.end()
    }
}

fn serialize_counts<T: Target, S: Serializer>(
    c: &Counts,
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    CountsOf::<T>(c, std::marker::PhantomData).serialize(s)
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
    /// Records naming another plan (ignored: they never mark a target of this plan done).
    pub foreign_records: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", bound(deserialize = "T: Target"))]
pub struct Report<T: Target> {
    /// The action applied (absent for the DAP cleanup's own report, which never had it).
    #[serde(skip_serializing_if = "Option::is_none", skip_deserializing)]
    pub action: Option<&'static str>,
    pub plan_id: Uuid,
    pub started_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
    /// The run was cancelled (or stopped on a failure every request would share) before every candidate was tried.
    pub stopped_early: bool,
    #[serde(default)]
    pub stop_reason: Option<String>,
    #[serde(serialize_with = "serialize_counts::<T, _>")]
    pub counts: Counts,
    /// Requests sent by this run (actions and the recheck's reads), and 429 pauses.
    pub requests: u64,
    pub throttle_pauses: u64,
    /// The journal this run used, and what it ignored when reading it.
    #[serde(default)]
    pub journal: Option<JournalSummary>,
    pub outcomes: Vec<Outcome<T>>,
}

/// The outcome's own CSV columns, after the target's.
const OUTCOME_COLUMNS: [&str; 10] = [
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

impl<T: Target> Report<T> {
    /// RFC 4180 CSV, one row per target. Text that a spreadsheet would run as a formula (starting with
    /// `=`, `+`, `-`, `@`, tab or CR) is prefixed with `'`.
    pub fn to_csv(&self) -> String {
        let mut out = Vec::new();
        self.write_csv_to(&mut out)
            .expect("writing to a Vec cannot fail");
        String::from_utf8(out).expect("CSV of UTF-8 strings is UTF-8")
    }

    /// Stream the CSV to `out`, one row at a time.
    pub fn write_csv_to(&self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        let header: Vec<&str> = T::CSV_COLUMNS
            .iter()
            .chain(OUTCOME_COLUMNS.iter())
            .copied()
            .collect();
        out.write_all(header.join(",").as_bytes())?;
        out.write_all(b"\r\n")?;
        for o in &self.outcomes {
            let e = o.error.as_ref();
            let mut row = o.target.csv_cells();
            row.extend([
                o.outcome.word::<T>().to_string(),
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
            ]);
            let cells: Vec<String> = row.iter().map(|c| csv_cell(c)).collect();
            out.write_all(cells.join(",").as_bytes())?;
            out.write_all(b"\r\n")?;
        }
        Ok(())
    }

    /// Write the report as pretty JSON to `path`, atomically.
    pub fn write_json(&self, path: &std::path::Path) -> crate::error::Result<()> {
        super::files::write_json_file("reportPath", path, self)
    }

    /// The CSV file starts with a UTF-8 byte order mark: without it Excel reads the file in the machine's
    /// ANSI code page and garbles non-ASCII names (`São Paulo` as `SÃ£o Paulo`).
    pub fn write_csv(&self, path: &std::path::Path) -> crate::error::Result<()> {
        super::files::write_file_atomically("reportCsvPath", path, |out| {
            out.write_all(UTF8_BOM)?;
            self.write_csv_to(out)
        })
    }
}

/// One CSV cell: formulas defused with a leading `'`, quoted per RFC 4180 where needed.
pub fn csv_cell(text: &str) -> String {
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
