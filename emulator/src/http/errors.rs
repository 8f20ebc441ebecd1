//! Service errors: handlers and the gate return an [`ApiError`]; the gate renders it in the shape of
//! the service that answers (Partner Center, CloudCockpit, ARM or Graph).

use axum::http::header::{CONTENT_TYPE, RETRY_AFTER, WWW_AUTHENTICATE};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use serde_json::{json, Value};

use super::context::RequestCtx;
use super::service::Service;
use crate::cloud::Cloud;

/// One CloudCockpit validation message.
#[derive(Clone, Debug)]
pub struct PropertyError {
    pub property: String,
    pub messages: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct ApiError {
    pub status: StatusCode,
    /// Partner Center's numeric `code`, CloudCockpit's `type`, ARM's or Graph's `error.code`.
    pub code: String,
    pub message: String,
    /// CloudCockpit's `errors`.
    pub errors: Vec<PropertyError>,
    pub headers: Vec<(HeaderName, HeaderValue)>,
    /// A throttling answer (Partner Center writes those in a shape of their own).
    pub throttled: bool,
}

impl ApiError {
    pub fn new(status: StatusCode, code: impl Into<String>, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code: code.into(),
            message: message.into(),
            errors: Vec::new(),
            headers: Vec::new(),
            throttled: false,
        }
    }

    pub fn with_property(mut self, property: &str, message: impl Into<String>) -> Self {
        self.errors.push(PropertyError {
            property: property.to_string(),
            messages: vec![message.into()],
        });
        self
    }

    pub fn with_header(mut self, name: HeaderName, value: &str) -> Self {
        if let Ok(value) = HeaderValue::from_str(value) {
            self.headers.push((name, value));
        }
        self
    }

    /// The answer in `service`'s error shape.
    pub fn render(&self, ctx: &RequestCtx) -> Response {
        let body = match ctx.service {
            Service::PartnerCenter | Service::CustomersApi if self.throttled => json!({
                "statusCode": self.status.as_u16(),
                "message": self.message,
            }),
            Service::PartnerCenter | Service::CustomersApi => json!({
                "code": self.code.parse::<i64>().map(Value::from).unwrap_or_else(|_| json!(self.code)),
                "description": self.message,
                "data": [],
                "source": "PartnerFD",
            }),
            Service::CloudCockpit => {
                let errors: Vec<Value> = self
                    .errors
                    .iter()
                    .map(|e| json!({ "propertyName": e.property, "description": e.messages }))
                    .collect();
                json!({
                    "statusCode": self.status.as_u16(),
                    "type": self.code,
                    "description": self.message,
                    "correlationId": ctx.correlation_id,
                    "errors": errors,
                })
            }
            Service::Arm => json!({ "error": { "code": self.code, "message": self.message } }),
            Service::Graph => json!({ "error": {
                "code": self.code,
                "message": self.message,
                "innerError": {
                    "date": graph_error_date(),
                    "request-id": ctx.request_id,
                    "client-request-id": ctx.correlation_id,
                },
            } }),
        };
        let mut response = (self.status, axum::Json(body)).into_response();
        let headers = response.headers_mut();
        headers.insert(
            CONTENT_TYPE,
            HeaderValue::from_static("application/json; charset=utf-8"),
        );
        for (name, value) in &self.headers {
            headers.insert(name.clone(), value.clone());
        }
        response
    }
}

/// Handlers return the error as an extension of an empty answer; the gate renders it.
impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Extension(self)).into_response()
    }
}

/// Graph's `innerError.date`: `2022-12-22T08:00:18` (UTC, whole seconds, no offset), as Graph writes it.
fn graph_error_date() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S").to_string()
}

/// Why a bearer token was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthFailure {
    Missing,
    Invalid,
    Expired,
}

pub fn unauthorized(service: Service, why: AuthFailure) -> ApiError {
    let (code, message) = match (service, why) {
        (Service::PartnerCenter | Service::CustomersApi, AuthFailure::Missing) => {
            ("800001", "Partner Token missing in request context")
        }
        (Service::PartnerCenter | Service::CustomersApi, AuthFailure::Invalid) => (
            "800001",
            "Partner Token missing in request context: the token is not valid",
        ),
        (Service::PartnerCenter | Service::CustomersApi, AuthFailure::Expired) => (
            "800001",
            "Partner Token missing in request context: the token has expired",
        ),
        (Service::CloudCockpit, AuthFailure::Missing) => {
            ("Unauthorized", "Authorization header is missing.")
        }
        (Service::CloudCockpit, AuthFailure::Invalid) => {
            ("Unauthorized", "The bearer token is not valid.")
        }
        (Service::CloudCockpit, AuthFailure::Expired) => {
            ("Unauthorized", "The bearer token has expired.")
        }
        (Service::Arm, AuthFailure::Missing) => (
            "AuthenticationFailed",
            "Authentication failed. The 'Authorization' header is missing.",
        ),
        (Service::Arm, AuthFailure::Invalid) => {
            ("InvalidAuthenticationToken", "The access token is invalid.")
        }
        (Service::Arm, AuthFailure::Expired) => (
            "ExpiredAuthenticationToken",
            "The access token expiry UTC time is earlier than current UTC time.",
        ),
        (Service::Graph, AuthFailure::Missing) => {
            ("InvalidAuthenticationToken", "Access token is empty.")
        }
        (Service::Graph, AuthFailure::Invalid) => (
            "InvalidAuthenticationToken",
            "CompactToken parsing failed with error code: 80049217",
        ),
        (Service::Graph, AuthFailure::Expired) => (
            "InvalidAuthenticationToken",
            "Lifetime validation failed, the token is expired.",
        ),
    };
    let challenge = match why {
        AuthFailure::Missing => "Bearer",
        AuthFailure::Invalid | AuthFailure::Expired => "Bearer error=\"invalid_token\"",
    };
    ApiError::new(StatusCode::UNAUTHORIZED, code, message).with_header(WWW_AUTHENTICATE, challenge)
}

/// A valid token issued for another audience of this cloud: 403 everywhere but Graph, which answers 401
/// `InvalidAuthenticationToken` "Access token validation failure. Invalid audience.".
pub fn wrong_audience(service: Service, cloud: Cloud) -> ApiError {
    let audience = service.audience().uri_in(cloud).unwrap_or_default();
    let (code, message) = match service {
        Service::Graph => return graph_invalid_audience(),
        Service::PartnerCenter | Service::CustomersApi => (
            "800004".to_string(),
            format!("Forbidden: the token was not issued for {audience}"),
        ),
        Service::CloudCockpit => (
            "Forbidden".to_string(),
            format!("The token was not issued for {audience}."),
        ),
        Service::Arm => (
            "InvalidAuthenticationTokenAudience".to_string(),
            format!("The access token has been obtained for wrong audience or resource. It should be {audience}."),
        ),
    };
    ApiError::new(StatusCode::FORBIDDEN, code, message)
}

fn graph_invalid_audience() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "InvalidAuthenticationToken",
        "Access token validation failure. Invalid audience.",
    )
    .with_header(WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"")
}

/// A token whose audience is a resource of another cloud (a public-cloud ARM token at a US Government
/// ARM): 401, the service's invalid-audience answer.
pub fn foreign_audience(service: Service, cloud: Cloud, token_audience: &str) -> ApiError {
    let audience = service.audience().uri_in(cloud).unwrap_or_default();
    let (code, message) = match service {
        Service::Graph => return graph_invalid_audience(),
        Service::Arm => (
            "InvalidAuthenticationTokenAudience",
            format!("The access token has been obtained for wrong audience or resource '{token_audience}'. It should exactly match with one of the allowed audiences '{audience}/','{audience}'."),
        ),
        Service::PartnerCenter | Service::CustomersApi => (
            "800001",
            format!("Partner Token missing in request context: the token's audience '{token_audience}' is not {audience}"),
        ),
        Service::CloudCockpit => (
            "Unauthorized",
            format!("The token's audience '{token_audience}' is not {audience}."),
        ),
    };
    ApiError::new(StatusCode::UNAUTHORIZED, code, message).with_header(
        WWW_AUTHENTICATE,
        "Bearer error=\"invalid_token\", error_description=\"The access token has been obtained for wrong audience or resource\"",
    )
}

/// A service this cloud does not have (the Partner Customer Delegated Administration API and CloudCockpit
/// outside the public cloud): 404.
pub fn not_in_cloud(service: Service, cloud: Cloud) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "NotFound",
        format!(
            "{} does not exist in {}.",
            service.audience().name(),
            cloud.display()
        ),
    )
}

/// A 429; `retry_after` is the `Retry-After` header value (seconds or an HTTP date), `seconds` the
/// wait the message mentions.
pub fn throttled(service: Service, seconds: Option<u64>, retry_after: Option<String>) -> ApiError {
    let wait = seconds
        .map(|s| format!(" Try again in {s} seconds."))
        .unwrap_or_default();
    let (code, message) = match service {
        Service::PartnerCenter | Service::CustomersApi => {
            ("429", format!("Rate limit is exceeded.{wait}"))
        }
        Service::CloudCockpit => ("TooManyRequests", format!("Too many requests.{wait}")),
        Service::Arm => (
            "TooManyRequests",
            format!("The request is being throttled.{wait}"),
        ),
        Service::Graph => (
            "TooManyRequests",
            format!("Too many requests. Please try again later.{wait}"),
        ),
    };
    let mut error = ApiError::new(StatusCode::TOO_MANY_REQUESTS, code, message);
    error.throttled = true;
    match retry_after {
        Some(value) => error.with_header(RETRY_AFTER, &value),
        None => error,
    }
}

pub fn unavailable(service: Service) -> ApiError {
    let (code, message) = match service {
        Service::PartnerCenter | Service::CustomersApi => {
            ("800006", "The service is temporarily unavailable.")
        }
        Service::CloudCockpit => (
            "ServiceUnavailable",
            "The service is temporarily unavailable.",
        ),
        Service::Arm => (
            "ServiceUnavailable",
            "The service is temporarily unavailable.",
        ),
        Service::Graph => (
            "serviceNotAvailable",
            "The service is not available. Try the request again after a delay.",
        ),
    };
    ApiError::new(StatusCode::SERVICE_UNAVAILABLE, code, message)
}

pub fn server_error(service: Service) -> ApiError {
    let (code, message) = match service {
        Service::PartnerCenter | Service::CustomersApi => ("800003", "Unexpected service error"),
        Service::CloudCockpit => ("InternalServerError", "An unexpected error occurred."),
        Service::Arm => (
            "InternalServerError",
            "Encountered internal server error. Please try again.",
        ),
        Service::Graph => ("generalException", "An unspecified error has occurred."),
    };
    ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, code, message)
}

/// Partner Center's "Invalid request input" (also the customers API's bad query options).
pub fn pc_bad_request(detail: impl std::fmt::Display) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "800002",
        format!("Invalid request input: {detail}"),
    )
}
