//! The Microsoft identity platform (v2): client credentials, refresh token and device code grants, and the
//! token cache (per authority, tenant, client, scope and credential, until shortly before expiry).

use crate::client::Client;
use crate::endpoint::BaseUrl;
use crate::error::{Error, ErrorKind, Result};
use crate::http::{self, Call, Request, Service};
use crate::options::{Auth, CallOptions};
use crate::secret::Secret;
use crate::validate;
use chrono::{DateTime, Utc};
use reqwest::Method;
use serde::Deserialize;
use std::collections::HashMap;
use std::hash::{BuildHasher, Hash, Hasher};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::time::Instant;

/// An access token and what came with it.
#[derive(Debug, Clone)]
pub struct Token {
    pub access_token: Secret,
    pub token_type: String,
    pub expires_on: DateTime<Utc>,
    pub expires_in: u64,
    pub scope: String,
    /// Returned by the refresh token and device code grants.
    pub refresh_token: Option<Secret>,
}

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

// ---------------------------------------------------------------------------------------------------------
// Cache

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct CacheKey {
    authority: String,
    tenant: String,
    client: String,
    scope: String,
    /// A keyed hash of the credential, so another secret for the same app never gets this token.
    credential: u64,
}

#[derive(Debug)]
struct Cached {
    token: Token,
    fresh_until: Instant,
}

type Slot = Arc<tokio::sync::Mutex<Option<Cached>>>;

/// The longest lifetime believed of a token or device code (a year); a larger `expires_in` is read as this.
const MAX_LIFETIME_SECONDS: u64 = 365 * 24 * 3600;

/// Cache entries kept before stale ones are swept.
const MAX_SLOTS: usize = 256;

/// Tokens obtained from credentials, shared by every call of a [`Client`].
#[derive(Debug, Default)]
pub struct TokenCache {
    slots: Mutex<HashMap<CacheKey, Slot>>,
    /// Refresh tokens the identity platform rotated: fingerprint of the one the caller holds → the newest.
    rotated: Mutex<HashMap<u64, Secret>>,
    hasher: std::collections::hash_map::RandomState,
}

impl TokenCache {
    fn fingerprint(&self, parts: &[&str]) -> u64 {
        let mut h = self.hasher.build_hasher();
        for p in parts {
            p.hash(&mut h);
        }
        h.finish()
    }

    fn slot(&self, key: CacheKey) -> Slot {
        let mut slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
        if slots.len() >= MAX_SLOTS && !slots.contains_key(&key) {
            // Bounded: drop slots nobody is using that hold no fresh token (refused credentials, expired
            // tokens). A slot in use (its lock taken) is kept.
            let now = Instant::now();
            slots.retain(|_, slot| match slot.try_lock() {
                Ok(cached) => cached.as_ref().is_some_and(|c| c.fresh_until > now),
                Err(_) => true,
            });
        }
        slots.entry(key).or_default().clone()
    }

    /// Forget every cached token (tests, sign-out).
    pub fn clear(&self) {
        self.slots.lock().unwrap_or_else(|p| p.into_inner()).clear();
        self.rotated
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
    }
}

/// Margin before expiry at which a cached token is renewed: five minutes, or half the lifetime of a short one.
fn renewal_margin(expires_in: u64) -> Duration {
    Duration::from_secs(if expires_in >= 600 {
        300
    } else {
        expires_in / 2
    })
}

/// The bearer token for a service call: the caller's own, or one from the cache (renewed when stale or
/// when `force` says the service refused the last one).
pub(crate) async fn bearer(call: &Call<'_>, force: bool) -> Result<Secret> {
    match call.opts.auth()? {
        Auth::AccessToken(t) => Ok(t.clone()),
        auth => Ok(cached_token(call, auth, &call.scope(), force)
            .await?
            .access_token),
    }
}

pub(crate) fn can_refresh(opts: &CallOptions) -> bool {
    matches!(
        opts.auth,
        Some(Auth::ClientCredentials { .. } | Auth::RefreshToken { .. })
    )
}

async fn cached_token(parent: &Call<'_>, auth: &Auth, scope: &str, force: bool) -> Result<Token> {
    let cache = &parent.client.tokens;
    let (tenant, client, credential) = match auth {
        Auth::ClientCredentials {
            tenant_id,
            client_id,
            client_secret,
        } => (
            tenant_id,
            client_id,
            cache.fingerprint(&["cc", client_secret.expose()]),
        ),
        Auth::RefreshToken {
            tenant_id,
            client_id,
            refresh_token,
            client_secret,
        } => (
            tenant_id,
            client_id,
            cache.fingerprint(&[
                "rt",
                refresh_token.expose(),
                client_secret.as_ref().map_or("", |s| s.expose()),
            ]),
        ),
        Auth::AccessToken(_) => {
            return Err(Error::invalid(
                "a bearer token cannot be exchanged for another token",
            ))
        }
    };
    let key = CacheKey {
        authority: parent.opts.authority.as_str().to_string(),
        tenant: tenant.clone(),
        client: client.clone(),
        scope: scope.to_string(),
        credential,
    };
    let slot = cache.slot(key);
    // One fetch per key at a time: a batch's workers starting together share one token request.
    let mut guard = slot.lock().await;
    if !force {
        if let Some(c) = guard.as_ref() {
            if Instant::now() < c.fresh_until {
                return Ok(c.token.clone());
            }
        }
    }
    let token = request_token(parent, auth, scope, credential).await?;
    let fresh_until = Instant::now()
        + Duration::from_secs(token.expires_in).saturating_sub(renewal_margin(token.expires_in));
    *guard = Some(Cached {
        token: token.clone(),
        fresh_until,
    });
    Ok(token)
}

#[derive(Deserialize)]
pub(crate) struct TokenResponse {
    token_type: Option<String>,
    expires_in: Option<serde_json::Value>,
    access_token: Secret,
    refresh_token: Option<Secret>,
    scope: Option<String>,
}

/// The lifetime believed of a token whose `expires_in` is missing, not a whole number of seconds, zero,
/// negative or absurd: short, so that a token of unknown lifetime is never cached for long (a service call
/// that finds it expired gets one refresh anyway).
pub(crate) const UNKNOWN_TOKEN_LIFETIME_SECONDS: u64 = 60;
/// The longest access token lifetime believed: Entra issues 60 to 90 minutes, up to 28 hours with
/// continuous access evaluation.
pub(crate) const MAX_TOKEN_LIFETIME_SECONDS: u64 = 28 * 3600;

/// Read a token answer, refusing (not retrying) an access token that could not go into a header.
pub(crate) fn read_token(resp: &http::Response) -> Result<TokenResponse, http::Unreadable> {
    let token: TokenResponse = http::json(resp)?;
    crate::options::check_bearer_token(&token.access_token).map_err(|_| {
        http::Unreadable::Refuse(
            "the access token holds characters a bearer token cannot (control characters, spaces or non-ASCII)"
                .into(),
        )
    })?;
    Ok(token)
}

impl TokenResponse {
    pub(crate) fn into_token(self, requested_scope: &str) -> Token {
        let believed = match &self.expires_in {
            Some(serde_json::Value::Number(n)) => n.as_u64(),
            Some(serde_json::Value::String(s)) => s.trim().parse::<u64>().ok(),
            _ => None,
        };
        let expires_in = believed
            .filter(|s| (1..=MAX_TOKEN_LIFETIME_SECONDS).contains(s))
            .unwrap_or(UNKNOWN_TOKEN_LIFETIME_SECONDS);
        Token {
            access_token: self.access_token,
            token_type: self.token_type.unwrap_or_else(|| "Bearer".into()),
            expires_on: Utc::now() + chrono::Duration::seconds(expires_in as i64),
            expires_in,
            scope: self.scope.unwrap_or_else(|| requested_scope.to_string()),
            refresh_token: self.refresh_token,
        }
    }
}

fn identity_call<'a>(parent: &Call<'a>) -> Call<'a> {
    Call {
        client: parent.client,
        opts: parent.opts,
        service: Service::Identity,
        endpoint: parent.opts.authority.clone(),
        timeout: parent.timeout,
        deadline: parent.deadline,
    }
}

fn token_url(authority: &BaseUrl, tenant: &str, what: &str) -> url::Url {
    authority.join(&format!("/{tenant}/oauth2/v2.0/{what}"))
}

async fn request_token(
    parent: &Call<'_>,
    auth: &Auth,
    scope: &str,
    credential: u64,
) -> Result<Token> {
    let call = identity_call(parent);
    let cache = &parent.client.tokens;
    let (tenant, rotated_from) = match auth {
        Auth::RefreshToken { tenant_id, .. } => (tenant_id, Some(credential)),
        Auth::ClientCredentials { tenant_id, .. } => (tenant_id, None),
        Auth::AccessToken(_) => unreachable!("checked by the caller"),
    };
    let newest_refresh = rotated_from.and_then(|fp| {
        cache
            .rotated
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&fp)
            .cloned()
    });
    let mut pairs: Vec<(&str, &str)> = vec![("scope", scope)];
    match auth {
        Auth::ClientCredentials {
            client_id,
            client_secret,
            ..
        } => {
            pairs.extend([
                ("grant_type", "client_credentials"),
                ("client_id", client_id),
                ("client_secret", client_secret.expose()),
            ]);
        }
        Auth::RefreshToken {
            client_id,
            refresh_token,
            client_secret,
            ..
        } => {
            let rt = newest_refresh.as_ref().unwrap_or(refresh_token);
            pairs.extend([
                ("grant_type", "refresh_token"),
                ("client_id", client_id),
                ("refresh_token", rt.expose()),
            ]);
            if let Some(s) = client_secret {
                pairs.push(("client_secret", s.expose()));
            }
        }
        Auth::AccessToken(_) => unreachable!("checked by the caller"),
    }
    let req = Request::new(Method::POST, token_url(&call.endpoint, tenant, "token"))
        .form(&pairs)
        .anonymous();
    let token = Box::pin(http::execute(&call, &req, read_token))
        .await?
        .into_token(scope);
    if let (Some(fp), Some(new_rt)) = (rotated_from, &token.refresh_token) {
        let mut rotated = cache.rotated.lock().unwrap_or_else(|p| p.into_inner());
        if rotated.len() >= MAX_SLOTS && !rotated.contains_key(&fp) {
            // Bounded; forgetting a rotation only means using the caller's own refresh token again.
            rotated.clear();
        }
        rotated.insert(fp, new_rt.clone());
    }
    Ok(token)
}

/// The kind of an identity platform error code (`invalid_client (AADSTS7000215)` → unauthorized).
pub(crate) fn error_kind(code: &str, status: u16) -> ErrorKind {
    match code.split_whitespace().next().unwrap_or("") {
        "invalid_client"
        | "invalid_grant"
        | "unauthorized_client"
        | "interaction_required"
        | "consent_required"
        | "access_denied"
        | "authorization_declined"
        | "expired_token" => ErrorKind::Unauthorized,
        "invalid_scope"
        | "invalid_request"
        | "unsupported_grant_type"
        | "bad_verification_code"
        | "invalid_resource" => ErrorKind::InvalidRequest,
        "temporarily_unavailable" => ErrorKind::ServerError,
        _ => ErrorKind::from_status(status),
    }
}

fn error_word(e: &Error) -> &str {
    e.code
        .as_deref()
        .and_then(|c| c.split_whitespace().next())
        .unwrap_or("")
}

/// That `opts` holds credentials a token can be obtained with (not a bearer token).
pub fn check_exchangeable(opts: &CallOptions) -> Result<()> {
    match opts.auth()? {
        Auth::AccessToken(_) => Err(Error::invalid(
            "acquire_token needs client credentials or a refresh token in auth, not an access token",
        )),
        _ => Ok(()),
    }
}

/// The tenant (when given) and client ids of a device code sign-in, checked as the calls check them.
pub fn check_device_ids(tenant: Option<&str>, client_id: &str) -> Result<()> {
    if let Some(t) = tenant {
        validate::tenant("tenantId", t)?;
    }
    validate::guid("clientId", client_id).map(|_| ())
}

/// Get a token for `scope` with the call's client credentials or refresh token (cached).
pub async fn acquire_token(client: &Client, opts: &CallOptions, scope: &str) -> Result<Token> {
    check_exchangeable(opts)?;
    let auth = opts.auth()?;
    let call = Call::new(client, opts, Service::Identity);
    cached_token(&call, auth, scope, false)
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
fn with_offline_access(scope: &str) -> String {
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
    let call = Call::new(client, opts, Service::Identity);
    let scope = with_offline_access(scope);
    let req = Request::new(
        Method::POST,
        token_url(&call.endpoint, &tenant, "devicecode"),
    )
    .form(&[("client_id", &client_id), ("scope", &scope)])
    .anonymous();
    let r: DeviceCodeResponse = http::execute(&call, &req, http::json).await?;
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
    let call = Call::new(client, opts, Service::Identity);
    let req = Request::new(Method::POST, token_url(&call.endpoint, &tenant, "token"))
        .form(&[
            ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
            ("client_id", &client_id),
            ("device_code", device_code.expose()),
        ])
        .anonymous();
    let poll = |status, interval| {
        Ok(DevicePoll {
            status,
            interval,
            token: None,
        })
    };
    match http::execute(&call, &req, read_token).await {
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
