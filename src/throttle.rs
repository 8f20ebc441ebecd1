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
    pauses: AtomicU64,
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

    /// Wait while the gate is closed, then for this attempt's slot in the pace.
    pub async fn wait(&self) {
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
}
