//! What every call takes besides its own request: credentials, endpoints, correlation, deadline, retries.

use crate::endpoint::BaseUrl;
use crate::error::{Error, Result};
use crate::secret::Secret;
use crate::throttle::Throttle;
use serde::{Deserialize, Deserializer};
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
pub const DEFAULT_MAX_RETRIES: u32 = 4;

/// How a call authenticates. `Debug` never shows a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Auth {
    /// Bring your own bearer token, used as is.
    AccessToken(Secret),
    /// The client credentials grant (app-only).
    ClientCredentials {
        tenant_id: String,
        client_id: String,
        client_secret: Secret,
    },
    /// The refresh token grant (the partner secure application model); `client_secret` for confidential apps.
    RefreshToken {
        tenant_id: String,
        client_id: String,
        refresh_token: Secret,
        client_secret: Option<Secret>,
    },
}

impl Auth {
    /// Every secret this credential holds, for scrubbing outputs.
    pub fn secrets(&self) -> Vec<&Secret> {
        match self {
            Auth::AccessToken(t) => vec![t],
            Auth::ClientCredentials { client_secret, .. } => vec![client_secret],
            Auth::RefreshToken {
                refresh_token,
                client_secret,
                ..
            } => {
                let mut v = vec![refresh_token];
                v.extend(client_secret.iter());
                v
            }
        }
    }

    /// The kind of credential, as shown to users: `accessToken`, `clientCredentials`, `refreshToken`.
    pub fn kind(&self) -> &'static str {
        match self {
            Auth::AccessToken(_) => "accessToken",
            Auth::ClientCredentials { .. } => "clientCredentials",
            Auth::RefreshToken { .. } => "refreshToken",
        }
    }
}

/// The JSON shape of `auth`: exactly one of the three credential shapes.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct AuthInput {
    access_token: Option<Secret>,
    tenant_id: Option<String>,
    client_id: Option<String>,
    client_secret: Option<Secret>,
    refresh_token: Option<Secret>,
}

impl<'de> Deserialize<'de> for Auth {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Auth, D::Error> {
        let input = AuthInput::deserialize(deserializer)?;
        Auth::try_from(input).map_err(|e| serde::de::Error::custom(e.message))
    }
}

impl TryFrom<AuthInput> for Auth {
    type Error = Error;

    fn try_from(a: AuthInput) -> Result<Auth> {
        const SHAPES: &str = "auth must be {accessToken} or {tenantId, clientId, clientSecret} or {tenantId, clientId, refreshToken[, clientSecret]}";
        let nonempty = |what: &str, s: &Secret| {
            if s.is_empty() {
                Err(Error::invalid(format!("auth.{what} is empty")))
            } else {
                Ok(())
            }
        };
        match a {
            AuthInput {
                access_token: Some(t),
                tenant_id: None,
                client_id: None,
                client_secret: None,
                refresh_token: None,
            } => {
                nonempty("accessToken", &t)?;
                check_bearer_token(&t)?;
                Ok(Auth::AccessToken(t))
            }
            AuthInput {
                access_token: None,
                tenant_id: Some(tenant),
                client_id: Some(client),
                client_secret: Some(secret),
                refresh_token: None,
            } => {
                nonempty("clientSecret", &secret)?;
                Ok(Auth::ClientCredentials {
                    tenant_id: tenant_id(&tenant)?,
                    client_id: client_id(&client)?,
                    client_secret: secret,
                })
            }
            AuthInput {
                access_token: None,
                tenant_id: Some(tenant),
                client_id: Some(client),
                client_secret,
                refresh_token: Some(rt),
            } => {
                nonempty("refreshToken", &rt)?;
                Ok(Auth::RefreshToken {
                    tenant_id: tenant_id(&tenant)?,
                    client_id: client_id(&client)?,
                    refresh_token: rt,
                    client_secret,
                })
            }
            _ => Err(Error::invalid(SHAPES)),
        }
    }
}

/// A bearer token must be visible ASCII without spaces (RFC 6750's b64token is a subset): anything else, a
/// control character or a line break above all, could split or forge a header, so it is refused before
/// any request. The token itself is never echoed.
pub(crate) fn check_bearer_token(token: &Secret) -> Result<()> {
    match token.expose().bytes().position(|b| !(0x21..=0x7e).contains(&b)) {
        None => Ok(()),
        Some(at) => Err(Error::invalid(format!(
            "auth.accessToken holds a character that cannot be in a bearer token (a control character, a space or a non-ASCII character, at byte {at})"
        ))),
    }
}

// Values inside `auth` are never echoed in errors: a secret pasted into the wrong field must not leak.
fn tenant_id(text: &str) -> Result<String> {
    crate::validate::tenant("auth.tenantId", text)
        .map_err(|_| Error::invalid("auth.tenantId is neither a GUID nor a domain name"))
}

fn client_id(text: &str) -> Result<String> {
    crate::validate::guid("auth.clientId", text)
        .map(|g| g.to_string())
        .map_err(|_| Error::invalid("auth.clientId is not a GUID"))
}

/// Per-call settings. Build with [`CallOptions::new`] and adjust the public fields.
#[derive(Debug, Clone)]
pub struct CallOptions {
    pub auth: Option<Auth>,
    /// The service's base URL; `None` = the real service's host.
    pub endpoint: Option<BaseUrl>,
    pub authority: BaseUrl,
    /// Token scope override (default: the service's `/.default` scope).
    pub scope: Option<String>,
    /// Sent in each service's correlation header on every attempt, and echoed in results and errors.
    pub correlation_id: Uuid,
    /// Deadline of the whole call, retries, pages and polling included; `None` = the operation's default
    /// ([`DEFAULT_TIMEOUT`], or [`DEFAULT_LISTING_TIMEOUT`] for a cleanup's listings).
    pub timeout: Option<Duration>,
    /// Retries of 408/429/5xx/connection failures.
    pub max_retries: u32,
    /// A throttle shared with other calls (a batch's workers): a 429 pauses them all.
    pub throttle: Option<Arc<Throttle>>,
}

impl CallOptions {
    pub fn new(auth: Auth) -> CallOptions {
        CallOptions {
            auth: Some(auth),
            ..CallOptions::default()
        }
    }

    pub fn with_endpoint(mut self, endpoint: BaseUrl) -> CallOptions {
        self.endpoint = Some(endpoint);
        self
    }

    pub fn with_authority(mut self, authority: BaseUrl) -> CallOptions {
        self.authority = authority;
        self
    }

    /// The call's deadline: the caller's, else `default`.
    pub fn timeout_or(&self, default: Duration) -> Duration {
        self.timeout.unwrap_or(default)
    }

    pub(crate) fn auth(&self) -> Result<&Auth> {
        self.auth
            .as_ref()
            .ok_or_else(|| Error::invalid("auth is required for this operation"))
    }
}

impl Default for CallOptions {
    fn default() -> CallOptions {
        CallOptions {
            auth: None,
            endpoint: None,
            authority: BaseUrl::from_static(DEFAULT_AUTHORITY),
            scope: None,
            correlation_id: Uuid::new_v4(),
            timeout: None,
            max_retries: DEFAULT_MAX_RETRIES,
            throttle: None,
        }
    }
}
