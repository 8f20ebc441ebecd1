//! The Microsoft identity platform (v2 endpoints): token, authorize, device code and the device login page.

pub mod access_token;
mod authorize;
mod client_auth;
mod devicecode;
mod devicelogin;
pub mod error;
mod scope;
mod token;

use std::sync::Arc;

use axum::extract::Request;
use axum::http::header::CACHE_CONTROL;
use axum::http::HeaderValue;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use uuid::Uuid;

use crate::state::AppState;
use error::IdentityError;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/{tenant}/oauth2/v2.0/token", post(token::token))
        .route("/{tenant}/oauth2/v2.0/authorize", get(authorize::authorize))
        .route(
            "/{tenant}/oauth2/v2.0/devicecode",
            post(devicecode::devicecode),
        )
        .route(
            "/devicelogin",
            get(devicelogin::page).post(devicelogin::decide),
        )
        .route_layer(middleware::from_fn(stamp))
}

/// A GUID, `organizations` or `common`.
fn check_tenant(tenant: &str) -> Result<(), IdentityError> {
    let known = Uuid::parse_str(tenant).is_ok()
        || tenant.eq_ignore_ascii_case("organizations")
        || tenant.eq_ignore_ascii_case("common");
    if known {
        return Ok(());
    }
    Err(IdentityError::bad(
        "invalid_request",
        90002,
        format!("Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud."),
    ))
}

/// Echoes `client-request-id`, mints `x-ms-request-id`, forbids caching.
async fn stamp(request: Request, next: Next) -> Response {
    let client_request_id = request.headers().get("client-request-id").cloned();
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if let Some(id) = client_request_id {
        headers.insert("client-request-id", id);
    }
    if let Ok(id) = HeaderValue::from_str(&Uuid::new_v4().to_string()) {
        headers.insert("x-ms-request-id", id);
    }
    headers.insert(
        CACHE_CONTROL,
        HeaderValue::from_static("no-store, no-cache"),
    );
    response
}
