//! Per-request identifiers a service answer carries.

use axum::http::{HeaderMap, HeaderName, HeaderValue};
use axum::response::Response;
use uuid::Uuid;

use super::service::Service;

/// The correlation and request ids of one service request (handed to handlers as an extension).
#[derive(Clone, Debug)]
pub struct RequestCtx {
    pub service: Service,
    /// The caller's correlation id, or a new one.
    pub correlation_id: String,
    /// Whether the caller sent the correlation id (Partner Center only echoes; others mint one).
    caller_correlation: bool,
    /// The caller's request id (Partner Center), or a new one.
    pub request_id: String,
}

fn header(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

impl RequestCtx {
    pub fn new(service: Service, headers: &HeaderMap) -> RequestCtx {
        let fresh = || Uuid::new_v4().to_string();
        let request_id = match service.echoes_request_id() {
            true => header(headers, service.request_id_header()),
            false => None,
        };
        let correlation_id = header(headers, service.correlation_header());
        let request_id = request_id.unwrap_or_else(fresh);
        let minted_correlation = match service {
            // Graph answers a request without `client-request-id` with its own request id there.
            Service::Graph => request_id.clone(),
            _ => fresh(),
        };
        RequestCtx {
            service,
            caller_correlation: correlation_id.is_some(),
            correlation_id: correlation_id.unwrap_or(minted_correlation),
            request_id,
        }
    }

    /// Sets the correlation and request id headers on an answer.
    pub fn stamp(&self, response: &mut Response) {
        let echo_only = self.service.echoes_request_id() && !self.caller_correlation;
        let correlation =
            (!echo_only).then_some((self.service.correlation_header(), &self.correlation_id));
        let headers = response.headers_mut();
        for (name, value) in correlation
            .into_iter()
            .chain([(self.service.request_id_header(), &self.request_id)])
        {
            if let (Ok(name), Ok(value)) =
                (HeaderName::try_from(name), HeaderValue::from_str(value))
            {
                headers.insert(name, value);
            }
        }
    }
}
