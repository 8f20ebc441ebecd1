//! A batch's shared pace and 429 gate ([`crate::throttle::Throttle`]) as a policy: every try waits for its
//! slot, and a 429 closes the gate for every worker of the batch, not just the one that got it.

use super::retry::{delay, retry_after, RetryOptions};
use super::{BoxFuture, Context, Failure, Next, Policy, Request, Response};
use crate::throttle::Throttle;
use std::sync::atomic::Ordering;
use std::sync::Arc;

#[derive(Debug)]
pub struct ThrottlePolicy {
    pub throttle: Arc<Throttle>,
    pub retry: RetryOptions,
}

impl Policy for ThrottlePolicy {
    fn send<'a>(
        &'a self,
        ctx: &'a Context,
        req: &'a Request,
        next: Next<'a>,
    ) -> BoxFuture<'a, Result<Response, Failure>> {
        Box::pin(async move {
            let write = !matches!(req.method, reqwest::Method::GET | reqwest::Method::HEAD);
            if tokio::time::timeout_at(ctx.deadline, self.throttle.wait_for(write))
                .await
                .is_err()
            {
                return Err(ctx.deadline_error().into());
            }
            let outcome = next.send(ctx, req).await;
            if let Ok(resp) = &outcome {
                if resp.status == 429 {
                    let attempt = ctx.attempts.load(Ordering::Relaxed).saturating_sub(1);
                    let wait = retry_after(&resp.headers)
                        .unwrap_or_else(|| delay(attempt, None, &self.retry));
                    self.throttle.pause_for(wait);
                }
            }
            outcome
        })
    }
}
