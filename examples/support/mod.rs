//! What the benchmarks share: the emulator as a separate process, calls through the C ABI, arguments and
//! peak memory.
#![allow(dead_code)]

use delegated_admin::ffi::da_string_free;
use serde_json::{json, Value};
use std::ffi::{c_char, CStr, CString};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

pub struct Emu {
    pub child: Child,
    pub url: String,
    pub fixtures: Value,
}

impl Drop for Emu {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn emulator(args: &[String]) -> Emu {
    let exe = std::env::current_exe().unwrap();
    let bin = exe.parent().unwrap().parent().unwrap().join("da-emulator");
    assert!(
        bin.exists(),
        "build the emulator first: cargo build --release --workspace ({} missing)",
        bin.display()
    );
    let mut child = Command::new(bin)
        .args(["--port", "0"])
        .args(args)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line.trim().trim_start_matches("listening on ").to_string();
    let fixtures = get(&url, "/_emulator/fixtures");
    Emu {
        child,
        url,
        fixtures,
    }
}

pub fn get(url: &str, path: &str) -> Value {
    use std::io::{Read, Write};
    let addr = url.trim_start_matches("http://");
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut text = String::new();
    s.read_to_string(&mut text).unwrap();
    let body = text.split_once("\r\n\r\n").unwrap().1;
    // The emulator may answer chunked; take the JSON between the first '{'/'[' and the last '}'/']'.
    let start = body.find(['{', '[']).unwrap();
    let end = body.rfind(['}', ']']).unwrap();
    serde_json::from_str(&body[start..=end]).unwrap()
}

pub fn call(f: extern "C" fn(*const c_char) -> *mut c_char, request: &Value) -> Value {
    let c = CString::new(request.to_string()).unwrap();
    let out = f(c.as_ptr());
    let text = unsafe { CStr::from_ptr(out) }.to_str().unwrap().to_string();
    unsafe { da_string_free(out) };
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["ok"], json!(true), "{}", &text[..text.len().min(2000)]);
    v["result"].clone()
}

pub fn base(emu: &Emu) -> Value {
    let fx = &emu.fixtures;
    json!({
        "endpoint": emu.url, "authority": emu.url, "timeoutSeconds": 120, "maxRetries": 8,
        "auth": { "tenantId": fx["tenantId"], "clientId": fx["clientId"], "clientSecret": fx["clientSecret"] },
    })
}

pub fn with(mut v: Value, extra: Value) -> Value {
    for (k, x) in extra.as_object().unwrap() {
        v[k] = x.clone();
    }
    v
}

pub fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb: f64 = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0.0);
    kb / 1024.0
}

pub fn arg(args: &[String], name: &str, default: u64) -> u64 {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}
