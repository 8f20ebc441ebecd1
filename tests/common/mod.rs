//! Test harness: start the project's emulator on a loopback port, call the C ABI exactly as a C program
//! does (NUL-terminated UTF-8 in, envelope out, freed with `da_string_free`), and talk to the emulator's
//! control endpoints over plain HTTP.
#![allow(dead_code)]

pub use delegated_admin_emulator::{Config, Emulator};
use serde_json::{json, Value};
use std::ffi::{c_char, CStr, CString};
use std::io::{Read, Write};

pub type Export = extern "C" fn(*const c_char) -> *mut c_char;

pub fn start() -> Emulator {
    start_with(Config::default())
}

pub fn start_with(config: Config) -> Emulator {
    Emulator::start(config).expect("emulator starts on a loopback port")
}

/// Call one export with raw bytes (a NUL is appended) and return the parsed envelope.
pub fn call_raw(f: Export, bytes: &[u8]) -> Value {
    let c = CString::new(bytes.to_vec()).expect("test input has no interior NUL");
    call_ptr(f, c.as_ptr())
}

pub fn call_ptr(f: Export, ptr: *const c_char) -> Value {
    let out = f(ptr);
    assert!(!out.is_null(), "exports never return NULL");
    // SAFETY: the library returns a NUL-terminated string it owns until we free it.
    let text = unsafe { CStr::from_ptr(out) }
        .to_str()
        .expect("envelopes are UTF-8")
        .to_string();
    unsafe { delegated_admin::ffi::da_string_free(out) };
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("envelope is JSON ({e}): {text}"))
}

pub fn call(f: Export, request: &Value) -> Value {
    call_raw(f, request.to_string().as_bytes())
}

/// The result of a call that must succeed.
pub fn ok(f: Export, request: &Value) -> Value {
    let env = call(f, request);
    assert_eq!(env["ok"], json!(true), "expected success: {env}");
    assert!(env["correlationId"].as_str().is_some(), "{env}");
    env["result"].clone()
}

/// The error of a call that must fail.
pub fn err(f: Export, request: &Value) -> Value {
    let env = call(f, request);
    assert_eq!(env["ok"], json!(false), "expected failure: {env}");
    let e = env["error"].clone();
    for field in [
        "kind",
        "message",
        "status",
        "code",
        "correlationId",
        "requestId",
        "retryAfterSeconds",
    ] {
        assert!(e.get(field).is_some(), "error lacks `{field}`: {env}");
    }
    e
}

/// A request with the emulator's endpoint, authority and client credentials, plus `extra`.
pub fn request(emu: &Emulator, extra: Value) -> Value {
    let fx = emu.fixtures();
    let mut r = json!({
        "endpoint": emu.url(),
        "authority": emu.url(),
        "auth": { "tenantId": fx["tenantId"], "clientId": fx["clientId"], "clientSecret": fx["clientSecret"] },
        "maxRetries": 2,
        "timeoutSeconds": 20,
    });
    merge(&mut r, extra);
    r
}

pub fn merge(into: &mut Value, extra: Value) {
    if let (Value::Object(a), Value::Object(b)) = (into, extra) {
        for (k, v) in b {
            if v.is_null() {
                a.remove(&k);
            } else {
                a.insert(k, v);
            }
        }
    }
}

/// A plain HTTP/1.1 request to the emulator (control endpoints), returning (status, body).
pub fn http(emu: &Emulator, method: &str, path: &str, body: Option<&Value>) -> (u16, String) {
    let addr = emu.url().trim_start_matches("http://").to_string();
    let mut s = std::net::TcpStream::connect(&addr).expect("connect to emulator");
    let payload = body.map(|b| b.to_string()).unwrap_or_default();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{payload}",
        payload.len()
    )
    .unwrap();
    let mut text = String::new();
    s.read_to_string(&mut text).unwrap();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

pub fn set_faults(emu: &Emulator, faults: Value) {
    let (status, body) = http(emu, "POST", "/_emulator/faults", Some(&faults));
    assert!(status < 300, "faults accepted: {status} {body}");
}

pub fn count_requests(emu: &Emulator) -> usize {
    emu.service_request_count()
}

pub use delegated_admin::ffi::{
    da_access_ledger, da_acquire_token, da_apply, da_get_gdap_relationship,
    da_list_delegated_admin_customers, da_list_gdap_access_assignments, da_list_gdap_customers,
    da_list_gdap_relationships, da_list_lighthouse_assignments, da_plan, da_poll_device_code,
    da_remove_dap_relationship, da_remove_gdap_global_admin_role, da_remove_lighthouse_assignment,
    da_set_gdap_auto_extend, da_start_device_code, da_terminate_gdap_relationship,
    da_update_delegated_admin_relationship,
};

pub const ALL: [(&str, Export); 18] = [
    ("da_acquire_token", da_acquire_token),
    ("da_start_device_code", da_start_device_code),
    ("da_poll_device_code", da_poll_device_code),
    (
        "da_list_delegated_admin_customers",
        da_list_delegated_admin_customers,
    ),
    ("da_remove_dap_relationship", da_remove_dap_relationship),
    (
        "da_update_delegated_admin_relationship",
        da_update_delegated_admin_relationship,
    ),
    (
        "da_list_lighthouse_assignments",
        da_list_lighthouse_assignments,
    ),
    (
        "da_remove_lighthouse_assignment",
        da_remove_lighthouse_assignment,
    ),
    ("da_list_gdap_relationships", da_list_gdap_relationships),
    ("da_get_gdap_relationship", da_get_gdap_relationship),
    ("da_set_gdap_auto_extend", da_set_gdap_auto_extend),
    (
        "da_remove_gdap_global_admin_role",
        da_remove_gdap_global_admin_role,
    ),
    (
        "da_terminate_gdap_relationship",
        da_terminate_gdap_relationship,
    ),
    (
        "da_list_gdap_access_assignments",
        da_list_gdap_access_assignments,
    ),
    ("da_list_gdap_customers", da_list_gdap_customers),
    ("da_plan", da_plan),
    ("da_apply", da_apply),
    ("da_access_ledger", da_access_ledger),
];

// ---------------------------------------------------------------------------------------------------------
// Helpers for the fault, secret and memory tests (appended; the functions above are unchanged).

/// Call one export and return the envelope exactly as the library wrote it (before any parsing), so that
/// tests can search the raw text, escapes included.
pub fn call_text(f: Export, request: &Value) -> String {
    let c = CString::new(request.to_string()).expect("test input has no interior NUL");
    call_ptr_text(f, c.as_ptr())
}

/// Like [`call_text`], with raw bytes (a NUL is appended).
pub fn call_raw_text(f: Export, bytes: &[u8]) -> String {
    let c = CString::new(bytes.to_vec()).expect("test input has no interior NUL");
    call_ptr_text(f, c.as_ptr())
}

fn call_ptr_text(f: Export, ptr: *const c_char) -> String {
    let out = f(ptr);
    assert!(!out.is_null(), "exports never return NULL");
    // SAFETY: the library returns a NUL-terminated string it owns until we free it.
    let text = unsafe { CStr::from_ptr(out) }
        .to_str()
        .expect("envelopes are UTF-8")
        .to_string();
    unsafe { delegated_admin::ffi::da_string_free(out) };
    text
}

/// The emulator's request log as served by `GET /_emulator/requests` (the raw JSON text).
pub fn emulator_requests_text(emu: &Emulator) -> String {
    let (status, body) = http(emu, "GET", "/_emulator/requests", None);
    assert_eq!(status, 200, "request log: {body}");
    body
}

/// `POST /_emulator/requests/clear`.
pub fn clear_emulator_requests(emu: &Emulator) {
    let (status, body) = http(emu, "POST", "/_emulator/requests/clear", None);
    assert!(status < 300, "request log cleared: {status} {body}");
}

/// `POST /_emulator/faults/clear`.
pub fn clear_faults(emu: &Emulator) {
    let (status, body) = http(emu, "POST", "/_emulator/faults/clear", None);
    assert!(status < 300, "faults cleared: {status} {body}");
}

/// This process's resident set size in KiB (`VmRSS` of /proc/self/status); None off Linux.
pub fn vm_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// A fresh directory under the system temp dir for one test's files.
pub fn temp_dir(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("da-{name}-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A cleanup report's counts add up: every customer ends removed, failed or skipped, and so does every
/// candidate, and there is one outcome per customer.
pub fn assert_counts_add_up(report: &Value) {
    let c = &report["counts"];
    let n = |k: &str| c[k].as_u64().unwrap();
    assert_eq!(
        n("customers"),
        n("removed") + n("failed") + n("skipped"),
        "{c}"
    );
    assert_eq!(
        n("candidates"),
        n("removed") + n("failed") + n("skippedCandidates"),
        "{c}"
    );
    assert_eq!(
        report["outcomes"].as_array().unwrap().len() as u64,
        n("customers")
    );
}
