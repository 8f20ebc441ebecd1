//! The one error type of every operation, and the `kind` vocabulary of the C ABI's error envelope.

use serde::{Deserialize, Serialize};
use std::fmt;
use uuid::Uuid;

/// What went wrong, in the words callers branch on. Serialised in snake_case (`invalid_request`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The request was refused before anything was sent (or the service answered 400/422).
    InvalidRequest,
    /// 401, or the identity platform refused the credentials.
    Unauthorized,
    /// 403.
    Forbidden,
    /// 404 or 410.
    NotFound,
    /// 409 or 412.
    Conflict,
    /// 429 after every retry.
    Throttled,
    /// 5xx after every retry, or an answer that could not be read.
    ServerError,
    /// The connection failed after every retry.
    Network,
    /// The call's deadline passed.
    Timeout,
    /// A local file (a report, the journal) could not be written or read after requests were sent: the
    /// work done is in the result or the journal; the message names the file.
    Io,
    /// A bug in this library (a panic, a broken invariant).
    Internal,
}

impl ErrorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::InvalidRequest => "invalid_request",
            ErrorKind::Unauthorized => "unauthorized",
            ErrorKind::Forbidden => "forbidden",
            ErrorKind::NotFound => "not_found",
            ErrorKind::Conflict => "conflict",
            ErrorKind::Throttled => "throttled",
            ErrorKind::ServerError => "server_error",
            ErrorKind::Network => "network",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Io => "io",
            ErrorKind::Internal => "internal",
        }
    }

    /// The kind an HTTP error status maps to.
    pub fn from_status(status: u16) -> ErrorKind {
        match status {
            400 | 422 => ErrorKind::InvalidRequest,
            401 => ErrorKind::Unauthorized,
            403 => ErrorKind::Forbidden,
            404 | 410 => ErrorKind::NotFound,
            408 => ErrorKind::Timeout,
            409 | 412 => ErrorKind::Conflict,
            429 => ErrorKind::Throttled,
            _ => ErrorKind::ServerError,
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An operation's failure: the C ABI's `error` object, field for field.
///
/// It never holds a secret: messages are built from our own text and the service's error description,
/// and the C ABI additionally scrubs every secret of the request from the envelope it returns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "camelCase")]
#[error("{kind}: {message}")]
pub struct Error {
    pub kind: ErrorKind,
    pub message: String,
    /// The HTTP status of the last answer, when there was one.
    pub status: Option<u16>,
    /// The service's own error code (Partner Center `code`, CloudCockpit `type`, ARM `error.code`,
    /// identity `error`).
    pub code: Option<String>,
    pub correlation_id: Option<Uuid>,
    /// The service's request id (`MS-RequestId`, `x-ms-request-id`, `request-id`), when it sent one.
    pub request_id: Option<String>,
    /// The service's last `Retry-After`, in whole seconds, when it sent one.
    pub retry_after_seconds: Option<u64>,
}

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error {
            kind,
            message: message.into(),
            status: None,
            code: None,
            correlation_id: None,
            request_id: None,
            retry_after_seconds: None,
        }
    }

    /// Bad input, found before any request was sent.
    pub fn invalid(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::InvalidRequest, message)
    }

    pub fn internal(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Internal, message)
    }

    pub fn with_correlation_id(mut self, id: Uuid) -> Error {
        if self.correlation_id.is_none() {
            self.correlation_id = Some(id);
        }
        self
    }

    pub fn with_code(mut self, code: impl Into<String>) -> Error {
        self.code = Some(code.into());
        self
    }

    pub fn with_status(mut self, status: u16) -> Error {
        self.status = Some(status);
        self
    }

    /// Whether retrying the same request later may succeed.
    pub fn is_transient(&self) -> bool {
        matches!(
            self.kind,
            ErrorKind::Throttled | ErrorKind::ServerError | ErrorKind::Network | ErrorKind::Timeout
        )
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
