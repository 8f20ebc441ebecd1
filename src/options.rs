//! What is per call: the correlation id, the deadline, the retries, and a request log when a trace is
//! wanted. Everything the calls of one caller share (credential, cloud, proxy, throttle) is in the
//! [`Client`](crate::Client).

use crate::error::{Error, Result};
use crate::pipeline::logging::RequestLog;
use crate::secret::Secret;
use std::sync::Arc;
use std::time::Duration;
use uuid::Uuid;

/// The Microsoft identity platform's public cloud authority.
pub const DEFAULT_AUTHORITY: &str = "https://login.microsoftonline.com";
/// The deadline of one call when the caller sets none: retries, pages and polling included.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(100);
/// The deadline of a cleanup's whole listing (every page) when the caller sets none: 100,000 customers are
/// 334 pages.
pub const DEFAULT_LISTING_TIMEOUT: Duration = Duration::from_secs(1800);
pub use crate::pipeline::retry::DEFAULT_MAX_RETRIES;

/// Per-call settings. Build with [`CallOptions::default`] (a new correlation id) and adjust the fields.
#[derive(Debug, Clone)]
pub struct CallOptions {
    /// Sent in each service's correlation header on every attempt, and echoed in results and errors.
    pub correlation_id: Uuid,
    /// Deadline of the whole call, retries, pages and polling included; `None` = the operation's default
    /// ([`DEFAULT_TIMEOUT`], or [`DEFAULT_LISTING_TIMEOUT`] for a cleanup's listings).
    pub timeout: Option<Duration>,
    /// Retries of 408/429/5xx/connection failures; `None` = the client's.
    pub max_retries: Option<u32>,
    /// Record every try (method, host, path, status, correlation id) here.
    pub log: Option<Arc<RequestLog>>,
}

impl CallOptions {
    /// The call's deadline: the caller's, else `default`.
    pub fn timeout_or(&self, default: Duration) -> Duration {
        self.timeout.unwrap_or(default)
    }

    /// The same options with a new correlation id (one per removal of a batch).
    pub fn with_new_correlation_id(&self) -> CallOptions {
        CallOptions {
            correlation_id: Uuid::new_v4(),
            ..self.clone()
        }
    }
}

impl Default for CallOptions {
    fn default() -> CallOptions {
        CallOptions {
            correlation_id: Uuid::new_v4(),
            timeout: None,
            max_retries: None,
            log: None,
        }
    }
}

/// A bearer token must be visible ASCII without spaces (RFC 6750's b64token is a subset): anything else, a
/// control character or a line break above all, could split or forge a header, so it is refused before
/// any request. The token itself is never echoed.
pub fn check_bearer_token(token: &Secret) -> Result<()> {
    if token.is_empty() {
        return Err(Error::invalid("auth.accessToken is empty"));
    }
    match token.expose().bytes().position(|b| !(0x21..=0x7e).contains(&b)) {
        None => Ok(()),
        Some(at) => Err(Error::invalid(format!(
            "auth.accessToken holds a character that cannot be in a bearer token (a control character, a space or a non-ASCII character, at byte {at})"
        ))),
    }
}
