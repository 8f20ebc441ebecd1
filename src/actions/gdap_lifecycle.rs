//! The GDAP lifecycle (`gdapLifecycle`): for each GDAP relationship ending within N days (default 60), or
//! expired, or unused, decide: turn auto-extend on (`enable_auto_extend`), remove Global Administrator and
//! then turn auto-extend on (`remove_global_admin_then_auto_extend`, only when the request allows it: Graph
//! refuses auto-extend while Global Administrator is held), terminate (`terminate`, only for customers the
//! request names, or relationships without an active access assignment when the request asks for that),
//! or report only (kept, with the reason). Apply judges every candidate again against the live relationship
//! with the plan's criteria and acts only when the decision is still the same.

use super::plan_file::{ActionPlan, Planned, CLOCK_SKEW};
use crate::client::Client;
use crate::engine::{
    reason_codes, Acted, Action, Context, JobControl, OutcomeKind, Target, Verdict,
};
use crate::error::{Error, Result};
use crate::gdap::{self, AutoExtend, ListRelationshipsRequest, Relationship, RelationshipId};
use crate::options::CallOptions;
use crate::secret::Secret;
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use uuid::Uuid;

pub const NAME: &str = "gdapLifecycle";
pub const DEFAULT_EXPIRING_WITHIN_DAYS: u32 = 60;
/// Access assignments listed at once when unused relationships are looked for.
const ASSIGNMENT_LISTINGS_IN_FLIGHT: usize = 8;

/// What the plan proposes for one relationship.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    EnableAutoExtend,
    RemoveGlobalAdminThenAutoExtend,
    Terminate,
    ReportOnly,
}

impl Decision {
    pub fn code(self) -> &'static str {
        match self {
            Decision::EnableAutoExtend => "enable_auto_extend",
            Decision::RemoveGlobalAdminThenAutoExtend => "remove_global_admin_then_auto_extend",
            Decision::Terminate => "terminate",
            Decision::ReportOnly => "report_only",
        }
    }
}

/// One GDAP relationship of a plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GdapTarget {
    pub relationship_id: String,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub customer_tenant_id: Option<String>,
    #[serde(default)]
    pub customer_display_name: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub end_date_time: Option<String>,
    #[serde(default)]
    pub auto_extend_duration: Option<String>,
    #[serde(default)]
    pub holds_global_administrator: Option<bool>,
    pub decision: Decision,
}

impl Target for GdapTarget {
    const KEY_FIELD: &'static str = "relationshipId";
    const DONE: &'static str = "done";
    const DONE_COUNT: &'static str = "done";
    const CSV_COLUMNS: &'static [&'static str] = &[
        "relationshipId",
        "displayName",
        "customerTenantId",
        "customerDisplayName",
        "status",
        "endDateTime",
        "autoExtendDuration",
        "holdsGlobalAdministrator",
        "decision",
    ];

    fn key(&self) -> &str {
        &self.relationship_id
    }

    fn display_name(&self) -> Option<&str> {
        self.customer_display_name
            .as_deref()
            .or(self.display_name.as_deref())
    }

    fn customer_tenant_id(&self) -> Option<&str> {
        self.customer_tenant_id.as_deref()
    }

    fn csv_cells(&self) -> Vec<String> {
        let o = |v: &Option<String>| v.clone().unwrap_or_default();
        vec![
            self.relationship_id.clone(),
            o(&self.display_name),
            o(&self.customer_tenant_id),
            o(&self.customer_display_name),
            o(&self.status),
            o(&self.end_date_time),
            o(&self.auto_extend_duration),
            self.holds_global_administrator
                .map(|b| b.to_string())
                .unwrap_or_default(),
            self.decision.code().to_string(),
        ]
    }
}

/// What to plan for.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GdapLifecycleRequest {
    /// Default now; never later than now.
    pub as_of: Option<DateTime<Utc>>,
    /// 1..=730, default 60.
    pub expiring_within_days: Option<u32>,
    /// Propose removing Global Administrator so that auto-extend can be turned on.
    pub allow_global_admin_removal: bool,
    /// Customers whose active relationships are to be terminated.
    pub terminate_customers: Vec<Uuid>,
    /// Propose terminating active relationships without an active access assignment (nobody uses them).
    pub terminate_unused: bool,
    /// Customers left alone.
    pub exclude_customers: Vec<Uuid>,
}

/// The criteria, as the plan records them and apply uses them again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Criteria {
    pub as_of: DateTime<Utc>,
    pub expiring_within_days: u32,
    pub allow_global_admin_removal: bool,
    #[serde(default)]
    pub terminate_customers: Vec<Uuid>,
    #[serde(default)]
    pub terminate_unused: bool,
    #[serde(default)]
    pub exclude_customers: Vec<Uuid>,
}

impl Criteria {
    pub fn new(req: &GdapLifecycleRequest) -> Result<Criteria> {
        let c = Criteria {
            as_of: req.as_of.unwrap_or_else(Utc::now),
            expiring_within_days: req
                .expiring_within_days
                .unwrap_or(DEFAULT_EXPIRING_WITHIN_DAYS),
            allow_global_admin_removal: req.allow_global_admin_removal,
            terminate_customers: req.terminate_customers.clone(),
            terminate_unused: req.terminate_unused,
            exclude_customers: req.exclude_customers.clone(),
        };
        c.check()?;
        Ok(c)
    }

    /// The rules a plan's criteria must keep (a plan is a file a person may edit).
    pub fn check(&self) -> Result<()> {
        if !(1..=gdap::relationships::MAX_EXPIRING_WITHIN_DAYS).contains(&self.expiring_within_days)
        {
            return Err(Error::invalid(format!(
                "expiringWithinDays must be from 1 to {}, not {}",
                gdap::relationships::MAX_EXPIRING_WITHIN_DAYS,
                self.expiring_within_days
            )));
        }
        if self.as_of > Utc::now() + CLOCK_SKEW {
            return Err(Error::invalid(format!(
                "asOf {} is in the future: a plan is about relationships as they are, not as they will be",
                self.as_of.to_rfc3339_opts(SecondsFormat::Secs, true)
            )));
        }
        let named: HashSet<&Uuid> = self.terminate_customers.iter().collect();
        if let Some(both) = self.exclude_customers.iter().find(|c| named.contains(c)) {
            return Err(Error::invalid(format!(
                "customer {both} is both in terminateCustomers and in excludeCustomers"
            )));
        }
        Ok(())
    }

    fn horizon(&self) -> DateTime<Utc> {
        self.as_of + Duration::days(i64::from(self.expiring_within_days))
    }

    /// The decision for one relationship, its reason code and the reason in words. `unused` is whether it
    /// has no active access assignment, when that was looked at.
    pub fn classify(
        &self,
        r: &Relationship,
        unused: Option<bool>,
    ) -> (Decision, &'static str, String) {
        let report = |code, detail: String| (Decision::ReportOnly, code, detail);
        let customer = r.customer_tenant_id();
        if r.parsed_id().is_err() {
            return report("invalid_id", "the relationship has no usable id".into());
        }
        if customer.is_some_and(|c| self.exclude_customers.contains(&c)) {
            return report("excluded", "the customer is on the exclude list".into());
        }
        let status = r.status.as_deref().unwrap_or("");
        let end = r.end();
        let end_text = end.map_or_else(
            || "no readable end date".to_string(),
            |e| format!("ends {}", e.to_rfc3339_opts(SecondsFormat::Secs, true)),
        );
        match status {
            "active" => {}
            "expired" => {
                return report(
                    "expired",
                    format!("expired ({end_text}): it cannot be extended; create a new relationship if the access is still needed"),
                )
            }
            other => {
                return report(
                    "not_active",
                    format!(
                        "status `{}`: only an active relationship is changed",
                        crate::validate::printable(other)
                    ),
                )
            }
        }
        if customer.is_some_and(|c| self.terminate_customers.contains(&c)) {
            return (
                Decision::Terminate,
                "customer_named",
                format!("the request names this customer for termination ({end_text})"),
            );
        }
        if unused == Some(true) && self.terminate_unused {
            return (
                Decision::Terminate,
                "unused",
                format!("no active access assignment: no security group uses it ({end_text})"),
            );
        }
        let Some(end) = end else {
            return report(
                "unreadable_end_date",
                format!(
                    "endDateTime `{}` is not a readable date",
                    r.end_date_time
                        .as_ref()
                        .map(|v| crate::validate::printable(&v.to_string()))
                        .unwrap_or_else(|| "absent".into())
                ),
            );
        };
        if end > self.horizon() {
            return report(
                "not_expiring",
                format!(
                    "{end_text}, more than {} days after {}",
                    self.expiring_within_days,
                    self.as_of.to_rfc3339_opts(SecondsFormat::Secs, true)
                ),
            );
        }
        let auto = r
            .auto_extend_duration
            .as_deref()
            .and_then(|a| AutoExtend::parse(a).ok());
        if auto == Some(AutoExtend::Days180) {
            return report(
                "already_auto_extended",
                format!("{end_text}; auto-extend is already on (P180D)"),
            );
        }
        match r.holds_global_administrator() {
            None => report(
                "roles_unknown",
                format!("{end_text}; its roles were not in the listing"),
            ),
            Some(true) if r.roles_count() <= 1 => report(
                "global_admin_only",
                format!("{end_text}; Global Administrator is its only role, so it cannot be removed and auto-extend cannot be turned on: create a relationship with least-privileged roles"),
            ),
            Some(true) if self.allow_global_admin_removal => (
                Decision::RemoveGlobalAdminThenAutoExtend,
                "ending_with_global_admin",
                format!("{end_text}; Global Administrator blocks auto-extend: remove it, then turn auto-extend on"),
            ),
            Some(true) => report(
                "global_admin_held",
                format!("{end_text}; Global Administrator blocks auto-extend (allowGlobalAdminRemoval would remove it first)"),
            ),
            Some(false) => (
                Decision::EnableAutoExtend,
                "ending_soon",
                format!("{end_text}, within {} days; auto-extend is off", self.expiring_within_days),
            ),
        }
    }
}

fn target_of(r: &Relationship, decision: Decision) -> GdapTarget {
    GdapTarget {
        relationship_id: r.id.clone().unwrap_or_default(),
        display_name: r.display_name.clone(),
        customer_tenant_id: r.customer_tenant_id().map(|c| c.to_string()),
        customer_display_name: r.customer.as_ref().and_then(|c| c.display_name.clone()),
        status: r.status.clone(),
        end_date_time: r
            .end()
            .map(|e| e.to_rfc3339_opts(SecondsFormat::Secs, true)),
        auto_extend_duration: r.auto_extend_duration.clone(),
        holds_global_administrator: r.holds_global_administrator(),
        decision,
    }
}

pub type GdapLifecyclePlan = ActionPlan<GdapTarget, Criteria>;

/// Whether each relationship has no active access assignment, listed `ASSIGNMENT_LISTINGS_IN_FLIGHT` at
/// a time. A listing that fails leaves the relationship unjudged (`None`), never "unused".
async fn unused_of(
    client: &Client,
    opts: &CallOptions,
    ids: Vec<RelationshipId>,
    counted: &(dyn Fn() + Sync),
) -> HashMap<String, Option<bool>> {
    use futures_util::stream::{self, StreamExt};
    stream::iter(ids)
        .map(|id| async move {
            counted();
            let found = gdap::list_access_assignments(client, opts, &id, Some("active")).await;
            (id.to_string(), found.ok().map(|a| a.is_empty()))
        })
        .buffer_unordered(ASSIGNMENT_LISTINGS_IN_FLIGHT)
        .collect()
        .await
}

/// Plan the lifecycle of every GDAP relationship the partner holds (one listing, every page).
pub async fn plan(
    client: &Client,
    opts: &CallOptions,
    req: &GdapLifecycleRequest,
    control: &JobControl,
) -> Result<GdapLifecyclePlan> {
    let criteria = Criteria::new(req)?;
    client.require_credential()?;
    control.update(|p| p.phase = "listingGdap".into());
    let mut relationships = Vec::new();
    gdap::for_each_relationship_page(client, opts, &ListRelationshipsRequest::default(), |page| {
        control.update(|p| p.relationships_listed += page.len() as u64);
        relationships.extend(page);
    })
    .await?;
    let mut unused = HashMap::new();
    if criteria.terminate_unused {
        control.event(
            "listing the access assignments of the active relationships (unused ones are terminated)",
            None,
            None,
        );
        let ids = relationships
            .iter()
            .filter(|r| r.is_active())
            .filter_map(|r| r.parsed_id().ok())
            .collect();
        unused = unused_of(client, opts, ids, &|| {}).await;
    }
    let mut plan = ActionPlan::new(NAME, criteria);
    for r in &relationships {
        let u =
            r.id.as_deref()
                .and_then(|id| unused.get(id).copied().flatten());
        let (decision, code, detail) = plan.criteria.classify(r, u);
        plan.push(
            decision != Decision::ReportOnly,
            Planned {
                target: target_of(r, decision),
                reason: code.to_string(),
                detail,
            },
        );
    }
    control.update(|p| p.phase = "finished".into());
    Ok(plan)
}

/// The action, with the relationships its recheck read (their ETags and roles save a read per change).
pub struct GdapLifecycle {
    client: Client,
    opts: CallOptions,
    criteria: Criteria,
    live: Mutex<HashMap<String, Relationship>>,
}

impl GdapLifecycle {
    /// Check a plan (format, action, criteria, ids) before anything is sent, and make the action.
    pub fn for_plan(
        client: Client,
        opts: &CallOptions,
        plan: &GdapLifecyclePlan,
    ) -> Result<GdapLifecycle> {
        plan.check_common(NAME)?;
        plan.criteria.check()?;
        for c in &plan.candidates {
            RelationshipId::parse("plan candidate relationshipId", &c.target.relationship_id)?;
            if c.target.decision == Decision::ReportOnly {
                return Err(Error::invalid(format!(
                    "plan candidate {} has decision report_only, which is not an action",
                    c.target.relationship_id
                )));
            }
        }
        client.require_credential()?;
        Ok(GdapLifecycle {
            client,
            opts: opts.clone(),
            criteria: plan.criteria.clone(),
            live: Mutex::new(HashMap::new()),
        })
    }

    /// Whether the live relationship already is as `decision` would leave it.
    fn already(decision: Decision, r: &Relationship) -> bool {
        match decision {
            Decision::EnableAutoExtend | Decision::RemoveGlobalAdminThenAutoExtend => {
                r.auto_extend_duration
                    .as_deref()
                    .and_then(|a| AutoExtend::parse(a).ok())
                    == Some(AutoExtend::Days180)
                    && r.holds_global_administrator() == Some(false)
            }
            Decision::Terminate => matches!(
                r.status.as_deref(),
                Some("terminated" | "terminationRequested")
            ),
            Decision::ReportOnly => false,
        }
    }
}

impl Action for GdapLifecycle {
    type Target = GdapTarget;
    const NAME: &'static str = NAME;
    const PHASE: &'static str = "changing";

    async fn recheck<'a>(
        &'a self,
        ctx: &'a Context<'a>,
        pending: Vec<GdapTarget>,
        in_flight: &'a HashSet<String>,
    ) -> Result<Vec<(GdapTarget, Verdict)>> {
        let wanted: HashSet<String> = pending.iter().map(|t| t.relationship_id.clone()).collect();
        let mut live: HashMap<String, Relationship> = HashMap::new();
        let mut opts = ctx.opts.clone();
        opts.timeout = Some(
            self.opts
                .timeout
                .unwrap_or(crate::options::DEFAULT_LISTING_TIMEOUT),
        );
        gdap::for_each_relationship_page(
            &self.client,
            &opts,
            &ListRelationshipsRequest::default(),
            |page| {
                ctx.count_request();
                ctx.control
                    .update(|p| p.relationships_listed += page.len() as u64);
                for r in page {
                    if let Some(id) = r.id.as_deref().filter(|id| wanted.contains(*id)) {
                        live.insert(id.to_string(), r);
                    }
                }
            },
        )
        .await?;
        // Relationships planned for termination as unused are looked at again: an assignment may have
        // been added since.
        let unused = if self.criteria.terminate_unused {
            let ids = pending
                .iter()
                .filter(|t| t.decision == Decision::Terminate)
                .filter_map(|t| live.get(&t.relationship_id))
                .filter(|r| r.is_active())
                .filter_map(|r| r.parsed_id().ok())
                .collect();
            unused_of(&self.client, ctx.opts, ids, &|| ctx.count_request()).await
        } else {
            HashMap::new()
        };
        let mut out = Vec::with_capacity(pending.len());
        for t in pending {
            let Some(r) = live.get(&t.relationship_id) else {
                let v = if in_flight.contains(&t.relationship_id)
                    && t.decision == Decision::Terminate
                {
                    Verdict::Settle {
                        kind: OutcomeKind::Done,
                        code: reason_codes::REMOVED_BY_INTERRUPTED_RUN,
                        reason: "termination sent by an interrupted run; the relationship is no longer listed".into(),
                        error: None,
                        journal: true,
                    }
                } else {
                    Verdict::skip("not_found", "the recheck did not find the relationship")
                };
                out.push((t, v));
                continue;
            };
            if Self::already(t.decision, r) {
                let v = if in_flight.contains(&t.relationship_id) {
                    Verdict::Settle {
                        kind: OutcomeKind::Done,
                        code: reason_codes::REMOVED_BY_INTERRUPTED_RUN,
                        reason: format!(
                            "{} sent by an interrupted run; the recheck found it done",
                            t.decision.code()
                        ),
                        error: None,
                        journal: true,
                    }
                } else {
                    Verdict::skip(
                        reason_codes::ALREADY_DONE,
                        format!("the recheck found it already done ({})", t.decision.code()),
                    )
                };
                out.push((t, v));
                continue;
            }
            let u = unused.get(&t.relationship_id).copied().flatten();
            let (decision, code, detail) = self.criteria.classify(r, u);
            if decision == t.decision {
                out.push((t, Verdict::Proceed));
            } else {
                out.push((
                    t.clone(),
                    Verdict::skip(
                        "decision_changed",
                        format!(
                            "the plan said {}, the relationship as it is now says {} ({code}: {detail}); plan again to reconsider",
                            t.decision.code(),
                            decision.code()
                        ),
                    ),
                ));
            }
        }
        let mut kept = self.live.lock().unwrap_or_else(|p| p.into_inner());
        for (t, v) in &out {
            if matches!(v, Verdict::Proceed) {
                if let Some(r) = live.remove(&t.relationship_id) {
                    kept.insert(t.relationship_id.clone(), r);
                }
            }
        }
        Ok(out)
    }

    async fn act<'a>(&'a self, ctx: &'a Context<'a>, t: &'a GdapTarget) -> Result<Acted> {
        let id = RelationshipId::parse("relationshipId", &t.relationship_id)?;
        let known = self
            .live
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&t.relationship_id);
        let target = match known {
            Some(r) => gdap::Target::relationship(r)?,
            None => gdap::Target::Id(id),
        };
        match t.decision {
            Decision::EnableAutoExtend => {
                ctx.count_request();
                gdap::set_auto_extend(&self.client, ctx.opts, &target, AutoExtend::Days180).await?;
                Ok(Acted {
                    kind: OutcomeKind::Done,
                    code: Some(t.decision.code().into()),
                    reason: "auto-extend turned on (P180D)".into(),
                })
            }
            Decision::RemoveGlobalAdminThenAutoExtend => {
                ctx.count_request();
                gdap::remove_global_admin_role(&self.client, ctx.opts, &target, true).await?;
                // The roles and the ETag changed: the change reads the relationship again.
                ctx.count_request();
                gdap::set_auto_extend(
                    &self.client,
                    ctx.opts,
                    &gdap::Target::Id(id),
                    AutoExtend::Days180,
                )
                .await?;
                Ok(Acted {
                    kind: OutcomeKind::Done,
                    code: Some(t.decision.code().into()),
                    reason: "Global Administrator removed, then auto-extend turned on (P180D)"
                        .into(),
                })
            }
            Decision::Terminate => {
                ctx.count_request();
                let done = gdap::terminate_relationship(&self.client, ctx.opts, &id, false).await?;
                Ok(Acted {
                    kind: OutcomeKind::Done,
                    code: Some(t.decision.code().into()),
                    reason: format!("termination requested (request status {})", done.status),
                })
            }
            Decision::ReportOnly => Ok(Acted {
                kind: OutcomeKind::Skipped,
                code: Some("report_only".into()),
                reason: "report only".into(),
            }),
        }
    }

    fn secrets(&self) -> Vec<Secret> {
        self.client.secrets()
    }
}
