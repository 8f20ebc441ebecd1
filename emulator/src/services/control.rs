//! `/_emulator/...`: fixtures, the request log, counters, faults, token expiry, the device flow admin,
//! certificates registered on the app, customers' raw values and GDAP relationships (read, touch). Never delayed, throttled, faulted or
//! authenticated.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

use crate::control::faults::Faults;
use crate::http::query::Params;
use crate::state::fixtures::{fixtures_with, Detail};
use crate::state::AppState;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/_emulator/fixtures", get(get_fixtures))
        .route("/_emulator/requests", get(requests))
        .route("/_emulator/requests/clear", post(clear_requests))
        .route("/_emulator/stats", get(stats))
        .route("/_emulator/faults", get(get_faults).post(set_faults))
        .route("/_emulator/faults/clear", post(clear_faults))
        .route("/_emulator/tokens/expire", post(expire_tokens))
        .route("/_emulator/device/approve", post(approve))
        .route("/_emulator/device/deny", post(deny))
        .route(
            "/_emulator/certificates",
            get(list_certificates).post(register_certificate),
        )
        .route(
            "/_emulator/customers/{id}",
            get(customer).post(set_customer_raw),
        )
        .route("/_emulator/gdap/relationships/{id}", get(gdap_relationship))
        .route(
            "/_emulator/gdap/relationships/{id}/touch",
            post(touch_gdap_relationship),
        )
}

fn bad_request(message: String) -> Response {
    (StatusCode::BAD_REQUEST, Json(json!({ "error": message }))).into_response()
}

/// `?lighthouse=summary` leaves out the assignments (see [`Detail::Summary`]); `full` is the default.
async fn get_fixtures(State(app): State<Arc<AppState>>, RawQuery(query): RawQuery) -> Response {
    let params = Params::parse(query.as_deref());
    let detail = match params.get_ignore_case("lighthouse") {
        None | Some("full") => Detail::Full,
        Some("summary") => Detail::Summary,
        Some(other) => {
            return bad_request(format!(
                "lighthouse={other}: expected full (the default) or summary"
            ))
        }
    };
    Json(fixtures_with(&app, detail)).into_response()
}

async fn requests(State(app): State<Arc<AppState>>) -> Response {
    Json(app.log.snapshot()).into_response()
}

async fn clear_requests(State(app): State<Arc<AppState>>) -> StatusCode {
    app.log.clear();
    StatusCode::NO_CONTENT
}

async fn stats(State(app): State<Arc<AppState>>) -> Response {
    Json(app.stats.to_json()).into_response()
}

async fn get_faults(State(app): State<Arc<AppState>>) -> Response {
    Json(app.faults.current()).into_response()
}

async fn set_faults(State(app): State<Arc<AppState>>, body: Bytes) -> Response {
    let faults: Faults = match serde_json::from_slice(&body) {
        Ok(f) => f,
        Err(e) => return bad_request(format!("invalid faults JSON: {e}")),
    };
    app.apply_faults(faults);
    Json(app.faults.current()).into_response()
}

async fn clear_faults(State(app): State<Arc<AppState>>) -> StatusCode {
    app.faults.set(Faults::default());
    StatusCode::NO_CONTENT
}

async fn expire_tokens(State(app): State<Arc<AppState>>) -> StatusCode {
    app.expire_tokens();
    StatusCode::NO_CONTENT
}

#[derive(Deserialize)]
struct CertificateUpload {
    certificate: String,
}

/// `{"certificate": "<PEM>"}`: registers the certificate on the confidential app.
async fn register_certificate(State(app): State<Arc<AppState>>, body: Bytes) -> Response {
    let upload: CertificateUpload = match serde_json::from_slice(&body) {
        Ok(u) => u,
        Err(e) => return bad_request(format!("expected {{\"certificate\":\"<PEM>\"}}: {e}")),
    };
    match app.register_certificate(&upload.certificate) {
        Ok(registered) => Json(registered).into_response(),
        Err(e) => bad_request(format!("the certificate cannot be registered: {e}")),
    }
}

async fn list_certificates(State(app): State<Arc<AppState>>) -> Response {
    let all: Vec<serde_json::Value> = crate::state::read(&app.certificates)
        .all()
        .iter()
        .map(|c| c.to_json())
        .collect();
    Json(all).into_response()
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Decision {
    user_code: String,
}

fn decide(app: &AppState, body: &[u8], approve: bool) -> Response {
    let decision: Decision = match serde_json::from_slice(body) {
        Ok(d) => d,
        Err(e) => return bad_request(format!("expected {{\"userCode\":\"...\"}}: {e}")),
    };
    if app.decide_device_flow(&decision.user_code, approve) {
        let status = if approve { "approved" } else { "denied" };
        Json(json!({ "userCode": decision.user_code, "status": status })).into_response()
    } else {
        (
            StatusCode::NOT_FOUND,
            Json(json!({ "error": "no pending device code has this user code" })),
        )
            .into_response()
    }
}

async fn approve(State(app): State<Arc<AppState>>, body: Bytes) -> Response {
    decide(&app, &body, true)
}

async fn deny(State(app): State<Arc<AppState>>, body: Bytes) -> Response {
    decide(&app, &body, false)
}

async fn customer(State(app): State<Arc<AppState>>, Path(id): Path<String>) -> Response {
    match app.customer_json(&id) {
        Some(c) => Json(c).into_response(),
        None => (
            StatusCode::NOT_FOUND,
            Json(json!({ "error": "no such customer" })),
        )
            .into_response(),
    }
}

fn no_relationship() -> Response {
    (
        StatusCode::NOT_FOUND,
        Json(json!({ "error": "no such GDAP relationship" })),
    )
        .into_response()
}

/// The current Graph resource (reading it here advances no request).
async fn gdap_relationship(State(app): State<Arc<AppState>>, Path(id): Path<String>) -> Response {
    match app.gdap_relationship_json(&id) {
        Some(r) => Json(r).into_response(),
        None => no_relationship(),
    }
}

/// A concurrent change: the relationship's ETag moves on. Answers the resource as it now is.
async fn touch_gdap_relationship(
    State(app): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Response {
    if app.touch_gdap_relationship(&id).is_none() {
        return no_relationship();
    }
    match app.gdap_relationship_json(&id) {
        Some(r) => Json(r).into_response(),
        None => no_relationship(),
    }
}

/// `POST /_emulator/customers/{id}` with `{"set":{field: any JSON}, "omit":[field]}`: serve these raw values
/// for the customer from now on (odd data from the service); `{}` restores the typed ones.
async fn set_customer_raw(
    State(app): State<Arc<AppState>>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let raw = match serde_json::from_slice(&body) {
        Ok(raw) => raw,
        Err(e) => return bad_request(format!("expected {{\"set\":{{...}},\"omit\":[...]}}: {e}")),
    };
    if app.set_customer_raw(&id, raw) {
        StatusCode::NO_CONTENT.into_response()
    } else {
        (
            StatusCode::NOT_FOUND,
            Json(json!({ "error": "no such customer" })),
        )
            .into_response()
    }
}
