//! The plan file of the engine's actions other than the DAP cleanup (whose plan keeps its own format):
//! the action's name and criteria, then every target found, as a candidate with the decision and its reason,
//! or kept with its reason. A person may edit it: apply trusts only the candidates' keys and the criteria,
//! both checked, and judges every candidate again against the live service.

use crate::engine::{Batch, Outcome, OutcomeKind, Stage, Target};
use crate::error::{Error, Result};
use chrono::{DateTime, Duration, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

pub const ACTION_PLAN_FORMAT: u32 = 1;
/// How far a date in a plan may lie ahead of this machine's clock.
pub const CLOCK_SKEW: Duration = Duration::minutes(5);

/// One target of a plan: the target's fields, and why it is a candidate (the decision's reason) or kept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", bound(deserialize = "T: Target"))]
pub struct Planned<T: Target> {
    #[serde(flatten)]
    pub target: T,
    /// A code: why it is a candidate, or why it is kept.
    pub reason: String,
    /// The reason in words, with the dates and names that decided it.
    pub detail: String,
}

/// A part of the world the planner could not read (a subscription whose assignments could not be listed):
/// its targets are in neither list, and the plan says so.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Problem {
    pub scope: String,
    pub error: Error,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub targets: u64,
    pub candidates: u64,
    pub kept: u64,
    /// Targets per reason code, candidates' and kept ones'.
    pub by_reason: BTreeMap<String, u64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(
    rename_all = "camelCase",
    bound(deserialize = "T: Target, C: DeserializeOwned")
)]
pub struct ActionPlan<T: Target, C> {
    pub format: u32,
    /// `gdapLifecycle`, `removeLighthouseAssignment`.
    pub action: String,
    pub plan_id: Uuid,
    pub created_at: DateTime<Utc>,
    pub criteria: C,
    pub summary: Summary,
    #[serde(default)]
    pub problems: Vec<Problem>,
    pub candidates: Vec<Planned<T>>,
    pub kept: Vec<Planned<T>>,
}

impl<T: Target, C> ActionPlan<T, C> {
    pub fn new(action: &str, criteria: C) -> ActionPlan<T, C> {
        ActionPlan {
            format: ACTION_PLAN_FORMAT,
            action: action.to_string(),
            plan_id: Uuid::new_v4(),
            created_at: Utc::now(),
            criteria,
            summary: Summary::default(),
            problems: Vec::new(),
            candidates: Vec::new(),
            kept: Vec::new(),
        }
    }

    /// Add one target: a candidate when `candidate`, else kept.
    pub fn push(&mut self, candidate: bool, entry: Planned<T>) {
        self.summary.targets += 1;
        *self
            .summary
            .by_reason
            .entry(entry.reason.clone())
            .or_insert(0) += 1;
        if candidate {
            self.summary.candidates += 1;
            self.candidates.push(entry);
        } else {
            self.summary.kept += 1;
            self.kept.push(entry);
        }
    }

    /// The checks every action's plan gets before apply sends anything: the format, the action, a
    /// creation date not in the future.
    pub fn check_common(&self, action: &str) -> Result<()> {
        if self.format != ACTION_PLAN_FORMAT {
            return Err(Error::invalid(format!(
                "plan format {} is not supported (expected {ACTION_PLAN_FORMAT})",
                self.format
            )));
        }
        if self.action != action {
            return Err(Error::invalid(format!(
                "the plan is for action `{}`, not `{action}`",
                crate::validate::printable(&self.action)
            )));
        }
        if self.created_at > Utc::now() + CLOCK_SKEW {
            return Err(Error::invalid(format!(
                "the plan's createdAt {} is in the future",
                self.created_at
            )));
        }
        Ok(())
    }

    /// The engine's batch: the candidates in order, and the kept targets as outcomes of the plan stage.
    pub fn into_batch(self) -> Batch<T> {
        let at = Utc::now();
        Batch {
            plan_id: self.plan_id,
            candidates: self.candidates.into_iter().map(|p| p.target).collect(),
            kept: self
                .kept
                .into_iter()
                .map(|p| Outcome {
                    at,
                    ..Outcome::new(
                        p.target,
                        OutcomeKind::Skipped,
                        Stage::Plan,
                        Some(&p.reason),
                        format!("kept by the plan: {}", p.detail),
                    )
                })
                .collect(),
        }
    }
}
