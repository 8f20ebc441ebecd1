//! The plan/apply engine every bulk change runs on: an [`run::Action`] says how to judge its targets again
//! against the live service and how to act on one; the engine does the rest once for all of them: bounded
//! concurrency, one shared throttle (a pace or a token bucket, and a gate after a 429), an exclusive,
//! durable [`journal`] that lets a killed run resume without acting twice, cancel, [`progress`] for jobs,
//! and a [`outcome::Report`] of every target in JSON and CSV.
//!
//! The actions: the DAP cleanup ([`crate::cleanup`]), the GDAP lifecycle and the removal of Azure
//! Lighthouse assignments ([`crate::actions`]).

pub mod files;
pub mod journal;
pub mod outcome;
pub mod progress;
pub mod run;

pub use outcome::{Counts, JournalSummary, Outcome, OutcomeKind, Report, Stage, Target};
pub use progress::JobControl;
pub use run::{reason_codes, run, Acted, Action, Batch, Context, RunOptions, Verdict};
