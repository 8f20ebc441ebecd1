//! The Microsoft identity platform's v2 endpoints (`{authority}/{tenant}/oauth2/v2.0/token`, `/devicecode`),
//! reached through the request pipeline without `auth`: the same retries, deadline, correlation and logging
//! as any service call, and no way back into a credential (the pipeline's `auth` policy depends on
//! credentials, never the other way round).

use super::{Token, TokenContext};
use crate::endpoint::BaseUrl;
use crate::error::{Error, ErrorKind, Result};
use crate::pipeline::correlation::CorrelationPolicy;
use crate::pipeline::logging::LoggingPolicy;
use crate::pipeline::retry::{RetryOptions, RetryPolicy};
use crate::pipeline::{self, Context, Pipeline, Request, Response, Transport, Unreadable};
use crate::secret::Secret;
use chrono::Utc;
use reqwest::Method;
use serde::Deserialize;
use std::sync::Arc;

pub const SERVICE_NAME: &str = "the identity platform";

/// The identity platform of one authority, and how to reach it.
#[derive(Debug, Clone)]
pub struct TokenEndpoint {
    pub authority: BaseUrl,
    transport: Arc<dyn Transport>,
    retry: RetryOptions,
}

/// The lifetime believed of a token whose `expires_in` is missing, not a whole number of seconds, zero,
/// negative or absurd: short, so that a token of unknown lifetime is never cached for long (a service call
/// that finds it expired gets one refresh anyway).
pub const UNKNOWN_TOKEN_LIFETIME_SECONDS: u64 = 60;
/// The longest access token lifetime believed: Entra issues 60 to 90 minutes, up to 28 hours with
/// continuous access evaluation.
pub const MAX_TOKEN_LIFETIME_SECONDS: u64 = 28 * 3600;

impl TokenEndpoint {
    pub fn new(
        authority: BaseUrl,
        transport: Arc<dyn Transport>,
        retry: RetryOptions,
    ) -> TokenEndpoint {
        TokenEndpoint {
            authority,
            transport,
            retry,
        }
    }

    /// `{authority}/{tenant}/oauth2/v2.0/{what}`.
    pub fn url(&self, tenant: &str, what: &str) -> url::Url {
        self.authority
            .join(&format!("/{tenant}/oauth2/v2.0/{what}"))
    }

    fn pipeline(&self) -> Pipeline {
        anonymous_pipeline(self.transport.clone(), self.retry)
    }

    pub(crate) fn context(&self, ctx: &TokenContext) -> Context {
        let mut c = Context::new(
            SERVICE_NAME,
            "client-request-id",
            ctx.correlation_id,
            ctx.timeout,
            ctx.max_retries,
            read_error,
        );
        c.deadline = ctx.deadline;
        c.log = ctx.log.clone();
        c
    }

    /// POST a form to `{tenant}/oauth2/v2.0/{what}` and read the answer with `read`.
    pub async fn post_form<T, E: Into<Unreadable>>(
        &self,
        tenant: &str,
        what: &str,
        pairs: &[(&str, &str)],
        ctx: &TokenContext,
        read: impl Fn(&Response) -> std::result::Result<T, E>,
    ) -> Result<T> {
        let req = Request::new(Method::POST, self.url(tenant, what))
            .form(pairs)
            .anonymous();
        self.pipeline()
            .execute(&self.context(ctx), &req, read)
            .await
    }

    /// A token from the token endpoint for this form (a grant).
    pub async fn token(
        &self,
        tenant: &str,
        pairs: &[(&str, &str)],
        scope: &str,
        ctx: &TokenContext,
    ) -> Result<Token> {
        Ok(self
            .post_form(tenant, "token", pairs, ctx, read_token)
            .await?
            .into_token(scope))
    }
}

/// The pipeline of requests that carry no bearer token (token requests): correlation, retry, logging.
pub(crate) fn anonymous_pipeline(transport: Arc<dyn Transport>, retry: RetryOptions) -> Pipeline {
    Pipeline::new(
        vec![
            Arc::new(CorrelationPolicy),
            Arc::new(RetryPolicy { options: retry }),
            Arc::new(LoggingPolicy),
        ],
        transport,
    )
}

/// An answer of the token endpoint.
#[derive(Deserialize)]
pub struct TokenResponse {
    token_type: Option<String>,
    expires_in: Option<serde_json::Value>,
    access_token: Secret,
    refresh_token: Option<Secret>,
    scope: Option<String>,
}

/// Read a token answer, refusing (not retrying) an access token that could not go into a header.
pub fn read_token(resp: &Response) -> std::result::Result<TokenResponse, Unreadable> {
    let token: TokenResponse = pipeline::json(resp)?;
    crate::options::check_bearer_token(&token.access_token).map_err(|_| {
        Unreadable::Refuse(
            "the access token holds characters a bearer token cannot (control characters, spaces or non-ASCII)"
                .into(),
        )
    })?;
    Ok(token)
}

impl TokenResponse {
    pub fn into_token(self, requested_scope: &str) -> Token {
        let expires_in = lifetime(self.expires_in.as_ref());
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

/// The lifetime believed for an `expires_in` as the service wrote it (a number or a numeric string).
pub fn lifetime(expires_in: Option<&serde_json::Value>) -> u64 {
    let believed = match expires_in {
        Some(serde_json::Value::Number(n)) => n.as_u64(),
        Some(serde_json::Value::String(s)) => s.trim().parse::<u64>().ok(),
        _ => None,
    };
    believed
        .filter(|s| (1..=MAX_TOKEN_LIFETIME_SECONDS).contains(s))
        .unwrap_or(UNKNOWN_TOKEN_LIFETIME_SECONDS)
}

/// The kind of an identity platform error code (`invalid_client (AADSTS7000215)` → unauthorized).
pub fn error_kind(code: &str, status: u16) -> ErrorKind {
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

/// The identity platform's error reader.
pub fn read_error(service: &'static str, resp: &Response) -> Error {
    crate::service_error::response_error(service, resp, |code, status| match code {
        Some(code) => error_kind(code, status),
        None => ErrorKind::from_status(status),
    })
}

/// The first word of an error's service code (`authorization_pending (AADSTS70016)` → `authorization_pending`).
pub fn error_word(e: &Error) -> &str {
    e.code
        .as_deref()
        .and_then(|c| c.split_whitespace().next())
        .unwrap_or("")
}
