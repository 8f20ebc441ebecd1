//! DAP cleanup at partner scale: [`plan`] which customers' DAP relationships to remove and why (never one
//! whose customer has no active GDAP relationship, see [`gdap`]), then [`apply`] the plan on the
//! [`crate::engine`]: bounded concurrency, one shared throttle, a durable journal that makes an interrupted
//! run resume without acting twice, and a report of every customer. Long runs report progress and can be
//! cancelled through a [`JobControl`].

pub mod apply;
pub mod gdap;
pub mod plan;
pub mod target;

pub use crate::engine::{files, journal, progress};
pub use crate::engine::{JobControl, OutcomeKind, Stage};
pub use apply::{apply, ApplyOptions};
pub use gdap::{ActiveGdap, GdapCheck};
pub use plan::{plan, Plan, PlanEntry, PlanRequest, Reason};
pub use target::{DapTarget, Outcome, Report};

/// The report's types under their old path.
pub mod report {
    pub use super::target::{Outcome, Report};
    pub use crate::engine::outcome::UTF8_BOM;
    pub use crate::engine::{Counts, JournalSummary, OutcomeKind, Stage};
}
