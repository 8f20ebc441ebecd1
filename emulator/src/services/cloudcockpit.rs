//! CloudCockpit: `GET /v1/Customers/{customerId}/delegated-admin-relationships?providerInstanceId=`
//! and `PATCH .../delegated-admin-relationships/{relationshipId}` (auto-extend on or off).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch};
use axum::{Json, Router};
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::http::errors::ApiError;
use crate::http::query::Params;
use crate::state::{read, write, AppState};
use crate::timefmt::now_ticks;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route(
            "/v1/Customers/{customer}/delegated-admin-relationships",
            get(list_relationships),
        )
        .route(
            "/v1/Customers/{customer}/delegated-admin-relationships/{relationship}",
            patch(update_relationship),
        )
}

const VALIDATION: &str = "ValidationError";

fn validation(property: &str, message: impl Into<String>) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        VALIDATION,
        "One or more validation errors occurred.",
    )
    .with_property(property, message)
}

fn not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "NotFound",
        "The delegated admin relationship was not found.",
    )
}

/// `X-Tenant` must name the configured portal domain.
fn check_tenant(app: &AppState, headers: &HeaderMap) -> Result<(), ApiError> {
    let tenant = headers
        .get("x-tenant")
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty())
        .ok_or_else(|| validation("X-Tenant", "The X-Tenant header is required."))?;
    if tenant.eq_ignore_ascii_case(&app.config.tenant_domain) {
        return Ok(());
    }
    Err(ApiError::new(
        StatusCode::FORBIDDEN,
        "Forbidden",
        format!("The tenant '{tenant}' is not accessible with these credentials."),
    ))
}

fn parse_guid(property: &str, value: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(value).map_err(|_| {
        validation(
            property,
            format!("The value '{value}' is not a valid GUID."),
        )
    })
}

async fn list_relationships(
    State(app): State<Arc<AppState>>,
    Path(customer): Path<String>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    check_tenant(&app, &headers)?;
    let customer = parse_guid("customerId", &customer)?;
    let params = Params::parse(query.as_deref());
    let provider = params
        .get_ignore_case("providerInstanceId")
        .filter(|v| !v.is_empty())
        .ok_or_else(|| {
            validation(
                "providerInstanceId",
                "The providerInstanceId field is required.",
            )
        })?;
    let provider = parse_guid("providerInstanceId", provider)?;
    let store = read(&app.relationships);
    let relationships: Vec<Value> = match provider == app.provider_instance_id {
        true => store.of_customer(&customer).map(|r| r.to_json()).collect(),
        false => Vec::new(),
    };
    Ok(Json(relationships).into_response())
}

/// The PATCH body: both properties required and typed; every problem is reported.
struct Update {
    provider_instance_id: Uuid,
    auto_extend_enabled: bool,
}

fn get_ignore_case<'a>(object: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    object
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v)
}

fn parse_update(body: &[u8]) -> Result<Update, ApiError> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| validation("$", format!("The request body is not valid JSON: {e}")))?;
    let object = value
        .as_object()
        .ok_or_else(|| validation("$", "The request body must be a JSON object."))?;
    let mut error = ApiError::new(
        StatusCode::BAD_REQUEST,
        VALIDATION,
        "One or more validation errors occurred.",
    );
    let provider = match get_ignore_case(object, "providerInstanceId") {
        None | Some(Value::Null) => {
            error = error.with_property(
                "providerInstanceId",
                "The providerInstanceId field is required.",
            );
            None
        }
        Some(v) => {
            let parsed = v.as_str().and_then(|s| Uuid::parse_str(s).ok());
            if parsed.is_none() {
                error = error.with_property(
                    "providerInstanceId",
                    "The JSON value could not be converted to System.Guid.",
                );
            }
            parsed
        }
    };
    let auto_extend = match get_ignore_case(object, "autoExtendEnabled") {
        None | Some(Value::Null) => {
            error = error.with_property(
                "autoExtendEnabled",
                "The autoExtendEnabled field is required.",
            );
            None
        }
        Some(Value::Bool(b)) => Some(*b),
        Some(_) => {
            error = error.with_property(
                "autoExtendEnabled",
                "The JSON value could not be converted to System.Boolean.",
            );
            None
        }
    };
    match (provider, auto_extend) {
        (Some(provider_instance_id), Some(auto_extend_enabled)) => Ok(Update {
            provider_instance_id,
            auto_extend_enabled,
        }),
        _ => Err(error),
    }
}

async fn update_relationship(
    State(app): State<Arc<AppState>>,
    Path((customer, relationship)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    check_tenant(&app, &headers)?;
    let customer = parse_guid("customerId", &customer)?;
    let update = parse_update(&body)?;
    if update.provider_instance_id != app.provider_instance_id {
        return Err(not_found());
    }
    let mut store = write(&app.relationships);
    let found = store
        .find_mut(&customer, &relationship)
        .ok_or_else(not_found)?;
    found.auto_extend_enabled = update.auto_extend_enabled;
    found.last_modified = now_ticks();
    Ok(Json(found.to_json()).into_response())
}
