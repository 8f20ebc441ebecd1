//! The request log: a bounded ring of what was asked and answered. It never holds an
//! `Authorization` value, a body, a secret or a token: only whether `Authorization` was present.

use std::collections::VecDeque;
use std::sync::Mutex;

use axum::http::HeaderMap;
use serde::{Deserialize, Serialize};

use crate::state::lock;
use crate::timefmt::{format_ticks, now_ticks, Ticks};

/// The newest entries kept.
pub const LOG_CAPACITY: usize = 100_000;

/// One logged request (`GET /_emulator/requests`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LoggedRequest {
    pub method: String,
    /// The path as sent (still percent-encoded).
    pub path: String,
    /// The raw query string, with the values of secret-looking parameters replaced by `REDACTED`.
    pub query: Option<String>,
    /// The status answered; 0 for a request held open by the `hang` fault.
    pub status: u16,
    /// `MS-CorrelationId`, `X-Correlation-Id`, `x-ms-correlation-request-id` or `client-request-id`.
    pub correlation_id: Option<String>,
    /// The request id answered (`MS-RequestId`, `x-ms-request-id`, `X-Request-Id` or `request-id`).
    pub request_id: Option<String>,
    pub x_tenant: Option<String>,
    pub had_authorization: bool,
    /// When the request arrived (RFC 3339).
    pub at: String,
}

/// What is known of a request before it is answered.
pub struct RequestDraft {
    method: Box<str>,
    path: Box<str>,
    query: Option<Box<str>>,
    correlation_id: Option<Box<str>>,
    x_tenant: Option<Box<str>>,
    had_authorization: bool,
    at: Ticks,
}

const CORRELATION_HEADERS: [&str; 4] = [
    "ms-correlationid",
    "x-correlation-id",
    "x-ms-correlation-request-id",
    "client-request-id",
];
const REQUEST_ID_HEADERS: [&str; 4] = [
    "ms-requestid",
    "x-ms-request-id",
    "x-request-id",
    "request-id",
];
const SECRET_PARAMETERS: [&str; 9] = [
    "access_token",
    "refresh_token",
    "client_secret",
    "client_assertion",
    "code",
    "code_verifier",
    "device_code",
    "password",
    "sig",
];

fn header(headers: &HeaderMap, names: &[&str]) -> Option<Box<str>> {
    names
        .iter()
        .find_map(|n| headers.get(*n))
        .and_then(|v| v.to_str().ok())
        .map(Box::from)
}

fn redact_query(query: &str) -> String {
    query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((key, _))
                if SECRET_PARAMETERS
                    .iter()
                    .any(|s| key.eq_ignore_ascii_case(s)) =>
            {
                format!("{key}=REDACTED")
            }
            _ => pair.to_string(),
        })
        .collect::<Vec<_>>()
        .join("&")
}

impl RequestDraft {
    pub fn new(method: &str, path: &str, query: Option<&str>, headers: &HeaderMap) -> Self {
        RequestDraft {
            method: method.into(),
            path: path.into(),
            query: query.map(|q| redact_query(q).into_boxed_str()),
            correlation_id: header(headers, &CORRELATION_HEADERS),
            x_tenant: header(headers, &["x-tenant"]),
            had_authorization: headers.contains_key("authorization"),
            at: now_ticks(),
        }
    }
}

struct Entry {
    draft: RequestDraft,
    status: u16,
    request_id: Option<Box<str>>,
}

pub struct RequestLog {
    entries: Mutex<VecDeque<Entry>>,
}

impl Default for RequestLog {
    fn default() -> Self {
        RequestLog {
            entries: Mutex::new(VecDeque::new()),
        }
    }
}

impl RequestLog {
    /// Records the answer to a drafted request; `response_headers` give the request id.
    pub fn push(&self, draft: RequestDraft, status: u16, response_headers: &HeaderMap) {
        let entry = Entry {
            draft,
            status,
            request_id: header(response_headers, &REQUEST_ID_HEADERS),
        };
        let mut entries = lock(&self.entries);
        if entries.len() >= LOG_CAPACITY {
            entries.pop_front();
        }
        entries.push_back(entry);
    }

    pub fn snapshot(&self) -> Vec<LoggedRequest> {
        let text = |s: &Option<Box<str>>| s.as_deref().map(str::to_string);
        lock(&self.entries)
            .iter()
            .map(|e| LoggedRequest {
                method: e.draft.method.to_string(),
                path: e.draft.path.to_string(),
                query: text(&e.draft.query),
                status: e.status,
                correlation_id: text(&e.draft.correlation_id),
                request_id: text(&e.request_id),
                x_tenant: text(&e.draft.x_tenant),
                had_authorization: e.draft.had_authorization,
                at: format_ticks(e.draft.at),
            })
            .collect()
    }

    pub fn clear(&self) {
        lock(&self.entries).clear();
    }
}
