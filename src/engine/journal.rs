//! The apply journal: one JSON line per event, appended and flushed as it happens, so that a run killed at
//! any point can be resumed without acting on any customer twice.
//!
//! Lines: `{"type":"header","planId","format","at"}` first; `{"type":"started","planId","customerTenantId",
//! "at"}` before each removal is sent; `{"type":"outcome","planId", ...Outcome}` after. A customer whose
//! last outcome is `removed` or `skipped` is done; `failed` ones are tried again on resume; one `started`
//! without an outcome (the process died mid-request) is settled by the recheck against the service.
//!
//! An exclusive OS lock is held for the whole run on `<journal>.lock` beside it, so two runs (threads or
//! processes) can never work from one journal at once. The lock is on a file of its own so that the journal
//! stays readable while a run goes on (`Get-Content`, `tail -f`): a lock on the journal itself would block
//! readers on Windows, and .NET readers on Linux and macOS too. The lock file is left in place (removing it
//! could let two runs hold locks on two different files). It is read defensively: a torn last line (a crash mid-write, cut
//! anywhere, even inside a UTF-8 character) is ignored and counted; a file without a header, or whose header
//! names another plan or format, is refused; records naming another plan are ignored and counted, so they
//! can never mark a customer of this plan done.

use super::outcome::{Outcome, OutcomeKind, Target};
use crate::error::{Error, ErrorKind, Result};
use chrono::{DateTime, Utc};
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize, Serializer};
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::fs::{File, OpenOptions, TryLockError};
use std::io::{BufRead, BufReader, Seek, SeekFrom, Write};
use std::marker::PhantomData;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use uuid::Uuid;

/// 2: every record carries the plan id.
pub const JOURNAL_FORMAT: u32 = 2;
/// Lines between fsyncs; every line is written through to the OS at once regardless.
const SYNC_EVERY: u32 = 64;

/// One line of a journal. The target's key is written under its [`Target::KEY_FIELD`]
/// (`customerTenantId` for the DAP cleanup).
#[derive(Debug, Clone)]
pub enum Record<T: Target> {
    Header {
        plan_id: Uuid,
        format: u32,
        at: DateTime<Utc>,
    },
    Started {
        plan_id: Uuid,
        key: String,
        at: DateTime<Utc>,
    },
    Outcome {
        plan_id: Uuid,
        outcome: Box<Outcome<T>>,
    },
}

/// An outcome line: its type and plan, then the outcome's own fields.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct OutcomeLine<'a, T: Target> {
    #[serde(rename = "type")]
    kind: &'static str,
    plan_id: Uuid,
    #[serde(flatten)]
    outcome: &'a Outcome<T>,
}

impl<T: Target> Serialize for Record<T> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            Record::Header {
                plan_id,
                format,
                at,
            } => {
                let mut m = s.serialize_map(Some(4))?;
                m.serialize_entry("type", "header")?;
                m.serialize_entry("planId", plan_id)?;
                m.serialize_entry("format", format)?;
                m.serialize_entry("at", at)?;
                m.end()
            }
            Record::Started { plan_id, key, at } => {
                let mut m = s.serialize_map(Some(4))?;
                m.serialize_entry("type", "started")?;
                m.serialize_entry("planId", plan_id)?;
                m.serialize_entry(T::KEY_FIELD, key)?;
                m.serialize_entry("at", at)?;
                m.end()
            }
            Record::Outcome { plan_id, outcome } => OutcomeLine {
                kind: "outcome",
                plan_id: *plan_id,
                outcome,
            }
            .serialize(s),
        }
    }
}

impl<T: Target> Record<T> {
    /// Read one line; `None` when it is not a record this journal can use.
    pub(crate) fn parse(line: &[u8]) -> Option<Record<T>> {
        let mut value: Value = serde_json::from_slice(line).ok()?;
        let plan_id = Uuid::parse_str(value.get("planId")?.as_str()?).ok()?;
        match value.get("type")?.as_str()? {
            "header" => Some(Record::Header {
                plan_id,
                format: u32::try_from(value.get("format")?.as_u64()?).ok()?,
                at: DateTime::deserialize(value.get("at")?).ok()?,
            }),
            "started" => Some(Record::Started {
                plan_id,
                key: value.get(T::KEY_FIELD)?.as_str()?.to_string(),
                at: DateTime::deserialize(value.get("at")?).ok()?,
            }),
            "outcome" => {
                let fields = value.as_object_mut()?;
                fields.remove("type");
                fields.remove("planId");
                let outcome = Outcome::<T>::deserialize(value).ok()?;
                Some(Record::Outcome {
                    plan_id,
                    outcome: Box::new(outcome),
                })
            }
            _ => None,
        }
    }
}

/// What a journal says about earlier runs.
#[derive(Debug)]
pub struct JournalState<T: Target> {
    /// The last outcome per target.
    pub outcomes: HashMap<String, Outcome<T>>,
    /// Targets started but with no outcome after (in flight when the run died).
    pub in_flight: HashSet<String>,
    /// Lines that could not be read (a torn line after a crash), the torn last one included.
    pub unreadable_lines: usize,
    /// The file ended in a torn line (a crash mid-write); it was ignored.
    pub torn_last_line: bool,
    /// Records of another plan, ignored.
    pub foreign_records: usize,
}

impl<T: Target> Default for JournalState<T> {
    fn default() -> JournalState<T> {
        JournalState {
            outcomes: HashMap::new(),
            in_flight: HashSet::new(),
            unreadable_lines: 0,
            torn_last_line: false,
            foreign_records: 0,
        }
    }
}

impl<T: Target> JournalState<T> {
    pub fn is_done(&self, key: &str) -> bool {
        self.outcomes
            .get(key)
            .is_some_and(|o| o.outcome != OutcomeKind::Failed)
    }
}

/// An open journal, locked for this run until it is dropped.
#[derive(Debug)]
pub struct Journal<T: Target> {
    path: PathBuf,
    plan_id: Uuid,
    file: Mutex<File>,
    unsynced: Mutex<u32>,
    /// `<journal>.lock`, locked exclusively until the journal is dropped.
    _lock: File,
    _target: PhantomData<fn() -> T>,
}

/// The lock file of a journal: `<journal>.lock`, beside the file the journal path resolves to (so that a
/// symbolic link and its target share one lock).
pub fn lock_path(journal: &Path) -> PathBuf {
    let resolved = std::fs::canonicalize(journal).unwrap_or_else(|_| journal.to_path_buf());
    let mut name = resolved.file_name().unwrap_or_default().to_os_string();
    name.push(".lock");
    resolved.with_file_name(name)
}

impl<T: Target> Journal<T> {
    /// Open (creating it) and lock the journal at `path` for `plan_id`, and read what earlier runs recorded.
    /// Another run holding it is `conflict`; a journal of another plan or format, or without a header, is
    /// refused (`invalid_request`); nothing has been sent in either case.
    pub fn open(path: &Path, plan_id: Uuid) -> Result<(Journal<T>, JournalState<T>)> {
        let io = |what: &str, e: std::io::Error| {
            Error::invalid(format!("journal {}: cannot {what}: {e}", path.display()))
        };
        super::files::check_output("journalPath", path)?;
        let lock_file = lock_path(path);
        super::files::check_output("the journal's lock file", &lock_file)?;
        let lock = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&lock_file)
            .map_err(|e| io("open its lock file", e))?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                return Err(Error::new(
                    ErrorKind::Conflict,
                    format!(
                        "journal {} is locked by another apply that is still running (in this or another process; lock file {}); nothing was sent. Wait for it to finish, or cancel it, then run again with the same journal to resume",
                        path.display(),
                        lock_file.display()
                    ),
                ))
            }
            Err(TryLockError::Error(e)) => return Err(io("lock", e)),
        }
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(path)
            .map_err(|e| io("open", e))?;
        let (state, header, tail) = read(&file, plan_id)
            .map_err(|why| Error::invalid(format!("journal {}: {why}", path.display())))?;
        match tail {
            Tail::Clean => {}
            Tail::Torn => {
                // A line torn by a crash must not run into the next one.
                file.seek(SeekFrom::End(0)).map_err(|e| io("seek", e))?;
                file.write_all(b"\n").map_err(|e| io("write", e))?;
            }
            Tail::OnlyATornFragment => {
                // The very first header write was cut: nothing was ever recorded, let alone sent.
                file.set_len(0).map_err(|e| io("truncate", e))?;
            }
        }
        file.seek(SeekFrom::End(0)).map_err(|e| io("seek", e))?;
        let journal = Journal {
            path: path.to_path_buf(),
            plan_id,
            file: Mutex::new(file),
            unsynced: Mutex::new(0),
            _lock: lock,
            _target: PhantomData,
        };
        if !header {
            journal.append(&Record::Header {
                plan_id,
                format: JOURNAL_FORMAT,
                at: Utc::now(),
            })?;
        }
        Ok((journal, state))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn plan_id(&self) -> Uuid {
        self.plan_id
    }

    fn write_raw(&self, bytes: &[u8]) -> Result<()> {
        let mut f = self.file.lock().unwrap_or_else(|p| p.into_inner());
        f.write_all(bytes).and_then(|_| f.flush()).map_err(|e| {
            Error::new(
                ErrorKind::Io,
                format!("journal {}: cannot write: {e}", self.path.display()),
            )
        })
    }

    /// Append one record as one line, written through to the OS before returning.
    pub fn append(&self, record: &Record<T>) -> Result<()> {
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

    /// Record that the action on `key` is about to be sent.
    pub fn started(&self, key: &str) -> Result<()> {
        self.append(&Record::Started {
            plan_id: self.plan_id,
            key: key.to_string(),
            at: Utc::now(),
        })
    }

    /// Record how a target ended.
    pub fn outcome(&self, outcome: &Outcome<T>) -> Result<()> {
        self.append(&Record::Outcome {
            plan_id: self.plan_id,
            outcome: Box::new(outcome.clone()),
        })
    }

    /// fsync: what was appended survives a power loss too.
    pub fn sync(&self) -> Result<()> {
        let f = self.file.lock().unwrap_or_else(|p| p.into_inner());
        f.sync_data().map_err(|e| {
            Error::new(
                ErrorKind::Io,
                format!("journal {}: cannot sync: {e}", self.path.display()),
            )
        })
    }
}

/// How a journal file ends.
enum Tail {
    Clean,
    /// The last line has no newline: a crash cut it.
    Torn,
    /// The file holds nothing but a fragment of its first line.
    OnlyATornFragment,
}

/// Read a journal: the state it records, whether it has its header, and how it ends. Lines are read as
/// bytes, so a line cut inside a UTF-8 character is just an unreadable line.
#[allow(clippy::type_complexity)]
fn read<T: Target>(
    file: &File,
    plan_id: Uuid,
) -> std::result::Result<(JournalState<T>, bool, Tail), String> {
    let mut state = JournalState::default();
    let mut reader = BufReader::new(file);
    let mut line = Vec::new();
    let mut header: Option<(Uuid, u32)> = None;
    let mut complete_lines = 0usize;
    let mut tail = Tail::Clean;
    loop {
        line.clear();
        let n = reader
            .read_until(b'\n', &mut line)
            .map_err(|e| format!("cannot read: {e}"))?;
        if n == 0 {
            break;
        }
        let torn = line.last() != Some(&b'\n');
        if torn {
            // Only the last line can lack its newline.
            state.unreadable_lines += 1;
            state.torn_last_line = true;
            tail = if complete_lines == 0 {
                Tail::OnlyATornFragment
            } else {
                Tail::Torn
            };
            break;
        }
        complete_lines += 1;
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let record = Record::<T>::parse(&line).ok_or(());
        let Some((journal_plan, _)) = header else {
            // The first line of a journal is its header.
            let Ok(Record::Header {
                plan_id: p, format, ..
            }) = record
            else {
                return Err(
                    "does not start with a journal header: it is not a journal of this tool, or it was damaged; use a new journal file"
                        .to_string(),
                );
            };
            if format != JOURNAL_FORMAT {
                return Err(format!(
                    "journal format {format} is not supported (expected {JOURNAL_FORMAT}); finish it with the version that wrote it, or use a new journal file"
                ));
            }
            if p != plan_id {
                return Err(format!(
                    "belongs to plan {p}, not to plan {plan_id}: use a new journal file for a new plan"
                ));
            }
            header = Some((p, format));
            continue;
        };
        match record {
            Ok(Record::Header { plan_id: p, .. }) if p == journal_plan => {}
            Ok(Record::Header { .. }) => state.foreign_records += 1,
            Ok(Record::Started {
                plan_id: p, key, ..
            }) => {
                if p == journal_plan {
                    state.in_flight.insert(key);
                } else {
                    state.foreign_records += 1;
                }
            }
            Ok(Record::Outcome {
                plan_id: p,
                outcome,
            }) => {
                if p == journal_plan {
                    state.in_flight.remove(outcome.key());
                    state.outcomes.insert(outcome.key().to_string(), *outcome);
                } else {
                    state.foreign_records += 1;
                }
            }
            Err(_) => state.unreadable_lines += 1,
        }
    }
    Ok((state, header.is_some(), tail))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct DapTarget {
        customer_tenant_id: String,
        #[serde(default)]
        organization_display_name: Option<String>,
    }

    impl Target for DapTarget {
        const KEY_FIELD: &'static str = "customerTenantId";
        const DONE: &'static str = "removed";
        const DONE_COUNT: &'static str = "removed";
        const CSV_COLUMNS: &'static [&'static str] = &["customerTenantId"];
        fn key(&self) -> &str {
            &self.customer_tenant_id
        }
        fn display_name(&self) -> Option<&str> {
            None
        }
        fn customer_tenant_id(&self) -> Option<&str> {
            Some(&self.customer_tenant_id)
        }
        fn csv_cells(&self) -> Vec<String> {
            vec![self.customer_tenant_id.clone()]
        }
    }

    type Journal = super::Journal<DapTarget>;
    type Record = super::Record<DapTarget>;

    fn outcome(id: &str, kind: OutcomeKind) -> Outcome<DapTarget> {
        Outcome {
            target: DapTarget {
                customer_tenant_id: id.into(),
                organization_display_name: None,
            },
            outcome: kind,
            stage: crate::engine::Stage::Apply,
            reason: None,
            reason_code: None,
            error: None,
            correlation_id: None,
            at: Utc::now(),
        }
    }

    fn temp(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("da-journal-{}", Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        dir.join(name)
    }

    #[test]
    fn resume_state_survives_a_torn_line_and_refuses_another_plan() {
        let path = temp("j.jsonl");
        let plan = Uuid::new_v4();
        {
            let (j, state) = Journal::open(&path, plan).unwrap();
            assert!(state.outcomes.is_empty());
            j.started("a").unwrap();
            j.outcome(&outcome("a", OutcomeKind::Done)).unwrap();
            j.started("b").unwrap();
            j.outcome(&outcome("b", OutcomeKind::Failed)).unwrap();
            j.started("c").unwrap();
        }
        // A crash mid-write leaves half a line, here cut inside a two-byte UTF-8 character.
        let torn = "{\"type\":\"outcome\",\"organizationDisplayName\":\"Caf\u{e9}";
        let bytes = &torn.as_bytes()[..torn.len() - 1];
        std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap()
            .write_all(bytes)
            .unwrap();
        let (j, state) = Journal::open(&path, plan).unwrap();
        assert!(state.is_done("a"));
        assert!(!state.is_done("b"), "failed ones are tried again");
        assert!(state.in_flight.contains("c"));
        assert_eq!(state.unreadable_lines, 1);
        assert!(state.torn_last_line);
        j.outcome(&outcome("c", OutcomeKind::Done)).unwrap();
        drop(j);
        let (_, state) = Journal::open(&path, plan).unwrap();
        assert!(
            state.is_done("c"),
            "the record after a torn line is readable"
        );
        assert!(!state.torn_last_line);
        let err = Journal::open(&path, Uuid::new_v4()).unwrap_err();
        assert!(err.message.contains("belongs to plan"));
    }

    #[test]
    fn a_locked_journal_is_a_conflict_and_records_of_another_plan_count_for_nothing() {
        let path = temp("j.jsonl");
        let plan = Uuid::new_v4();
        let (held, _) = Journal::open(&path, plan).unwrap();
        let err = Journal::open(&path, plan).unwrap_err();
        assert_eq!(err.kind, ErrorKind::Conflict, "{err:?}");
        assert!(err.message.contains("locked"), "{}", err.message);
        // A record of another plan, appended by hand.
        let foreign = Record::Outcome {
            plan_id: Uuid::new_v4(),
            outcome: Box::new(outcome("x", OutcomeKind::Done)),
        };
        held.append(&foreign).unwrap();
        drop(held);
        let (_, state) = Journal::open(&path, plan).unwrap();
        assert!(!state.is_done("x"));
        assert_eq!(state.foreign_records, 1);
    }

    #[test]
    fn a_file_without_a_header_is_refused_but_a_torn_first_header_is_a_new_journal() {
        let path = temp("j.jsonl");
        std::fs::write(&path, b"{\"type\":\"started\"}\n").unwrap();
        let err = Journal::open(&path, Uuid::new_v4()).unwrap_err();
        assert!(err.message.contains("header"), "{}", err.message);
        std::fs::write(&path, b"{\"type\":\"head").unwrap();
        let plan = Uuid::new_v4();
        let (_, state) = Journal::open(&path, plan).unwrap();
        assert!(state.torn_last_line);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with("{\"type\":\"header\""), "{text}");
    }
}
