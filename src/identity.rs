//! The Microsoft identity platform (v2) for callers: a token for a scope from the client's credential, and
//! the sign-in flows an admin goes through once to get a refresh token (device code; interactive browser
//! sign-in with PKCE is in [`crate::interactive`]). Token requests themselves are
//! [`crate::credentials::TokenEndpoint`]'s.

use crate::client::Client;
use crate::credentials::token_endpoint::{error_word, read_token};
use crate::credentials::{Token, TokenContext};
use crate::error::{Error, Result};
use crate::options::{CallOptions, DEFAULT_TIMEOUT};
use crate::pipeline;
use crate::secret::Secret;
use crate::validate;
use chrono::{DateTime, Utc};
use serde::Deserialize;

/// The scope for a resource (`https://management.azure.com` → `https://management.azure.com/.default`), or
/// a scope given as is. Exactly one of the two.
pub fn scope_from(resource: Option<&str>, scope: Option<&str>) -> Result<String> {
    match (resource.map(str::trim), scope.map(str::trim)) {
        (Some(r), None) if !r.is_empty() => Ok(format!("{}/.default", r.trim_end_matches('/'))),
        (None, Some(s)) if !s.is_empty() => Ok(s.to_string()),
        (Some(_), Some(_)) => Err(Error::invalid("give either resource or scope, not both")),
        _ => Err(Error::invalid("resource or scope is required")),
    }
}

/// The longest lifetime believed of a device code (a year); a larger `expires_in` is read as this.
const MAX_LIFETIME_SECONDS: u64 = 365 * 24 * 3600;

/// The context of a token request made for its own sake (not for a service call).
pub(crate) fn token_context(client: &Client, opts: &CallOptions) -> TokenContext {
    let mut ctx = TokenContext::new(
        opts.correlation_id,
        opts.timeout_or(DEFAULT_TIMEOUT),
        opts.max_retries.unwrap_or(client.retry().max_retries),
    );
    ctx.log = opts.log.clone();
    ctx
}

/// That the client holds a credential a token can be obtained with (not a brought bearer token).
pub fn check_exchangeable(client: &Client) -> Result<()> {
    if !client.require_credential()?.can_refresh() {
        return Err(Error::invalid(
            "acquire_token needs a credential (client secret, certificate, assertion, refresh token or managed identity) in auth, not an access token",
        ));
    }
    Ok(())
}

/// The tenant (when given) and client ids of a device code sign-in, checked as the calls check them.
pub fn check_device_ids(tenant: Option<&str>, client_id: &str) -> Result<()> {
    if let Some(t) = tenant {
        validate::tenant("tenantId", t)?;
    }
    validate::guid("clientId", client_id).map(|_| ())
}

/// Get a token for `scope` from the client's credential (cached).
pub async fn acquire_token(client: &Client, opts: &CallOptions, scope: &str) -> Result<Token> {
    check_exchangeable(client)?;
    let credential = client.require_credential()?;
    credential
        .get_token(scope, &token_context(client, opts), false)
        .await
        .map_err(|e| e.with_correlation_id(opts.correlation_id))
}

// ---------------------------------------------------------------------------------------------------------
// Device code (an admin signs in at a console)

/// Start of a device code sign-in: show `message` to the admin.
#[derive(Debug, Clone)]
pub struct DeviceCode {
    pub device_code: Secret,
    pub user_code: String,
    pub verification_uri: String,
    pub expires_in: u64,
    pub interval: u64,
    pub expires_on: DateTime<Utc>,
    pub message: String,
}

#[derive(Deserialize)]
pub(crate) struct DeviceCodeResponse {
    pub(crate) device_code: Secret,
    pub(crate) user_code: String,
    pub(crate) verification_uri: Option<String>,
    pub(crate) verification_url: Option<String>,
    pub(crate) expires_in: Option<u64>,
    pub(crate) interval: Option<u64>,
    pub(crate) message: Option<String>,
}

/// `scope` with `offline_access` added, so the sign-in yields a refresh token.
pub(crate) fn with_offline_access(scope: &str) -> String {
    if scope.split_whitespace().any(|s| s == "offline_access") {
        scope.to_string()
    } else {
        format!("{scope} offline_access")
    }
}

pub async fn start_device_code(
    client: &Client,
    opts: &CallOptions,
    tenant: &str,
    client_id: &str,
    scope: &str,
) -> Result<DeviceCode> {
    let tenant = validate::tenant("tenantId", tenant)?;
    let client_id = validate::guid("clientId", client_id)?.to_string();
    let scope = with_offline_access(scope);
    let r: DeviceCodeResponse = client
        .token_endpoint()
        .post_form(
            &tenant,
            "devicecode",
            &[("client_id", &client_id), ("scope", &scope)],
            &token_context(client, opts),
            pipeline::json,
        )
        .await?;
    Ok(r.into_device_code())
}

impl DeviceCodeResponse {
    /// The answer as a [`DeviceCode`]: defaults for what the service left out, the lifetime bounded.
    pub(crate) fn into_device_code(self) -> DeviceCode {
        let expires_in = self.expires_in.unwrap_or(900).min(MAX_LIFETIME_SECONDS);
        let verification_uri = self
            .verification_uri
            .or(self.verification_url)
            .unwrap_or_default();
        let message = self.message.unwrap_or_else(|| {
            format!(
                "To sign in, use a web browser to open the page {verification_uri} and enter the code {} to authenticate.",
                self.user_code
            )
        });
        DeviceCode {
            device_code: self.device_code,
            user_code: self.user_code,
            verification_uri,
            expires_in,
            interval: self.interval.unwrap_or(5),
            expires_on: Utc::now() + chrono::Duration::seconds(expires_in as i64),
            message,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DevicePollStatus {
    Pending,
    SlowDown,
    Completed,
    Declined,
    Expired,
}

#[derive(Debug, Clone)]
pub struct DevicePoll {
    pub status: DevicePollStatus,
    /// Seconds to wait before the next poll.
    pub interval: u64,
    pub token: Option<Token>,
}

/// One poll of a device code sign-in. `interval` is the interval in force (from the start, or the last poll).
pub async fn poll_device_code(
    client: &Client,
    opts: &CallOptions,
    tenant: &str,
    client_id: &str,
    device_code: &Secret,
    interval: u64,
) -> Result<DevicePoll> {
    let tenant = validate::tenant("tenantId", tenant)?;
    let client_id = validate::guid("clientId", client_id)?.to_string();
    if device_code.is_empty() {
        return Err(Error::invalid("deviceCode is empty"));
    }
    let answer = client
        .token_endpoint()
        .post_form(
            &tenant,
            "token",
            &[
                ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
                ("client_id", &client_id),
                ("device_code", device_code.expose()),
            ],
            &token_context(client, opts),
            read_token,
        )
        .await;
    let poll = |status, interval| {
        Ok(DevicePoll {
            status,
            interval,
            token: None,
        })
    };
    match answer {
        Ok(t) => Ok(DevicePoll {
            status: DevicePollStatus::Completed,
            interval,
            token: Some(t.into_token("")),
        }),
        Err(e) => match error_word(&e) {
            "authorization_pending" => poll(DevicePollStatus::Pending, interval),
            // RFC 8628 §3.5: add five seconds to the interval.
            "slow_down" => poll(DevicePollStatus::SlowDown, interval + 5),
            "authorization_declined" | "access_denied" => {
                poll(DevicePollStatus::Declined, interval)
            }
            "expired_token" | "code_expired" => poll(DevicePollStatus::Expired, interval),
            _ => Err(e),
        },
    }
}
