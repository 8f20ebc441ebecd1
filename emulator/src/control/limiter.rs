//! The service-wide rate limiter: at most N admissions per fixed one-second window.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::state::lock;

pub struct RateLimiter {
    limit: u32,
    origin: Instant,
    /// (window number, admissions in it)
    window: Mutex<(u64, u32)>,
}

/// One window; `admit` numbers windows by whole seconds since `origin`.
const WINDOW: Duration = Duration::from_secs(1);

impl RateLimiter {
    /// `limit` 0 admits everything.
    pub fn new(limit: u32) -> Self {
        RateLimiter {
            limit,
            origin: Instant::now(),
            window: Mutex::new((0, 0)),
        }
    }

    /// Ok when admitted, else the whole seconds (at least 1) until the window ends.
    pub fn admit(&self) -> Result<(), u64> {
        if self.limit == 0 {
            return Ok(());
        }
        let elapsed = self.origin.elapsed();
        let number = elapsed.as_secs();
        let mut window = lock(&self.window);
        if window.0 != number {
            *window = (number, 0);
        }
        if window.1 < self.limit {
            window.1 += 1;
            return Ok(());
        }
        let window_end = WINDOW * (number + 1) as u32;
        let left = window_end.saturating_sub(elapsed);
        Err(left.as_secs_f64().ceil().max(1.0) as u64)
    }
}
