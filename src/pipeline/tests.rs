//! The pipeline's retry, backoff, Retry-After, per-try timeout, deadline, throttle and 401-refresh rules,
//! on tokio's paused clock against an in-memory transport: exact durations, no sleeping.

use super::correlation::CorrelationPolicy;
use super::logging::{LoggingPolicy, RequestLog};
use super::retry::{RetryOptions, RetryPolicy};
use super::throttle::ThrottlePolicy;
use super::transport::{TransportError, TransportErrorKind};
use super::*;
use crate::credentials::BearerPolicy;
use crate::credentials::{Token, TokenContext, TokenCredential};
use crate::throttle::Throttle;
use std::collections::VecDeque;
use std::sync::atomic::AtomicUsize;
use std::sync::Mutex;

/// What the scripted transport does for one request.
#[derive(Debug, Clone)]
enum Script {
    Status(u16, Vec<(&'static str, &'static str)>, &'static str),
    Fail(TransportErrorKind),
    /// Never answers.
    Hang,
}

#[derive(Debug, Default)]
struct Scripted {
    script: Mutex<VecDeque<Script>>,
    seen: Mutex<Vec<(Instant, Request)>>,
}

impl Scripted {
    fn new(script: Vec<Script>) -> Arc<Scripted> {
        Arc::new(Scripted {
            script: Mutex::new(script.into()),
            seen: Mutex::new(Vec::new()),
        })
    }

    fn sent(&self) -> Vec<(Instant, Request)> {
        self.seen.lock().unwrap().clone()
    }
}

impl Transport for Scripted {
    fn send<'a>(
        &'a self,
        req: &'a Request,
    ) -> BoxFuture<'a, std::result::Result<Response, TransportError>> {
        Box::pin(async move {
            self.seen
                .lock()
                .unwrap()
                .push((Instant::now(), req.clone()));
            let next = self.script.lock().unwrap().pop_front();
            match next.unwrap_or(Script::Status(200, vec![], "{}")) {
                Script::Status(status, headers, body) => {
                    let mut map = HeaderMap::new();
                    for (k, v) in headers {
                        map.insert(HeaderName::from_static(k), HeaderValue::from_static(v));
                    }
                    Ok(Response {
                        status,
                        headers: map,
                        body: body.as_bytes().to_vec(),
                        oversized: false,
                    })
                }
                Script::Fail(kind) => Err(TransportError {
                    kind,
                    detail: String::new(),
                    host: "example.test".into(),
                }),
                Script::Hang => std::future::pending().await,
            }
        })
    }
}

/// A credential that hands out `token-1`, `token-2`, ... and counts forced refreshes.
#[derive(Debug, Default)]
struct Counting {
    issued: AtomicUsize,
    forced: AtomicUsize,
}

impl TokenCredential for Counting {
    fn get_token<'a>(
        &'a self,
        scope: &'a str,
        _ctx: &'a TokenContext,
        force_refresh: bool,
    ) -> BoxFuture<'a, Result<Token>> {
        Box::pin(async move {
            if force_refresh {
                self.forced.fetch_add(1, Ordering::SeqCst);
            }
            let n = self.issued.fetch_add(1, Ordering::SeqCst) + 1;
            Ok(Token {
                access_token: crate::Secret::new(format!("token-{n}")),
                token_type: "Bearer".into(),
                expires_on: chrono::Utc::now(),
                expires_in: 3600,
                scope: scope.into(),
                refresh_token: None,
            })
        })
    }

    fn kind(&self) -> &'static str {
        "counting"
    }

    fn secrets(&self) -> Vec<crate::Secret> {
        Vec::new()
    }
}

const RETRY: RetryOptions = RetryOptions {
    max_retries: 4,
    base_delay: Duration::from_secs(1),
    max_delay: Duration::from_secs(8),
    try_timeout: Duration::from_secs(10),
};

fn pipeline(transport: Arc<Scripted>, credential: Option<Arc<dyn TokenCredential>>) -> Pipeline {
    let mut policies: Vec<Arc<dyn Policy>> = vec![
        Arc::new(CorrelationPolicy),
        Arc::new(RetryPolicy { options: RETRY }),
    ];
    if let Some(c) = credential {
        policies.push(Arc::new(BearerPolicy { credential: c }));
    }
    policies.push(Arc::new(LoggingPolicy));
    Pipeline::new(policies, transport)
}

fn context(timeout: Duration) -> Context {
    let mut ctx = Context::new(
        "the test service",
        "x-test-correlation",
        Uuid::new_v4(),
        timeout,
        RETRY.max_retries,
        crate::service_error::by_status,
    );
    ctx.scope = Some("https://example.test/.default".into());
    ctx.log = Some(Arc::new(RequestLog::new(100)));
    ctx
}

fn get() -> Request {
    Request::new(
        Method::GET,
        Url::parse("https://example.test/things?secret=x").unwrap(),
    )
}

#[tokio::test(start_paused = true)]
async fn transient_failures_are_retried_with_growing_backoff_then_succeed() {
    let t = Scripted::new(vec![
        Script::Status(503, vec![], ""),
        Script::Fail(TransportErrorKind::Connect),
        Script::Status(500, vec![], ""),
        Script::Status(200, vec![], "{}"),
    ]);
    let ctx = context(Duration::from_secs(100));
    let start = Instant::now();
    pipeline(t.clone(), None).send(&ctx, &get()).await.unwrap();
    let sent = t.sent();
    assert_eq!(sent.len(), 4);
    // Equal jitter: retry n waits between base*2^n/2 and base*2^n.
    for (n, pair) in sent.windows(2).enumerate() {
        let gap = pair[1].0 - pair[0].0;
        let exp = RETRY.base_delay * (1 << n);
        assert!(gap >= exp / 2 && gap <= exp, "retry {n} waited {gap:?}");
    }
    assert!(start.elapsed() <= Duration::from_secs(7));
    // One correlation id on every try, in the service's header.
    let ids: Vec<_> = sent
        .iter()
        .map(|(_, r)| {
            r.headers
                .iter()
                .find(|(n, _)| n == "x-test-correlation")
                .unwrap()
                .1
                .clone()
        })
        .collect();
    assert!(ids.iter().all(|i| *i == ids[0]));
    // The log has every try, with the path and never the query.
    let log = ctx.log.as_ref().unwrap().take();
    assert_eq!(log.len(), 4);
    assert_eq!(log[0].status, Some(503));
    assert_eq!(log[1].failure.as_deref(), Some("connect"));
    assert!(log.iter().all(|e| e.path == "/things"));
    assert!(!serde_json::to_string(&log).unwrap().contains("secret=x"));
}

#[tokio::test(start_paused = true)]
async fn retry_after_is_honoured_and_never_shortened() {
    let t = Scripted::new(vec![
        Script::Status(429, vec![("retry-after", "7")], ""),
        Script::Status(200, vec![], "{}"),
    ]);
    let ctx = context(Duration::from_secs(100));
    pipeline(t.clone(), None).send(&ctx, &get()).await.unwrap();
    let sent = t.sent();
    assert_eq!(sent[1].0 - sent[0].0, Duration::from_secs(7));
}

#[tokio::test(start_paused = true)]
async fn a_wait_past_the_deadline_is_not_slept_the_last_answer_is_the_error() {
    let t = Scripted::new(vec![Script::Status(429, vec![("retry-after", "30")], "")]);
    let ctx = context(Duration::from_secs(10));
    let start = Instant::now();
    let e = pipeline(t.clone(), None)
        .send(&ctx, &get())
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Throttled);
    assert_eq!(e.retry_after_seconds, Some(30));
    assert_eq!(start.elapsed(), Duration::ZERO, "no pointless sleep");
    assert_eq!(t.sent().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn retries_are_bounded_and_counted_in_the_message() {
    let t = Scripted::new(vec![Script::Status(503, vec![], ""); 10]);
    let ctx = context(Duration::from_secs(1000));
    let e = pipeline(t.clone(), None)
        .send(&ctx, &get())
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::ServerError);
    assert!(e.message.contains("after 4 retries"), "{}", e.message);
    assert_eq!(t.sent().len(), 5);
}

#[tokio::test(start_paused = true)]
async fn a_hung_try_is_abandoned_at_the_per_try_timeout_and_retried() {
    let t = Scripted::new(vec![Script::Hang, Script::Status(200, vec![], "{}")]);
    let ctx = context(Duration::from_secs(100));
    pipeline(t.clone(), None).send(&ctx, &get()).await.unwrap();
    let sent = t.sent();
    let gap = sent[1].0 - sent[0].0;
    assert!(
        gap >= RETRY.try_timeout && gap <= RETRY.try_timeout + RETRY.base_delay,
        "{gap:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn the_deadline_bounds_everything_even_a_hung_try() {
    let t = Scripted::new(vec![Script::Hang; 10]);
    let ctx = context(Duration::from_secs(25));
    let start = Instant::now();
    let e = pipeline(t.clone(), None)
        .send(&ctx, &get())
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Timeout);
    assert!(
        start.elapsed() <= Duration::from_secs(25),
        "{:?}",
        start.elapsed()
    );
    assert!(e.message.contains("25 s"), "{}", e.message);
}

#[tokio::test(start_paused = true)]
async fn a_4xx_is_not_retried() {
    let t = Scripted::new(vec![Script::Status(
        400,
        vec![],
        r#"{"code":"800002","description":"Invalid request input"}"#,
    )]);
    let ctx = context(Duration::from_secs(100));
    let e = pipeline(t.clone(), None)
        .send(&ctx, &get())
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidRequest);
    assert_eq!(e.code.as_deref(), Some("800002"));
    assert_eq!(e.correlation_id, Some(ctx.correlation_id));
    assert_eq!(t.sent().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn a_401_renews_the_token_once_per_call() {
    let t = Scripted::new(vec![
        Script::Status(401, vec![], ""),
        Script::Status(200, vec![], "{}"),
    ]);
    let cred = Arc::new(Counting::default());
    let ctx = context(Duration::from_secs(100));
    pipeline(t.clone(), Some(cred.clone()))
        .send(&ctx, &get())
        .await
        .unwrap();
    let auth: Vec<String> = t
        .sent()
        .iter()
        .map(|(_, r)| {
            r.headers
                .iter()
                .find(|(n, _)| n == "authorization")
                .unwrap()
                .1
                .to_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(auth, ["Bearer token-1", "Bearer token-2"]);
    assert_eq!(cred.forced.load(Ordering::SeqCst), 1);
    // A second 401 in the same call is the answer: no loop of refreshes.
    let t = Scripted::new(vec![Script::Status(401, vec![], ""); 5]);
    let ctx = context(Duration::from_secs(100));
    let e = pipeline(t.clone(), Some(cred.clone()))
        .send(&ctx, &get())
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Unauthorized);
    assert_eq!(t.sent().len(), 2);
    // The authorization header is marked sensitive.
    assert!(t.sent()[0]
        .1
        .headers
        .iter()
        .any(|(n, v)| n == "authorization" && v.is_sensitive()));
}

#[tokio::test(start_paused = true)]
async fn a_429_closes_the_shared_gate_for_every_worker() {
    let t = Scripted::new(vec![
        Script::Status(429, vec![("retry-after", "5")], ""),
        Script::Status(200, vec![], "{}"),
        Script::Status(200, vec![], "{}"),
    ]);
    let throttle = Arc::new(Throttle::new());
    let p = Pipeline::new(
        vec![
            Arc::new(RetryPolicy { options: RETRY }),
            Arc::new(ThrottlePolicy {
                throttle: throttle.clone(),
                retry: RETRY,
            }),
        ],
        t.clone(),
    );
    let ctx = context(Duration::from_secs(100));
    let start = Instant::now();
    p.send(&ctx, &get()).await.unwrap();
    // Another worker's call after the 429 waits for the gate too.
    let other = context(Duration::from_secs(100));
    p.send(&other, &get()).await.unwrap();
    let sent = t.sent();
    assert_eq!(sent.len(), 3);
    assert!(sent[1].0 - start >= Duration::from_secs(5));
    assert!(sent[2].0 - start >= Duration::from_secs(5));
    assert_eq!(throttle.pauses(), 1);
}

#[tokio::test(start_paused = true)]
async fn an_unreadable_2xx_is_retried_and_a_refused_one_is_not() {
    let t = Scripted::new(vec![
        Script::Status(200, vec![], "<html>"),
        Script::Status(200, vec![], r#"{"n":1}"#),
    ]);
    let ctx = context(Duration::from_secs(100));
    let v: serde_json::Value = pipeline(t.clone(), None)
        .execute(&ctx, &get(), json)
        .await
        .unwrap();
    assert_eq!(v["n"], 1);
    assert_eq!(t.sent().len(), 2);
    let t = Scripted::new(vec![Script::Status(200, vec![], "{}"); 3]);
    let e = pipeline(t.clone(), None)
        .execute(&ctx, &get(), |_| -> std::result::Result<(), Unreadable> {
            Err(Unreadable::Refuse("too many items".into()))
        })
        .await
        .unwrap_err();
    assert!(e.message.contains("too many items"));
    assert_eq!(t.sent().len(), 1);
}
