//! DAP cleanup at partner scale: [`plan`] which customers' DAP relationships to remove and why (never one
//! whose customer has no active GDAP relationship, see [`gdap`]), then
//! [`apply`] the plan with bounded concurrency, one shared throttle, a durable [`journal`] that makes an
//! interrupted run resume without acting twice, and a [`report`] of every customer.
//! Long runs report [`progress`] and can be cancelled through a [`progress::JobControl`].

pub mod apply;
pub mod files;
pub mod gdap;
pub mod journal;
pub mod plan;
pub mod progress;
pub mod report;

pub use apply::{apply, ApplyOptions};
pub use gdap::{ActiveGdap, GdapCheck};
pub use plan::{plan, Plan, PlanEntry, PlanRequest, Reason};
pub use progress::JobControl;
pub use report::{Outcome, OutcomeKind, Report};
