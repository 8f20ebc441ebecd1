//! ARM's subscription delete limit: token buckets per subscription and principal (`arm_delete_bucket`
//! tokens, `arm_delete_refill_per_second` back each second), and a global bucket per subscription over every
//! principal, 15 times as large and as fast, as ARM documents. A request takes one token from both or none.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

use uuid::Uuid;

use crate::state::lock;

/// ARM's global subscription limit is this many times a single principal's.
pub const GLOBAL_FACTOR: u32 = 15;

#[derive(Clone, Copy, Debug)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

impl Bucket {
    /// Refilled up to `now`, never beyond `capacity`.
    fn refill(&mut self, now: Instant, capacity: f64, rate: f64) {
        let elapsed = now.saturating_duration_since(self.at).as_secs_f64();
        self.tokens = (self.tokens + elapsed * rate).min(capacity);
        self.at = now;
    }

    /// Whole seconds (at least 1) until a token is back.
    fn wait(&self, rate: f64) -> u64 {
        ((1.0 - self.tokens) / rate).ceil().max(1.0) as u64
    }
}

/// The verdict on one DELETE.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Take {
    /// No bucket configured.
    Unlimited,
    /// A token taken; whole tokens left in the principal's and in the global bucket.
    Admitted {
        remaining: u64,
        global_remaining: u64,
    },
    /// An empty bucket: whole seconds until a token is back in every bucket that was empty, and the whole
    /// tokens in each bucket now.
    Throttled {
        retry_after: u64,
        remaining: u64,
        global_remaining: u64,
    },
}

/// The buckets touched so far (one per subscription and principal that deleted, one per subscription):
/// bounded by the subscriptions times the principals.
#[derive(Default)]
struct Buckets {
    principals: HashMap<(Uuid, String), Bucket>,
    globals: HashMap<Uuid, Bucket>,
}

pub struct DeleteBuckets {
    capacity: f64,
    rate: f64,
    state: Mutex<Buckets>,
}

impl DeleteBuckets {
    /// `capacity` 0 = no limit; `refill_per_second` is taken as at least 1.
    pub fn new(capacity: u32, refill_per_second: u32) -> Self {
        DeleteBuckets {
            capacity: f64::from(capacity),
            rate: f64::from(refill_per_second.max(1)),
            state: Mutex::new(Buckets::default()),
        }
    }

    pub fn take(&self, subscription: Uuid, principal: &str) -> Take {
        self.take_at(subscription, principal, Instant::now())
    }

    fn take_at(&self, subscription: Uuid, principal: &str, now: Instant) -> Take {
        if self.capacity <= 0.0 {
            return Take::Unlimited;
        }
        let factor = f64::from(GLOBAL_FACTOR);
        let (capacity, rate) = (self.capacity, self.rate);
        let mut guard = lock(&self.state);
        let Buckets {
            principals,
            globals,
        } = &mut *guard;
        let full = |capacity| Bucket {
            tokens: capacity,
            at: now,
        };
        let own = principals
            .entry((subscription, principal.to_string()))
            .or_insert_with(|| full(capacity));
        own.refill(now, capacity, rate);
        let global = globals
            .entry(subscription)
            .or_insert_with(|| full(capacity * factor));
        global.refill(now, capacity * factor, rate * factor);
        if own.tokens < 1.0 || global.tokens < 1.0 {
            let own_wait = (own.tokens < 1.0).then(|| own.wait(rate));
            let global_wait = (global.tokens < 1.0).then(|| global.wait(rate * factor));
            let retry_after = own_wait.into_iter().chain(global_wait).max().unwrap_or(1);
            return Take::Throttled {
                retry_after,
                remaining: own.tokens.floor() as u64,
                global_remaining: global.tokens.floor() as u64,
            };
        }
        own.tokens -= 1.0;
        global.tokens -= 1.0;
        Take::Admitted {
            remaining: own.tokens.floor() as u64,
            global_remaining: global.tokens.floor() as u64,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn sub(n: u8) -> Uuid {
        Uuid::from_bytes([n; 16])
    }

    #[test]
    fn a_bucket_empties_then_refills_at_its_rate() {
        let buckets = DeleteBuckets::new(3, 2);
        let t0 = Instant::now();
        let take = |at: u64| buckets.take_at(sub(1), "app", t0 + Duration::from_millis(at));
        assert_eq!(
            take(0),
            Take::Admitted {
                remaining: 2,
                global_remaining: 44
            }
        );
        assert!(matches!(take(0), Take::Admitted { remaining: 1, .. }));
        assert!(matches!(take(0), Take::Admitted { remaining: 0, .. }));
        assert_eq!(
            take(0),
            Take::Throttled {
                retry_after: 1,
                remaining: 0,
                global_remaining: 42
            }
        );
        assert!(
            matches!(take(400), Take::Throttled { remaining: 0, .. }),
            "0.8 tokens"
        );
        assert!(
            matches!(take(500), Take::Admitted { remaining: 0, .. }),
            "one back after 0.5 s"
        );
        assert!(
            matches!(take(10_000), Take::Admitted { remaining: 2, .. }),
            "full again, not more"
        );
    }

    #[test]
    fn buckets_are_per_subscription_and_principal_under_a_global_one() {
        let buckets = DeleteBuckets::new(1, 1);
        let t0 = Instant::now();
        assert!(matches!(
            buckets.take_at(sub(1), "app", t0),
            Take::Admitted { .. }
        ));
        assert!(matches!(
            buckets.take_at(sub(1), "app", t0),
            Take::Throttled { .. }
        ));
        assert!(matches!(
            buckets.take_at(sub(2), "app", t0),
            Take::Admitted { .. }
        ));
        // Fifteen principals share the subscription's global bucket of 15; the sixteenth waits for it.
        for p in 1..GLOBAL_FACTOR {
            let taken = buckets.take_at(sub(1), &format!("principal {p}"), t0);
            assert!(matches!(taken, Take::Admitted { .. }), "{p}: {taken:?}");
        }
        assert_eq!(
            buckets.take_at(sub(1), "principal 15", t0),
            Take::Throttled {
                retry_after: 1,
                remaining: 1,
                global_remaining: 0
            }
        );
        assert_eq!(
            DeleteBuckets::new(0, 10).take_at(sub(1), "app", t0),
            Take::Unlimited
        );
    }
}
