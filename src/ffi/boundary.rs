//! Everything that makes a C call safe: NULL and UTF-8 checks, JSON parsing, the common fields, running the
//! operation on the shared runtime, catching panics, serialising the envelope, scrubbing secrets. Every line
//! of it, the scrubbing and the conversion to a C string included, runs inside the panic guard.

use super::context;
use crate::client::Client;
use crate::error::{Error, Result};
use crate::options::CallOptions;
use crate::pipeline::logging::RequestLog;
use crate::pipeline::transport::ProxySetting;
use crate::secret::Secret;
use once_cell::sync::Lazy;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Map, Value};
use std::ffi::{c_char, CStr, CString};
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;
use std::time::Duration;
use uuid::Uuid;

/// One runtime for the whole process, built on first use and never dropped. Calls `block_on` it from the
/// caller's thread; many threads may do so at once.
static RUNTIME: Lazy<std::result::Result<tokio::runtime::Runtime, String>> = Lazy::new(|| {
    let workers = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .clamp(2, 8);
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .thread_name("delegated-admin")
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the library's runtime: {e}"))
});

pub(crate) fn runtime() -> Result<&'static tokio::runtime::Runtime> {
    RUNTIME.as_ref().map_err(|e| Error::internal(e.clone()))
}

/// The request's fields once the common ones are taken out; each operation parses them into its own
/// input type, which refuses unknown fields.
pub(crate) struct Fields(Map<String, Value>);

impl Fields {
    /// Take a required string field out, leaving the rest.
    pub fn take_string(mut self, name: &str) -> Result<(String, Fields)> {
        match self.0.remove(name) {
            Some(Value::String(s)) => Ok((s, self)),
            Some(other) => Err(Error::invalid(format!(
                "{name} must be a string, not {}",
                type_name(&other)
            ))),
            None => Err(Error::invalid(format!("{name} is required"))),
        }
    }

    /// Take a field out, if present.
    pub fn remove(&mut self, name: &str) -> Option<Value> {
        self.0.remove(name)
    }

    pub fn insert(&mut self, name: &str, value: Value) {
        self.0.insert(name.to_string(), value);
    }

    pub fn contains(&self, name: &str) -> bool {
        self.0.contains_key(name)
    }

    pub fn parse<T: DeserializeOwned>(self) -> Result<T> {
        serde_json::from_value(Value::Object(self.0))
            .map_err(|e| Error::invalid(format!("invalid request: {e}")))
    }
}

/// Whether a successful result may hold secrets the caller asked for (a token), and so must not be scrubbed.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Output {
    Plain,
    HoldsTokens,
}

/// What one request brings besides its own fields: its client (credential, cloud, endpoints, proxy), the
/// per-call options, and the secrets seen in it.
pub(crate) struct Common {
    pub client: Client,
    pub opts: CallOptions,
    pub proxy: ProxySetting,
    pub secrets: Vec<Secret>,
}

/// Run one exported operation: `op` gets the request's [`Common`] (client, call options, ...) and the
/// remaining fields, and returns the future to run. Never panics, never returns NULL.
pub(crate) fn run<Fut>(
    input: *const c_char,
    output: Output,
    op: impl FnOnce(Common, Fields) -> Result<Fut>,
) -> *mut c_char
where
    Fut: Future,
    Fut::Output: IntoDone,
{
    guarded(input, output, |common, fields| {
        let log = common.opts.log.clone();
        let future = op(common, fields)?;
        if is_validate_only() {
            // Everything up to the first request was checked; futures are lazy, so dropping it sends nothing.
            drop(future);
            return Ok(Reply::Result(json!({ "validated": true })));
        }
        let mut done = runtime()?.block_on(future).into_done();
        done.trace = log.map(|l| l.take());
        Ok(Reply::Done(done))
    })
}

/// How an operation ended: a result, an error, or both (work was done, then something failed, such as
/// writing a report: the result then carries what was done, and the error says what failed).
#[derive(Debug)]
pub(crate) struct Done {
    /// The result, already serialised (large results skip the `Value` tree).
    pub result: Option<String>,
    pub error: Option<Error>,
    /// The tries sent, when the request asked for a trace.
    pub trace: Option<Vec<crate::pipeline::logging::LogEntry>>,
}

impl Done {
    pub fn succeeded(&self) -> bool {
        self.error.is_none()
    }

    /// The envelope: `{"ok":true,"result",...}`, `{"ok":false,"error",...}`, or `{"ok":false,"error",
    /// "result",...}` when work was done before the failure; `"trace"` when asked.
    pub fn envelope(self, correlation_id: Uuid) -> String {
        let trace = self
            .trace
            .map(|t| serde_json::to_string(&t).unwrap_or_else(|_| "[]".into()));
        let error = self.error.map(|e| {
            let e = e.with_correlation_id(correlation_id);
            serde_json::to_string(&e).unwrap_or_else(|_| "null".into())
        });
        let (ok, result, error) = match (self.result, error) {
            (Some(result), None) => (true, Some(result), None),
            (result, Some(error)) => (false, result, Some(error)),
            (None, None) => (
                false,
                None,
                Some(
                    serde_json::to_string(
                        &Error::internal("an operation ended with neither a result nor an error")
                            .with_correlation_id(correlation_id),
                    )
                    .unwrap_or_else(|_| "null".into()),
                ),
            ),
        };
        let mut out = String::with_capacity(result.as_ref().map_or(0, String::len) + 160);
        out.push_str(if ok { "{\"ok\":true" } else { "{\"ok\":false" });
        if let Some(e) = error {
            out.push_str(",\"error\":");
            out.push_str(&e);
        }
        if let Some(r) = result {
            out.push_str(",\"result\":");
            out.push_str(&r);
        }
        if let Some(t) = trace {
            out.push_str(",\"trace\":");
            out.push_str(&t);
        }
        out.push_str(",\"correlationId\":\"");
        out.push_str(&correlation_id.to_string());
        out.push_str("\"}");
        out
    }
}

/// What an operation's future may end with.
pub(crate) trait IntoDone {
    fn into_done(self) -> Done;
}

impl<T: Serialize> IntoDone for Result<T> {
    fn into_done(self) -> Done {
        match self.and_then(|r| result_json(&r)) {
            Ok(text) => Done {
                result: Some(text),
                error: None,
                trace: None,
            },
            Err(e) => Done {
                result: None,
                error: Some(e),
                trace: None,
            },
        }
    }
}

impl IntoDone for Done {
    fn into_done(self) -> Done {
        self
    }
}

thread_local! {
    static VALIDATE_ONLY: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Run `f` with the exports of this thread in validate-only mode: every check a call makes before its first
/// request runs for real, and the call answers `{"validated":true}` instead of sending anything. For fuzzing
/// the C boundary without a network; only with the `fuzzing` feature, never in the shipped library.
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub fn validate_only<R>(f: impl FnOnce() -> R) -> R {
    struct Reset;
    impl Drop for Reset {
        fn drop(&mut self) {
            VALIDATE_ONLY.with(|v| v.set(false));
        }
    }
    VALIDATE_ONLY.with(|v| v.set(true));
    let _reset = Reset;
    f()
}

pub(crate) fn is_validate_only() -> bool {
    VALIDATE_ONLY.with(std::cell::Cell::get)
}

/// What an operation hands back: a result to wrap in an envelope, or a whole envelope (a job's, kept from
/// when it finished).
pub(crate) enum Reply {
    Result(Value),
    /// An operation's end, result and/or error.
    Done(Done),
    Envelope(String),
}

/// Returned when even building the error envelope failed (a panic inside the guard's own code).
const LAST_RESORT: &CStr = c"{\"ok\":false,\"error\":{\"kind\":\"internal\",\"message\":\"the library failed while writing its answer\",\"status\":null,\"code\":null,\"correlationId\":null,\"requestId\":null,\"retryAfterSeconds\":null},\"correlationId\":null}";

/// The guard every export runs in: NULL/UTF-8/JSON checks, common fields, panics caught, secrets scrubbed.
/// `op` gets the request's [`Common`] and its remaining fields.
pub(crate) fn guarded(
    input: *const c_char,
    output: Output,
    op: impl FnOnce(Common, Fields) -> Result<Reply>,
) -> *mut c_char {
    let answer = catch_unwind(AssertUnwindSafe(|| {
        let mut correlation_id = Uuid::new_v4();
        let mut secrets: Vec<Secret> = Vec::new();
        let outcome = catch_unwind(AssertUnwindSafe(|| -> Result<Reply> {
            let text = read_input(input)?;
            let mut map = parse_object(text)?;
            let common = take_common(&mut map, &mut correlation_id, &mut secrets)?;
            op(common, Fields(map))
        }));
        let (ok, text) = match outcome {
            Ok(Ok(Reply::Result(result))) => {
                (true, ok_envelope(&result.to_string(), correlation_id))
            }
            Ok(Ok(Reply::Done(done))) => (done.succeeded(), done.envelope(correlation_id)),
            Ok(Ok(Reply::Envelope(text))) => (true, text),
            Ok(Err(e)) => (false, error_envelope(e, correlation_id).to_string()),
            Err(panic) => (
                false,
                error_envelope(
                    Error::internal(format!("the library panicked: {}", panic_text(&panic))),
                    correlation_id,
                )
                .to_string(),
            ),
        };
        let text = if ok && output == Output::HoldsTokens {
            text
        } else {
            crate::secret::scrub_json(text, &secrets)
        };
        into_c_string(text)
    }));
    answer.unwrap_or_else(|_| LAST_RESORT.to_owned().into_raw())
}

/// Serialise a result straight to JSON text: a 100,000-customer plan as a `Value` tree would cost several
/// times its text.
pub(crate) fn result_json(result: &impl Serialize) -> Result<String> {
    serde_json::to_string(result)
        .map_err(|e| Error::internal(format!("cannot serialise the result: {e}")))
}

/// `{"ok":true,"result":<result_json>,"correlationId":"..."}` without re-parsing the result.
pub(crate) fn ok_envelope(result_json: &str, correlation_id: Uuid) -> String {
    let mut out = String::with_capacity(result_json.len() + 80);
    out.push_str("{\"ok\":true,\"result\":");
    out.push_str(result_json);
    out.push_str(",\"correlationId\":\"");
    out.push_str(&correlation_id.to_string());
    out.push_str("\"}");
    out
}

pub(crate) fn error_envelope(e: Error, correlation_id: Uuid) -> Value {
    let e = e.with_correlation_id(correlation_id);
    let id = e.correlation_id;
    json!({ "ok": false, "error": e, "correlationId": id })
}

fn panic_text(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into())
}

fn read_input<'a>(input: *const c_char) -> Result<&'a str> {
    if input.is_null() {
        return Err(Error::invalid("request_json is NULL: pass a JSON object"));
    }
    // SAFETY: the caller passes a NUL-terminated string that stays valid for the duration of the call (the
    // header's contract); we only read it.
    let bytes = unsafe { CStr::from_ptr(input) }.to_bytes();
    std::str::from_utf8(bytes).map_err(|e| {
        Error::invalid(format!(
            "request_json is not valid UTF-8 (first bad byte at offset {})",
            e.valid_up_to()
        ))
    })
}

fn parse_object(text: &str) -> Result<Map<String, Value>> {
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(other) => Err(Error::invalid(format!(
            "request_json must be a JSON object, not {}",
            type_name(&other)
        ))),
        Err(e) => Err(Error::invalid(format!(
            "request_json is not valid JSON: {e}"
        ))),
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Take the fields every request shares out of `map`: the client's (see [`context::take_client`]) and the
/// call's (`correlationId`, `timeoutSeconds`, `maxRetries`, `trace`); remember every secret seen so that no
/// output can echo it.
fn take_common(
    map: &mut Map<String, Value>,
    correlation_id: &mut Uuid,
    secrets: &mut Vec<Secret>,
) -> Result<Common> {
    // Every secret first, before anything is validated, so that no error can echo one: the known secret
    // fields, everything in `auth` and `partnerCenterAuth` but ids, paths and choices, and the proxy's
    // password.
    for key in [
        "deviceCode",
        "refreshToken",
        "clientSecret",
        "accessToken",
        "code",
        "codeVerifier",
    ] {
        if let Some(Value::String(s)) = map.get(key) {
            secrets.push(Secret::new(s.clone()));
        }
    }
    for auth_key in ["auth", "partnerCenterAuth"] {
        if let Some(v) = map.get(auth_key) {
            super::auth::collect_secrets(v, secrets);
        }
    }
    if let Some(Value::Object(proxy)) = map.get("proxy") {
        if let Some(Value::String(p)) = proxy.get("password") {
            secrets.push(Secret::new(p.clone()));
        }
    }
    // Then the correlation id, so that even an invalid request's error carries the caller's id.
    if let Some(v) = map.remove("correlationId") {
        let text = v
            .as_str()
            .ok_or_else(|| Error::invalid("correlationId must be a GUID string"))?;
        *correlation_id = crate::validate::guid("correlationId", text)?;
    }
    let mut opts = CallOptions {
        correlation_id: *correlation_id,
        ..CallOptions::default()
    };
    if let Some(v) = map.remove("timeoutSeconds") {
        let secs = v
            .as_f64()
            .filter(|s| s.is_finite() && *s > 0.0 && *s <= 86_400.0)
            .ok_or_else(|| {
                Error::invalid(
                    "timeoutSeconds must be a number of seconds greater than 0 and at most 86400",
                )
            })?;
        opts.timeout = Some(Duration::from_secs_f64(secs));
    }
    if let Some(v) = map.remove("maxRetries") {
        let n = v
            .as_u64()
            .filter(|n| *n <= 20)
            .ok_or_else(|| Error::invalid("maxRetries must be an integer from 0 to 20"))?;
        opts.max_retries = Some(n as u32);
    }
    match map.remove("trace") {
        None | Some(Value::Bool(false)) => {}
        Some(Value::Bool(true)) => opts.log = Some(Arc::new(RequestLog::new(10_000))),
        Some(_) => return Err(Error::invalid("trace must be a boolean")),
    }
    let (client, proxy) = context::take_client(map, secrets)?;
    Ok(Common {
        client,
        opts,
        proxy,
        secrets: secrets.clone(),
    })
}

fn into_c_string(text: String) -> *mut c_char {
    // serde_json escapes U+0000, so the JSON text has no interior NUL; the fallback cannot normally happen.
    CString::new(text)
        .unwrap_or_else(|_| CString::from(c"{\"ok\":false,\"error\":{\"kind\":\"internal\",\"message\":\"output held a NUL byte\"}}"))
        .into_raw()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn envelope(ptr: *mut c_char) -> Value {
        // SAFETY: `run` returns a NUL-terminated string from CString::into_raw.
        let text = unsafe { CString::from_raw(ptr) }.into_string().unwrap();
        serde_json::from_str(&text).unwrap()
    }

    #[test]
    fn a_panic_becomes_an_internal_error_envelope() {
        let input = c"{\"correlationId\":\"9b4bf2ca-f374-4d51-9113-781ca87b8380\"}";
        let out = run(
            input.as_ptr(),
            Output::Plain,
            |_, _| -> Result<std::future::Ready<Result<()>>> { panic!("boom in an operation") },
        );
        let env = envelope(out);
        assert_eq!(env["ok"], false);
        assert_eq!(env["error"]["kind"], "internal");
        assert!(env["error"]["message"]
            .as_str()
            .unwrap()
            .contains("boom in an operation"));
        assert_eq!(
            env["error"]["correlationId"],
            "9b4bf2ca-f374-4d51-9113-781ca87b8380"
        );
        // A panic inside the async part too.
        let out = run(c"{}".as_ptr(), Output::Plain, |_, _| {
            Ok(async {
                let v: Vec<u8> = Vec::new();
                #[allow(clippy::out_of_bounds_indexing, unconditional_panic)]
                let _ = v[3];
                Ok(())
            })
        });
        assert_eq!(envelope(out)["error"]["kind"], "internal");
    }

    #[test]
    fn secrets_are_scrubbed_from_errors() {
        let input = c"{\"auth\":{\"tenantId\":\"contoso.onmicrosoft.com\",\"clientId\":\"9b4bf2ca-f374-4d51-9113-781ca87b8380\",\"clientSecret\":\"SUPER-SECRET-VALUE\"}}";
        let out = run(
            input.as_ptr(),
            Output::Plain,
            |_, _| -> Result<std::future::Ready<Result<()>>> {
                Err(Error::invalid("the service echoed SUPER-SECRET-VALUE back"))
            },
        );
        let text = envelope(out).to_string();
        assert!(!text.contains("SUPER-SECRET-VALUE"), "{text}");
        // Identifiers are not secrets: results and messages keep them.
        let out = run(
            input.as_ptr(),
            Output::Plain,
            |_, _| -> Result<std::future::Ready<Result<()>>> {
                Err(Error::invalid(
                    "app 9b4bf2ca-f374-4d51-9113-781ca87b8380 in contoso.onmicrosoft.com",
                ))
            },
        );
        let text = envelope(out).to_string();
        assert!(
            text.contains("9b4bf2ca-f374-4d51-9113-781ca87b8380")
                && text.contains("contoso.onmicrosoft.com"),
            "{text}"
        );
    }
}
