//! The identity platform's error answers: `{"error","error_description":"AADSTSnnnn: ...",
//! "error_codes":[n],"timestamp","trace_id","correlation_id"}`.

use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;
use uuid::Uuid;

use crate::timefmt::identity_timestamp;

#[derive(Clone, Debug)]
pub struct IdentityError {
    pub status: StatusCode,
    pub error: &'static str,
    pub code: u32,
    pub description: String,
}

impl IdentityError {
    /// A 400.
    pub fn bad(error: &'static str, code: u32, description: impl Into<String>) -> Self {
        IdentityError {
            status: StatusCode::BAD_REQUEST,
            error,
            code,
            description: description.into(),
        }
    }

    /// A 401 `invalid_client`.
    pub fn invalid_client(code: u32, description: impl Into<String>) -> Self {
        IdentityError {
            status: StatusCode::UNAUTHORIZED,
            error: "invalid_client",
            code,
            description: description.into(),
        }
    }

    /// AADSTS900144: a required parameter is missing.
    pub fn missing(parameter: &str) -> Self {
        IdentityError::bad(
            "invalid_request",
            900144,
            format!("The request body must contain the following parameter: '{parameter}'."),
        )
    }

    pub fn respond(&self, correlation_id: &str) -> Response {
        let trace_id = Uuid::new_v4().to_string();
        let timestamp = identity_timestamp();
        let description = format!(
            "AADSTS{}: {} Trace ID: {trace_id} Correlation ID: {correlation_id} Timestamp: {timestamp}",
            self.code, self.description
        );
        let body = json!({
            "error": self.error,
            "error_description": description,
            "error_codes": [self.code],
            "timestamp": timestamp,
            "trace_id": trace_id,
            "correlation_id": correlation_id,
            "error_uri": format!("https://login.microsoftonline.com/error?code={}", self.code),
        });
        (self.status, Json(body)).into_response()
    }
}

/// The caller's `client-request-id`, or a new correlation id.
pub fn correlation_id(headers: &HeaderMap) -> String {
    headers
        .get("client-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty())
        .map(str::to_string)
        .unwrap_or_else(|| Uuid::new_v4().to_string())
}
