//! A response body that sends one chunk, waits (so the chunk is flushed), then either ends or fails.
//! With a too-large `Content-Length` an early end truncates the answer; a failure makes the server
//! drop the connection mid-body. Either way the connection is closed.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body::{Body, Frame};
use tokio::time::Sleep;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ending {
    /// End the body cleanly (short of any announced length).
    End,
    /// Fail the body: the server aborts the connection.
    Fail,
}

pub struct PartialBody {
    chunk: Option<Bytes>,
    pause: Pin<Box<Sleep>>,
    ending: Ending,
}

/// Long enough for the first chunk to be flushed before the body ends.
const PAUSE: Duration = Duration::from_millis(50);

impl PartialBody {
    pub fn new(chunk: impl Into<Bytes>, ending: Ending) -> Self {
        PartialBody {
            chunk: Some(chunk.into()),
            pause: Box::pin(tokio::time::sleep(PAUSE)),
            ending,
        }
    }
}

impl Body for PartialBody {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        if let Some(chunk) = self.chunk.take() {
            return Poll::Ready(Some(Ok(Frame::data(chunk))));
        }
        if self.pause.as_mut().poll(cx).is_pending() {
            return Poll::Pending;
        }
        Poll::Ready(match self.ending {
            Ending::End => None,
            Ending::Fail => Some(Err(io::Error::new(
                io::ErrorKind::ConnectionReset,
                "injected fault: connection reset mid-body",
            ))),
        })
    }
}
