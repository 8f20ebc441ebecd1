//! The apply journal: one JSON line per event, appended and flushed as it happens, so that a run killed at
//! any point can be resumed without acting on any customer twice.
//!
//! Lines: `{"type":"header","planId","format","at"}` once; `{"type":"started","customerTenantId","at"}`
//! before each removal is sent; `{"type":"outcome", ...Outcome}` after. A customer whose last outcome is
//! `removed` or `skipped` is done; `failed` ones are tried again on resume; one `started` without an
//! outcome (the process died mid-request) is settled by the recheck against the service.

use super::report::{Outcome, OutcomeKind};
use crate::error::{Error, Result};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use uuid::Uuid;

pub const JOURNAL_FORMAT: u32 = 1;
/// Lines between fsyncs; every line is written through to the OS at once regardless.
const SYNC_EVERY: u32 = 64;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Record {
    #[serde(rename_all = "camelCase")]
    Header {
        plan_id: Uuid,
        format: u32,
        at: DateTime<Utc>,
    },
    #[serde(rename_all = "camelCase")]
    Started {
        customer_tenant_id: String,
        at: DateTime<Utc>,
    },
    Outcome(Box<Outcome>),
}

/// What a journal says about earlier runs.
#[derive(Debug, Default)]
pub struct JournalState {
    /// The last outcome per customer.
    pub outcomes: HashMap<String, Outcome>,
    /// Customers started but with no outcome after (in flight when the run died).
    pub in_flight: HashSet<String>,
    /// Lines that could not be read (a torn last line after a crash).
    pub unreadable_lines: usize,
}

impl JournalState {
    pub fn is_done(&self, customer: &str) -> bool {
        self.outcomes
            .get(customer)
            .is_some_and(|o| o.outcome != OutcomeKind::Failed)
    }
}

#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    file: Mutex<File>,
    unsynced: Mutex<u32>,
}

impl Journal {
    /// Open (creating it) the journal at `path` for `plan_id`, and read what earlier runs recorded. A journal
    /// of another plan is refused.
    pub fn open(path: &Path, plan_id: Uuid) -> Result<(Journal, JournalState)> {
        let io = |what: &str, e: std::io::Error| {
            Error::invalid(format!("journal {}: cannot {what}: {e}", path.display()))
        };
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(path)
            .map_err(|e| io("open", e))?;
        let mut state = JournalState::default();
        let mut header: Option<Uuid> = None;
        let mut ends_with_newline = true;
        {
            let mut reader = BufReader::new(&file);
            let mut line = String::new();
            loop {
                line.clear();
                let n = reader.read_line(&mut line).map_err(|e| io("read", e))?;
                if n == 0 {
                    break;
                }
                ends_with_newline = line.ends_with('\n');
                let text = line.trim();
                if text.is_empty() {
                    continue;
                }
                match serde_json::from_str::<Record>(text) {
                    Ok(Record::Header { plan_id: p, .. }) => header = header.or(Some(p)),
                    Ok(Record::Started {
                        customer_tenant_id, ..
                    }) => {
                        state.in_flight.insert(customer_tenant_id);
                    }
                    Ok(Record::Outcome(o)) => {
                        state.in_flight.remove(&o.customer_tenant_id);
                        state.outcomes.insert(o.customer_tenant_id.clone(), *o);
                    }
                    Err(_) => state.unreadable_lines += 1,
                }
            }
        }
        match header {
            Some(p) if p != plan_id => {
                return Err(Error::invalid(format!(
                    "journal {} belongs to plan {p}, not to plan {plan_id}: use a new journal file for a new plan",
                    path.display()
                )))
            }
            _ => {}
        }
        file.seek(SeekFrom::End(0)).map_err(|e| io("seek", e))?;
        let journal = Journal {
            path: path.to_path_buf(),
            file: Mutex::new(file),
            unsynced: Mutex::new(0),
        };
        if !ends_with_newline {
            // A line torn by a crash must not run into the next one.
            journal.write_raw(b"\n")?;
        }
        if header.is_none() {
            journal.append(&Record::Header {
                plan_id,
                format: JOURNAL_FORMAT,
                at: Utc::now(),
            })?;
        }
        Ok((journal, state))
    }

    fn write_raw(&self, bytes: &[u8]) -> Result<()> {
        let mut f = self.file.lock().unwrap_or_else(|p| p.into_inner());
        f.write_all(bytes).and_then(|_| f.flush()).map_err(|e| {
            Error::internal(format!(
                "journal {}: cannot write: {e}",
                self.path.display()
            ))
        })
    }

    /// Append one record as one line, written through to the OS before returning.
    pub fn append(&self, record: &Record) -> Result<()> {
        let mut line = serde_json::to_vec(record)
            .map_err(|e| Error::internal(format!("journal record: {e}")))?;
        line.push(b'\n');
        self.write_raw(&line)?;
        let mut unsynced = self.unsynced.lock().unwrap_or_else(|p| p.into_inner());
        *unsynced += 1;
        if *unsynced >= SYNC_EVERY {
            *unsynced = 0;
            drop(unsynced);
            self.sync()?;
        }
        Ok(())
    }

    /// fsync: what was appended survives a power loss too.
    pub fn sync(&self) -> Result<()> {
        let f = self.file.lock().unwrap_or_else(|p| p.into_inner());
        f.sync_data().map_err(|e| {
            Error::internal(format!("journal {}: cannot sync: {e}", self.path.display()))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(id: &str, kind: OutcomeKind) -> Record {
        Record::Outcome(Box::new(Outcome {
            customer_tenant_id: id.into(),
            organization_display_name: None,
            outcome: kind,
            stage: crate::cleanup::report::Stage::Apply,
            reason: None,
            error: None,
            correlation_id: None,
            at: Utc::now(),
        }))
    }

    #[test]
    fn resume_state_survives_a_torn_line_and_refuses_another_plan() {
        let dir = std::env::temp_dir().join(format!("da-journal-{}", Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("j.jsonl");
        let plan = Uuid::new_v4();
        {
            let (j, state) = Journal::open(&path, plan).unwrap();
            assert!(state.outcomes.is_empty());
            j.append(&Record::Started {
                customer_tenant_id: "a".into(),
                at: Utc::now(),
            })
            .unwrap();
            j.append(&outcome("a", OutcomeKind::Removed)).unwrap();
            j.append(&Record::Started {
                customer_tenant_id: "b".into(),
                at: Utc::now(),
            })
            .unwrap();
            j.append(&outcome("b", OutcomeKind::Failed)).unwrap();
            j.append(&Record::Started {
                customer_tenant_id: "c".into(),
                at: Utc::now(),
            })
            .unwrap();
        }
        // A crash mid-write leaves half a line.
        std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap()
            .write_all(b"{\"type\":\"outco")
            .unwrap();
        let (j, state) = Journal::open(&path, plan).unwrap();
        assert!(state.is_done("a"));
        assert!(!state.is_done("b"), "failed ones are tried again");
        assert!(state.in_flight.contains("c"));
        assert_eq!(state.unreadable_lines, 1);
        j.append(&outcome("c", OutcomeKind::Removed)).unwrap();
        drop(j);
        let (_, state) = Journal::open(&path, plan).unwrap();
        assert!(
            state.is_done("c"),
            "the record after a torn line is readable"
        );
        let err = Journal::open(&path, Uuid::new_v4()).unwrap_err();
        assert!(err.message.contains("belongs to plan"));
        std::fs::remove_dir_all(dir).unwrap();
    }
}
