//! The retry policy: when to retry and how long to wait (exponential backoff with jitter, at least the
//! service's `Retry-After`), per-try timeouts, all within the call's deadline.

use super::{deadline_after, BoxFuture, Context, Failure, Next, Policy, Request, Response};
use reqwest::header::HeaderMap;
use std::sync::atomic::Ordering;
use std::time::{Duration, SystemTime};

/// Retries of a call that does not say (`maxRetries`).
pub const DEFAULT_MAX_RETRIES: u32 = 4;

/// How a call retries: after 408, 429, 5xx, a connection failure or a try that took too long.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RetryOptions {
    /// Retries when the call does not say (`maxRetries`).
    pub max_retries: u32,
    /// The first backoff; each retry doubles it (with jitter), up to `max_delay`.
    pub base_delay: Duration,
    pub max_delay: Duration,
    /// The longest one try may take before it is abandoned and retried (the call's deadline still bounds all).
    pub try_timeout: Duration,
}

impl Default for RetryOptions {
    fn default() -> RetryOptions {
        RetryOptions {
            max_retries: DEFAULT_MAX_RETRIES,
            base_delay: Duration::from_millis(400),
            max_delay: Duration::from_secs(30),
            try_timeout: Duration::from_secs(100),
        }
    }
}

impl RetryOptions {
    pub fn validate(&self) -> crate::error::Result<()> {
        let bad = |what: &str| Err(crate::error::Error::invalid(what.to_string()));
        if self.max_retries > 20 {
            return bad("maxRetries must be from 0 to 20");
        }
        if self.base_delay > self.max_delay || self.max_delay > Duration::from_secs(3600) {
            return bad("the retry delays must satisfy base <= max <= 3600 s");
        }
        if self.try_timeout.is_zero() {
            return bad("the per-try timeout must be greater than 0");
        }
        Ok(())
    }
}

/// Statuses worth another try: 408, 429 and every 5xx.
pub fn retryable_status(status: u16) -> bool {
    status == 408 || status == 429 || (500..=599).contains(&status)
}

/// The wait before retry number `attempt` (0-based): `base * 2^attempt` with equal jitter, capped, and never
/// less than the service's hint.
pub fn delay(attempt: u32, hint: Option<Duration>, options: &RetryOptions) -> Duration {
    let exp = options
        .base_delay
        .saturating_mul(1u32 << attempt.min(16))
        .min(options.max_delay);
    let half = exp / 2;
    let jitter = half.mul_f64(random_unit());
    let backoff = half + jitter;
    match hint {
        Some(h) => h.max(backoff),
        None => backoff,
    }
}

/// Retries a try that failed for a reason worth retrying, waiting as [`delay`] says, within the call's
/// retries and deadline; bounds each try by the per-try timeout.
#[derive(Debug)]
pub struct RetryPolicy {
    pub options: RetryOptions,
}

impl Policy for RetryPolicy {
    fn send<'a>(
        &'a self,
        ctx: &'a Context,
        req: &'a Request,
        next: Next<'a>,
    ) -> BoxFuture<'a, Result<Response, Failure>> {
        Box::pin(async move {
            let mut attempt: u32 = 0;
            loop {
                ctx.attempts.fetch_add(1, Ordering::Relaxed);
                let try_deadline = deadline_after(self.options.try_timeout).min(ctx.deadline);
                let outcome = match tokio::time::timeout_at(try_deadline, next.send(ctx, req)).await
                {
                    Err(_) if try_deadline >= ctx.deadline => {
                        return Err(ctx.deadline_error().into())
                    }
                    Err(_) => Err(Failure::TryTimedOut),
                    Ok(outcome) => outcome,
                };
                let hint = match &outcome {
                    Ok(resp) if retryable_status(resp.status) && !resp.oversized => {
                        retry_after(&resp.headers)
                    }
                    Ok(_) => return outcome,
                    Err(Failure::Final(_)) => return outcome,
                    Err(Failure::Transport(_) | Failure::TryTimedOut) => None,
                };
                let wait = delay(attempt, hint, &self.options);
                if attempt >= ctx.max_retries || deadline_after(wait) > ctx.deadline {
                    return outcome;
                }
                tokio::time::sleep(wait).await;
                attempt += 1;
            }
        })
    }
}

/// `Retry-After` (delta seconds or an HTTP date), or Azure's `retry-after-ms` / `x-ms-retry-after-ms`.
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    retry_after_unclamped(headers).map(|d| d.min(MAX_RETRY_AFTER))
}

/// The longest wait a service's hint can ask for; anything longer (or absurd, like `u64::MAX` seconds) is
/// read as this, and the call's deadline decides.
pub(crate) const MAX_RETRY_AFTER: Duration = Duration::from_secs(86_400);

fn retry_after_unclamped(headers: &HeaderMap) -> Option<Duration> {
    for name in ["retry-after-ms", "x-ms-retry-after-ms"] {
        if let Some(ms) = headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
        {
            return Some(Duration::from_millis(ms));
        }
    }
    let value = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    if let Ok(secs) = value.parse::<f64>() {
        if secs.is_finite() && secs >= 0.0 {
            return Some(Duration::from_secs_f64(secs.min(86_400.0)));
        }
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(
        when.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

/// A uniform number in [0, 1) from the OS's randomness (uuid v4 draws from getrandom).
fn random_unit() -> f64 {
    (uuid::Uuid::new_v4().as_u128() >> 75) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderValue, RETRY_AFTER};

    #[test]
    fn backoff_grows_and_respects_hints() {
        let o = RetryOptions::default();
        for attempt in 0..6 {
            let d = delay(attempt, None, &o);
            let exp = o.base_delay * (1 << attempt);
            assert!(d >= exp / 2 && d <= exp, "attempt {attempt}: {d:?}");
        }
        assert!(delay(20, None, &o) <= o.max_delay);
        assert_eq!(
            delay(0, Some(Duration::from_secs(7)), &o),
            Duration::from_secs(7)
        );
    }

    #[test]
    fn parses_retry_after_forms() {
        let mut h = HeaderMap::new();
        h.insert(RETRY_AFTER, HeaderValue::from_static("12"));
        assert_eq!(retry_after(&h), Some(Duration::from_secs(12)));
        let future = SystemTime::now() + Duration::from_secs(120);
        h.insert(
            RETRY_AFTER,
            HeaderValue::from_str(&httpdate::fmt_http_date(future)).unwrap(),
        );
        let d = retry_after(&h).unwrap();
        assert!(
            d > Duration::from_secs(100) && d <= Duration::from_secs(120),
            "{d:?}"
        );
        h.insert(
            RETRY_AFTER,
            HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        assert_eq!(retry_after(&h), Some(Duration::ZERO));
        h.insert(RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&h), None);
        h.insert(
            RETRY_AFTER,
            HeaderValue::from_static("18446744073709551615"),
        );
        assert_eq!(
            retry_after(&h),
            Some(MAX_RETRY_AFTER),
            "absurd hints are clamped"
        );
        h.insert("retry-after-ms", HeaderValue::from_static("1500"));
        assert_eq!(retry_after(&h), Some(Duration::from_millis(1500)));
    }
}
