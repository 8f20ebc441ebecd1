//! Azure Resource Manager: the subscriptions the caller sees (`GET /subscriptions`), and
//! Microsoft.ManagedServices: list, get and (long-running) delete of registration assignments at
//! subscription or resource group scope, and the delete's polling URLs.

mod assignments;
mod operations;
mod query;
mod subscriptions;

use std::sync::Arc;

use axum::http::{HeaderMap, StatusCode};
use axum::routing::get;
use axum::Router;
use uuid::Uuid;

use crate::http::errors::ApiError;
use crate::http::gate::bearer;
use crate::jwt;
use crate::state::lighthouse::{ArmStore, Scope, PROVIDER};
use crate::state::AppState;

pub const API_VERSION: &str = "2022-10-01";

pub fn routes() -> Router<Arc<AppState>> {
    const SUB: &str = "/subscriptions/{sub}/providers/Microsoft.ManagedServices";
    const RG: &str = "/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.ManagedServices";
    Router::new()
        .route("/subscriptions", get(subscriptions::list))
        .route(
            &format!("{SUB}/registrationAssignments"),
            get(assignments::list_subscription),
        )
        .route(
            &format!("{RG}/registrationAssignments"),
            get(assignments::list_resource_group),
        )
        .route(
            &format!("{SUB}/registrationAssignments/{{name}}"),
            get(assignments::get_subscription).delete(assignments::delete_subscription),
        )
        .route(
            &format!("{RG}/registrationAssignments/{{name}}"),
            get(assignments::get_resource_group).delete(assignments::delete_resource_group),
        )
        .route(
            &format!("{SUB}/operationResults/{{op}}"),
            get(operations::operation_result),
        )
        .route(
            &format!("{SUB}/operationStatuses/{{op}}"),
            get(operations::operation_status),
        )
}

pub(super) fn bad_request(code: &str, message: String) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, code, message)
}

pub(super) fn not_found(code: &str, message: String) -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, code, message)
}

/// Every request must say `api-version=2022-10-01`.
/// The scope named by the path, which must exist.
pub(super) fn resolve(store: &ArmStore, sub: &str, rg: Option<&str>) -> Result<Scope, ApiError> {
    let subscription = Uuid::parse_str(sub).map_err(|_| {
        bad_request(
            "InvalidSubscriptionId",
            format!("The provided subscription identifier '{sub}' is malformed or invalid."),
        )
    })?;
    let found = store.subscription(&subscription).ok_or_else(|| {
        not_found(
            "SubscriptionNotFound",
            format!("The subscription '{sub}' could not be found."),
        )
    })?;
    let resource_group = match rg {
        None => None,
        Some(name) => Some(
            found
                .resource_groups
                .iter()
                .find(|g| g.eq_ignore_ascii_case(name))
                .cloned()
                .ok_or_else(|| {
                    not_found(
                        "ResourceGroupNotFound",
                        format!("Resource group '{name}' could not be found."),
                    )
                })?,
        ),
    };
    Ok(Scope {
        subscription,
        resource_group,
    })
}

/// The URL of a delete operation (`operationResults` or `operationStatuses`).
pub(super) fn operation_url(app: &AppState, subscription: &Uuid, kind: &str, op: &Uuid) -> String {
    format!(
        "{}/subscriptions/{subscription}{PROVIDER}/{kind}/{op}?api-version={API_VERSION}",
        app.url
    )
}

/// The object id (`oid`) of the caller's token: the principal ARM's limits and authorization messages name.
pub(super) fn caller_object_id(headers: &HeaderMap) -> String {
    bearer(headers)
        .and_then(jwt::parse)
        .and_then(|token| {
            token
                .payload
                .get("oid")
                .and_then(|oid| oid.as_str())
                .map(str::to_string)
        })
        .unwrap_or_else(|| "00000000-0000-0000-0000-000000000000".to_string())
}
