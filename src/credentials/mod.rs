//! Credentials: each is a [`TokenCredential`], the one plug-in point the pipeline's `auth` policy asks for
//! a token for a scope (after azure_core's trait of the same name).
//!
//! A credential built from a [`TokenSource`] (client secret, certificate or assertion, refresh token,
//! managed identity) gets the token cache for free: [`CachedCredential`] keeps one token per scope until
//! shortly before it expires, fetches one at a time per scope, and renews on demand after a 401.
//! [`StaticTokens`] hands out tokens the caller brought.

pub mod certificate;
pub mod client_credentials;
pub mod client_proof;
pub mod managed_identity;
pub mod policy;
pub mod refresh_token;
pub mod static_tokens;
pub mod token_endpoint;

use crate::error::Result;
use crate::pipeline::logging::RequestLog;
use crate::pipeline::{BoxFuture, Context};
use crate::secret::Secret;
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::time::Instant;
use uuid::Uuid;

pub use certificate::{Certificate, SignatureAlgorithm};
pub use client_credentials::ClientCredentials;
pub use client_proof::ClientProof;
pub use managed_identity::{ManagedIdentity, ManagedIdentityId};
pub use policy::BearerPolicy;
pub use refresh_token::RefreshToken;
pub use static_tokens::StaticTokens;
pub use token_endpoint::TokenEndpoint;

/// An access token and what came with it.
#[derive(Debug, Clone)]
pub struct Token {
    pub access_token: Secret,
    pub token_type: String,
    pub expires_on: DateTime<Utc>,
    pub expires_in: u64,
    pub scope: String,
    /// Returned by the refresh token, device code and authorization code grants.
    pub refresh_token: Option<Secret>,
}

/// What a token request inherits from the service call that needs it: its correlation id, deadline and
/// retries, and its request log.
#[derive(Debug, Clone)]
pub struct TokenContext {
    pub correlation_id: Uuid,
    pub timeout: Duration,
    pub deadline: Instant,
    pub max_retries: u32,
    pub log: Option<Arc<RequestLog>>,
}

impl TokenContext {
    pub fn from_call(ctx: &Context) -> TokenContext {
        TokenContext {
            correlation_id: ctx.correlation_id,
            timeout: ctx.timeout,
            deadline: ctx.deadline,
            max_retries: ctx.max_retries,
            log: ctx.log.clone(),
        }
    }

    /// A context of its own (a token asked for directly, not for a service call).
    pub fn new(correlation_id: Uuid, timeout: Duration, max_retries: u32) -> TokenContext {
        TokenContext {
            correlation_id,
            timeout,
            deadline: crate::pipeline::deadline_after(timeout),
            max_retries,
            log: None,
        }
    }
}

/// A source of access tokens for scopes: what the pipeline's `auth` policy asks.
pub trait TokenCredential: Send + Sync + std::fmt::Debug {
    /// A token for `scope`; `force_refresh` after the service refused the last one.
    fn get_token<'a>(
        &'a self,
        scope: &'a str,
        ctx: &'a TokenContext,
        force_refresh: bool,
    ) -> BoxFuture<'a, Result<Token>>;

    /// Whether asking again can give another token (a brought token cannot).
    fn can_refresh(&self) -> bool {
        true
    }

    /// Whether this credential can be asked for a token for `scope` at all (tokens brought per service
    /// cover only their services), so that an optional source it cannot reach is skipped, not failed.
    fn serves(&self, _scope: &str) -> bool {
        true
    }

    /// The kind, as shown to users: `accessToken`, `clientSecret`, `certificate`, `managedIdentity`, ...
    fn kind(&self) -> &'static str;

    /// Every secret this credential holds, so that no output can echo one.
    fn secrets(&self) -> Vec<Secret>;
}

/// Where a [`CachedCredential`] gets tokens from.
pub trait TokenSource: Send + Sync + std::fmt::Debug {
    fn fetch<'a>(&'a self, scope: &'a str, ctx: &'a TokenContext) -> BoxFuture<'a, Result<Token>>;
    fn kind(&self) -> &'static str;
    fn secrets(&self) -> Vec<Secret>;
}

#[derive(Debug)]
struct Cached {
    token: Token,
    fresh_until: Instant,
}

/// Scopes kept before entries without a fresh token are swept.
const MAX_SCOPES: usize = 64;

/// A [`TokenSource`] with a token cache: one token per scope, used until five minutes (or half the lifetime
/// of a short-lived token) before it expires; one fetch at a time per scope, so a batch's workers starting
/// together share one token request.
#[derive(Debug)]
pub struct CachedCredential<S> {
    source: S,
    slots: Mutex<HashMap<String, Arc<tokio::sync::Mutex<Option<Cached>>>>>,
}

impl<S: TokenSource> CachedCredential<S> {
    pub fn new(source: S) -> CachedCredential<S> {
        CachedCredential {
            source,
            slots: Mutex::new(HashMap::new()),
        }
    }

    pub fn source(&self) -> &S {
        &self.source
    }

    fn slot(&self, scope: &str) -> Arc<tokio::sync::Mutex<Option<Cached>>> {
        let mut slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
        if slots.len() >= MAX_SCOPES && !slots.contains_key(scope) {
            let now = Instant::now();
            slots.retain(|_, slot| match slot.try_lock() {
                Ok(cached) => cached.as_ref().is_some_and(|c| c.fresh_until > now),
                Err(_) => true,
            });
        }
        slots.entry(scope.to_string()).or_default().clone()
    }
}

/// Margin before expiry at which a cached token is renewed: five minutes, or half the lifetime of a short one.
pub fn renewal_margin(expires_in: u64) -> Duration {
    Duration::from_secs(if expires_in >= 600 {
        300
    } else {
        expires_in / 2
    })
}

impl<S: TokenSource> TokenCredential for CachedCredential<S> {
    fn get_token<'a>(
        &'a self,
        scope: &'a str,
        ctx: &'a TokenContext,
        force_refresh: bool,
    ) -> BoxFuture<'a, Result<Token>> {
        Box::pin(async move {
            let slot = self.slot(scope);
            let mut guard = slot.lock().await;
            if !force_refresh {
                if let Some(c) = guard.as_ref() {
                    if Instant::now() < c.fresh_until {
                        return Ok(c.token.clone());
                    }
                }
            }
            let token = self.source.fetch(scope, ctx).await?;
            let fresh_until = Instant::now()
                + Duration::from_secs(token.expires_in)
                    .saturating_sub(renewal_margin(token.expires_in));
            *guard = Some(Cached {
                token: token.clone(),
                fresh_until,
            });
            Ok(token)
        })
    }

    fn kind(&self) -> &'static str {
        self.source.kind()
    }

    fn secrets(&self) -> Vec<Secret> {
        self.source.secrets()
    }
}
