//! One throttle shared by every worker of a batch: when the service says "wait", everybody waits.

use std::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

/// A gate closed until an instant. Workers call [`Throttle::wait`] before each request; a worker that gets
/// a 429 with `Retry-After` closes the gate for all of them with [`Throttle::pause_for`], so N workers do
/// not hammer a service that asked them to back off.
#[derive(Debug, Default)]
pub struct Throttle {
    closed_until: Mutex<Option<Instant>>,
    pauses: std::sync::atomic::AtomicU64,
}

impl Throttle {
    pub fn new() -> Throttle {
        Throttle::default()
    }

    /// Wait while the gate is closed.
    pub async fn wait(&self) {
        loop {
            let until = *self.closed_until.lock().unwrap_or_else(|p| p.into_inner());
            match until {
                Some(t) if t > Instant::now() => tokio::time::sleep_until(t).await,
                _ => return,
            }
        }
    }

    /// Close the gate for `delay` from now (extending, never shortening, a pause already in force).
    pub fn pause_for(&self, delay: Duration) {
        let until = Instant::now() + delay;
        let mut guard = self.closed_until.lock().unwrap_or_else(|p| p.into_inner());
        if guard.is_none_or(|t| t < until) {
            *guard = Some(until);
        }
        self.pauses.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }

    /// How many times a worker closed the gate.
    pub fn pauses(&self) -> u64 {
        self.pauses.load(std::sync::atomic::Ordering::Relaxed)
    }
}
