//! Apply a DAP cleanup plan on the [`crate::engine`]: the `removeDap` action removes each candidate's DAP
//! relationship; its recheck lists the DAP-enabled customers once and judges every candidate again with the
//! plan's criteria (and, unless the plan allows otherwise, lists the active GDAP relationships once), so
//! that a resumed or repeated run acts on nothing twice.

use super::gdap;
use super::plan::{listing, validate_for_apply, Criteria, Plan, PlanEntry, Reason};
use super::target::{DapTarget, Outcome, Report};
use crate::client::Client;
use crate::customers;
use crate::engine::{
    self, reason_codes as engine_codes, Acted, Action, Batch, Context, JobControl, OutcomeKind,
    RunOptions, Stage, Verdict,
};
use crate::error::{Error, Result};
use crate::options::{CallOptions, DEFAULT_LISTING_TIMEOUT};
use crate::partner_center;
use crate::secret::Secret;
use crate::throttle::Throttle;
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;
use uuid::Uuid;

/// Partner Center documents 500 requests per minute per tenant for the customer resource: 8 a second
/// stays under it.
pub const DEFAULT_REQUESTS_PER_SECOND: f64 = 8.0;
/// Enough workers to keep 8 requests a second going at up to half a second of latency each.
pub const DEFAULT_CONCURRENCY: usize = 4;

#[derive(Debug, Clone)]
pub struct ApplyOptions {
    /// Removals in flight at once (1..=64).
    pub concurrency: usize,
    /// The pace of all requests together; `None` = no pace (429s still pause everyone).
    pub requests_per_second: Option<f64>,
    /// The journal file; without one, an interrupted run cannot be resumed.
    pub journal: Option<PathBuf>,
    /// Before removing, list the DAP-enabled customers once and skip candidates whose DAP is already gone
    /// or who signed in since the plan was made; unless the plan allows removing DAP without GDAP, list the
    /// active GDAP relationships once too and skip candidates whose customer has none now.
    pub recheck: bool,
    /// Where and how the removals go when that differs from the listing's (the delegated admin customers
    /// API): Partner Center's own host, or a bearer token for Partner Center's audience.
    pub partner_center_endpoint: Option<crate::endpoint::BaseUrl>,
    pub partner_center_credential: Option<Arc<dyn crate::credentials::TokenCredential>>,
    /// The deadline of the recheck's whole listing (every page); `None` = [`DEFAULT_LISTING_TIMEOUT`]. Each
    /// removal is bounded by the call options' own timeout.
    pub listing_timeout: Option<std::time::Duration>,
}

impl Default for ApplyOptions {
    fn default() -> ApplyOptions {
        ApplyOptions {
            concurrency: DEFAULT_CONCURRENCY,
            requests_per_second: Some(DEFAULT_REQUESTS_PER_SECOND),
            journal: None,
            recheck: true,
            partner_center_endpoint: None,
            partner_center_credential: None,
            listing_timeout: None,
        }
    }
}

impl ApplyOptions {
    pub fn validate(&self) -> Result<()> {
        if !(1..=64).contains(&self.concurrency) {
            return Err(Error::invalid(format!(
                "concurrency must be from 1 to 64, not {}",
                self.concurrency
            )));
        }
        if let Some(r) = self.requests_per_second {
            if !(r.is_finite() && r > 0.0 && r <= 10_000.0) {
                return Err(Error::invalid(
                    "requestsPerSecond must be greater than 0 and at most 10000",
                ));
            }
        }
        Ok(())
    }
}

/// The `removeDap` action: the engine's view of a DAP cleanup.
pub struct RemoveDap {
    /// The client of the removals (Partner Center; its endpoint and credential may differ from the
    /// listing's), paced and gated by the batch's throttle.
    client: Client,
    /// The client and options of the recheck listing.
    list_client: Client,
    list_opts: CallOptions,
    criteria: Criteria,
    secrets: Vec<Secret>,
}

/// Codes of the outcomes apply itself decides (besides the plan's reasons).
pub mod reason_codes {
    pub use crate::engine::reason_codes::{
        CANCELLED_IN_FLIGHT, NOT_ATTEMPTED, REMOVED_BY_INTERRUPTED_RUN,
    };
}

/// Apply `plan`. Every candidate ends removed, failed or skipped; the report's counts add up. Safe to run
/// again with the same journal after a crash or a cancel: what is done is not done again.
///
/// The plan is taken by value: its entries move into the work queue and the report, so that a
/// 100,000-customer run holds each customer once.
pub async fn apply(
    client: &Client,
    opts: &CallOptions,
    plan: Plan,
    options: &ApplyOptions,
    control: &Arc<JobControl>,
) -> Result<Report> {
    options.validate()?;
    client.require_credential()?;
    // The plan is a file a person may have edited: its ids and criteria are checked before anything else,
    // and every candidate is judged again with those criteria.
    let (criteria, _ids) = validate_for_apply(&plan)?;
    let Plan {
        plan_id,
        candidates,
        kept,
        ..
    } = plan;
    let throttle = Arc::new(
        options
            .requests_per_second
            .map_or_else(Throttle::new, Throttle::with_rate),
    );
    // The recheck lists with the client (its whole listing bounded by the listing timeout); the removals
    // go to Partner Center, possibly elsewhere and as someone else, each bounded by `opts.timeout`. Both
    // are paced and gated by one throttle.
    let list_client = client.with_throttle(throttle.clone());
    let mut list_opts = opts.clone();
    list_opts.timeout = Some(options.listing_timeout.unwrap_or(DEFAULT_LISTING_TIMEOUT));
    let mut run_client = list_client.clone();
    if let Some(e) = &options.partner_center_endpoint {
        run_client = run_client.with_service_endpoint(&partner_center::SERVICE, e.clone());
    }
    if let Some(c) = &options.partner_center_credential {
        run_client = run_client.with_credential(c.clone());
    }
    let secrets: Vec<Secret> = run_client
        .credential()
        .into_iter()
        .chain(client.credential())
        .flat_map(|c| c.secrets())
        .collect();
    let action = RemoveDap {
        client: run_client,
        list_client,
        list_opts,
        criteria,
        secrets,
    };
    let batch = Batch {
        plan_id,
        candidates: candidates.into_iter().map(target_of).collect(),
        kept: kept.into_iter().map(kept_outcome).collect(),
    };
    let run = RunOptions {
        concurrency: options.concurrency,
        journal: options.journal.clone(),
        recheck: options.recheck,
        throttle,
    };
    engine::run(action, opts, batch, &run, control).await
}

fn target_of(entry: PlanEntry) -> DapTarget {
    DapTarget {
        customer_tenant_id: entry.customer_tenant_id,
        organization_display_name: entry.organization_display_name,
    }
}

/// A customer the plan kept, as its outcome: skipped at the plan stage, with the plan's reason.
fn kept_outcome(k: PlanEntry) -> Outcome {
    let mut reason = k.detail;
    reason.insert_str(0, "kept by the plan: ");
    let code = k.reason.code();
    engine::Outcome::new(
        DapTarget {
            customer_tenant_id: k.customer_tenant_id,
            organization_display_name: k.organization_display_name,
        },
        OutcomeKind::Skipped,
        Stage::Plan,
        Some(code),
        reason,
    )
}

/// The DAP-enabled customers, with the fields the classification judges by.
fn recheck_listing() -> customers::ListCustomersRequest {
    customers::ListCustomersRequest {
        select: vec![
            "customerTenantId".into(),
            "dapEnabled".into(),
            "startDateTime".into(),
            "lastSignInDateTime".into(),
        ],
        ..listing(Some("dapEnabled eq true"))
    }
}

impl Action for RemoveDap {
    type Target = DapTarget;
    const NAME: &'static str = "removeDap";
    const PHASE: &'static str = "removing";

    /// Candidates the plan's own include and exclude lists rule out (an id edited into the plan).
    fn screen(&self, t: &DapTarget) -> Option<(&'static str, String)> {
        let id = Uuid::parse_str(&t.customer_tenant_id).ok()?;
        let (reason, why) = if self.criteria.exclude.contains(&id) {
            (Reason::Excluded, "on the plan's exclude list")
        } else if self
            .criteria
            .include
            .as_ref()
            .is_some_and(|i| !i.contains(&id))
        {
            (Reason::NotIncluded, "not on the plan's include list")
        } else {
            return None;
        };
        Some((
            reason.code(),
            format!("{why}: the plan lists it as a candidate, but its own lists rule it out"),
        ))
    }

    /// List the customers whose DAP is enabled now, once, and judge every pending candidate again with the
    /// plan's criteria: one whose DAP is gone is settled, one the classification would keep now (a recent
    /// sign-in, a recent start, unreadable data, ...) is skipped with that reason; then the GDAP rule.
    async fn recheck<'a>(
        &'a self,
        ctx: &'a Context<'a>,
        pending: Vec<DapTarget>,
        in_flight: &'a HashSet<String>,
    ) -> Result<Vec<(DapTarget, Verdict)>> {
        let ids: HashSet<Uuid> = pending
            .iter()
            .filter_map(|t| Uuid::parse_str(&t.customer_tenant_id).ok())
            .collect();
        // Only the verdicts of pending candidates are kept: tenant id → (reason, detail).
        let mut verdicts: HashMap<Uuid, (Reason, String)> = HashMap::new();
        customers::for_each_page(
            &self.list_client,
            &self.list_opts,
            &recheck_listing(),
            |page| {
                ctx.count_request();
                for c in page {
                    if let Some(id) = c.tenant_id().and_then(|t| Uuid::parse_str(t).ok()) {
                        if ids.contains(&id) {
                            verdicts.insert(id, self.criteria.classify(&c));
                        }
                    }
                }
            },
        )
        .await?;
        let mut out = Vec::with_capacity(pending.len());
        let mut still = Vec::new();
        for t in pending {
            let id = Uuid::parse_str(&t.customer_tenant_id).unwrap_or_default();
            let verdict = match verdicts.remove(&id) {
                None if in_flight.contains(&t.customer_tenant_id) => Verdict::Settle {
                    kind: OutcomeKind::Done,
                    code: engine_codes::REMOVED_BY_INTERRUPTED_RUN,
                    reason: "removal sent by an interrupted run; the recheck found the DAP relationship gone".into(),
                    error: None,
                    journal: true,
                },
                None => Verdict::skip(
                    Reason::NoDap.code(),
                    "the recheck found no DAP relationship (already removed, or never there)",
                ),
                Some((reason, _)) if reason.is_candidate() => {
                    still.push(t);
                    continue;
                }
                Some((reason, detail)) => Verdict::skip(
                    reason.code(),
                    format!(
                        "the recheck would keep it now ({}): {detail}; plan again to reconsider",
                        reason.code()
                    ),
                ),
            };
            out.push((t, verdict));
        }
        if self.criteria.allow_without_gdap || still.is_empty() {
            out.extend(still.into_iter().map(|t| (t, Verdict::Proceed)));
        } else {
            out.extend(self.recheck_gdap(ctx, still).await);
        }
        Ok(out)
    }

    async fn act<'a>(&'a self, ctx: &'a Context<'a>, t: &'a DapTarget) -> Result<Acted> {
        let id = crate::validate::guid("customerTenantId", &t.customer_tenant_id)?;
        ctx.count_request();
        partner_center::remove_dap_relationship(&self.client, ctx.opts, id).await?;
        Ok(Acted {
            kind: OutcomeKind::Done,
            code: None,
            reason: "AllowDelegatedAccess set to false".into(),
        })
    }

    fn secrets(&self) -> Vec<Secret> {
        self.secrets.clone()
    }
}

impl RemoveDap {
    /// The plan's GDAP rule on the live data: list the active GDAP relationships once and skip every
    /// candidate whose customer has none now (`no_active_gdap`, journaled like the recheck's other skips).
    /// When they cannot be listed, every candidate is skipped as `gdap_unknown` with the error, not
    /// journaled: a resume with the same journal tries them again.
    async fn recheck_gdap(
        &self,
        ctx: &Context<'_>,
        still: Vec<DapTarget>,
    ) -> Vec<(DapTarget, Verdict)> {
        ctx.control.event(
            "rechecking the candidates' active GDAP relationships (Microsoft Graph)",
            None,
            None,
        );
        let customers: HashSet<Uuid> = still
            .iter()
            .filter_map(|t| Uuid::parse_str(&t.customer_tenant_id).ok())
            .collect();
        let found = gdap::list_active(
            &self.list_client,
            &self.list_opts,
            &customers,
            ctx.control,
            || ctx.count_request(),
        )
        .await;
        match found {
            Ok(active) => still
                .into_iter()
                .map(|t| {
                    let id = Uuid::parse_str(&t.customer_tenant_id).unwrap_or_default();
                    let verdict = if active.covers(&id) {
                        Verdict::Proceed
                    } else {
                        Verdict::skip(
                            Reason::NoActiveGdap.code(),
                            "the recheck found no active GDAP relationship with this customer: removing DAP would leave no admin access to it; plan again to reconsider",
                        )
                    };
                    (t, verdict)
                })
                .collect(),
            Err(e) => {
                ctx.control.event(
                    format!(
                        "the GDAP relationships could not be listed ({}); every remaining candidate is skipped",
                        e.kind
                    ),
                    None,
                    None,
                );
                still
                    .into_iter()
                    .map(|t| {
                        let v = Verdict::Settle {
                            kind: OutcomeKind::Skipped,
                            code: Reason::GdapUnknown.code(),
                            reason: "the recheck could not list the GDAP relationships, so whether an active one remains is unknown; not removed, and not journaled: a resume tries again".into(),
                            error: Some(e.clone()),
                            journal: false,
                        };
                        (t, v)
                    })
                    .collect()
            }
        }
    }
}
