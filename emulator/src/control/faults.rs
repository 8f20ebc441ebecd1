//! Injected faults: counters the next matching service requests consume, and standing flags.

use std::sync::Mutex;

use serde::{Deserialize, Deserializer, Serialize};

use crate::state::lock;

/// The faults to inject (`POST /_emulator/faults`). Every field is optional; counters are consumed one
/// per matching service request, in the order the fields are declared here.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Faults {
    /// Only requests whose path starts with this consume counters (`None` = every service request).
    pub path_prefix: Option<String>,
    /// Send the headers and part of a chunked body, then drop the connection.
    #[serde(deserialize_with = "null_as_zero")]
    pub reset_mid_body: u32,
    /// Never answer; hold the connection open.
    #[serde(deserialize_with = "null_as_zero")]
    pub hang: u32,
    /// Announce a `Content-Length` larger than the bytes sent, then close.
    #[serde(deserialize_with = "null_as_zero")]
    pub truncated_body: u32,
    /// 200 with a `text/plain` body that is not JSON.
    #[serde(deserialize_with = "null_as_zero")]
    pub non_json: u32,
    /// 502 with an HTML page (a gateway's error).
    #[serde(deserialize_with = "null_as_zero")]
    pub html_error: u32,
    /// 429 with the service's throttling body, bypassing the real limiter.
    #[serde(deserialize_with = "null_as_zero")]
    pub throttle: u32,
    /// `Retry-After` of the injected 429s in seconds; `None`/null = no `Retry-After` header.
    pub retry_after: Option<u64>,
    /// Send `Retry-After` as an HTTP date (`retryAfter` seconds from now, at least 1).
    pub retry_after_http_date: bool,
    /// 500 with the service's error body.
    #[serde(deserialize_with = "null_as_zero")]
    pub server_error: u32,
    /// While set, Lighthouse deletes never complete.
    pub lro_never_completes: bool,
    /// Expire every access token when these faults are applied (a one-shot action, not stored).
    pub token_expiry: bool,
    /// The next N delegatedAdminCustomers pages answer with their own URL as `@odata.nextLink` (a loop).
    #[serde(deserialize_with = "null_as_zero")]
    pub listing_loop: u32,
    /// The next N delegatedAdminCustomers pages link to a new URL that serves the same page again (a
    /// listing that never advances).
    #[serde(deserialize_with = "null_as_zero")]
    pub listing_stuck: u32,
    /// While set, delegatedAdminCustomers ignores `$skip` and never links to a next page.
    pub listing_ignores_skip: bool,
    /// The next delegatedAdminCustomers answer is a page of this many empty objects (`{}`); 0 = off.
    pub listing_empty_objects: u64,
    /// While set, token answers carry this raw value as `expires_in` (any JSON: `-5`, `"soon"`, `1e12`).
    pub token_expires_in: Option<serde_json::Value>,
    /// While set, token answers leave `expires_in` out.
    pub token_omit_expires_in: bool,
    /// While set, a Lighthouse delete answers 202 with neither `Azure-AsyncOperation` nor `Location`; the
    /// assignment then disappears after `lro_polls` GETs of it.
    pub lro_no_headers: bool,
    /// While set, listed registration assignments carry neither `id` nor `name`.
    pub assignments_without_ids: bool,
    /// While set, every GDAP long-running operation (the Global Administrator removal) that ends, ends
    /// `failed` with an error in its `data`, and the relationship keeps its roles.
    pub gdap_lro_fails: bool,
    /// The next N PATCHes of an existing GDAP relationship that carry `If-Match` answer 412, as if the
    /// relationship had changed since it was read (its ETag is bumped, like a concurrent change).
    #[serde(deserialize_with = "null_as_zero")]
    pub gdap_precondition_failed: u32,
    /// While set, user tokens (refresh token, device code, authorization code) are issued with
    /// `amr: ["pwd"]` (no MFA) instead of `["pwd","mfa"]`.
    pub user_tokens_without_mfa: bool,
    /// While set, the managed identity endpoints (App Service and IMDS) answer 503.
    pub managed_identity_unavailable: bool,
    /// While set, the authorize endpoint redirects with `error=access_denied` (the user declined).
    pub authorize_denied: bool,
    /// While set, the managed identity endpoint's api-version 2017-09-01 writes `expires_on` as a Linux
    /// host does (`11/28/2026 18:00:00 +00:00`) instead of a Windows host (`11/28/2026 6:00:00 PM +00:00`).
    pub msi_linux_dates: bool,
}

fn null_as_zero<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    Ok(Option::<u32>::deserialize(d)?.unwrap_or(0))
}

/// One injected fault, taken by one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FaultKind {
    ResetMidBody,
    Hang,
    TruncatedBody,
    NonJson,
    HtmlError,
    Throttle {
        retry_after: Option<u64>,
        http_date: bool,
    },
    ServerError,
}

#[derive(Default)]
pub struct FaultState {
    current: Mutex<Faults>,
}

impl FaultState {
    /// Replaces every fault (unconsumed counters of the previous set are dropped).
    pub fn set(&self, mut faults: Faults) {
        faults.token_expiry = false;
        *lock(&self.current) = faults;
    }

    pub fn current(&self) -> Faults {
        lock(&self.current).clone()
    }

    pub fn lro_never_completes(&self) -> bool {
        lock(&self.current).lro_never_completes
    }

    /// Reads the standing faults (flags that are not consumed).
    pub fn standing<T>(&self, read: impl FnOnce(&Faults) -> T) -> T {
        read(&lock(&self.current))
    }

    /// Consumes one count of a listing fault (`listing_loop`, `listing_stuck`): true when one was left.
    pub fn take_counter(&self, pick: impl FnOnce(&mut Faults) -> &mut u32) -> bool {
        let mut guard = lock(&self.current);
        let counter = pick(&mut guard);
        if *counter > 0 {
            *counter -= 1;
            true
        } else {
            false
        }
    }

    /// Consumes `listing_empty_objects`: the size of the page of empty objects to answer, if any.
    pub fn take_empty_objects(&self) -> Option<u64> {
        let mut guard = lock(&self.current);
        let n = std::mem::take(&mut guard.listing_empty_objects);
        (n > 0).then_some(n)
    }

    /// Consumes the next fault that applies to a request for `path`.
    pub fn take(&self, path: &str) -> Option<FaultKind> {
        let mut guard = lock(&self.current);
        let f: &mut Faults = &mut guard;
        if f.path_prefix
            .as_deref()
            .is_some_and(|p| !path.starts_with(p))
        {
            return None;
        }
        let throttle = FaultKind::Throttle {
            retry_after: f.retry_after,
            http_date: f.retry_after_http_date,
        };
        let counters: [(&mut u32, FaultKind); 7] = [
            (&mut f.reset_mid_body, FaultKind::ResetMidBody),
            (&mut f.hang, FaultKind::Hang),
            (&mut f.truncated_body, FaultKind::TruncatedBody),
            (&mut f.non_json, FaultKind::NonJson),
            (&mut f.html_error, FaultKind::HtmlError),
            (&mut f.throttle, throttle),
            (&mut f.server_error, FaultKind::ServerError),
        ];
        for (count, kind) in counters {
            if *count > 0 {
                *count -= 1;
                return Some(kind);
            }
        }
        None
    }
}
