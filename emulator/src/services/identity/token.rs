//! `POST /{tenant}/oauth2/v2.0/token`: client credentials, refresh token (rotating) and device code.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use super::check_tenant;
use super::error::{correlation_id, IdentityError};
use super::scope::{check_app_only, parse_scope};
use crate::http::query::Params;
use crate::state::tokens::{DevicePoll, Grant, RefreshError};
use crate::state::{lock, AppState};

pub const DEVICE_CODE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

pub async fn token(
    State(app): State<Arc<AppState>>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    app.stats.token_request();
    match issue(&app, &tenant, &Params::parse_bytes(&body)) {
        Ok(tokens) => Json(tokens).into_response(),
        Err(error) => error.respond(&correlation_id(&headers)),
    }
}

fn required<'a>(form: &'a Params, name: &str) -> Result<&'a str, IdentityError> {
    form.get(name)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| IdentityError::missing(name))
}

fn issue(app: &AppState, tenant: &str, form: &Params) -> Result<Value, IdentityError> {
    check_tenant(tenant)?;
    match required(form, "grant_type")? {
        "client_credentials" => client_credentials(app, tenant, form),
        "refresh_token" => refresh_token(app, form),
        DEVICE_CODE_GRANT => device_code(app, form),
        other => Err(IdentityError::bad(
            "unsupported_grant_type",
            70003,
            format!("The app requested an unsupported grant type '{other}'."),
        )),
    }
}

fn check_secret(app: &AppState, client_id: &str, secret: &str) -> Result<(), IdentityError> {
    if secret == app.config.client_secret {
        return Ok(());
    }
    Err(IdentityError::invalid_client(
        7000215,
        format!("Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{client_id}'."),
    ))
}

fn client_credentials(app: &AppState, tenant: &str, form: &Params) -> Result<Value, IdentityError> {
    let client_id = required(form, "client_id")?;
    if client_id != app.config.client_id {
        return Err(IdentityError::bad(
            "unauthorized_client",
            700016,
            format!("Application with identifier '{client_id}' was not found in the directory '{tenant}'."),
        ));
    }
    let secret = form.get("client_secret").ok_or_else(|| {
        IdentityError::invalid_client(
            7000218,
            "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
        )
    })?;
    check_secret(app, client_id, secret)?;
    let scope = required(form, "scope")?;
    let grant = parse_scope(scope)?;
    check_app_only(scope, &grant)?;
    Ok(answer(app, &grant, None))
}

fn refresh_token(app: &AppState, form: &Params) -> Result<Value, IdentityError> {
    let client_id = required(form, "client_id")?;
    let refresh = required(form, "refresh_token")?;
    if let Some(secret) = form.get("client_secret") {
        check_secret(app, client_id, secret)?;
    }
    let requested = form.get("scope").map(parse_scope).transpose()?;
    let original = lock(&app.tokens)
        .redeem_refresh(refresh, client_id)
        .map_err(|e| match e {
            RefreshError::Unknown => IdentityError::bad(
                "invalid_grant",
                9002313,
                "Invalid request. Request is malformed or invalid.",
            ),
            RefreshError::Reused => IdentityError::bad(
                "invalid_grant",
                70008,
                "The provided authorization code or refresh token has expired due to inactivity or has already been redeemed.",
            ),
            RefreshError::WrongClient => IdentityError::bad(
                "invalid_grant",
                70000,
                "The refresh token was issued to a different client.",
            ),
        })?;
    let grant = requested.unwrap_or(original);
    Ok(answer(app, &grant, Some(client_id)))
}

fn device_code(app: &AppState, form: &Params) -> Result<Value, IdentityError> {
    let client_id = required(form, "client_id")?;
    let device_code = required(form, "device_code")?;
    let poll = lock(&app.tokens).poll_device_flow(device_code, client_id);
    match poll {
        DevicePoll::Approved(grant) => Ok(answer(app, &grant, Some(client_id))),
        DevicePoll::Pending => Err(IdentityError::bad(
            "authorization_pending",
            70016,
            "OAuth 2.0 device flow error. Authorization is pending. Continue polling.",
        )),
        DevicePoll::SlowDown => Err(IdentityError::bad(
            "slow_down",
            70016,
            "OAuth 2.0 device flow error. Polling too fast: wait at least the interval between polls.",
        )),
        DevicePoll::Declined => Err(IdentityError::bad(
            "authorization_declined",
            65004,
            "User declined to authorize the request.",
        )),
        DevicePoll::Expired => Err(IdentityError::bad(
            "expired_token",
            70019,
            "Verification code expired.",
        )),
        DevicePoll::Redeemed => Err(IdentityError::bad(
            "invalid_grant",
            54005,
            "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.",
        )),
        DevicePoll::Unknown => Err(IdentityError::bad(
            "bad_verification_code",
            70000,
            "The provided value for the input parameter 'device_code' is not valid.",
        )),
    }
}

/// A token answer; `refresh_for` = issue a refresh token to this client too.
fn answer(app: &AppState, grant: &Grant, refresh_for: Option<&str>) -> Value {
    let mut tokens = lock(&app.tokens);
    let access_token = tokens.issue_access(grant.audience);
    let lifetime = app.config.token_lifetime;
    let mut body = json!({
        "token_type": "Bearer",
        "scope": grant.scope,
        "expires_in": lifetime,
        "ext_expires_in": lifetime,
        "access_token": access_token,
    });
    if let Some(client_id) = refresh_for {
        body["refresh_token"] = json!(tokens.issue_refresh(client_id, grant));
    }
    // Injected: an odd or missing `expires_in` (the token itself still lives `token_lifetime`).
    let (raw, omit) = app
        .faults
        .standing(|f| (f.token_expires_in.clone(), f.token_omit_expires_in));
    if let Some(raw) = raw {
        body["expires_in"] = raw;
    }
    if omit {
        if let Some(map) = body.as_object_mut() {
            map.remove("expires_in");
        }
    }
    body
}
