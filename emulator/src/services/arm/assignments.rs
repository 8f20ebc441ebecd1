//! Registration assignments: list (paged), get and delete (which starts a long-running operation).

use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::http::header::{LOCATION, RETRY_AFTER};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use uuid::Uuid;

use super::query::{check_api_version, expand, parse_filter};
use super::{bad_request, caller_object_id, not_found, operation_url, resolve, API_VERSION};
use crate::control::delete_buckets::Take;
use crate::http::errors::ApiError;
use crate::http::query::{encode, Params};
use crate::state::lighthouse::{ArmStore, DeleteOutcome, Scope, PROVIDER};
use crate::state::{lock, AppState};
use crate::timefmt::now_ticks;

pub async fn list_subscription(
    State(app): State<Arc<AppState>>,
    Path(sub): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    list(&app, &sub, None, query.as_deref())
}

pub async fn list_resource_group(
    State(app): State<Arc<AppState>>,
    Path((sub, rg)): Path<(String, String)>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    list(&app, &sub, Some(&rg), query.as_deref())
}

fn list(
    app: &AppState,
    sub: &str,
    rg: Option<&str>,
    query: Option<&str>,
) -> Result<Response, ApiError> {
    let params = Params::parse(query);
    check_api_version(&params)?;
    let expanded = expand(&params)?;
    let filter_text = params.get_ignore_case("$filter");
    let managed_by = filter_text.map(parse_filter).transpose()?;
    let skip = match params.get_ignore_case("$skipToken") {
        None => 0,
        Some(token) => token.parse::<usize>().map_err(|_| {
            bad_request(
                "InvalidSkipToken",
                format!("The skip token '{token}' is not valid."),
            )
        })?,
    };
    let store = lock(&app.arm);
    let scope = resolve(&store, sub, rg)?;
    let matching: Vec<_> = store
        .in_scope(&scope)
        .filter(|a| {
            managed_by.as_ref().is_none_or(|ids| {
                ids.iter().any(|id| {
                    id.to_string()
                        .eq_ignore_ascii_case(&a.definition.managed_by.id)
                })
            })
        })
        .collect();
    let page_size = match app.config.arm_page_size {
        0 => usize::MAX,
        n => n,
    };
    let without_ids = app.faults.standing(|f| f.assignments_without_ids);
    let value: Vec<Value> = matching
        .iter()
        .skip(skip)
        .take(page_size)
        .map(|a| {
            let mut json = a.to_json(expanded);
            if without_ids {
                if let Some(map) = json.as_object_mut() {
                    map.remove("id");
                    map.remove("name");
                }
            }
            json
        })
        .collect();
    let next_skip = skip + value.len();
    let mut body = json!({ "value": value });
    if next_skip < matching.len() {
        let mut link = format!(
            "{}{}{PROVIDER}/registrationAssignments?api-version={API_VERSION}",
            app.url,
            scope.path()
        );
        if expanded {
            link.push_str("&$expandRegistrationDefinition=true");
        }
        if let Some(filter) = filter_text {
            link.push_str(&format!("&$filter={}", encode(filter)));
        }
        link.push_str(&format!("&$skipToken={next_skip}"));
        body["nextLink"] = json!(link);
    }
    Ok(Json(body).into_response())
}

fn assignment_not_found(name: &str) -> ApiError {
    not_found(
        "RegistrationAssignmentNotFound",
        format!("The registration assignment '{name}' could not be found."),
    )
}

pub async fn get_subscription(
    State(app): State<Arc<AppState>>,
    Path((sub, name)): Path<(String, String)>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    get_one(&app, &sub, None, &name, query.as_deref())
}

pub async fn get_resource_group(
    State(app): State<Arc<AppState>>,
    Path((sub, rg, name)): Path<(String, String, String)>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    get_one(&app, &sub, Some(&rg), &name, query.as_deref())
}

fn get_one(
    app: &AppState,
    sub: &str,
    rg: Option<&str>,
    name: &str,
    query: Option<&str>,
) -> Result<Response, ApiError> {
    let params = Params::parse(query);
    check_api_version(&params)?;
    let expanded = expand(&params)?;
    let mut store = lock(&app.arm);
    let scope = resolve(&store, sub, rg)?;
    let id = Uuid::parse_str(name).map_err(|_| assignment_not_found(name))?;
    // A delete runs on in ARM whoever watches it: reading the assignment counts as one poll of its delete
    // (how a delete answered without a monitor URL is followed, and how a client that lost the monitor URL,
    // a cancelled or killed run, sees it end).
    store.poll_by_reading(&scope, &id, app.faults.lro_never_completes(), now_ticks());
    let assignment = store
        .find(&scope, &id)
        .ok_or_else(|| assignment_not_found(name))?;
    Ok(Json(assignment.to_json(expanded)).into_response())
}

pub async fn delete_subscription(
    State(app): State<Arc<AppState>>,
    Path((sub, name)): Path<(String, String)>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    delete(&app, &sub, None, &name, query.as_deref(), &headers)
}

pub async fn delete_resource_group(
    State(app): State<Arc<AppState>>,
    Path((sub, rg, name)): Path<(String, String, String)>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    delete(&app, &sub, Some(&rg), &name, query.as_deref(), &headers)
}

/// A DELETE of an existing subscription's assignment first takes a token from ARM's delete buckets (when
/// configured); every answer after that carries the remaining counts.
fn delete(
    app: &AppState,
    sub: &str,
    rg: Option<&str>,
    name: &str,
    query: Option<&str>,
    headers: &HeaderMap,
) -> Result<Response, ApiError> {
    app.stats.arm_delete_request();
    check_api_version(&Params::parse(query))?;
    let mut store = lock(&app.arm);
    let scope = resolve(&store, sub, rg)?;
    let actor = caller_object_id(headers);
    let remaining = match app.arm_delete_buckets.take(scope.subscription, &actor) {
        Take::Unlimited => None,
        Take::Admitted {
            remaining,
            global_remaining,
        } => Some((remaining, global_remaining)),
        Take::Throttled {
            retry_after,
            remaining,
            global_remaining,
        } => {
            app.stats.arm_delete_throttled();
            let error = ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "SubscriptionRequestsThrottled",
                format!(
                    "Number of 'delete' requests for subscription '{}' actor '{actor}' exceeded. Please try again after '{retry_after}' seconds.",
                    scope.subscription
                ),
            )
            .with_header(RETRY_AFTER, &retry_after.to_string());
            return Err(with_remaining(error, (remaining, global_remaining)));
        }
    };
    let answer = delete_assignment(app, &mut store, &scope, name, &actor);
    match (answer, remaining) {
        (answer, None) => answer,
        (Ok(mut response), Some((own, global))) => {
            let headers = response.headers_mut();
            for (header, value) in [(REMAINING_DELETES, own), (REMAINING_GLOBAL_DELETES, global)] {
                headers.insert(header, HeaderValue::from(value));
            }
            Ok(response)
        }
        (Err(error), Some(counts)) => Err(with_remaining(error, counts)),
    }
}

/// ARM's remaining-requests headers of a delete.
const REMAINING_DELETES: &str = "x-ms-ratelimit-remaining-subscription-deletes";
const REMAINING_GLOBAL_DELETES: &str = "x-ms-ratelimit-remaining-subscription-global-deletes";

fn with_remaining(error: ApiError, (own, global): (u64, u64)) -> ApiError {
    error
        .with_header(HeaderName::from_static(REMAINING_DELETES), &own.to_string())
        .with_header(
            HeaderName::from_static(REMAINING_GLOBAL_DELETES),
            &global.to_string(),
        )
}

fn delete_assignment(
    app: &AppState,
    store: &mut ArmStore,
    scope: &Scope,
    name: &str,
    actor: &str,
) -> Result<Response, ApiError> {
    let Ok(id) = Uuid::parse_str(name) else {
        return Ok(StatusCode::NO_CONTENT.into_response());
    };
    let check = app.config.arm_check_delete_permission;
    let outcome = store.delete(scope, &id, now_ticks(), check);
    if let DeleteOutcome::Accepted(_) = outcome {
        app.stats.lighthouse_delete();
    }
    match outcome {
        DeleteOutcome::NotFound => Ok(StatusCode::NO_CONTENT.into_response()),
        DeleteOutcome::InProgress(op) => Err(ApiError::new(
            StatusCode::CONFLICT,
            "AnotherOperationInProgress",
            format!("Another operation ({op}) is in progress on registration assignment {id}; retry when it completes."),
        )),
        DeleteOutcome::Forbidden => Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "AuthorizationFailed",
            format!(
                "The client '{actor}' with object id '{actor}' does not have authorization to perform action 'Microsoft.ManagedServices/registrationAssignments/delete' over scope '{}{PROVIDER}/registrationAssignments/{id}' or the scope is invalid. If access was recently granted, please refresh your credentials.",
                scope.path()
            ),
        )),
        DeleteOutcome::Accepted(_) if app.faults.standing(|f| f.lro_no_headers) => {
            Ok(StatusCode::ACCEPTED.into_response())
        }
        DeleteOutcome::Accepted(op) => {
            let subscription = scope.subscription;
            Ok((
                StatusCode::ACCEPTED,
                [
                    (
                        LOCATION.as_str(),
                        operation_url(app, &subscription, "operationResults", &op),
                    ),
                    (
                        "Azure-AsyncOperation",
                        operation_url(app, &subscription, "operationStatuses", &op),
                    ),
                    (RETRY_AFTER.as_str(), app.config.lro_retry_after.to_string()),
                ],
            )
                .into_response())
        }
    }
}
