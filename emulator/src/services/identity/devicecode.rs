//! `POST /{tenant}/oauth2/v2.0/devicecode`: starts a device code flow.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use super::check_tenant;
use super::error::{correlation_id, IdentityError};
use super::scope::parse_scope;
use crate::http::query::Params;
use crate::state::{lock, AppState};

pub async fn devicecode(
    State(app): State<Arc<AppState>>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match start(&app, &tenant, &Params::parse_bytes(&body)) {
        Ok(flow) => Json(flow).into_response(),
        Err(error) => error.respond(&correlation_id(&headers)),
    }
}

fn start(app: &AppState, tenant: &str, form: &Params) -> Result<Value, IdentityError> {
    check_tenant(tenant)?;
    let client_id = form
        .get("client_id")
        .filter(|v| !v.is_empty())
        .ok_or_else(|| IdentityError::missing("client_id"))?;
    let scope = form
        .get("scope")
        .filter(|v| !v.is_empty())
        .ok_or_else(|| IdentityError::missing("scope"))?;
    let grant = parse_scope(scope, app.config.cloud)?;
    let flow = lock(&app.tokens).start_device_flow(client_id, grant);
    let uri = format!("{}/devicelogin", app.url);
    Ok(json!({
        "device_code": flow.device_code,
        "user_code": flow.user_code,
        "verification_uri": uri,
        "expires_in": flow.expires_in,
        "interval": app.config.device_interval,
        "message": format!(
            "To sign in, use a web browser to open the page {uri} and enter the code {} to authenticate.",
            flow.user_code
        ),
    }))
}
