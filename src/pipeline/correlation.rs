//! Sends the call's correlation id in the service's own header (`MS-CorrelationId`, `X-Correlation-Id`,
//! `x-ms-correlation-request-id`, `client-request-id`) on every try, so that one call is one id in the
//! service's logs.

use super::{BoxFuture, Context, Failure, Next, Policy, Request, Response};

#[derive(Debug)]
pub struct CorrelationPolicy;

impl Policy for CorrelationPolicy {
    fn send<'a>(
        &'a self,
        ctx: &'a Context,
        req: &'a Request,
        next: Next<'a>,
    ) -> BoxFuture<'a, Result<Response, Failure>> {
        Box::pin(async move {
            let mut req = req.clone();
            req.set_header(
                ctx.correlation_header,
                &ctx.correlation_id.to_string(),
                false,
            );
            next.send(ctx, &req).await
        })
    }
}
