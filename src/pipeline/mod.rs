//! The request pipeline, after the Azure SDKs' (azure_core): a request passes an ordered list of policies
//! that ends in the transport.
//!
//! For a service call: [`correlation`] (the service's correlation header, the user agent) → [`retry`]
//! (attempts, backoff, `Retry-After`, per-try timeout, the call's deadline) → [`throttle`] (a batch's shared
//! pace and 429 gate, when the client has one) → auth (a bearer token from the client's credential, one
//! refresh on 401: `credentials::BearerPolicy`, a plug-in from the credentials layer above this one) →
//! [`logging`] (method, host, path, status, correlation id) → the [`transport`]. The identity platform's
//! token requests take the same pipeline without auth.
//!
//! Policies and the transport know no service: what differs per service (the correlation header, the token
//! scope, the name in errors) travels in the [`Context`]. Time is tokio's (`tokio::time`), so tests run
//! retries, backoff and deadlines on paused time against an in-memory [`Transport`].

pub mod correlation;
pub mod logging;
pub mod retry;
pub mod throttle;
pub mod transport;

use crate::error::{Error, ErrorKind, Result};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::Method;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;
use url::Url;
use uuid::Uuid;

pub use transport::{Transport, TransportError};

/// A boxed future, so that policies and transports can be trait objects.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What to send.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: Method,
    pub url: Url,
    pub headers: Vec<(HeaderName, HeaderValue)>,
    pub body: Option<(Vec<u8>, &'static str)>,
    /// Send `Authorization: Bearer` with a token for the call's scope.
    pub bearer: bool,
}

impl Request {
    pub fn new(method: Method, url: Url) -> Request {
        Request {
            method,
            url,
            headers: Vec::new(),
            body: None,
            bearer: true,
        }
    }

    pub fn json(mut self, body: &serde_json::Value) -> Request {
        self.body = Some((body.to_string().into_bytes(), "application/json"));
        self
    }

    pub fn form(mut self, pairs: &[(&str, &str)]) -> Request {
        let encoded = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        self.body = Some((encoded.into_bytes(), "application/x-www-form-urlencoded"));
        self
    }

    /// Add a header. Names are static and values are built by this library; a value that is not a valid
    /// header (a control character) is left out rather than sent broken.
    pub fn header(mut self, name: &str, value: impl AsRef<str>) -> Request {
        self.set_header(name, value.as_ref(), false);
        self
    }

    /// Add a header whose value is a secret: marked sensitive (hidden from `Debug`, never indexed by HTTP/2).
    pub fn secret_header(mut self, name: &str, value: &str) -> Request {
        self.set_header(name, value, true);
        self
    }

    pub(crate) fn set_header(&mut self, name: &str, value: &str, sensitive: bool) {
        // `from_bytes` lower-cases: our names are written as the services document them.
        if let (Ok(name), Ok(mut v)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::try_from(value),
        ) {
            v.set_sensitive(sensitive);
            self.headers.retain(|(n, _)| *n != name);
            self.headers.push((name, v));
        }
    }

    pub fn anonymous(mut self) -> Request {
        self.bearer = false;
        self
    }
}

/// What came back.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    /// The body was larger than [`MAX_BODY`]; `body` holds only its start.
    pub oversized: bool,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The service's request id (`MS-RequestId`, `x-ms-request-id`, `request-id`, `x-request-id`).
    pub fn request_id(&self) -> Option<String> {
        [
            "ms-requestid",
            "x-ms-request-id",
            "request-id",
            "x-request-id",
        ]
        .iter()
        .find_map(|h| self.header(h))
        .map(str::to_string)
    }
}

/// Largest body read; anything bigger is a broken or hostile answer, refused without retrying.
pub const MAX_BODY: usize = 64 * 1024 * 1024;

/// How a service reads an error answer into an [`Error`] (its code, message and kind; the identity
/// platform's `error` codes map to kinds of their own). Gets the service's name for the message.
pub type ErrorReader = fn(&'static str, &Response) -> Error;

/// Everything a call carries down the pipeline besides the request: who is called, the deadline, the
/// budget of retries, and the per-call state the policies share.
#[derive(Debug)]
pub struct Context {
    /// The service's name in errors ("Partner Center").
    pub service: &'static str,
    /// The header the service reads a correlation id from.
    pub correlation_header: &'static str,
    pub correlation_id: Uuid,
    /// The token scope for `auth` (`None`: the request goes without a bearer token).
    pub scope: Option<String>,
    /// The call's whole budget, named in timeout errors, and its end.
    pub timeout: Duration,
    pub deadline: Instant,
    pub max_retries: u32,
    /// How the service's error bodies are read.
    pub read_error: ErrorReader,
    /// Where the `logging` policy records each try, when the caller asked for a trace.
    pub log: Option<Arc<logging::RequestLog>>,
    /// The `auth` policy renews the token once per call after a 401.
    pub(crate) refreshed: AtomicBool,
    /// Attempts sent so far (for the log and "after N retries").
    pub(crate) attempts: AtomicU32,
}

impl Context {
    pub fn new(
        service: &'static str,
        correlation_header: &'static str,
        correlation_id: Uuid,
        timeout: Duration,
        max_retries: u32,
        read_error: ErrorReader,
    ) -> Context {
        Context {
            service,
            correlation_header,
            correlation_id,
            scope: None,
            timeout,
            deadline: deadline_after(timeout),
            max_retries,
            read_error,
            log: None,
            refreshed: AtomicBool::new(false),
            attempts: AtomicU32::new(0),
        }
    }

    /// An error of this call, carrying its correlation id.
    pub fn error(&self, kind: ErrorKind, message: impl Into<String>) -> Error {
        Error::new(kind, message).with_correlation_id(self.correlation_id)
    }

    /// The error for a deadline that passed.
    pub fn deadline_error(&self) -> Error {
        self.error(
            ErrorKind::Timeout,
            format!(
                "{} did not finish within the call's deadline of {} s (timeoutSeconds)",
                self.service,
                self.timeout.as_secs_f64()
            ),
        )
    }

    pub(crate) fn retries_so_far(&self) -> u32 {
        self.attempts.load(Ordering::Relaxed).saturating_sub(1)
    }
}

/// `now + timeout`, for any timeout a Rust caller may set (`Duration::MAX` included: then a century).
pub fn deadline_after(timeout: Duration) -> Instant {
    let now = Instant::now();
    now.checked_add(timeout)
        .unwrap_or_else(|| now + Duration::from_secs(100 * 365 * 86_400))
}

/// A failure inside the pipeline, before it becomes an [`Error`]: the retry policy decides on it.
#[derive(Debug)]
pub enum Failure {
    /// The connection failed or broke (retried).
    Transport(TransportError),
    /// The try took longer than the per-try timeout (retried while the deadline allows).
    TryTimedOut,
    /// A final error: not retried by anyone below the caller.
    Final(Error),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Failure {
        Failure::Final(e)
    }
}

/// One step of the pipeline.
pub trait Policy: Send + Sync + std::fmt::Debug {
    /// Handle `req`, usually by passing it (perhaps changed) to `next` and looking at what comes back.
    fn send<'a>(
        &'a self,
        ctx: &'a Context,
        req: &'a Request,
        next: Next<'a>,
    ) -> BoxFuture<'a, std::result::Result<Response, Failure>>;
}

/// The rest of the pipeline after a policy.
#[derive(Clone, Copy)]
pub struct Next<'a> {
    policies: &'a [Arc<dyn Policy>],
    transport: &'a dyn Transport,
}

impl<'a> Next<'a> {
    pub fn send(
        self,
        ctx: &'a Context,
        req: &'a Request,
    ) -> BoxFuture<'a, std::result::Result<Response, Failure>> {
        match self.policies.split_first() {
            Some((first, rest)) => first.send(
                ctx,
                req,
                Next {
                    policies: rest,
                    transport: self.transport,
                },
            ),
            None => {
                Box::pin(async move { self.transport.send(req).await.map_err(Failure::Transport) })
            }
        }
    }
}

/// Policies in order, and the transport they end in.
#[derive(Clone, Debug)]
pub struct Pipeline {
    policies: Vec<Arc<dyn Policy>>,
    transport: Arc<dyn Transport>,
}

/// Why a successful (2xx) answer could not be used.
#[derive(Debug)]
pub enum Unreadable {
    /// Not the JSON we expect (a body cut short by a proxy, say): worth another try.
    Retry(String),
    /// Well formed but unacceptable (over a size or item limit): the same request would get the same.
    Refuse(String),
}

impl From<String> for Unreadable {
    fn from(why: String) -> Unreadable {
        Unreadable::Retry(why)
    }
}

impl Pipeline {
    pub fn new(policies: Vec<Arc<dyn Policy>>, transport: Arc<dyn Transport>) -> Pipeline {
        Pipeline {
            policies,
            transport,
        }
    }

    /// Send `req` through every policy. A 2xx answer is returned; anything else is an [`Error`] carrying the
    /// service's code and message.
    pub async fn send(&self, ctx: &Context, req: &Request) -> Result<Response> {
        let next = Next {
            policies: &self.policies,
            transport: self.transport.as_ref(),
        };
        match next.send(ctx, req).await {
            Ok(resp) if resp.oversized => Err(unreadable_error(
                ctx,
                &resp,
                &format!("it is larger than {} MiB", MAX_BODY / (1024 * 1024)),
            )),
            Ok(resp) if (200..300).contains(&resp.status) => Ok(resp),
            Ok(resp) => {
                let mut e = (ctx.read_error)(ctx.service, &resp);
                e.correlation_id = Some(ctx.correlation_id);
                let retries = ctx.retries_so_far();
                if retries > 0 {
                    e.message.push_str(&format!(" (after {retries} retries)"));
                }
                Err(e)
            }
            Err(Failure::Final(e)) => Err(e.with_correlation_id(ctx.correlation_id)),
            Err(Failure::TryTimedOut) => Err(ctx.error(
                ErrorKind::Timeout,
                format!(
                    "{} did not answer within the per-try timeout (after {} retries)",
                    ctx.service,
                    ctx.retries_so_far()
                ),
            )),
            Err(Failure::Transport(t)) => Err(t.into_error(ctx)),
        }
    }

    /// Send `req` and hand the 2xx answer to `read`. `read` rejecting it with [`Unreadable::Retry`] sends the
    /// request again (within the retries and the deadline); [`Unreadable::Refuse`] ends the call at once.
    pub async fn execute<T, E: Into<Unreadable>>(
        &self,
        ctx: &Context,
        req: &Request,
        read: impl Fn(&Response) -> std::result::Result<T, E>,
    ) -> Result<T> {
        let mut unreadable_tries = 0u32;
        loop {
            let resp = self.send(ctx, req).await?;
            match read(&resp).map_err(Into::into) {
                Ok(value) => return Ok(value),
                Err(Unreadable::Refuse(why)) => return Err(unreadable_error(ctx, &resp, &why)),
                Err(Unreadable::Retry(why)) => {
                    let wait =
                        retry::delay(unreadable_tries, None, &retry::RetryOptions::default());
                    if unreadable_tries >= ctx.max_retries || deadline_after(wait) > ctx.deadline {
                        let after = match unreadable_tries {
                            0 => String::new(),
                            n => format!(" (after {n} retries)"),
                        };
                        return Err(unreadable_error(ctx, &resp, &format!("{why}{after}")));
                    }
                    unreadable_tries += 1;
                    tokio::time::sleep(wait).await;
                }
            }
        }
    }
}

fn unreadable_error(ctx: &Context, resp: &Response, why: &str) -> Error {
    let mut e = ctx.error(
        ErrorKind::ServerError,
        format!(
            "{} answered {} with a body that could not be read: {why}",
            ctx.service, resp.status
        ),
    );
    e.status = Some(resp.status);
    e.request_id = resp.request_id();
    e
}

/// Parse a JSON body into `T`, for [`Pipeline::execute`]'s `read`.
pub fn json<T: serde::de::DeserializeOwned>(resp: &Response) -> std::result::Result<T, String> {
    serde_json::from_slice(&resp.body).map_err(|e| format!("not the expected JSON ({e})"))
}

/// The wait between polls of a long-running operation: the service's `Retry-After`, but never less than
/// [`MIN_POLL_INTERVAL`] (a `Retry-After: 0` must not turn into a busy loop), else a growing interval.
pub fn poll_interval(headers: &HeaderMap, polls: u32) -> Duration {
    retry::retry_after(headers)
        .map(|d| d.max(MIN_POLL_INTERVAL))
        .unwrap_or_else(|| Duration::from_millis(500 * u64::from(polls.min(10) + 1)))
}

pub const MIN_POLL_INTERVAL: Duration = Duration::from_millis(250);

#[cfg(test)]
mod tests;
