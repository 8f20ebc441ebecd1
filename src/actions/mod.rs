//! The engine's actions besides the DAP cleanup ([`crate::cleanup`], the `removeDap` action): the GDAP
//! lifecycle and the removal of Azure Lighthouse assignments at scale, each with its planner and its
//! [`crate::engine::Action`], and the plan file they share.

pub mod gdap_lifecycle;
pub mod lighthouse_removal;
pub mod plan_file;

use crate::error::{Error, Result};

/// The actions `da_plan` and `da_apply` know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionName {
    RemoveDap,
    GdapLifecycle,
    RemoveLighthouseAssignment,
}

impl ActionName {
    pub const ALL: [&'static str; 3] = ["removeDap", "gdapLifecycle", "removeLighthouseAssignment"];

    /// The names, and the DAP cleanup's older ones as aliases (`dapCleanup`, `planDapCleanup`).
    pub fn parse(text: &str) -> Result<ActionName> {
        match text {
            "removeDap" | "dapCleanup" | "planDapCleanup" | "applyDapCleanup" => {
                Ok(ActionName::RemoveDap)
            }
            "gdapLifecycle" => Ok(ActionName::GdapLifecycle),
            "removeLighthouseAssignment" | "removeLighthouseAssignments" => {
                Ok(ActionName::RemoveLighthouseAssignment)
            }
            other => Err(Error::invalid(format!(
                "action `{}` is not one of {}",
                crate::validate::printable(other),
                Self::ALL.join(", ")
            ))),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ActionName::RemoveDap => "removeDap",
            ActionName::GdapLifecycle => "gdapLifecycle",
            ActionName::RemoveLighthouseAssignment => "removeLighthouseAssignment",
        }
    }
}
