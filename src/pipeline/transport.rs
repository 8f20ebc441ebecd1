//! The end of the pipeline: something that sends one request and reads its answer. [`ReqwestTransport`]
//! does it over HTTP (rustls, a connection pool, a proxy when configured); tests plug in their own.

use super::{BoxFuture, Context, Request, Response, MAX_BODY};
use crate::error::{Error, ErrorKind, Result};
use crate::secret::Secret;
use reqwest::header::{ACCEPT, CONTENT_TYPE};
use std::time::Duration;

/// Sends one request. Implementations must not retry, follow redirects or add credentials: the policies do
/// what is to be done.
pub trait Transport: Send + Sync + std::fmt::Debug {
    fn send<'a>(
        &'a self,
        req: &'a Request,
    ) -> BoxFuture<'a, std::result::Result<Response, TransportError>>;
}

/// A request that did not get an answer.
#[derive(Debug)]
pub struct TransportError {
    pub kind: TransportErrorKind,
    /// What happened, for the error message (never a URL with a query, never a secret).
    pub detail: String,
    /// The host it was for.
    pub host: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransportErrorKind {
    Connect,
    Timeout,
    /// The connection broke while the answer was read.
    Body,
    Other,
}

impl TransportError {
    pub fn into_error(self, ctx: &Context) -> Error {
        let what = match self.kind {
            TransportErrorKind::Connect => "could not connect to",
            TransportErrorKind::Timeout => "timed out talking to",
            TransportErrorKind::Body => "the connection broke while reading the answer from",
            TransportErrorKind::Other => "the request failed to reach",
        };
        let kind = if self.kind == TransportErrorKind::Timeout {
            ErrorKind::Timeout
        } else {
            ErrorKind::Network
        };
        let retries = ctx.retries_so_far();
        let after = if retries > 0 {
            format!(" (after {retries} retries)")
        } else {
            String::new()
        };
        let detail = if self.detail.is_empty() {
            String::new()
        } else {
            format!(" ({})", self.detail)
        };
        ctx.error(
            kind,
            format!("{}: {what} {}{detail}{after}", ctx.service, self.host),
        )
    }
}

/// An outbound proxy: its URL (`http://host:port`) and, optionally, credentials kept as secrets.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ProxyConfig {
    pub url: url::Url,
    pub username: Option<String>,
    pub password: Option<Secret>,
}

/// How the HTTP client reaches the services.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub enum ProxySetting {
    /// `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY` from the environment (what reqwest reads).
    #[default]
    FromEnvironment,
    /// This proxy for every request (`NO_PROXY` still honoured).
    Explicit(ProxyConfig),
    /// No proxy, whatever the environment says.
    None,
}

/// HTTP over reqwest: rustls, no redirects followed (a bearer token goes only where it was meant to),
/// pooled connections.
#[derive(Debug, Clone)]
pub struct ReqwestTransport {
    client: reqwest::Client,
}

impl ReqwestTransport {
    pub fn new(proxy: &ProxySetting) -> Result<ReqwestTransport> {
        let mut builder = reqwest::Client::builder()
            .user_agent(concat!("delegated-admin/", env!("CARGO_PKG_VERSION")))
            // Never follow redirects: a bearer token must go only where the caller pointed it.
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(Duration::from_secs(15))
            .pool_idle_timeout(Duration::from_secs(60))
            .pool_max_idle_per_host(64)
            .tcp_nodelay(true)
            .https_only(false); // checked per URL by `endpoint`: https, or http to loopback only
        match proxy {
            ProxySetting::FromEnvironment => {}
            ProxySetting::None => builder = builder.no_proxy(),
            ProxySetting::Explicit(p) => {
                let mut proxy = reqwest::Proxy::all(p.url.as_str())
                    .map_err(|e| Error::invalid(format!("proxy {} cannot be used: {e}", p.url)))?;
                if let Some(user) = &p.username {
                    let password = p.password.as_ref().map_or("", |s| s.expose());
                    proxy = proxy.basic_auth(user, password);
                }
                builder = builder.proxy(proxy.no_proxy(reqwest::NoProxy::from_env()));
            }
        }
        let client = builder
            .build()
            .map_err(|e| Error::internal(format!("cannot build the HTTP client: {e}")))?;
        Ok(ReqwestTransport { client })
    }
}

impl Transport for ReqwestTransport {
    fn send<'a>(
        &'a self,
        req: &'a Request,
    ) -> BoxFuture<'a, std::result::Result<Response, TransportError>> {
        Box::pin(async move {
            let host = req.url.host_str().unwrap_or("").to_string();
            let fail = |e: reqwest::Error| transport_error(&e, &host);
            let mut builder = self
                .client
                .request(req.method.clone(), req.url.clone())
                .header(ACCEPT, "application/json");
            for (name, value) in &req.headers {
                builder = builder.header(name, value);
            }
            if let Some((body, content_type)) = &req.body {
                builder = builder
                    .header(CONTENT_TYPE, *content_type)
                    .body(body.clone());
            }
            let mut resp = builder.send().await.map_err(fail)?;
            let status = resp.status().as_u16();
            let headers = resp.headers().clone();
            let mut body = Vec::new();
            let mut oversized = false;
            while let Some(chunk) = resp.chunk().await.map_err(fail)? {
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
        })
    }
}

fn transport_error(err: &reqwest::Error, host: &str) -> TransportError {
    let kind = if err.is_connect() {
        TransportErrorKind::Connect
    } else if err.is_timeout() {
        TransportErrorKind::Timeout
    } else if err.is_body() || err.is_decode() {
        TransportErrorKind::Body
    } else {
        TransportErrorKind::Other
    };
    // The source chain names the cause (reset, refused, ...); URLs never hold secrets here.
    let detail = std::error::Error::source(err)
        .map(|c| c.to_string())
        .unwrap_or_default();
    TransportError {
        kind,
        detail,
        host: host.to_string(),
    }
}
