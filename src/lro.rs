//! One poller for every long-running operation (a Lighthouse delete, a Graph role removal): GET a monitor
//! URL, wait the service's `Retry-After` (at least [`MIN_POLL_INTERVAL`](crate::pipeline::MIN_POLL_INTERVAL),
//! else a growing interval) between polls, until the operation's own reading of an answer says it ended,
//! or the call's deadline passes (then `timeout`, naming what is still running and where to look).

use crate::call::Call;
use crate::error::{ErrorKind, Result};
use crate::pipeline::{deadline_after, poll_interval, Request, Response};
use reqwest::header::HeaderMap;
use reqwest::Method;
use std::time::Duration;
use url::Url;

/// What one poll found.
pub(crate) enum Step<T> {
    Done(T),
    Running,
}

/// Poll `monitor` until `read` says the operation ended. `read` gets each poll's outcome, errors included
/// (a 404 means "gone" to a caller polling a resource until it disappears). `what` names the operation in
/// the timeout error; `first` is the answer that started it (its `Retry-After` sets the first wait).
pub(crate) async fn poll<T>(
    call: &Call,
    monitor: Url,
    first: &HeaderMap,
    what: &str,
    read: impl Fn(Result<Response>) -> Result<Step<T>>,
) -> Result<T> {
    let unfinished = || {
        call.error(
            ErrorKind::Timeout,
            format!(
                "{what} was accepted but had not finished within the call's deadline of {} s",
                call.timeout().as_secs_f64()
            ),
        )
    };
    let mut wait_for: Duration = poll_interval(first, 0);
    for polls in 1u32.. {
        if deadline_after(wait_for) > call.deadline() {
            return Err(unfinished());
        }
        tokio::time::sleep(wait_for).await;
        let answer = call.send(&Request::new(Method::GET, monitor.clone())).await;
        let headers = match &answer {
            Ok(resp) => Some(resp.headers.clone()),
            // The deadline passing inside a poll still leaves the operation running: say so.
            Err(e) if e.kind == ErrorKind::Timeout => return Err(unfinished()),
            Err(_) => None,
        };
        match read(answer)? {
            Step::Done(value) => return Ok(value),
            Step::Running => {
                wait_for = poll_interval(&headers.unwrap_or_default(), polls);
            }
        }
    }
    Err(unfinished())
}
