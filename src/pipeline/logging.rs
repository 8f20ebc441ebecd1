//! Records each try: method, host, path, status (or what failed), how long it took and the correlation id.
//! Never a header, a body, or a query string (query values can be anything), so never a secret.

use super::{BoxFuture, Context, Failure, Next, Policy, Request, Response};
use serde::Serialize;
use std::sync::Mutex;
use uuid::Uuid;

/// One try, as logged.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct LogEntry {
    pub method: String,
    pub host: String,
    pub path: String,
    /// The HTTP status, or `None` when no answer came.
    pub status: Option<u16>,
    /// What failed when no answer came (`connect`, `timeout`, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure: Option<String>,
    pub elapsed_ms: u64,
    pub correlation_id: Uuid,
}

/// Where the entries go: kept in order, bounded (the oldest are dropped past `capacity`).
#[derive(Debug)]
pub struct RequestLog {
    entries: Mutex<Vec<LogEntry>>,
    capacity: usize,
}

impl RequestLog {
    pub fn new(capacity: usize) -> RequestLog {
        RequestLog {
            entries: Mutex::new(Vec::new()),
            capacity,
        }
    }

    pub fn push(&self, entry: LogEntry) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if entries.len() >= self.capacity {
            entries.remove(0);
        }
        entries.push(entry);
    }

    /// Take every entry logged so far.
    pub fn take(&self) -> Vec<LogEntry> {
        std::mem::take(&mut *self.entries.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

/// Logs each try into the call's [`RequestLog`] (`Context::log`), when it has one.
#[derive(Debug)]
pub struct LoggingPolicy;

impl Policy for LoggingPolicy {
    fn send<'a>(
        &'a self,
        ctx: &'a Context,
        req: &'a Request,
        next: Next<'a>,
    ) -> BoxFuture<'a, Result<Response, Failure>> {
        Box::pin(async move {
            let Some(log) = &ctx.log else {
                return next.send(ctx, req).await;
            };
            let started = tokio::time::Instant::now();
            let outcome = next.send(ctx, req).await;
            let (status, failure) = match &outcome {
                Ok(resp) => (Some(resp.status), None),
                Err(Failure::Transport(t)) => (None, Some(format!("{:?}", t.kind).to_lowercase())),
                Err(Failure::TryTimedOut) => (None, Some("timeout".to_string())),
                Err(Failure::Final(e)) => (None, Some(e.kind.to_string())),
            };
            log.push(LogEntry {
                method: req.method.to_string(),
                host: req.url.host_str().unwrap_or("").to_string(),
                path: req.url.path().to_string(),
                status,
                failure,
                elapsed_ms: started.elapsed().as_millis() as u64,
                correlation_id: ctx.correlation_id,
            });
            outcome
        })
    }
}
