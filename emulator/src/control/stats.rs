//! Counters over every non-control request.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use serde_json::{json, Value};

use crate::http::service::Service;
use crate::state::lock;

#[derive(Default)]
pub struct Stats {
    service_requests: AtomicU64,
    throttled: AtomicU64,
    throttled_by_service: [AtomicU64; Service::ALL.len()],
    arm_delete_requests: AtomicU64,
    arm_delete_throttled: AtomicU64,
    lighthouse_deletes: AtomicU64,
    injected_failures: AtomicU64,
    token_requests: AtomicU64,
    authorize_requests: AtomicU64,
    managed_identity_requests: AtomicU64,
    dap_removals: AtomicU64,
    by_status: Mutex<BTreeMap<u16, u64>>,
}

fn bump(counter: &AtomicU64) {
    counter.fetch_add(1, Ordering::Relaxed);
}

impl Stats {
    pub fn service_request(&self) {
        bump(&self.service_requests);
    }
    /// A 429 of a rate limiter (the service-wide one, the service's own) or of ARM's delete bucket.
    pub fn throttled(&self, service: Service) {
        bump(&self.throttled);
        bump(&self.throttled_by_service[service.index()]);
    }
    /// A DELETE of a registration assignment that got past the gate (throttled by the delete bucket or not).
    pub fn arm_delete_request(&self) {
        bump(&self.arm_delete_requests);
    }
    /// A registration assignment's delete started (202): the assignment goes once its operation completes.
    pub fn lighthouse_delete(&self) {
        bump(&self.lighthouse_deletes);
    }
    /// A 429 of ARM's delete bucket (also counted by [`Stats::throttled`]).
    pub fn arm_delete_throttled(&self) {
        self.throttled(Service::Arm);
        bump(&self.arm_delete_throttled);
    }
    pub fn injected_failure(&self) {
        bump(&self.injected_failures);
    }
    pub fn token_request(&self) {
        bump(&self.token_requests);
    }
    pub fn authorize_request(&self) {
        bump(&self.authorize_requests);
    }
    pub fn managed_identity_request(&self) {
        bump(&self.managed_identity_requests);
    }
    pub fn dap_removal(&self) {
        bump(&self.dap_removals);
    }
    pub fn status(&self, status: u16) {
        *lock(&self.by_status).entry(status).or_default() += 1;
    }

    pub fn service_requests(&self) -> usize {
        self.service_requests.load(Ordering::Relaxed) as usize
    }

    pub fn to_json(&self) -> Value {
        let by_status: serde_json::Map<String, Value> = lock(&self.by_status)
            .iter()
            .map(|(status, n)| (status.to_string(), json!(n)))
            .collect();
        let by_service: serde_json::Map<String, Value> = Service::ALL
            .iter()
            .map(|s| {
                let n = self.throttled_by_service[s.index()].load(Ordering::Relaxed);
                (s.id().to_string(), json!(n))
            })
            .collect();
        json!({
            "serviceRequests": self.service_requests.load(Ordering::Relaxed),
            "throttled": self.throttled.load(Ordering::Relaxed),
            "throttledByService": by_service,
            "armDeleteRequests": self.arm_delete_requests.load(Ordering::Relaxed),
            "armDeleteThrottled": self.arm_delete_throttled.load(Ordering::Relaxed),
            "lighthouseDeletes": self.lighthouse_deletes.load(Ordering::Relaxed),
            "injectedFailures": self.injected_failures.load(Ordering::Relaxed),
            "tokenRequests": self.token_requests.load(Ordering::Relaxed),
            "authorizeRequests": self.authorize_requests.load(Ordering::Relaxed),
            "managedIdentityRequests": self.managed_identity_requests.load(Ordering::Relaxed),
            "dapRemovals": self.dap_removals.load(Ordering::Relaxed),
            "byStatus": by_status,
        })
    }
}
