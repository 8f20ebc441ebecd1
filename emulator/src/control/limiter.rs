//! Fixed-window rate limiters: the service-wide one (`rate_limit`) and one per service
//! (`service_rate_limits`).

use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::config::{RateLimit, ServiceRateLimits};
use crate::http::service::Service;
use crate::state::lock;

pub struct RateLimiter {
    limit: u32,
    window: Duration,
    origin: Instant,
    /// (window number, admissions in it)
    current: Mutex<(u64, u32)>,
}

impl RateLimiter {
    /// At most `limit` admissions per one-second window; 0 admits everything.
    pub fn new(limit: u32) -> Self {
        Self::with(RateLimit::per_second(limit))
    }

    /// At most `limit.requests` per window of `limit.per` (0 requests admits everything).
    pub fn with(limit: RateLimit) -> Self {
        RateLimiter {
            limit: limit.requests,
            window: limit.per.max(Duration::from_millis(1)),
            origin: Instant::now(),
            current: Mutex::new((0, 0)),
        }
    }

    /// Ok when admitted, else the whole seconds (at least 1) until the window ends.
    pub fn admit(&self) -> Result<(), u64> {
        self.admit_at(self.origin.elapsed())
    }

    /// `admit` at `elapsed` since the limiter was made (windows are numbered from there).
    fn admit_at(&self, elapsed: Duration) -> Result<(), u64> {
        if self.limit == 0 {
            return Ok(());
        }
        let number = (elapsed.as_nanos() / self.window.as_nanos()) as u64;
        let mut current = lock(&self.current);
        if current.0 != number {
            *current = (number, 0);
        }
        if current.1 < self.limit {
            current.1 += 1;
            return Ok(());
        }
        let window_end = self.window.as_secs_f64() * (number + 1) as f64;
        let left = window_end - elapsed.as_secs_f64();
        Err(left.ceil().max(1.0) as u64)
    }
}

/// One limiter per service; a service without a limit admits everything.
pub struct ServiceLimiters {
    limiters: [RateLimiter; Service::ALL.len()],
}

impl ServiceLimiters {
    pub fn new(limits: &ServiceRateLimits) -> Self {
        ServiceLimiters {
            limiters: Service::ALL.map(|service| {
                let limit = match service {
                    Service::PartnerCenter => limits.partner_center,
                    Service::CustomersApi => limits.customers_api,
                    Service::CloudCockpit => limits.cloud_cockpit,
                    Service::Arm => limits.arm,
                    Service::Graph => limits.graph,
                };
                RateLimiter::with(limit.unwrap_or(RateLimit::per_second(0)))
            }),
        }
    }

    /// Ok when `service`'s own limit admits the request, else the whole seconds until its window ends.
    pub fn admit(&self, service: Service) -> Result<(), u64> {
        self.limiters[service.index()].admit()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_per_window_and_says_how_long_to_wait() {
        let limiter = RateLimiter::with(RateLimit {
            requests: 2,
            per: Duration::from_secs(60),
        });
        let at = Duration::from_millis;
        assert_eq!(limiter.admit_at(at(0)), Ok(()));
        assert_eq!(limiter.admit_at(at(10_000)), Ok(()));
        assert_eq!(
            limiter.admit_at(at(10_500)),
            Err(50),
            "50 s to the minute's end"
        );
        assert_eq!(limiter.admit_at(at(59_999)), Err(1), "at least 1");
        assert_eq!(limiter.admit_at(at(60_000)), Ok(()), "a new window");
        let off = RateLimiter::new(0);
        for i in 0..1000 {
            assert_eq!(off.admit_at(at(i)), Ok(()));
        }
    }

    #[test]
    fn each_service_counts_alone() {
        let limiters = ServiceLimiters::new(&ServiceRateLimits {
            graph: Some(RateLimit::per_second(1)),
            ..ServiceRateLimits::default()
        });
        assert!(limiters.admit(Service::Graph).is_ok());
        for service in Service::ALL {
            if service != Service::Graph {
                for _ in 0..10 {
                    assert!(limiters.admit(service).is_ok(), "{service:?}");
                }
            }
        }
        // The second Graph request of this window is refused (unless the second just turned).
        let second = limiters.admit(Service::Graph);
        let third = limiters.admit(Service::Graph);
        assert!(second.is_err() || third.is_err());
    }
}
