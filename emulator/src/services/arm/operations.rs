//! Polling a delete: `operationResults` (202 running, 204 done) and `operationStatuses` (200 with a
//! status). Either URL counts as a poll.

use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::http::header::{LOCATION, RETRY_AFTER};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use uuid::Uuid;

use super::query::check_api_version;
use super::{not_found, operation_url};
use crate::http::errors::ApiError;
use crate::http::query::Params;
use crate::state::lighthouse::{Operation, PollOutcome, PROVIDER};
use crate::state::{lock, AppState};
use crate::timefmt::{format_ticks, now_ticks};

/// One poll of an operation named by the path.
fn poll(app: &AppState, sub: &str, op: &str, query: Option<&str>) -> Result<PollOutcome, ApiError> {
    check_api_version(&Params::parse(query))?;
    let unknown = || {
        not_found(
            "OperationNotFound",
            format!("The operation '{op}' could not be found."),
        )
    };
    let subscription = Uuid::parse_str(sub).map_err(|_| unknown())?;
    let id = Uuid::parse_str(op).map_err(|_| unknown())?;
    let never_complete = app.faults.lro_never_completes();
    match lock(&app.arm).poll(&subscription, &id, never_complete, now_ticks()) {
        PollOutcome::Unknown => Err(unknown()),
        outcome => Ok(outcome),
    }
}

pub async fn operation_result(
    State(app): State<Arc<AppState>>,
    Path((sub, op)): Path<(String, String)>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    match poll(&app, &sub, &op, query.as_deref())? {
        PollOutcome::Running(op) => Ok((
            StatusCode::ACCEPTED,
            [
                (
                    LOCATION.as_str(),
                    operation_url(&app, &op.subscription, "operationResults", &op.id),
                ),
                (RETRY_AFTER.as_str(), app.config.lro_retry_after.to_string()),
            ],
        )
            .into_response()),
        _ => Ok(StatusCode::NO_CONTENT.into_response()),
    }
}

fn status_body(op: &Operation, status: &str) -> Value {
    let mut body = json!({
        "id": format!("/subscriptions/{}{PROVIDER}/operationStatuses/{}", op.subscription, op.id),
        "name": op.id,
        "status": status,
        "startTime": format_ticks(op.started),
    });
    if let Some(ended) = op.ended {
        body["endTime"] = json!(format_ticks(ended));
    }
    body
}

pub async fn operation_status(
    State(app): State<Arc<AppState>>,
    Path((sub, op)): Path<(String, String)>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    match poll(&app, &sub, &op, query.as_deref())? {
        PollOutcome::Running(op) => Ok((
            [(RETRY_AFTER, app.config.lro_retry_after.to_string())],
            Json(status_body(&op, "Deleting")),
        )
            .into_response()),
        PollOutcome::Done(op) => Ok(Json(status_body(&op, "Succeeded")).into_response()),
        PollOutcome::Unknown => Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "OperationNotFound",
            "The operation could not be found.",
        )),
    }
}
