//! Azure Lighthouse at scale (`removeLighthouseAssignment`): list the registration assignments of many
//! subscriptions (a given list, or every subscription the credential sees through ARM `GET /subscriptions`),
//! keep those whose definition is managed by the given tenants (or is one of the given definitions), and
//! remove them on the engine, with ARM's documented write limits kept: deletes take tokens from a bucket of
//! 200 refilled at 10 a second (reads do not), and a 429 pauses every worker.

use super::plan_file::{ActionPlan, Planned, Problem};
use crate::client::Client;
use crate::engine::{
    reason_codes, Acted, Action, Context, JobControl, OutcomeKind, Target, Verdict,
};
use crate::error::{Error, Result};
use crate::lighthouse::{self, AssignmentId, RegistrationAssignment, RemoveStatus, Scope};
use crate::options::CallOptions;
use crate::secret::Secret;
use futures_util::stream::{self, StreamExt};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap, HashSet};
use uuid::Uuid;

pub const NAME: &str = "removeLighthouseAssignment";
/// ARM's documented delete bucket: 200 deletes, refilled at 10 a second.
pub const DEFAULT_DELETE_BUCKET: u32 = 200;
pub const DEFAULT_DELETE_REFILL_PER_SECOND: f64 = 10.0;
/// Subscriptions listed at once.
const LISTINGS_IN_FLIGHT: usize = 8;

/// One registration assignment of a plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LighthouseTarget {
    /// `/subscriptions/{id}/providers/Microsoft.ManagedServices/registrationAssignments/{name}`.
    pub assignment_id: String,
    #[serde(default)]
    pub subscription_id: Option<String>,
    #[serde(default)]
    pub registration_definition_id: Option<String>,
    #[serde(default)]
    pub registration_definition_name: Option<String>,
    #[serde(default)]
    pub managed_by_tenant_id: Option<String>,
    #[serde(default)]
    pub managed_by_tenant_name: Option<String>,
}

impl Target for LighthouseTarget {
    const KEY_FIELD: &'static str = "assignmentId";
    const DONE: &'static str = "removed";
    const DONE_COUNT: &'static str = "removed";
    const CSV_COLUMNS: &'static [&'static str] = &[
        "assignmentId",
        "subscriptionId",
        "registrationDefinitionId",
        "registrationDefinitionName",
        "managedByTenantId",
        "managedByTenantName",
    ];

    fn key(&self) -> &str {
        &self.assignment_id
    }

    fn display_name(&self) -> Option<&str> {
        self.registration_definition_name.as_deref()
    }

    fn customer_tenant_id(&self) -> Option<&str> {
        None
    }

    fn csv_cells(&self) -> Vec<String> {
        let o = |v: &Option<String>| v.clone().unwrap_or_default();
        vec![
            self.assignment_id.clone(),
            o(&self.subscription_id),
            o(&self.registration_definition_id),
            o(&self.registration_definition_name),
            o(&self.managed_by_tenant_id),
            o(&self.managed_by_tenant_name),
        ]
    }
}

/// What to plan for. At least one filter: removing every delegation the credential can see is never a
/// default.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Criteria {
    /// The subscriptions to look in; `None`: every subscription the credential sees.
    #[serde(default)]
    pub subscriptions: Option<Vec<Uuid>>,
    /// Remove assignments whose definition is managed by one of these tenants.
    #[serde(default)]
    pub managed_by_tenant_ids: Vec<Uuid>,
    /// Remove assignments of these registration definitions (their GUID name, or full id).
    #[serde(default)]
    pub registration_definition_ids: Vec<String>,
}

impl Criteria {
    pub fn check(&self) -> Result<()> {
        if self.managed_by_tenant_ids.is_empty() && self.registration_definition_ids.is_empty() {
            return Err(Error::invalid(
                "give managedByTenantIds or registrationDefinitionIds: removing every Lighthouse delegation the credential can see is never a default",
            ));
        }
        for d in &self.registration_definition_ids {
            definition_name(d).ok_or_else(|| {
                Error::invalid(format!(
                    "registrationDefinitionIds: `{}` is neither a GUID nor an id ending in /registrationDefinitions/{{guid}}",
                    crate::validate::printable(d)
                ))
            })?;
        }
        if self.subscriptions.as_ref().is_some_and(Vec::is_empty) {
            return Err(Error::invalid(
                "subscriptions is empty: leave it out to look in every subscription the credential sees",
            ));
        }
        Ok(())
    }

    /// Why an assignment is a candidate (`Ok`) or kept (`Err`), as a code and in words.
    fn classify(
        &self,
        t: &LighthouseTarget,
    ) -> std::result::Result<String, (&'static str, String)> {
        let tenant = t
            .managed_by_tenant_id
            .as_deref()
            .and_then(|m| Uuid::try_parse(m.trim()).ok());
        let definition = t
            .registration_definition_id
            .as_deref()
            .and_then(definition_name);
        let by_tenant = tenant.is_some_and(|m| self.managed_by_tenant_ids.contains(&m));
        let by_definition = definition.is_some_and(|d| {
            self.registration_definition_ids
                .iter()
                .filter_map(|x| definition_name(x))
                .any(|x| x == d)
        });
        if by_tenant || by_definition {
            let mut why = Vec::new();
            if by_tenant {
                why.push(format!(
                    "managed by tenant {}",
                    t.managed_by_tenant_id.as_deref().unwrap_or_default()
                ));
            }
            if by_definition {
                why.push(format!(
                    "of definition {}",
                    t.registration_definition_name
                        .as_deref()
                        .or(t.registration_definition_id.as_deref())
                        .unwrap_or_default()
                ));
            }
            return Ok(why.join(", "));
        }
        if !self.managed_by_tenant_ids.is_empty() && tenant.is_none() {
            return Err((
                "managing_tenant_unknown",
                "the assignment's definition names no readable managing tenant".into(),
            ));
        }
        if !self.managed_by_tenant_ids.is_empty() {
            return Err((
                "other_managing_tenant",
                format!(
                    "managed by tenant {}, not one of the given ones",
                    t.managed_by_tenant_id.as_deref().unwrap_or_default()
                ),
            ));
        }
        Err((
            "other_definition",
            "not one of the given registration definitions".into(),
        ))
    }
}

/// The GUID name of a registration definition, from its name or its full id.
fn definition_name(text: &str) -> Option<Uuid> {
    let last = text.trim().trim_end_matches('/').rsplit('/').next()?;
    Uuid::try_parse(last).ok()
}

fn target_of(a: &RegistrationAssignment, subscription: Uuid) -> LighthouseTarget {
    let def = a.properties.registration_definition.as_ref();
    let prop = |name: &str| -> Option<String> {
        def.and_then(|d| d.get("properties"))
            .and_then(|p| p.get(name))
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    LighthouseTarget {
        assignment_id: a.id.clone().unwrap_or_default(),
        subscription_id: Some(subscription.to_string()),
        registration_definition_id: a.properties.registration_definition_id.clone(),
        registration_definition_name: prop("registrationDefinitionName"),
        managed_by_tenant_id: prop("managedByTenantId"),
        managed_by_tenant_name: prop("managedByTenantName"),
    }
}

pub type LighthouseRemovalPlan = ActionPlan<LighthouseTarget, Criteria>;

/// The assignments of each subscription, listed `LISTINGS_IN_FLIGHT` at a time, in the order given.
async fn list_each(
    client: &Client,
    opts: &CallOptions,
    subscriptions: &[Uuid],
    counted: &(dyn Fn() + Sync),
) -> Vec<(Uuid, Result<Vec<RegistrationAssignment>>)> {
    let mut found: Vec<(usize, Uuid, Result<Vec<RegistrationAssignment>>)> =
        stream::iter(subscriptions.iter().copied().enumerate())
            .map(|(i, s)| async move {
                counted();
                let scope = Scope {
                    subscription_id: s,
                    resource_group: None,
                };
                (
                    i,
                    s,
                    lighthouse::list_assignments(client, opts, &scope, true, None).await,
                )
            })
            .buffer_unordered(LISTINGS_IN_FLIGHT)
            .collect()
            .await;
    found.sort_by_key(|(i, _, _)| *i);
    found.into_iter().map(|(_, s, r)| (s, r)).collect()
}

/// Plan the removal: list the subscriptions (unless given), then each one's assignments with their
/// definitions. A subscription whose assignments cannot be listed is a problem of the plan, not a failure.
pub async fn plan(
    client: &Client,
    opts: &CallOptions,
    criteria: Criteria,
    control: &JobControl,
) -> Result<LighthouseRemovalPlan> {
    criteria.check()?;
    client.require_credential()?;
    control.update(|p| p.phase = "listingSubscriptions".into());
    let subscriptions: Vec<Uuid> = match &criteria.subscriptions {
        Some(s) => s.clone(),
        None => crate::subscriptions::list_subscriptions(client, opts)
            .await?
            .iter()
            .filter_map(|s| s.id())
            .collect(),
    };
    control.update(|p| {
        p.phase = "listingAssignments".into();
        p.total = subscriptions.len() as u64;
    });
    let listed = list_each(client, opts, &subscriptions, &|| {
        control.update(|p| p.done += 1)
    })
    .await;
    let mut plan = ActionPlan::new(NAME, criteria);
    let mut seen = HashSet::new();
    for (subscription, found) in listed {
        match found {
            Ok(assignments) => {
                for a in &assignments {
                    let t = target_of(a, subscription);
                    if AssignmentId::parse(&t.assignment_id).is_err()
                        || !seen.insert(t.assignment_id.to_ascii_lowercase())
                    {
                        plan.push(
                            false,
                            Planned {
                                reason: "invalid_id".into(),
                                detail: "the assignment has no usable id (or one listed twice)"
                                    .into(),
                                target: t,
                            },
                        );
                        continue;
                    }
                    match plan.criteria.classify(&t) {
                        Ok(why) => plan.push(
                            true,
                            Planned {
                                target: t,
                                reason: "matches_filter".into(),
                                detail: why,
                            },
                        ),
                        Err((code, why)) => plan.push(
                            false,
                            Planned {
                                target: t,
                                reason: code.into(),
                                detail: why,
                            },
                        ),
                    }
                }
            }
            Err(error) => {
                control.event(
                    format!(
                        "subscription {subscription}: the assignments could not be listed ({})",
                        error.kind
                    ),
                    None,
                    None,
                );
                plan.problems.push(Problem {
                    scope: format!("/subscriptions/{subscription}"),
                    error,
                });
            }
        }
    }
    control.update(|p| p.phase = "finished".into());
    Ok(plan)
}

/// The action: deletes through a client whose throttle holds ARM's delete bucket.
pub struct RemoveLighthouseAssignments {
    client: Client,
    criteria: Criteria,
    /// Assignments whose delete a killed or cancelled run sent and ARM still runs: followed, not sent again.
    following: std::sync::Mutex<HashSet<String>>,
}

impl RemoveLighthouseAssignments {
    /// Check a plan before anything is sent, and make the action; `client` carries the run's throttle.
    pub fn for_plan(
        client: Client,
        plan: &LighthouseRemovalPlan,
    ) -> Result<RemoveLighthouseAssignments> {
        plan.check_common(NAME)?;
        plan.criteria.check()?;
        for c in &plan.candidates {
            AssignmentId::parse(&c.target.assignment_id)?;
        }
        client.require_credential()?;
        Ok(RemoveLighthouseAssignments {
            client,
            criteria: plan.criteria.clone(),
            following: std::sync::Mutex::new(HashSet::new()),
        })
    }
}

impl Action for RemoveLighthouseAssignments {
    type Target = LighthouseTarget;
    const NAME: &'static str = NAME;
    const PHASE: &'static str = "removing";

    /// Each subscription with a pending assignment is listed once; an assignment gone is settled, one
    /// whose definition no longer matches the plan's filter is skipped.
    async fn recheck<'a>(
        &'a self,
        ctx: &'a Context<'a>,
        pending: Vec<LighthouseTarget>,
        in_flight: &'a HashSet<String>,
    ) -> Result<Vec<(LighthouseTarget, Verdict)>> {
        let mut by_subscription: BTreeMap<Uuid, Vec<LighthouseTarget>> = BTreeMap::new();
        let mut out = Vec::with_capacity(pending.len());
        for t in pending {
            match AssignmentId::parse(&t.assignment_id) {
                Ok(id) => by_subscription
                    .entry(id.scope.subscription_id)
                    .or_default()
                    .push(t),
                Err(e) => out.push((
                    t,
                    Verdict::Settle {
                        kind: OutcomeKind::Failed,
                        code: "invalid_id",
                        reason: "not an assignment id".into(),
                        error: Some(e),
                        journal: true,
                    },
                )),
            }
        }
        let subscriptions: Vec<Uuid> = by_subscription.keys().copied().collect();
        let listed = list_each(&self.client, ctx.opts, &subscriptions, &|| {
            ctx.count_request()
        })
        .await;
        for (subscription, found) in listed {
            let targets = by_subscription.remove(&subscription).unwrap_or_default();
            let live: HashMap<String, (LighthouseTarget, bool)> = match found {
                Ok(assignments) => assignments
                    .iter()
                    .map(|a| {
                        let deleting = a
                            .properties
                            .provisioning_state
                            .as_deref()
                            .is_some_and(|s| s.eq_ignore_ascii_case("Deleting"));
                        (target_of(a, subscription), deleting)
                    })
                    .map(|(t, d)| (t.assignment_id.to_ascii_lowercase(), (t, d)))
                    .collect(),
                Err(e) => {
                    // Unknown now: not removed, and not journaled, so that a resume judges them again.
                    for t in targets {
                        out.push((
                            t,
                            Verdict::Settle {
                                kind: OutcomeKind::Skipped,
                                code: "recheck_failed",
                                reason: format!(
                                    "the recheck could not list subscription {subscription}'s assignments; not removed, and not journaled: a resume tries again"
                                ),
                                error: Some(e.clone()),
                                journal: false,
                            },
                        ));
                    }
                    continue;
                }
            };
            for t in targets {
                let v = match live.get(&t.assignment_id.to_ascii_lowercase()) {
                    None if in_flight.contains(&t.assignment_id) => Verdict::Settle {
                        kind: OutcomeKind::Done,
                        code: reason_codes::REMOVED_BY_INTERRUPTED_RUN,
                        reason: "delete sent by an interrupted run; the recheck found the assignment gone".into(),
                        error: None,
                        journal: true,
                    },
                    None => Verdict::skip(
                        reason_codes::ALREADY_DONE,
                        "the recheck found the assignment gone",
                    ),
                    // A delete sent by the killed run that ARM still runs: followed to its end, not sent again.
                    Some((_, true)) if in_flight.contains(&t.assignment_id) => {
                        self.following
                            .lock()
                            .unwrap_or_else(|p| p.into_inner())
                            .insert(t.assignment_id.clone());
                        Verdict::Proceed
                    }
                    Some((now, _)) => match self.criteria.classify(now) {
                        Ok(_) => Verdict::Proceed,
                        Err((code, why)) => Verdict::skip(
                            "filter_no_longer_matches",
                            format!("the recheck would keep it now ({code}: {why}); plan again to reconsider"),
                        ),
                    },
                };
                out.push((t, v));
            }
        }
        Ok(out)
    }

    async fn act<'a>(&'a self, ctx: &'a Context<'a>, t: &'a LighthouseTarget) -> Result<Acted> {
        let id = AssignmentId::parse(&t.assignment_id)?;
        let follow = self
            .following
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&t.assignment_id);
        if follow {
            ctx.count_request();
            lighthouse::wait_until_gone(&self.client, ctx.opts, &id).await?;
            return Ok(Acted {
                kind: OutcomeKind::Done,
                code: Some(reason_codes::REMOVED_BY_INTERRUPTED_RUN.into()),
                reason:
                    "the delete sent by an interrupted run was still running; followed to its end"
                        .into(),
            });
        }
        ctx.count_request();
        let removed = match lighthouse::remove_assignment(&self.client, ctx.opts, &id, true).await {
            // A delete is already running (sent by a run that was cancelled or killed while it ran): it is
            // followed to its end, not sent again.
            Err(e)
                if e.status == Some(409)
                    && e.code.as_deref() == Some("AnotherOperationInProgress") =>
            {
                ctx.count_request();
                lighthouse::wait_until_gone(&self.client, ctx.opts, &id).await?;
                return Ok(Acted {
                    kind: OutcomeKind::Done,
                    code: Some(reason_codes::REMOVED_BY_INTERRUPTED_RUN.into()),
                    reason: "a delete already running (sent by an interrupted run) was followed to its end".into(),
                });
            }
            other => other?,
        };
        Ok(match removed.status {
            RemoveStatus::NotFound => Acted {
                kind: OutcomeKind::Skipped,
                code: Some(reason_codes::ALREADY_DONE.into()),
                reason: "ARM had no such assignment any more (204)".into(),
            },
            RemoveStatus::Deleted => Acted {
                kind: OutcomeKind::Done,
                code: None,
                reason: "registration assignment deleted".into(),
            },
            RemoveStatus::Accepted => Acted {
                kind: OutcomeKind::Done,
                code: Some("accepted".into()),
                reason: "ARM accepted the delete and it was still running at the deadline".into(),
            },
        })
    }

    fn secrets(&self) -> Vec<Secret> {
        self.client.secrets()
    }
}
