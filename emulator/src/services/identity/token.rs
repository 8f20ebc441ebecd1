//! `POST /{tenant}/oauth2/v2.0/token`: client credentials (client secret or certificate assertion), refresh
//! token (rotating), authorization code (with PKCE) and device code.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use super::access_token::{self, Principal};
use super::check_tenant;
use super::client_auth::{check_proof, client_proof, ClientProof};
use super::error::{correlation_id, IdentityError};
use super::scope::{check_app_only, parse_scope};
use crate::http::query::Params;
use crate::state::auth_codes::CodeError;
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
        "refresh_token" => refresh_token(app, tenant, form),
        "authorization_code" => authorization_code(app, tenant, form),
        DEVICE_CODE_GRANT => device_code(app, form),
        other => Err(IdentityError::bad(
            "unsupported_grant_type",
            70003,
            format!("The app requested an unsupported grant type '{other}'."),
        )),
    }
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
    let proof = client_proof(form)?;
    if matches!(proof, ClientProof::None) {
        return Err(IdentityError::invalid_client(
            7000218,
            "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
        ));
    }
    check_proof(app, tenant, client_id, proof)?;
    let scope = required(form, "scope")?;
    let grant = parse_scope(scope, app.config.cloud)?;
    check_app_only(scope, &grant)?;
    let principal = Principal::App {
        app_id: client_id,
        object_id: app.directory.app_object_id,
    };
    Ok(answer(app, &grant, principal))
}

fn refresh_token(app: &AppState, tenant: &str, form: &Params) -> Result<Value, IdentityError> {
    let client_id = required(form, "client_id")?;
    let refresh = required(form, "refresh_token")?;
    check_proof(app, tenant, client_id, client_proof(form)?)?;
    let requested = form
        .get("scope")
        .map(|s| parse_scope(s, app.config.cloud))
        .transpose()?;
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
    let grant = requested.unwrap_or(original.grant);
    let principal = Principal::User {
        client_id,
        user: &original.user,
    };
    Ok(answer(app, &grant, principal))
}

/// The authorization code flow's redemption: the code from the authorize endpoint, the same `redirect_uri`,
/// the PKCE `code_verifier` (and a client secret or assertion when the client sends one).
fn authorization_code(app: &AppState, tenant: &str, form: &Params) -> Result<Value, IdentityError> {
    let client_id = required(form, "client_id")?;
    let code = required(form, "code")?;
    let redirect_uri = required(form, "redirect_uri")?;
    let verifier = required(form, "code_verifier")?;
    check_proof(app, tenant, client_id, client_proof(form)?)?;
    let requested = form
        .get("scope")
        .map(|s| parse_scope(s, app.config.cloud))
        .transpose()?;
    let (grant, user) = lock(&app.auth_codes)
        .redeem(
            code,
            client_id,
            redirect_uri,
            verifier,
            requested.as_ref().map(|g| g.audience),
        )
        .map_err(|e| match e {
            CodeError::Unknown => IdentityError::bad(
                "invalid_grant",
                9002313,
                "Invalid request. Request is malformed or invalid.",
            ),
            CodeError::Redeemed => IdentityError::bad(
                "invalid_grant",
                54005,
                "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.",
            ),
            CodeError::Expired => IdentityError::bad(
                "invalid_grant",
                70008,
                "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.",
            ),
            CodeError::WrongClient => IdentityError::bad(
                "invalid_grant",
                70000,
                "The provided value for the 'code' parameter is not valid. The code was issued to a different client.",
            ),
            CodeError::WrongRedirect(expected) => IdentityError::bad(
                "invalid_grant",
                500112,
                format!("The reply address '{redirect_uri}' does not match the reply address '{expected}' provided when requesting Authorization code."),
            ),
            CodeError::VerifierMismatch => IdentityError::bad(
                "invalid_grant",
                501481,
                "The Code_Verifier does not match the code_challenge supplied in the authorization request.",
            ),
            CodeError::OtherResource => IdentityError::bad(
                "invalid_grant",
                70000,
                "The provided value for the 'scope' parameter names another resource than the authorization request.",
            ),
        })?;
    let grant = requested.unwrap_or(grant);
    let principal = Principal::User {
        client_id,
        user: &user,
    };
    Ok(answer(app, &grant, principal))
}

fn device_code(app: &AppState, form: &Params) -> Result<Value, IdentityError> {
    let client_id = required(form, "client_id")?;
    let device_code = required(form, "device_code")?;
    let poll = lock(&app.tokens).poll_device_flow(device_code, client_id);
    match poll {
        DevicePoll::Approved(grant) => {
            let principal = Principal::User {
                client_id,
                user: &app.directory.admin,
            };
            Ok(answer(app, &grant, principal))
        }
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

/// A token answer; a user's comes with a refresh token (rotating) for the same client.
fn answer(app: &AppState, grant: &Grant, principal: Principal) -> Value {
    let issued = access_token::issue(app, grant, principal);
    let lifetime = app.config.token_lifetime;
    let mut body = json!({
        "token_type": "Bearer",
        "scope": grant.scope,
        "expires_in": lifetime,
        "ext_expires_in": lifetime,
        "access_token": issued.token,
    });
    if let Principal::User { client_id, user } = principal {
        body["refresh_token"] = json!(lock(&app.tokens).issue_refresh(client_id, grant, user));
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
