//! What a running plan or apply shares with whoever watches it: progress counters, a bounded queue of
//! events, and a cancel flag. The watcher polls; nothing ever calls back into the caller's code.

use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Mutex;

/// Events kept for the watcher before the oldest are dropped (and counted).
const MAX_EVENTS: usize = 10_000;

#[derive(Debug, Clone, Default, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Progress {
    /// `listing`, `listingGdap`, `rechecking`, `removing`, `sending`, `waiting`, `finished`.
    pub phase: String,
    pub customers_listed: u64,
    /// GDAP relationships listed (the `listGdapRelationships` job, and a plan's or apply's GDAP check).
    pub relationships_listed: u64,
    /// Candidates of the plan being applied.
    pub total: u64,
    pub done: u64,
    /// Targets acted on (removed for the DAP cleanup and Lighthouse; changed or terminated for GDAP).
    pub removed: u64,
    pub failed: u64,
    pub skipped: u64,
    pub in_flight: u64,
    /// Times a 429 paused every worker.
    pub throttle_pauses: u64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Event {
    pub at: DateTime<Utc>,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_tenant_id: Option<String>,
    /// The target's key where it is not a customer (a GDAP relationship id, a Lighthouse assignment id).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_id: Option<String>,
    /// The outcome's word: `removed` (or the action's own word), `failed`, `skipped`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<&'static str>,
}

#[derive(Debug, Default)]
pub struct JobControl {
    cancelled: AtomicBool,
    cancel_notify: tokio::sync::Notify,
    progress: Mutex<Progress>,
    events: Mutex<VecDeque<Event>>,
    dropped: AtomicU64,
}

impl JobControl {
    pub fn new() -> JobControl {
        JobControl::default()
    }

    /// Ask the run to stop: no new customer is started; those in flight finish and are journaled.
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::SeqCst);
        self.cancel_notify.notify_waiters();
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::SeqCst)
    }

    /// Resolves once [`JobControl::cancel`] has been called.
    pub async fn cancelled(&self) {
        let notified = self.cancel_notify.notified();
        if self.is_cancelled() {
            return;
        }
        notified.await;
    }

    pub fn progress(&self) -> Progress {
        self.progress
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    pub(crate) fn update(&self, f: impl FnOnce(&mut Progress)) {
        f(&mut self.progress.lock().unwrap_or_else(|p| p.into_inner()));
    }

    pub(crate) fn event(
        &self,
        message: impl Into<String>,
        customer: Option<String>,
        outcome: Option<&'static str>,
    ) {
        self.target_event(message, customer, None, outcome);
    }

    /// An event about one target that is not (only) a customer.
    pub(crate) fn target_event(
        &self,
        message: impl Into<String>,
        customer: Option<String>,
        target: Option<String>,
        outcome: Option<&'static str>,
    ) {
        let mut events = self.events.lock().unwrap_or_else(|p| p.into_inner());
        if events.len() >= MAX_EVENTS {
            events.pop_front();
            self.dropped.fetch_add(1, Ordering::Relaxed);
        }
        events.push_back(Event {
            at: Utc::now(),
            message: message.into(),
            customer_tenant_id: customer,
            target_id: target,
            outcome,
        });
    }

    /// Take up to `max` of the oldest events not yet taken.
    pub fn take_events(&self, max: usize) -> Vec<Event> {
        let mut events = self.events.lock().unwrap_or_else(|p| p.into_inner());
        let n = max.min(events.len());
        events.drain(..n).collect()
    }

    /// Events dropped because nobody took them in time.
    pub fn dropped_events(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }
}
