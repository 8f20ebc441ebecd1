//! One call of one service: the client's pipeline for it (correlation, retry, throttle, auth, logging,
//! transport), the call's context, and the service's endpoint. What every service module uses to send.

use crate::client::Client;
use crate::credentials::BearerPolicy;
use crate::endpoint::{check_transport, BaseUrl};
use crate::error::{Error, ErrorKind, Result};
use crate::options::{CallOptions, DEFAULT_TIMEOUT};
use crate::pipeline::correlation::CorrelationPolicy;
use crate::pipeline::logging::LoggingPolicy;
use crate::pipeline::retry::RetryPolicy;
use crate::pipeline::throttle::ThrottlePolicy;
use crate::pipeline::{Context, Pipeline, Policy, Request, Response, Unreadable};
use crate::service::Service;
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;
use url::Url;

pub(crate) struct Call {
    pub service: &'static Service,
    pub endpoint: BaseUrl,
    pub ctx: Context,
    pipeline: Pipeline,
}

impl Call {
    pub fn new(client: &Client, service: &'static Service, opts: &CallOptions) -> Result<Call> {
        let endpoint = client.endpoint(service)?;
        let credential = client.require_credential()?.clone();
        let retry = client.retry();
        let mut ctx = Context::new(
            service.name,
            service.correlation_header,
            opts.correlation_id,
            opts.timeout_or(DEFAULT_TIMEOUT),
            opts.max_retries.unwrap_or(retry.max_retries),
            service.read_error,
        );
        ctx.scope = Some(client.scope(service)?);
        ctx.log = opts.log.clone();
        let mut policies: Vec<Arc<dyn Policy>> = vec![
            Arc::new(CorrelationPolicy),
            Arc::new(RetryPolicy { options: retry }),
        ];
        if let Some(t) = client.throttle() {
            policies.push(Arc::new(ThrottlePolicy {
                throttle: t.clone(),
                retry,
            }));
        }
        policies.push(Arc::new(BearerPolicy { credential }));
        policies.push(Arc::new(LoggingPolicy));
        Ok(Call {
            service,
            endpoint,
            ctx,
            pipeline: Pipeline::new(policies, client.transport().clone()),
        })
    }

    pub fn deadline(&self) -> Instant {
        self.ctx.deadline
    }

    pub fn timeout(&self) -> Duration {
        self.ctx.timeout
    }

    /// Send `req` and hand the answer to `read` (see [`Pipeline::execute`]).
    pub async fn execute<T, E: Into<Unreadable>>(
        &self,
        req: &Request,
        read: impl Fn(&Response) -> std::result::Result<T, E>,
    ) -> Result<T> {
        self.pipeline.execute(&self.ctx, req, read).await
    }

    /// Send `req`; a 2xx answer as it came.
    pub async fn send(&self, req: &Request) -> Result<Response> {
        self.pipeline.send(&self.ctx, req).await
    }

    /// A URL the service handed back (nextLink, operation URL): it must be on the endpoint's origin, so
    /// our bearer token never goes anywhere else.
    pub fn follow(&self, link: &str) -> Result<Url> {
        let name = self.service.name;
        let url = Url::parse(link)
            .or_else(|_| self.endpoint.join("/").join(link))
            .map_err(|e| {
                self.error(
                    ErrorKind::ServerError,
                    format!("{name} returned a link that is not a URL: {e}"),
                )
            })?;
        check_transport("link", &url).map_err(|e| {
            self.error(
                ErrorKind::ServerError,
                format!("{name} returned an unusable link: {}", e.message),
            )
        })?;
        if !self.endpoint.same_origin(&url) {
            return Err(self.error(
                ErrorKind::ServerError,
                format!(
                    "{name} returned a link to another host ({}); not following it with credentials",
                    url.host_str().unwrap_or("")
                ),
            ));
        }
        Ok(url)
    }

    pub fn error(&self, kind: ErrorKind, message: impl Into<String>) -> Error {
        self.ctx.error(kind, message)
    }
}
