//! When to retry and how long to wait: exponential backoff with jitter, at least the service's Retry-After.

use reqwest::header::HeaderMap;
use std::time::{Duration, SystemTime};

const BASE: Duration = Duration::from_millis(400);
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// Statuses worth another try: 408, 429 and every 5xx.
pub(crate) fn retryable_status(status: u16) -> bool {
    status == 408 || status == 429 || (500..=599).contains(&status)
}

/// The wait before retry number `attempt` (0-based): `BASE * 2^attempt` with equal jitter, capped, and never
/// less than the service's hint.
pub(crate) fn delay(attempt: u32, hint: Option<Duration>) -> Duration {
    let exp = BASE
        .saturating_mul(1u32 << attempt.min(16))
        .min(MAX_BACKOFF);
    let half = exp / 2;
    let jitter = half.mul_f64(random_unit());
    let backoff = half + jitter;
    match hint {
        Some(h) => h.max(backoff),
        None => backoff,
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
        for attempt in 0..6 {
            let d = delay(attempt, None);
            let exp = BASE * (1 << attempt);
            assert!(d >= exp / 2 && d <= exp, "attempt {attempt}: {d:?}");
        }
        assert!(delay(20, None) <= MAX_BACKOFF);
        assert_eq!(
            delay(0, Some(Duration::from_secs(7))),
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
