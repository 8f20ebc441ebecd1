//! The shared HTTP layer: one request, sent with the call's correlation id and bearer token, retried on
//! 408/429/5xx/connection failures with backoff that honours `Retry-After`, refreshed once on a 401, all
//! within the call's deadline; failures become [`Error`]s carrying the service's own code and message.

use crate::client::Client;
use crate::endpoint::{check_transport, BaseUrl};
use crate::error::{Error, ErrorKind, Result};
use crate::options::CallOptions;
use crate::{identity, retry, service_error};
use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use reqwest::Method;
use std::time::Duration;
use tokio::time::Instant;
use url::Url;

/// The services this library talks to; each names its correlation header and default token scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Service {
    Identity,
    PartnerCenter,
    CustomerAdmin,
    CloudCockpit,
    ResourceManager,
}

impl Service {
    pub fn name(self) -> &'static str {
        match self {
            Service::Identity => "the identity platform",
            Service::PartnerCenter => "Partner Center",
            Service::CustomerAdmin => "the Partner Customer Delegated Administration API",
            Service::CloudCockpit => "CloudCockpit",
            Service::ResourceManager => "Azure Resource Manager",
        }
    }

    fn correlation_header(self) -> &'static str {
        match self {
            Service::Identity => "client-request-id",
            Service::PartnerCenter | Service::CustomerAdmin => "MS-CorrelationId",
            Service::CloudCockpit => "X-Correlation-Id",
            Service::ResourceManager => "x-ms-correlation-request-id",
        }
    }

    pub fn default_endpoint(self) -> &'static str {
        match self {
            Service::Identity => crate::options::DEFAULT_AUTHORITY,
            Service::PartnerCenter => "https://api.partnercenter.microsoft.com",
            Service::CustomerAdmin => "https://traf-pcsvcadmin-prod.trafficmanager.net",
            Service::CloudCockpit => "https://api.cloudcockpit.com",
            Service::ResourceManager => "https://management.azure.com",
        }
    }

    pub fn default_scope(self) -> &'static str {
        match self {
            Service::Identity => "",
            Service::PartnerCenter => "https://api.partnercenter.microsoft.com/.default",
            Service::CustomerAdmin => {
                "https://api.partnercustomeradministration.microsoft.com/.default"
            }
            Service::CloudCockpit => "api://b92a36a4-feb8-4f47-a69c-29a180aa6d0a/.default",
            Service::ResourceManager => "https://management.azure.com/.default",
        }
    }
}

/// One call to one service: the options, the deadline and the resolved endpoint.
pub(crate) struct Call<'a> {
    pub client: &'a Client,
    pub opts: &'a CallOptions,
    pub service: Service,
    pub endpoint: BaseUrl,
    /// The call's whole budget (`opts.timeout`, else the default), named in timeout errors.
    pub timeout: Duration,
    pub deadline: Instant,
}

impl<'a> Call<'a> {
    pub fn new(client: &'a Client, opts: &'a CallOptions, service: Service) -> Call<'a> {
        let endpoint = match service {
            Service::Identity => opts.authority.clone(),
            _ => opts
                .endpoint
                .clone()
                .unwrap_or_else(|| BaseUrl::from_static(service.default_endpoint())),
        };
        let timeout = opts.timeout_or(crate::options::DEFAULT_TIMEOUT);
        Call {
            client,
            opts,
            service,
            endpoint,
            timeout,
            deadline: deadline_after(timeout),
        }
    }

    pub fn scope(&self) -> String {
        self.opts
            .scope
            .clone()
            .unwrap_or_else(|| self.service.default_scope().to_string())
    }

    /// A URL the service handed back (nextLink, operation URL): it must be on the endpoint's origin, so
    /// our bearer token never goes anywhere else.
    pub fn follow(&self, link: &str) -> Result<Url> {
        let url = Url::parse(link)
            .or_else(|_| self.endpoint.join("/").join(link))
            .map_err(|e| {
                self.error(
                    ErrorKind::ServerError,
                    format!(
                        "{} returned a link that is not a URL: {e}",
                        self.service.name()
                    ),
                )
            })?;
        check_transport("link", &url).map_err(|e| {
            self.error(
                ErrorKind::ServerError,
                format!(
                    "{} returned an unusable link: {}",
                    self.service.name(),
                    e.message
                ),
            )
        })?;
        if !self.endpoint.same_origin(&url) {
            return Err(self.error(
                ErrorKind::ServerError,
                format!(
                    "{} returned a link to another host ({}); not following it with credentials",
                    self.service.name(),
                    url.host_str().unwrap_or("")
                ),
            ));
        }
        Ok(url)
    }

    pub fn error(&self, kind: ErrorKind, message: impl Into<String>) -> Error {
        Error::new(kind, message).with_correlation_id(self.opts.correlation_id)
    }
}

/// `now + timeout`, for any timeout a Rust caller may set (`Duration::MAX` included: then a century).
pub(crate) fn deadline_after(timeout: Duration) -> Instant {
    let now = Instant::now();
    now.checked_add(timeout)
        .unwrap_or_else(|| now + Duration::from_secs(100 * 365 * 86_400))
}

/// What to send.
pub(crate) struct Request {
    pub method: Method,
    pub url: Url,
    pub headers: Vec<(&'static str, String)>,
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

    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Request {
        self.headers.push((name, value.into()));
        self
    }

    pub fn anonymous(mut self) -> Request {
        self.bearer = false;
        self
    }
}

/// What came back.
#[derive(Debug)]
pub(crate) struct Response {
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

    fn request_id(&self) -> Option<String> {
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
pub(crate) const MAX_BODY: usize = 64 * 1024 * 1024;

/// Why a successful (2xx) answer could not be used.
#[derive(Debug)]
pub(crate) enum Unreadable {
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

/// Send `req`, retrying as the module doc says, and hand a successful (2xx) answer to `read`. `read`
/// rejecting the answer with [`Unreadable::Retry`] (a body that is not the JSON we expect) counts as a
/// transient failure too; [`Unreadable::Refuse`] ends the call at once.
pub(crate) async fn execute<T, E: Into<Unreadable>>(
    call: &Call<'_>,
    req: &Request,
    read: impl Fn(&Response) -> Result<T, E>,
) -> Result<T> {
    let opts = call.opts;
    let mut attempt: u32 = 0;
    let mut refreshed = false;
    loop {
        if let Some(throttle) = &opts.throttle {
            if tokio::time::timeout_at(call.deadline, throttle.wait())
                .await
                .is_err()
            {
                return Err(deadline_error(call));
            }
        }
        let bearer = if req.bearer {
            Some(identity::bearer(call, refreshed).await?)
        } else {
            None
        };
        let sent =
            tokio::time::timeout_at(call.deadline, send_once(call, req, bearer.as_ref())).await;
        let failure = match sent {
            Err(_) => return Err(deadline_error(call)),
            Ok(Err(transport)) => Failure::Transport(transport),
            Ok(Ok(resp)) if resp.oversized => {
                return Err(Failure::Unreadable(
                    resp,
                    format!("it is larger than {} MiB", MAX_BODY / (1024 * 1024)),
                )
                .into_error(call, attempt))
            }
            Ok(Ok(resp)) if (200..300).contains(&resp.status) => {
                match read(&resp).map_err(Into::into) {
                    Ok(value) => return Ok(value),
                    Err(Unreadable::Retry(why)) => Failure::Unreadable(resp, why),
                    Err(Unreadable::Refuse(why)) => {
                        return Err(Failure::Unreadable(resp, why).into_error(call, attempt))
                    }
                }
            }
            Ok(Ok(resp)) => {
                if resp.status == 401 && req.bearer && !refreshed && identity::can_refresh(opts) {
                    refreshed = true;
                    continue;
                }
                if !retry::retryable_status(resp.status) {
                    return Err(response_error(call, &resp));
                }
                Failure::Status(resp)
            }
        };
        let hint = match &failure {
            Failure::Status(resp) => retry::retry_after(&resp.headers),
            _ => None,
        };
        if let (Failure::Status(resp), Some(throttle)) = (&failure, &opts.throttle) {
            if resp.status == 429 {
                throttle.pause_for(hint.unwrap_or_else(|| retry::delay(attempt, None)));
            }
        }
        let wait = retry::delay(attempt, hint);
        if attempt >= opts.max_retries || deadline_after(wait) > call.deadline {
            return Err(failure.into_error(call, attempt));
        }
        tokio::time::sleep(wait).await;
        attempt += 1;
    }
}

enum Failure {
    Transport(reqwest::Error),
    Status(Response),
    Unreadable(Response, String),
}

impl Failure {
    fn into_error(self, call: &Call<'_>, retries: u32) -> Error {
        let after = if retries > 0 {
            format!(" (after {retries} retries)")
        } else {
            String::new()
        };
        match self {
            Failure::Status(resp) => {
                let mut e = response_error(call, &resp);
                e.message.push_str(&after);
                e
            }
            Failure::Unreadable(resp, why) => {
                let mut e = call.error(
                    ErrorKind::ServerError,
                    format!(
                        "{} answered {} with a body that could not be read: {why}{after}",
                        call.service.name(),
                        resp.status
                    ),
                );
                e.status = Some(resp.status);
                e.request_id = resp.request_id();
                e
            }
            Failure::Transport(err) => {
                let kind = if err.is_timeout() {
                    ErrorKind::Timeout
                } else {
                    ErrorKind::Network
                };
                call.error(
                    kind,
                    format!(
                        "{}: {}{after}",
                        call.service.name(),
                        describe_transport(&err, call.endpoint.host_str())
                    ),
                )
            }
        }
    }
}

fn describe_transport(err: &reqwest::Error, host: &str) -> String {
    let what = if err.is_connect() {
        "could not connect to"
    } else if err.is_timeout() {
        "timed out talking to"
    } else if err.is_body() || err.is_decode() {
        "the connection broke while reading the answer from"
    } else {
        "the request failed to reach"
    };
    // The source chain names the cause (reset, refused, ...); URLs never hold secrets here.
    match std::error::Error::source(err) {
        Some(cause) => format!("{what} {host} ({cause})"),
        None => format!("{what} {host}"),
    }
}

fn deadline_error(call: &Call<'_>) -> Error {
    call.error(
        ErrorKind::Timeout,
        format!(
            "{} did not finish within the call's deadline of {} s (timeoutSeconds)",
            call.service.name(),
            call.timeout.as_secs_f64()
        ),
    )
}

/// An error answer turned into an [`Error`] with the service's code and message.
pub(crate) fn response_error(call: &Call<'_>, resp: &Response) -> Error {
    let parsed = service_error::parse(&resp.body);
    let kind = match (call.service, parsed.code.as_deref()) {
        (Service::Identity, Some(code)) => identity::error_kind(code, resp.status),
        _ => ErrorKind::from_status(resp.status),
    };
    let reason = reqwest::StatusCode::from_u16(resp.status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("");
    let detail = match parsed.message {
        Some(m) => m,
        None if looks_like_html(resp) => "an HTML error page".to_string(),
        None => "no error details".to_string(),
    };
    let mut e = call.error(
        kind,
        format!(
            "{} answered {} {}: {}",
            call.service.name(),
            resp.status,
            reason,
            detail
        ),
    );
    e.status = Some(resp.status);
    e.code = parsed.code;
    e.request_id = resp.request_id();
    e.retry_after_seconds =
        retry::retry_after(&resp.headers).map(|d| d.as_secs_f64().ceil() as u64);
    e
}

fn looks_like_html(resp: &Response) -> bool {
    resp.header("content-type")
        .is_some_and(|c| c.contains("html"))
        || resp.body.iter().take(64).find(|b| !b.is_ascii_whitespace()) == Some(&b'<')
}

async fn send_once(
    call: &Call<'_>,
    req: &Request,
    bearer: Option<&crate::Secret>,
) -> std::result::Result<Response, reqwest::Error> {
    let mut builder = call
        .client
        .http
        .request(req.method.clone(), req.url.clone())
        .header(ACCEPT, "application/json")
        .header(
            call.service.correlation_header(),
            call.opts.correlation_id.to_string(),
        );
    if let Some(token) = bearer {
        // Tokens are checked to be visible ASCII where they enter (the caller's, and the identity
        // platform's answers), so this cannot fail; if it ever did, no Authorization header is sent (the
        // service then answers 401) rather than a made-up one.
        if let Ok(mut value) = HeaderValue::try_from(format!("Bearer {}", token.expose())) {
            value.set_sensitive(true);
            builder = builder.header(AUTHORIZATION, value);
        }
    }
    for (name, value) in &req.headers {
        builder = builder.header(*name, value.as_str());
    }
    if let Some((body, content_type)) = &req.body {
        builder = builder
            .header(CONTENT_TYPE, *content_type)
            .body(body.clone());
    }
    let mut resp = builder.send().await?;
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let mut body = Vec::new();
    let mut oversized = false;
    while let Some(chunk) = resp.chunk().await? {
        if body.len() + chunk.len() > MAX_BODY {
            oversized = true;
            break;
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Response {
        status,
        headers,
        body,
        oversized,
    })
}

/// Parse a JSON body into `T`, for [`execute`]'s `read`.
pub(crate) fn json<T: serde::de::DeserializeOwned>(resp: &Response) -> Result<T, String> {
    serde_json::from_slice(&resp.body).map_err(|e| format!("not the expected JSON ({e})"))
}

/// The wait a caller should apply between polls when the service gives no Retry-After.
/// The wait between polls of a long-running operation: the service's `Retry-After`, but never less than
/// [`MIN_POLL_INTERVAL`] (a `Retry-After: 0` must not turn into a busy loop), else a growing interval.
pub(crate) fn poll_interval(resp: &Response, polls: u32) -> Duration {
    retry::retry_after(&resp.headers)
        .map(|d| d.max(MIN_POLL_INTERVAL))
        .unwrap_or_else(|| Duration::from_millis(500 * u64::from(polls.min(10) + 1)))
}

pub(crate) const MIN_POLL_INTERVAL: Duration = Duration::from_millis(250);
