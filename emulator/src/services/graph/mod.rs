//! Microsoft Graph v1.0, GDAP: `/v1.0/tenantRelationships/delegatedAdminRelationships` (list, get,
//! update with ETags, the long-running Global Administrator removal and its operations, requests that
//! terminate or lock, access assignments) and `/v1.0/tenantRelationships/delegatedAdminCustomers` (with
//! service management details).
//!
//! Error codes, from the basic codes of Graph's error documentation: 400 `invalidRequest`, 404
//! `itemNotFound`, 409 `notAllowed` (the relationship's status or a running operation forbids it), 412
//! `resourceModified` (stale `If-Match`).

mod assignments;
mod customers;
mod filter;
mod operations;
mod query;
mod relationships;
mod requests;
mod update;

use std::sync::Arc;

use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde_json::{Map, Value};

use crate::http::errors::ApiError;
use crate::state::gdap::GdapStore;
use crate::state::AppState;

/// Where the GDAP resources live.
pub const BASE: &str = "/v1.0/tenantRelationships";

pub fn routes() -> Router<Arc<AppState>> {
    let relationships = format!("{BASE}/delegatedAdminRelationships");
    let one = format!("{relationships}/{{id}}");
    let customers = format!("{BASE}/delegatedAdminCustomers");
    Router::new()
        .route(&relationships, get(relationships::list))
        .route(
            &one,
            get(relationships::get_one).patch(relationships::patch),
        )
        .route(&format!("{one}/accessAssignments"), get(assignments::list))
        .route(&format!("{one}/operations"), get(operations::list))
        .route(
            &format!("{one}/operations/{{op}}"),
            get(operations::get_one),
        )
        .route(
            &format!("{one}/requests"),
            get(requests::list).post(requests::create),
        )
        .route(
            &format!("{one}/requests/{{request}}"),
            get(requests::get_one),
        )
        .route(&customers, get(customers::list))
        .route(&format!("{customers}/{{id}}"), get(customers::get_one))
        .route(
            &format!("{customers}/{{id}}/serviceManagementDetails"),
            get(customers::service_management_details),
        )
}

pub(super) fn invalid_request(message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, "invalidRequest", message)
}

pub(super) fn not_found(message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "itemNotFound", message)
}

pub(super) fn not_allowed(message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::CONFLICT, "notAllowed", message)
}

pub(super) fn precondition_failed() -> ApiError {
    ApiError::new(
        StatusCode::PRECONDITION_FAILED,
        "resourceModified",
        "The resource has changed since it was last read: the If-Match ETag does not match its current ETag. Read it again and retry.",
    )
}

/// The relationship with this id, or 404.
pub(super) fn relationship_index(store: &GdapStore, id: &str) -> Result<u32, ApiError> {
    store.find(id).ok_or_else(|| {
        not_found(format!(
            "The delegated admin relationship '{id}' was not found."
        ))
    })
}

/// `<url>/v1.0/tenantRelationships/$metadata#<fragment>`.
pub(super) fn context(app: &AppState, fragment: &str) -> String {
    format!("{}{BASE}/$metadata#{fragment}", app.url)
}

/// The URL of a relationship (and what follows it).
pub(super) fn relationship_url(app: &AppState, id: &str, rest: &str) -> String {
    format!("{}{BASE}/delegatedAdminRelationships/{id}{rest}", app.url)
}

/// A JSON answer as Graph sends it.
pub(super) fn answer(
    status: StatusCode,
    body: Map<String, Value>,
    headers: &[(HeaderName, String)],
) -> Response {
    let mut response = (status, Value::Object(body).to_string()).into_response();
    let map = response.headers_mut();
    map.insert(
        CONTENT_TYPE,
        HeaderValue::from_static(
            "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8",
        ),
    );
    map.insert("odata-version", HeaderValue::from_static("4.0"));
    for (name, value) in headers {
        if let Ok(value) = HeaderValue::from_str(value) {
            map.insert(name.clone(), value);
        }
    }
    response
}

/// A collection page: `@odata.context`, `@odata.count` (when asked), `value`, `@odata.nextLink`.
pub(super) fn collection(
    context: String,
    count: Option<usize>,
    value: Vec<Value>,
    next_link: Option<String>,
) -> Map<String, Value> {
    let mut body = Map::new();
    body.insert("@odata.context".into(), Value::String(context));
    if let Some(count) = count {
        body.insert("@odata.count".into(), count.into());
    }
    body.insert("value".into(), Value::Array(value));
    if let Some(link) = next_link {
        body.insert("@odata.nextLink".into(), Value::String(link));
    }
    body
}

/// Whether `Prefer` asks for the members of evolvable enums after `unknownFutureValue`.
pub(super) fn include_unknown_enum_members(headers: &HeaderMap) -> bool {
    headers.get_all("prefer").iter().any(|v| {
        v.to_str().is_ok_and(|v| {
            v.split(',').any(|p| {
                p.trim()
                    .eq_ignore_ascii_case("include-unknown-enum-members")
            })
        })
    })
}
