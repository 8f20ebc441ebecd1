//! Adds `Authorization: Bearer` with a token for the call's scope from the client's credential, and, when
//! the service answers 401, renews the token once per call and tries again.

use super::{TokenContext, TokenCredential};
use crate::pipeline::{BoxFuture, Context, Failure, Next, Policy, Request, Response};
use std::sync::atomic::Ordering;
use std::sync::Arc;

#[derive(Debug)]
pub struct BearerPolicy {
    pub credential: Arc<dyn TokenCredential>,
}

impl Policy for BearerPolicy {
    fn send<'a>(
        &'a self,
        ctx: &'a Context,
        req: &'a Request,
        next: Next<'a>,
    ) -> BoxFuture<'a, Result<Response, Failure>> {
        Box::pin(async move {
            let scope = match (&ctx.scope, req.bearer) {
                (Some(scope), true) => scope.as_str(),
                _ => return next.send(ctx, req).await,
            };
            let token_ctx = TokenContext::from_call(ctx);
            let token = self
                .credential
                .get_token(scope, &token_ctx, false)
                .await
                .map_err(Failure::Final)?;
            let mut authorized = req.clone();
            authorized.set_header(
                "authorization",
                &format!("Bearer {}", token.access_token.expose()),
                true,
            );
            let resp = next.send(ctx, &authorized).await?;
            if resp.status != 401
                || !self.credential.can_refresh()
                || ctx.refreshed.swap(true, Ordering::SeqCst)
            {
                return Ok(resp);
            }
            // The service refused the token (revoked, or expired early): one fresh token, one more try.
            let token = self
                .credential
                .get_token(scope, &token_ctx, true)
                .await
                .map_err(Failure::Final)?;
            authorized.set_header(
                "authorization",
                &format!("Bearer {}", token.access_token.expose()),
                true,
            );
            next.send(ctx, &authorized).await
        })
    }
}
