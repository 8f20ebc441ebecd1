//! The answers of injected faults.

use axum::body::Body;
use axum::http::header::{CONNECTION, CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;

use super::errors::{server_error, throttled};
use super::partial_body::{Ending, PartialBody};
use super::service::Service;
use crate::control::faults::FaultKind;
use crate::timefmt::http_date_in;

/// Marks an answer that must never be sent: the recorder logs the request, then holds it forever.
#[derive(Clone, Copy, Debug)]
pub struct Hang;

/// The start of a plausible JSON answer, cut short.
const JSON_PREFIX: &str =
    "{\"value\":[{\"id\":\"53018d99-ac51-4ec8-b86e-c8a61de43717\",\"customerTenantId\":\"53018d99-";

pub fn fault_response(kind: FaultKind, service: Service) -> Response {
    match kind {
        FaultKind::Hang => (StatusCode::OK, Extension(Hang)).into_response(),
        FaultKind::ResetMidBody => partial(PartialBody::new(JSON_PREFIX, Ending::Fail), None),
        FaultKind::TruncatedBody => partial(
            PartialBody::new(JSON_PREFIX, Ending::End),
            Some(JSON_PREFIX.len() * 4),
        ),
        FaultKind::NonJson => (
            StatusCode::OK,
            [(CONTENT_TYPE, "text/plain; charset=utf-8")],
            "upstream said: this is not JSON <<< ok >>>\n",
        )
            .into_response(),
        FaultKind::HtmlError => (
            StatusCode::BAD_GATEWAY,
            [(CONTENT_TYPE, "text/html; charset=utf-8")],
            "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\
             <body><h1>502 Bad Gateway</h1><p>The upstream server returned an invalid response.</p>\
             </body></html>\n",
        )
            .into_response(),
        FaultKind::Throttle {
            retry_after,
            http_date,
        } => {
            let header = match (retry_after, http_date) {
                (_, true) => Some(http_date_in(retry_after.unwrap_or(1).max(1))),
                (Some(seconds), false) => Some(seconds.to_string()),
                (None, false) => None,
            };
            throttled(service, retry_after, header).into_response()
        }
        FaultKind::ServerError => server_error(service).into_response(),
    }
}

/// A 200 JSON answer whose body stops short; `length` is the announced `Content-Length` (chunked
/// when absent).
fn partial(body: PartialBody, length: Option<usize>) -> Response {
    let mut response = Response::new(Body::new(body));
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    headers.insert(CONNECTION, HeaderValue::from_static("close"));
    if let Some(length) = length {
        headers.insert(CONTENT_LENGTH, HeaderValue::from(length));
    }
    response
}
