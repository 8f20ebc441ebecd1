//! Partner Center: `GET /v1/customers` (the customer list, paged with continuation tokens), `GET` and
//! `PATCH /v1/customers/{customer-tenant-id}` (the PATCH removes DAP).

mod list;

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Map, Value};
use uuid::Uuid;

use crate::http::errors::{pc_bad_request, ApiError};
use crate::state::customers::CustomerStore;
use crate::state::{read, write, AppState};
use crate::timefmt::now_ticks;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/v1/customers", get(list::list))
        .route(
            "/v1/customers/{id}",
            get(get_customer).patch(patch_customer),
        )
        .route(
            "/v1/customers/{id}/",
            get(get_customer).patch(patch_customer),
        )
}

fn parse_id(id: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(id)
        .map_err(|_| pc_bad_request(format!("'{id}' is not a valid customer tenant id")))
}

fn tenant_not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "60003", "Tenant not found")
}

/// A commerce id derived from the tenant id (stable, distinct).
fn commerce_id(id: &Uuid) -> Uuid {
    let mut bytes = *id.as_bytes();
    bytes.iter_mut().for_each(|b| *b ^= 0x5A);
    uuid::Builder::from_random_bytes(bytes).into_uuid()
}

/// The Customer resource (with `allowDelegatedAccess`, as a get-by-id returns it).
fn customer_resource(store: &CustomerStore, index: u32) -> Value {
    let c = store.get(index);
    json!({
        "id": c.id,
        "commerceId": commerce_id(&c.id),
        "companyProfile": {
            "tenantId": c.id,
            "domain": format!("customer{}.onmicrosoft.com", index + 1),
            "companyName": &*c.name,
            "attributes": { "objectType": "CustomerCompanyProfile" },
        },
        "allowDelegatedAccess": c.dap_enabled,
        "relationshipToPartner": "reseller",
        "attributes": { "objectType": "Customer" },
    })
}

async fn get_customer(
    State(app): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = parse_id(&id)?;
    let store = read(&app.customers);
    let index = store.find(&id).ok_or_else(tenant_not_found)?;
    Ok(Json(customer_resource(&store, index)).into_response())
}

fn get_ignore_case<'a>(object: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    object
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v)
}

/// The only change supported: `{"AllowDelegatedAccess": false, "attributes": {"objectType": "Customer"}}`.
fn check_removal(body: &[u8]) -> Result<(), ApiError> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| pc_bad_request(format!("the body is not valid JSON ({e})")))?;
    let object = value
        .as_object()
        .ok_or_else(|| pc_bad_request("the body must be a Customer object"))?;
    match get_ignore_case(object, "AllowDelegatedAccess") {
        Some(Value::Bool(false)) => {}
        Some(_) => return Err(pc_bad_request("AllowDelegatedAccess must be false")),
        None => return Err(pc_bad_request("AllowDelegatedAccess is required")),
    }
    let object_type = get_ignore_case(object, "attributes")
        .and_then(Value::as_object)
        .and_then(|a| get_ignore_case(a, "objectType"))
        .and_then(Value::as_str);
    if object_type != Some("Customer") {
        return Err(pc_bad_request("attributes.objectType must be \"Customer\""));
    }
    Ok(())
}

async fn patch_customer(
    State(app): State<Arc<AppState>>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let id = parse_id(&id)?;
    check_removal(&body)?;
    let mut store = write(&app.customers);
    let index = store.find(&id).ok_or_else(tenant_not_found)?;
    if store.remove_dap(index, now_ticks()) {
        app.stats.dap_removal();
    }
    Ok(Json(customer_resource(&store, index)).into_response())
}
