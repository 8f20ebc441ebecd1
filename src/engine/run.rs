//! Apply a batch of targets with any [`Action`]: bounded concurrency, one shared throttle (a pace, a token
//! bucket, and a gate every worker waits at after a 429), a journal written as things happen so that a
//! killed run resumes without acting twice, a recheck of every target against the live service before the
//! first request, a clean stop on cancel, and one outcome per target in the report.
//!
//! The engine knows nothing of any service: the action says how to judge its targets again (in one batch)
//! and how to act on one.

use super::journal::{Journal, JournalState};
use super::outcome::{Counts, JournalSummary, Outcome, OutcomeKind, Report, Stage, Target};
use super::progress::JobControl;
use crate::error::{Error, ErrorKind, Result};
use crate::options::CallOptions;
use crate::secret::{scrub, Secret};
use crate::throttle::Throttle;
use chrono::Utc;
use std::collections::{HashMap, HashSet, VecDeque};
use std::future::Future;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use uuid::Uuid;

/// Codes of the outcomes the engine itself decides (besides the plan's and the action's reasons).
pub mod reason_codes {
    /// The journal says a request was sent by a run that died; the recheck found it done.
    pub const REMOVED_BY_INTERRUPTED_RUN: &str = "removed_by_interrupted_run";
    /// The recheck found the target already in the state the action would put it in.
    pub const ALREADY_DONE: &str = "already_done";
    pub const NOT_ATTEMPTED: &str = "not_attempted";
    pub const CANCELLED_IN_FLIGHT: &str = "cancelled_in_flight";
}

/// The recheck's verdict on one target.
#[derive(Debug)]
pub enum Verdict {
    /// Still to be acted on.
    Proceed,
    /// Settled without a request: done already, or kept now (with a code and the reason in words).
    Settle {
        kind: OutcomeKind,
        code: &'static str,
        reason: String,
        error: Option<Error>,
        /// Journal it (a resume takes it as settled), or not (a resume judges it again: for "unknown").
        journal: bool,
    },
}

impl Verdict {
    pub fn skip(code: &'static str, reason: impl Into<String>) -> Verdict {
        Verdict::Settle {
            kind: OutcomeKind::Skipped,
            code,
            reason: reason.into(),
            error: None,
            journal: true,
        }
    }
}

/// What acting on one target did.
#[derive(Debug)]
pub struct Acted {
    pub kind: OutcomeKind,
    /// The decision carried out (`enable_auto_extend`, ...), or why it was skipped after all.
    pub code: Option<String>,
    pub reason: String,
}

/// What the engine lends an action while it runs.
pub struct Context<'a> {
    pub opts: &'a CallOptions,
    pub control: &'a Arc<JobControl>,
    requests: &'a AtomicU64,
}

impl Context<'_> {
    /// Count a request sent (the report's `requests`).
    pub fn count_request(&self) {
        self.requests.fetch_add(1, Ordering::Relaxed);
    }

    /// The running total of requests.
    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }
}

/// One kind of bulk change: how to judge its targets again against the live service, and how to act on one.
pub trait Action: Send + Sync + 'static {
    type Target: Target;

    /// The plan's name of the action (`removeDap`, `gdapLifecycle`, `removeLighthouseAssignment`).
    const NAME: &'static str;
    /// The progress phase while acting (`removing`, `changing`).
    const PHASE: &'static str;

    /// Rule a target out before any request, from the plan alone (an id edited into the plan that its own
    /// lists exclude). `None`: go on.
    fn screen(&self, _target: &Self::Target) -> Option<(&'static str, String)> {
        None
    }

    /// Judge every pending target again against the live service, in as few requests as the service
    /// allows. `in_flight` holds the keys a killed run may have sent a request for: one found done is
    /// settled as done (`removed_by_interrupted_run`). A target missing from the answer is treated as
    /// [`Verdict::Proceed`].
    fn recheck<'a>(
        &'a self,
        ctx: &'a Context<'a>,
        pending: Vec<Self::Target>,
        in_flight: &'a HashSet<String>,
    ) -> impl Future<Output = Result<Vec<(Self::Target, Verdict)>>> + Send + 'a;

    /// Act on one target. An error is the target's failure; `unauthorized` and `forbidden` stop the run
    /// (every other request would get them too).
    fn act<'a>(
        &'a self,
        ctx: &'a Context<'a>,
        target: &'a Self::Target,
    ) -> impl Future<Output = Result<Acted>> + Send + 'a;

    /// Secrets that must never appear in an outcome's error message.
    fn secrets(&self) -> Vec<Secret>;
}

/// A plan's work, as the engine needs it: the candidates in the plan's order (their keys checked unique)
/// and the targets the plan kept (already outcomes of stage `plan`).
#[derive(Debug)]
pub struct Batch<T: Target> {
    pub plan_id: Uuid,
    pub candidates: Vec<T>,
    pub kept: Vec<Outcome<T>>,
}

#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Actions in flight at once (1..=64).
    pub concurrency: usize,
    /// The journal file; without one, an interrupted run cannot be resumed.
    pub journal: Option<PathBuf>,
    /// Judge every candidate again against the service before acting.
    pub recheck: bool,
    /// The throttle the action's clients wait at (its pauses are reported).
    pub throttle: Arc<Throttle>,
}

/// State the workers share.
struct Shared<A: Action> {
    action: A,
    opts: CallOptions,
    journal: Option<Journal<A::Target>>,
    control: Arc<JobControl>,
    queue: Mutex<VecDeque<A::Target>>,
    outcomes: Mutex<HashMap<String, Outcome<A::Target>>>,
    stop_reason: Mutex<Option<String>>,
    requests: AtomicU64,
    secrets: Vec<Secret>,
    throttle: Arc<Throttle>,
}

impl<A: Action> Shared<A> {
    fn context(&self) -> Context<'_> {
        Context {
            opts: &self.opts,
            control: &self.control,
            requests: &self.requests,
        }
    }

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

    /// Record one outcome: journal first (so that it is durable before it is reported), unless `journal`
    /// is false (a resume judges that target again), then progress.
    fn settle(&self, outcome: Outcome<A::Target>, journal: bool) {
        if journal {
            if let Some(j) = &self.journal {
                if let Err(e) = j.outcome(&outcome) {
                    self.stop(format!("stopped: {}", e.message));
                }
            }
        }
        let pauses = self.throttle.pauses();
        self.control.update(|p| {
            p.throttle_pauses = pauses;
            p.done += 1;
            match outcome.outcome {
                OutcomeKind::Done => p.removed += 1,
                OutcomeKind::Failed => p.failed += 1,
                OutcomeKind::Skipped => p.skipped += 1,
            }
        });
        let word = outcome.outcome.word::<A::Target>();
        let what = match (&outcome.outcome, &outcome.error) {
            (OutcomeKind::Failed, Some(e)) => format!("failed: {}", e.message),
            _ => word.to_string(),
        };
        let t = &outcome.target;
        let name = t.display_name().unwrap_or_default();
        let customer = t.customer_tenant_id().map(str::to_string);
        let target = (customer.as_deref() != Some(t.key())).then(|| t.key().to_string());
        self.control.target_event(
            format!("{} {name}: {what}", t.key()),
            customer,
            target,
            Some(word),
        );
        self.outcomes
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(t.key().to_string(), outcome);
    }

    fn scrubbed(&self, mut e: Error) -> Error {
        e.message = scrub(std::mem::take(&mut e.message), &self.secrets);
        e
    }
}

/// Apply `batch` with `action`. Every candidate ends done, failed or skipped; the report's counts add up.
/// Safe to run again with the same journal after a crash or a cancel: what is done is not done again.
pub async fn run<A: Action>(
    action: A,
    opts: &CallOptions,
    batch: Batch<A::Target>,
    options: &RunOptions,
    control: &Arc<JobControl>,
) -> Result<Report<A::Target>> {
    if !(1..=64).contains(&options.concurrency) {
        return Err(Error::invalid(format!(
            "concurrency must be from 1 to 64, not {}",
            options.concurrency
        )));
    }
    let mut seen = HashSet::with_capacity(batch.candidates.len());
    for c in &batch.candidates {
        if !seen.insert(c.key().to_string()) {
            return Err(Error::invalid(format!(
                "the plan lists candidate {} twice",
                c.key()
            )));
        }
    }
    drop(seen);
    let started_at = Utc::now();
    let Batch {
        plan_id,
        candidates,
        kept,
    } = batch;
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

    // The report lists candidates in the plan's order.
    let order: Vec<String> = candidates.iter().map(|c| c.key().to_string()).collect();
    let pending: VecDeque<A::Target> = candidates
        .into_iter()
        .filter(|c| !state.is_done(c.key()))
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
    let secrets = action.secrets();
    let shared = Arc::new(Shared {
        action,
        opts: opts.clone(),
        journal,
        control: control.clone(),
        queue: Mutex::new(pending),
        outcomes: Mutex::new(HashMap::new()),
        stop_reason: Mutex::new(None),
        requests: AtomicU64::new(0),
        secrets,
        throttle: options.throttle.clone(),
    });

    // Candidates the plan's own lists rule out never reach a request.
    screen(&shared);
    // Requests a killed run may have sent are always settled against the service, recheck or not.
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
            checked = recheck(&shared, &state.in_flight) => checked?,
            _ = control.cancelled() => {}
        }
    }

    control.update(|p| p.phase = A::PHASE.into());
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
    let left: Vec<A::Target> = shared
        .queue
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .drain(..)
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
    let left_count = left.len() as u64;
    for target in left {
        outcomes.insert(
            target.key().to_string(),
            Outcome::new(
                target,
                OutcomeKind::Skipped,
                Stage::Apply,
                Some(reason_codes::NOT_ATTEMPTED),
                why_left.clone(),
            ),
        );
    }
    let pauses = options.throttle.pauses();
    control.update(|p| {
        p.phase = "finished".into();
        p.skipped += left_count;
        p.done += left_count;
        p.throttle_pauses = pauses;
    });
    let (counts, rows) = assemble(&order, outcomes, &mut state, kept);
    let stopped_early = cancelled || stop_reason.is_some();
    Ok(Report {
        action: None,
        plan_id,
        started_at,
        finished_at: Utc::now(),
        stopped_early,
        stop_reason: stop_reason.or(cancelled.then(|| "cancelled".to_string())),
        counts,
        requests: shared.requests.load(Ordering::Relaxed),
        throttle_pauses: pauses,
        journal: journal_summary,
        outcomes: rows,
    })
}

/// Skip, without a request, the candidates the action rules out from the plan alone.
fn screen<A: Action>(shared: &Shared<A>) {
    let pending: Vec<A::Target> = shared
        .queue
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .drain(..)
        .collect();
    let mut still = VecDeque::with_capacity(pending.len());
    for t in pending {
        match shared.action.screen(&t) {
            Some((code, why)) => shared.settle(
                Outcome::new(t, OutcomeKind::Skipped, Stage::Apply, Some(code), why),
                true,
            ),
            None => still.push_back(t),
        }
    }
    *shared.queue.lock().unwrap_or_else(|p| p.into_inner()) = still;
}

async fn recheck<A: Action>(shared: &Shared<A>, in_flight: &HashSet<String>) -> Result<()> {
    shared.control.update(|p| p.phase = "rechecking".into());
    shared
        .control
        .event("rechecking every candidate against the service", None, None);
    let pending: Vec<A::Target> = shared
        .queue
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .drain(..)
        .collect();
    let ctx = shared.context();
    let verdicts = shared
        .action
        .recheck(&ctx, pending, in_flight)
        .await
        .map_err(|e| shared.scrubbed(e))?;
    let mut still = VecDeque::with_capacity(verdicts.len());
    for (t, verdict) in verdicts {
        match verdict {
            Verdict::Proceed => still.push_back(t),
            Verdict::Settle {
                kind,
                code,
                reason,
                error,
                journal,
            } => {
                let o = Outcome {
                    error: error.map(|e| Box::new(shared.scrubbed(e))),
                    ..Outcome::new(t, kind, Stage::Apply, Some(code), reason)
                };
                shared.settle(o, journal);
            }
        }
    }
    *shared.queue.lock().unwrap_or_else(|p| p.into_inner()) = still;
    Ok(())
}

async fn worker<A: Action>(shared: Arc<Shared<A>>) {
    loop {
        if shared.stopping() {
            return;
        }
        let Some(target) = shared
            .queue
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .pop_front()
        else {
            return;
        };
        if let Some(j) = &shared.journal {
            if let Err(e) = j.started(target.key()) {
                shared.stop(format!("stopped: {}", e.message));
                shared
                    .queue
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .push_front(target);
                return;
            }
        }
        shared.control.update(|p| p.in_flight += 1);
        let opts = shared.opts.with_new_correlation_id();
        let ctx = Context {
            opts: &opts,
            control: &shared.control,
            requests: &shared.requests,
        };
        let result = tokio::select! {
            r = shared.action.act(&ctx, &target) => Some(r),
            _ = shared.control.cancelled() => None,
        };
        shared.control.update(|p| p.in_flight -= 1);
        let settled = match result {
            // Cancelled mid-request: the journal says "started" with no outcome; a resume's recheck settles it.
            None => {
                let o = Outcome::new(
                    target,
                    OutcomeKind::Skipped,
                    Stage::Apply,
                    Some(reason_codes::CANCELLED_IN_FLIGHT),
                    "cancelled while its request was in flight; a resume settles it",
                );
                shared.settle(o, false);
                continue;
            }
            Some(Ok(acted)) => Outcome {
                correlation_id: Some(opts.correlation_id),
                reason_code: acted.code,
                ..Outcome::new(target, acted.kind, Stage::Apply, None, acted.reason)
            },
            Some(Err(e)) => {
                let e = shared.scrubbed(e);
                if matches!(e.kind, ErrorKind::Unauthorized | ErrorKind::Forbidden) {
                    shared.stop(format!(
                        "stopped after a {} answer, which every other request would get too: {}",
                        e.kind, e.message
                    ));
                }
                Outcome {
                    correlation_id: e.correlation_id.or(Some(opts.correlation_id)),
                    reason: None,
                    error: Some(Box::new(e)),
                    ..Outcome::new(target, OutcomeKind::Failed, Stage::Apply, None, "")
                }
            }
        };
        shared.settle(settled, true);
    }
}

/// One outcome per target of the plan, in the plan's order: candidates (this run, else the journal's), then
/// the kept ones (moved in, not copied).
fn assemble<T: Target>(
    order: &[String],
    mut outcomes: HashMap<String, Outcome<T>>,
    state: &mut JournalState<T>,
    kept: Vec<Outcome<T>>,
) -> (Counts, Vec<Outcome<T>>) {
    let mut counts = Counts::default();
    let mut rows = Vec::with_capacity(order.len() + kept.len());
    for key in order {
        let o = match outcomes.remove(key) {
            Some(o) => o,
            None => {
                counts.from_journal += 1;
                match state.outcomes.remove(key) {
                    Some(o) => o,
                    // Unreachable: a key not pending was done in the journal. Never a panic at the boundary.
                    None => continue,
                }
            }
        };
        match o.outcome {
            OutcomeKind::Done => counts.done += 1,
            OutcomeKind::Failed => counts.failed += 1,
            OutcomeKind::Skipped => counts.skipped_candidates += 1,
        }
        rows.push(o);
    }
    counts.candidates = rows.len() as u64;
    counts.skipped = counts.skipped_candidates + kept.len() as u64;
    rows.extend(kept);
    counts.targets = rows.len() as u64;
    (counts, rows)
}
