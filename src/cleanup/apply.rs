//! Apply a plan: remove each candidate's DAP relationship with bounded concurrency and one shared throttle,
//! journaling every outcome as it happens, rechecking the service first so that a resumed or repeated run
//! acts on nothing twice, and stopping cleanly on cancel.

use super::gdap;
use super::journal::{Journal, JournalState};
use super::plan::{listing, validate_for_apply, Criteria, Plan, PlanEntry, Reason};
use super::progress::JobControl;
use super::report::{Counts, JournalSummary, Outcome, OutcomeKind, Report, Stage};
use crate::client::Client;
use crate::customers;
use crate::error::{Error, ErrorKind, Result};
use crate::options::{CallOptions, DEFAULT_LISTING_TIMEOUT};
use crate::partner_center;
use crate::secret::{scrub, Secret};
use crate::throttle::Throttle;
use chrono::Utc;
use std::collections::{HashMap, HashSet, VecDeque};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
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

/// State the workers share.
struct Shared {
    /// The client of the removals (Partner Center; its endpoint and credential may differ from the
    /// listing's), paced and gated by the batch's throttle.
    client: Client,
    opts: CallOptions,
    journal: Option<Journal>,
    control: Arc<JobControl>,
    queue: Mutex<VecDeque<Candidate>>,
    outcomes: Mutex<HashMap<String, Outcome>>,
    stop_reason: Mutex<Option<String>>,
    requests: AtomicU64,
    secrets: Vec<Secret>,
    throttle: Arc<Throttle>,
    /// The client and options of the recheck listing.
    list_client: Client,
    list_opts: CallOptions,
}

impl Shared {
    fn stopping(&self) -> bool {
        self.control.is_cancelled()
            || self
                .stop_reason
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .is_some()
    }

    fn stop(&self, why: String) {
        self.stop_reason
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get_or_insert(why);
    }

    /// Record one outcome: journal first (so that it is durable before it is reported), then progress.
    fn settle(&self, outcome: Outcome) {
        if let Some(j) = &self.journal {
            if let Err(e) = j.outcome(&outcome) {
                self.stop(format!("stopped: {}", e.message));
            }
        }
        let pauses = self.throttle.pauses();
        self.control.update(|p| {
            p.throttle_pauses = pauses;
            p.done += 1;
            match outcome.outcome {
                OutcomeKind::Removed => p.removed += 1,
                OutcomeKind::Failed => p.failed += 1,
                OutcomeKind::Skipped => p.skipped += 1,
            }
        });
        let what = match (&outcome.outcome, &outcome.error) {
            (OutcomeKind::Failed, Some(e)) => format!("failed: {}", e.message),
            (kind, _) => format!("{kind:?}").to_lowercase(),
        };
        let name = outcome
            .organization_display_name
            .clone()
            .unwrap_or_default();
        self.control.event(
            format!("{} {name}: {what}", outcome.customer_tenant_id),
            Some(outcome.customer_tenant_id.clone()),
            Some(outcome.outcome),
        );
        self.outcomes
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(outcome.customer_tenant_id.clone(), outcome);
    }
}

/// A candidate of the plan, its id parsed once when the plan was checked.
struct Candidate {
    id: Uuid,
    entry: PlanEntry,
}

/// Codes of the outcomes apply itself decides (besides the plan's reasons).
pub mod reason_codes {
    pub const REMOVED_BY_INTERRUPTED_RUN: &str = "removed_by_interrupted_run";
    pub const NOT_ATTEMPTED: &str = "not_attempted";
    pub const CANCELLED_IN_FLIGHT: &str = "cancelled_in_flight";
}

fn outcome(
    entry: &PlanEntry,
    kind: OutcomeKind,
    code: Option<&str>,
    reason: impl Into<String>,
) -> Outcome {
    Outcome {
        customer_tenant_id: entry.customer_tenant_id.clone(),
        organization_display_name: entry.organization_display_name.clone(),
        outcome: kind,
        stage: Stage::Apply,
        reason: Some(reason.into()),
        reason_code: code.map(str::to_string),
        error: None,
        correlation_id: None,
        at: Utc::now(),
    }
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
    // and every candidate is judged again below with those criteria.
    let (criteria, ids) = validate_for_apply(&plan)?;
    let started_at = Utc::now();
    let Plan {
        plan_id,
        candidates,
        kept,
        ..
    } = plan;
    // The journal is locked for the whole run: a second apply on it is refused here, before any request.
    let (journal, mut state) = match &options.journal {
        Some(path) => {
            let (j, s) = Journal::open(path, plan_id)?;
            (Some(j), s)
        }
        None => (None, JournalState::default()),
    };
    let journal_summary = options.journal.as_ref().map(|path| JournalSummary {
        path: path.display().to_string(),
        unreadable_lines: state.unreadable_lines as u64,
        torn_last_line: state.torn_last_line,
        foreign_records: state.foreign_records as u64,
    });
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

    // The report lists candidates in the plan's order.
    let order: Vec<String> = candidates
        .iter()
        .map(|c| c.customer_tenant_id.clone())
        .collect();
    let pending: VecDeque<Candidate> = candidates
        .into_iter()
        .zip(ids)
        .filter(|(c, _)| !state.is_done(&c.customer_tenant_id))
        .map(|(entry, id)| Candidate { id, entry })
        .collect();
    let from_journal = (order.len() - pending.len()) as u64;
    control.update(|p| {
        p.total = order.len() as u64;
        p.done = from_journal;
    });
    if from_journal > 0 {
        control.event(
            format!("resuming: {from_journal} candidates already settled in the journal"),
            None,
            None,
        );
    }
    if state.unreadable_lines > 0 || state.foreign_records > 0 {
        control.event(
            format!(
                "journal: {} unreadable line(s) ignored{}, {} record(s) of another plan ignored",
                state.unreadable_lines,
                if state.torn_last_line {
                    " (the last one torn by an interrupted write)"
                } else {
                    ""
                },
                state.foreign_records
            ),
            None,
            None,
        );
    }
    let secrets: Vec<Secret> = run_client
        .credential()
        .into_iter()
        .chain(client.credential())
        .flat_map(|c| c.secrets())
        .collect();
    let shared = Arc::new(Shared {
        client: run_client,
        opts: opts.clone(),
        journal,
        control: control.clone(),
        queue: Mutex::new(pending),
        outcomes: Mutex::new(HashMap::new()),
        stop_reason: Mutex::new(None),
        requests: AtomicU64::new(0),
        secrets,
        throttle: throttle.clone(),
        list_client,
        list_opts,
    });

    // Candidates the plan's own lists rule out (an id edited into the plan) never reach a request.
    shared.skip_ruled_out(&criteria);
    // Removals a killed run may have sent are always settled against the service, recheck or not.
    let must_recheck = options.recheck || !state.in_flight.is_empty();
    if must_recheck
        && !shared
            .queue
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_empty()
    {
        // A cancel during the recheck leaves the queue as it is; the workers then stop at once.
        tokio::select! {
            checked = recheck(&shared, &criteria, &state) => checked?,
            _ = control.cancelled() => {}
        }
    }

    control.update(|p| p.phase = "removing".into());
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..options.concurrency {
        workers.spawn(worker(shared.clone()));
    }
    while let Some(joined) = workers.join_next().await {
        if let Err(e) = joined {
            shared.stop(format!("stopped: a worker failed ({e})"));
        }
    }
    if let Some(j) = &shared.journal {
        j.sync()?;
    }

    // Whatever was never attempted is skipped, and not journaled: a resume will attempt it.
    let cancelled = control.is_cancelled();
    let stop_reason = shared
        .stop_reason
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    let left: Vec<PlanEntry> = shared
        .queue
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .drain(..)
        .map(|c| c.entry)
        .collect();
    let why_left = match (&stop_reason, cancelled) {
        (Some(r), _) => format!("not attempted: {r}"),
        (None, true) => {
            "not attempted: the run was cancelled; resume with the same journal".to_string()
        }
        (None, false) => "not attempted".to_string(),
    };
    let mut outcomes =
        std::mem::take(&mut *shared.outcomes.lock().unwrap_or_else(|p| p.into_inner()));
    for entry in &left {
        outcomes.insert(
            entry.customer_tenant_id.clone(),
            outcome(
                entry,
                OutcomeKind::Skipped,
                Some(reason_codes::NOT_ATTEMPTED),
                why_left.clone(),
            ),
        );
    }
    control.update(|p| {
        p.phase = "finished".into();
        p.skipped += left.len() as u64;
        p.done += left.len() as u64;
        p.throttle_pauses = throttle.pauses();
    });
    let report = assemble(plan_id, &order, outcomes, &mut state, kept, started_at);
    let stopped_early = cancelled || stop_reason.is_some();
    Ok(Report {
        stopped_early,
        stop_reason: stop_reason.or(cancelled.then(|| "cancelled".to_string())),
        requests: shared.requests.load(Ordering::Relaxed),
        throttle_pauses: throttle.pauses(),
        journal: journal_summary,
        ..report
    })
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

impl Shared {
    /// Skip, without a request, the candidates the plan's own include and exclude lists rule out.
    fn skip_ruled_out(&self, criteria: &Criteria) {
        let pending: Vec<Candidate> = self
            .queue
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .drain(..)
            .collect();
        let mut still = VecDeque::with_capacity(pending.len());
        for c in pending {
            let ruled_out = if criteria.exclude.contains(&c.id) {
                Some((Reason::Excluded, "on the plan's exclude list"))
            } else if criteria
                .include
                .as_ref()
                .is_some_and(|i| !i.contains(&c.id))
            {
                Some((Reason::NotIncluded, "not on the plan's include list"))
            } else {
                None
            };
            match ruled_out {
                Some((reason, why)) => self.settle(outcome(
                    &c.entry,
                    OutcomeKind::Skipped,
                    Some(reason.code()),
                    format!(
                        "{why}: the plan lists it as a candidate, but its own lists rule it out"
                    ),
                )),
                None => still.push_back(c),
            }
        }
        *self.queue.lock().unwrap_or_else(|p| p.into_inner()) = still;
    }
}

/// List the customers whose DAP is enabled now, once, and judge every pending candidate again with the
/// plan's criteria: one whose DAP is gone is settled, one the classification would keep now (a recent
/// sign-in, a recent start, unreadable data, ...) is skipped with that reason, and only those still
/// candidates stay in the queue.
async fn recheck(shared: &Shared, criteria: &Criteria, state: &JournalState) -> Result<()> {
    shared.control.update(|p| p.phase = "rechecking".into());
    shared
        .control
        .event("rechecking every candidate against the service", None, None);
    let pending: HashSet<Uuid> = shared
        .queue
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .iter()
        .map(|c| c.id)
        .collect();
    // Only the verdicts of pending candidates are kept: tenant id → (reason, detail).
    let mut verdicts: HashMap<Uuid, (Reason, String)> = HashMap::new();
    customers::for_each_page(
        &shared.list_client,
        &shared.list_opts,
        &recheck_listing(),
        |page| {
            shared.requests.fetch_add(1, Ordering::Relaxed);
            for c in page {
                if let Some(id) = c.tenant_id().and_then(|t| Uuid::parse_str(t).ok()) {
                    if pending.contains(&id) {
                        verdicts.insert(id, criteria.classify(&c));
                    }
                }
            }
        },
    )
    .await?;
    let pending: Vec<Candidate> = shared
        .queue
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .drain(..)
        .collect();
    let mut still = VecDeque::new();
    for c in pending {
        match verdicts.remove(&c.id) {
            None if state.in_flight.contains(&c.entry.customer_tenant_id) => shared
                .settle(outcome(
                &c.entry,
                OutcomeKind::Removed,
                Some(reason_codes::REMOVED_BY_INTERRUPTED_RUN),
                "removal sent by an interrupted run; the recheck found the DAP relationship gone",
            )),
            None => shared.settle(outcome(
                &c.entry,
                OutcomeKind::Skipped,
                Some(Reason::NoDap.code()),
                "the recheck found no DAP relationship (already removed, or never there)",
            )),
            Some((reason, _)) if reason.is_candidate() => still.push_back(c),
            Some((reason, detail)) => shared.settle(outcome(
                &c.entry,
                OutcomeKind::Skipped,
                Some(reason.code()),
                format!(
                    "the recheck would keep it now ({}): {detail}; plan again to reconsider",
                    reason.code()
                ),
            )),
        }
    }
    if !criteria.allow_without_gdap && !still.is_empty() {
        still = recheck_gdap(shared, still).await;
    }
    *shared.queue.lock().unwrap_or_else(|p| p.into_inner()) = still;
    Ok(())
}

/// The plan's GDAP rule on the live data: list the active GDAP relationships once and skip every candidate
/// whose customer has none now (`no_active_gdap`, journaled like the recheck's other skips). When they
/// cannot be listed, every candidate is skipped as `gdap_unknown` with the error, not journaled: a resume
/// with the same journal tries them again.
async fn recheck_gdap(shared: &Shared, still: VecDeque<Candidate>) -> VecDeque<Candidate> {
    shared.control.event(
        "rechecking the candidates' active GDAP relationships (Microsoft Graph)",
        None,
        None,
    );
    let customers: HashSet<Uuid> = still.iter().map(|c| c.id).collect();
    let found = gdap::list_active(
        &shared.list_client,
        &shared.list_opts,
        &customers,
        &shared.control,
        || {
            shared.requests.fetch_add(1, Ordering::Relaxed);
        },
    )
    .await;
    let mut kept = VecDeque::with_capacity(still.len());
    match found {
        Ok(active) => {
            for c in still {
                if active.covers(&c.id) {
                    kept.push_back(c);
                } else {
                    shared.settle(outcome(
                        &c.entry,
                        OutcomeKind::Skipped,
                        Some(Reason::NoActiveGdap.code()),
                        "the recheck found no active GDAP relationship with this customer: removing DAP would leave no admin access to it; plan again to reconsider",
                    ));
                }
            }
        }
        Err(mut e) => {
            e.message = scrub(std::mem::take(&mut e.message), &shared.secrets);
            shared.control.event(
                format!(
                    "the GDAP relationships could not be listed ({}: {}); every remaining candidate is skipped",
                    e.kind, e.message
                ),
                None,
                None,
            );
            for c in still {
                let o = Outcome {
                    error: Some(Box::new(e.clone())),
                    ..outcome(
                        &c.entry,
                        OutcomeKind::Skipped,
                        Some(Reason::GdapUnknown.code()),
                        "the recheck could not list the GDAP relationships, so whether an active one remains is unknown; not removed, and not journaled: a resume tries again",
                    )
                };
                shared.control.update(|p| {
                    p.done += 1;
                    p.skipped += 1;
                });
                shared
                    .outcomes
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .insert(o.customer_tenant_id.clone(), o);
            }
        }
    }
    kept
}

async fn worker(shared: Arc<Shared>) {
    loop {
        if shared.stopping() {
            return;
        }
        let Some(candidate) = shared
            .queue
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .pop_front()
        else {
            return;
        };
        if let Some(j) = &shared.journal {
            if let Err(e) = j.started(&candidate.entry.customer_tenant_id) {
                shared.stop(format!("stopped: {}", e.message));
                shared
                    .queue
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .push_front(candidate);
                return;
            }
        }
        let Candidate { id, entry } = candidate;
        shared.control.update(|p| p.in_flight += 1);
        let opts = shared.opts.with_new_correlation_id();
        shared.requests.fetch_add(1, Ordering::Relaxed);
        let result = tokio::select! {
            r = partner_center::remove_dap_relationship(&shared.client, &opts, id) => Some(r),
            _ = shared.control.cancelled() => None,
        };
        shared.control.update(|p| p.in_flight -= 1);
        let settled = match result {
            // Cancelled mid-request: the journal says "started" with no outcome; a resume's recheck settles it.
            None => {
                let o = outcome(
                    &entry,
                    OutcomeKind::Skipped,
                    Some(reason_codes::CANCELLED_IN_FLIGHT),
                    "cancelled while its request was in flight; a resume settles it",
                );
                shared.control.update(|p| {
                    p.done += 1;
                    p.skipped += 1;
                });
                shared
                    .outcomes
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .insert(o.customer_tenant_id.clone(), o);
                continue;
            }
            Some(Ok(_)) => Outcome {
                correlation_id: Some(opts.correlation_id),
                ..outcome(
                    &entry,
                    OutcomeKind::Removed,
                    None,
                    "AllowDelegatedAccess set to false",
                )
            },
            Some(Err(mut e)) => {
                e.message = scrub(std::mem::take(&mut e.message), &shared.secrets);
                if matches!(e.kind, ErrorKind::Unauthorized | ErrorKind::Forbidden) {
                    shared.stop(format!(
                        "stopped after a {} answer, which every other removal would get too: {}",
                        e.kind, e.message
                    ));
                }
                Outcome {
                    correlation_id: e.correlation_id.or(Some(opts.correlation_id)),
                    reason: None,
                    error: Some(Box::new(e)),
                    ..outcome(&entry, OutcomeKind::Failed, None, "")
                }
            }
        };
        shared.settle(settled);
    }
}

/// One outcome per customer of the plan, in the plan's order: candidates (this run, else the journal's), then
/// the kept ones (moved in, not copied).
fn assemble(
    plan_id: Uuid,
    order: &[String],
    mut outcomes: HashMap<String, Outcome>,
    state: &mut JournalState,
    kept: Vec<PlanEntry>,
    started_at: chrono::DateTime<Utc>,
) -> Report {
    let mut counts = Counts::default();
    let mut rows = Vec::with_capacity(order.len() + kept.len());
    for id in order {
        let o = match outcomes.remove(id) {
            Some(o) => o,
            None => {
                counts.from_journal += 1;
                state.outcomes.remove(id).unwrap_or_else(|| Outcome {
                    customer_tenant_id: id.clone(),
                    organization_display_name: None,
                    outcome: OutcomeKind::Skipped,
                    stage: Stage::Apply,
                    reason: Some("not attempted".into()),
                    reason_code: Some(reason_codes::NOT_ATTEMPTED.into()),
                    error: None,
                    correlation_id: None,
                    at: Utc::now(),
                })
            }
        };
        match o.outcome {
            OutcomeKind::Removed => counts.removed += 1,
            OutcomeKind::Failed => counts.failed += 1,
            OutcomeKind::Skipped => counts.skipped_candidates += 1,
        }
        rows.push(o);
    }
    counts.candidates = order.len() as u64;
    counts.skipped = counts.skipped_candidates + kept.len() as u64;
    let at = Utc::now();
    for k in kept {
        let mut reason = k.detail;
        reason.insert_str(0, "kept by the plan: ");
        rows.push(Outcome {
            customer_tenant_id: k.customer_tenant_id,
            organization_display_name: k.organization_display_name,
            outcome: OutcomeKind::Skipped,
            stage: Stage::Plan,
            reason: Some(reason),
            reason_code: Some(k.reason.code().to_string()),
            error: None,
            correlation_id: None,
            at,
        });
    }
    counts.customers = rows.len() as u64;
    Report {
        plan_id,
        started_at,
        finished_at: Utc::now(),
        stopped_early: false,
        stop_reason: None,
        counts,
        requests: 0,
        throttle_pauses: 0,
        journal: None,
        outcomes: rows,
    }
}
