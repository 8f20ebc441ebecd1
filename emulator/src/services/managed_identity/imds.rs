//! The Azure instance metadata service's token endpoint (a VM's managed identity):
//! `GET /metadata/identity/oauth2/token?api-version=2018-02-01&resource=...[&client_id=|&object_id=|&msi_res_id=]`
//! with `Metadata: true`.
//!
//! Success: `{"access_token","client_id","expires_in","expires_on","ext_expires_in","not_before","resource",
//! "token_type"}`, numbers as strings (as IMDS writes them). Errors: `{"error","error_description"}`.

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use super::{admit, issue, selector, Problem};
use crate::http::query::Params;
use crate::state::directory::IdentitySelector;
use crate::state::AppState;

/// The api-versions of the identity endpoint taken (2018-02-01 and the later ones IMDS publishes).
pub const API_VERSIONS: [&str; 9] = [
    "2018-02-01",
    "2018-04-02",
    "2018-10-01",
    "2019-03-11",
    "2019-06-01",
    "2019-08-01",
    "2019-11-01",
    "2020-06-01",
    "2021-02-01",
];

pub async fn token(
    State(app): State<Arc<AppState>>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let params = Params::parse(query.as_deref());
    match answer(&app, &headers, &params) {
        Ok(body) => Json(body).into_response(),
        Err(problem) => error(&app, problem),
    }
}

fn answer(app: &AppState, headers: &HeaderMap, params: &Params) -> Result<Value, Problem> {
    admit(app)?;
    // IMDS wants `Metadata: true` exactly (all lower case).
    if headers.get("metadata").and_then(|v| v.to_str().ok()) != Some("true") {
        return Err(Problem::Header);
    }
    match params.get("api-version") {
        None | Some("") => return Err(Problem::MissingApiVersion),
        Some(v) if API_VERSIONS.contains(&v) => {}
        Some(other) => return Err(Problem::BadApiVersion(other.to_string())),
    }
    let resource = params
        .get("resource")
        .filter(|r| !r.is_empty())
        .ok_or(Problem::MissingResource)?;
    let selector = selector(
        params,
        &[
            ("client_id", IdentitySelector::ClientId),
            ("object_id", IdentitySelector::ObjectId),
            ("msi_res_id", IdentitySelector::ResourceId),
            // The name older documentation gave it.
            ("mi_res_id", IdentitySelector::ResourceId),
        ],
        &["clientid", "principal_id"],
    )?;
    let (identity, issued) = issue(app, &selector, resource)?;
    let expires_in = app.config.token_lifetime.to_string();
    Ok(json!({
        "access_token": issued.token,
        "client_id": identity.client_id,
        "expires_in": expires_in,
        "expires_on": issued.expires_on.to_string(),
        "ext_expires_in": expires_in,
        "not_before": issued.not_before.to_string(),
        "resource": resource,
        "token_type": "Bearer",
    }))
}

fn error(app: &AppState, problem: Problem) -> Response {
    let bad = StatusCode::BAD_REQUEST;
    let (status, error, description) = match problem {
        Problem::Unavailable => (
            StatusCode::SERVICE_UNAVAILABLE,
            "service_unavailable",
            "The managed identity endpoint is temporarily unavailable.".to_string(),
        ),
        Problem::Header => (
            bad,
            "invalid_request",
            "Required metadata header not specified".to_string(),
        ),
        Problem::MissingApiVersion => (
            bad,
            "invalid_request",
            "Required query variable 'api-version' is missing".to_string(),
        ),
        Problem::BadApiVersion(v) => (
            bad,
            "invalid_request",
            format!(
                "Invalid api-version '{v}'. Supported versions: {}",
                API_VERSIONS.join(", ")
            ),
        ),
        Problem::MissingResource => (
            bad,
            "invalid_request",
            "Required query variable 'resource' is missing".to_string(),
        ),
        Problem::Unsupported(name) => (
            bad,
            "invalid_request",
            format!("The query variable '{name}' is not supported: use client_id, object_id or msi_res_id"),
        ),
        Problem::Ambiguous => (
            bad,
            "invalid_request",
            "Only one of client_id, object_id and msi_res_id can be given".to_string(),
        ),
        Problem::UnknownIdentity => (bad, "invalid_request", "Identity not found".to_string()),
        Problem::UnknownResource(resource) => (
            bad,
            "invalid_resource",
            format!(
                "AADSTS500011: The resource principal named {resource} was not found in the tenant named {}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.",
                app.config.partner_tenant_id
            ),
        ),
    };
    (
        status,
        Json(json!({ "error": error, "error_description": description })),
    )
        .into_response()
}
