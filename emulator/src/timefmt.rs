//! Time as the services write it. Instants are kept as `Ticks` (100 ns units since the Unix epoch),
//! which is exactly the precision of the delegated admin customers API's 7-digit fractions.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

/// 100-nanosecond units since 1970-01-01T00:00:00Z.
pub type Ticks = i64;

pub const TICKS_PER_SECOND: i64 = 10_000_000;
pub const TICKS_PER_DAY: i64 = 86_400 * TICKS_PER_SECOND;

pub fn ticks_of(dt: DateTime<Utc>) -> Ticks {
    dt.timestamp() * TICKS_PER_SECOND + i64::from(dt.timestamp_subsec_nanos() / 100)
}

pub fn now_ticks() -> Ticks {
    ticks_of(Utc::now())
}

fn datetime_of(ticks: Ticks) -> DateTime<Utc> {
    let secs = ticks.div_euclid(TICKS_PER_SECOND);
    let nanos = (ticks.rem_euclid(TICKS_PER_SECOND) * 100) as u32;
    DateTime::from_timestamp(secs, nanos).unwrap_or_default()
}

/// `2022-04-20T06:11:11.7227953Z`: RFC 3339, UTC, seven fractional digits.
pub fn format_ticks(ticks: Ticks) -> String {
    let dt = datetime_of(ticks);
    format!(
        "{}.{:07}Z",
        dt.format("%Y-%m-%dT%H:%M:%S"),
        ticks.rem_euclid(TICKS_PER_SECOND)
    )
}

/// An RFC 3339 date-time (any offset, any fraction), a date-time without offset (taken as UTC) or a
/// plain date (midnight UTC).
pub fn parse_datetime(text: &str) -> Option<Ticks> {
    if let Ok(dt) = DateTime::parse_from_rfc3339(text) {
        return Some(ticks_of(dt.with_timezone(&Utc)));
    }
    if let Ok(naive) = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f") {
        return Some(ticks_of(naive.and_utc()));
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|naive| ticks_of(naive.and_utc()))
}

/// The identity platform's error `timestamp`: `2016-01-09 02:02:12Z`.
pub fn identity_timestamp() -> String {
    Utc::now().format("%Y-%m-%d %H:%M:%SZ").to_string()
}

/// An IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`) `seconds` from now, rounded up to a whole second.
pub fn http_date_in(seconds: u64) -> String {
    let at = Utc::now() + chrono::Duration::seconds(seconds as i64 + 1);
    at.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}
