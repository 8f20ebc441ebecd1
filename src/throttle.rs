//! One throttle shared by every worker of a batch: a steady pace below the service's rate limit, and, when
//! the service still says "wait" (429 + Retry-After), everybody waits.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

/// Workers call [`Throttle::wait`] before every attempt (retries included). It paces attempts at most
/// `requests_per_second` apart (when set), and holds everybody while a worker's 429 has closed the gate with
/// [`Throttle::pause_for`], so N workers never hammer a service that asked them to back off.
#[derive(Debug, Default)]
pub struct Throttle {
    closed_until: Mutex<Option<Instant>>,
    /// The pace: the next free send slot and the spacing between slots.
    next_slot: Mutex<Option<Instant>>,
    spacing: Option<Duration>,
    /// A token bucket (ARM's documented write limits: a bucket of 200 deletes refilled at 10 a second).
    bucket: Option<Bucket>,
    pauses: AtomicU64,
}

/// Tokens left (below zero: attempts already waiting for refills) as of `at`.
#[derive(Debug)]
struct Bucket {
    capacity: f64,
    refill_per_second: f64,
    state: Mutex<(f64, Instant)>,
}

impl Throttle {
    /// A gate with no pace of its own.
    pub fn new() -> Throttle {
        Throttle::default()
    }

    /// A gate that also spaces attempts evenly at `requests_per_second`.
    pub fn with_rate(requests_per_second: f64) -> Throttle {
        let spacing = (requests_per_second.is_finite() && requests_per_second > 0.0)
            .then(|| Duration::from_secs_f64(1.0 / requests_per_second));
        Throttle {
            spacing,
            ..Throttle::default()
        }
    }

    /// A gate that also takes one token per attempt from a bucket of `capacity` (full at the start)
    /// refilled at `refill_per_second`: bursts up to the capacity, then the refill rate. `None` when the
    /// figures are not positive and finite.
    pub fn with_bucket(capacity: u32, refill_per_second: f64) -> Option<Throttle> {
        (capacity > 0 && refill_per_second.is_finite() && refill_per_second > 0.0).then(|| {
            Throttle {
                bucket: Some(Bucket {
                    capacity: f64::from(capacity),
                    refill_per_second,
                    state: Mutex::new((f64::from(capacity), Instant::now())),
                }),
                ..Throttle::default()
            }
        })
    }

    /// Wait while the gate is closed, then for this attempt's slot in the pace, and its token when it is
    /// a write.
    pub async fn wait(&self) {
        self.wait_for(true).await
    }

    /// Like [`Throttle::wait`]; a read (`write` false) takes no token from the bucket, which holds
    /// writes only (ARM counts deletes in their own bucket; the polls of a delete are reads).
    pub async fn wait_for(&self, write: bool) {
        loop {
            let until = *self.closed_until.lock().unwrap_or_else(|p| p.into_inner());
            match until {
                Some(t) if t > Instant::now() => tokio::time::sleep_until(t).await,
                _ => break,
            }
        }
        if let Some(spacing) = self.spacing {
            let slot = {
                let mut next = self.next_slot.lock().unwrap_or_else(|p| p.into_inner());
                let now = Instant::now();
                let slot = next.map_or(now, |n| n.max(now));
                *next = Some(slot + spacing);
                slot
            };
            tokio::time::sleep_until(slot).await;
        }
        if let Some(bucket) = self.bucket.as_ref().filter(|_| write) {
            let ready_at = {
                let mut state = bucket.state.lock().unwrap_or_else(|p| p.into_inner());
                let now = Instant::now();
                let (tokens, at) = *state;
                let refilled = (tokens
                    + now.saturating_duration_since(at).as_secs_f64() * bucket.refill_per_second)
                    .min(bucket.capacity);
                // Take the token now, even on credit: whoever comes next waits behind this attempt.
                let left = refilled - 1.0;
                *state = (left, now);
                (left < 0.0)
                    .then(|| now + Duration::from_secs_f64(-left / bucket.refill_per_second))
            };
            if let Some(t) = ready_at {
                tokio::time::sleep_until(t).await;
            }
        }
    }

    /// Close the gate for `delay` from now (extending, never shortening, a pause already in force). The pace
    /// restarts after the pause rather than releasing a burst of saved-up slots.
    pub fn pause_for(&self, delay: Duration) {
        let until = Instant::now() + delay;
        {
            let mut guard = self.closed_until.lock().unwrap_or_else(|p| p.into_inner());
            if guard.is_none_or(|t| t < until) {
                *guard = Some(until);
            }
        }
        let mut next = self.next_slot.lock().unwrap_or_else(|p| p.into_inner());
        if next.is_none_or(|n| n < until) {
            *next = Some(until);
        }
        self.pauses.fetch_add(1, Ordering::Relaxed);
    }

    /// How many times a worker closed the gate.
    pub fn pauses(&self) -> u64 {
        self.pauses.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn paces_attempts_and_pauses_everyone() {
        let t = Throttle::with_rate(10.0);
        let start = Instant::now();
        for _ in 0..5 {
            t.wait().await;
        }
        assert_eq!(
            start.elapsed(),
            Duration::from_millis(400),
            "5 slots 100 ms apart"
        );
        t.pause_for(Duration::from_secs(2));
        let paused = Instant::now();
        t.wait().await;
        assert_eq!(paused.elapsed(), Duration::from_secs(2));
        assert_eq!(t.pauses(), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn a_bucket_lets_a_burst_through_then_the_refill_rate() {
        assert!(Throttle::with_bucket(0, 10.0).is_none());
        assert!(Throttle::with_bucket(3, f64::NAN).is_none());
        let t = Throttle::with_bucket(3, 10.0).unwrap();
        let start = Instant::now();
        for _ in 0..3 {
            t.wait().await;
        }
        assert_eq!(start.elapsed(), Duration::ZERO, "the burst of the capacity");
        t.wait().await;
        assert_eq!(
            start.elapsed(),
            Duration::from_millis(100),
            "then one a refill"
        );
        t.wait().await;
        assert_eq!(start.elapsed(), Duration::from_millis(200));
        // Idle for long: the bucket holds no more than its capacity.
        tokio::time::sleep(Duration::from_secs(10)).await;
        let again = Instant::now();
        for _ in 0..3 {
            t.wait().await;
        }
        assert_eq!(again.elapsed(), Duration::ZERO);
        t.wait().await;
        assert_eq!(again.elapsed(), Duration::from_millis(100));
        // The 429 gate still holds everyone.
        t.pause_for(Duration::from_secs(1));
        let paused = Instant::now();
        t.wait().await;
        assert!(paused.elapsed() >= Duration::from_secs(1));
    }
}
