//! The library's memory stays flat over 100,000 C ABI calls.
//!
//!   cargo run --release --example memory_flat              # 100,000 calls
//!   cargo run --release --example memory_flat -- 20000     # another count (a multiple of 10,000)
//!
//! Starts the emulator in this process, warms up, then makes the calls, mixing valid requests (list one
//! customer, remove the DAP of an already removed customer, update a GDAP relationship) and invalid ones
//! (malformed JSON, a customer id that is not a GUID), exactly as a C program would: NUL-terminated UTF-8 in,
//! envelope out, freed with `da_string_free`. Reads VmRSS from /proc/self/status every 10,000 calls and
//! prints the series and the growth from 10,000 to the last call.
//!
//! The emulator shares the process, and its request log (a ring of up to 100,000 entries) grows with every
//! request; it is cleared every 10,000 calls so that the figure is the library's.

use delegated_admin::ffi::*;
use delegated_admin_emulator::{Config, Emulator};
use serde_json::json;
use std::ffi::{c_char, CStr, CString};
use std::io::{Read, Write};
use std::time::Instant;

type Export = extern "C" fn(*const c_char) -> *mut c_char;

const STEP: usize = 10_000;

/// Call one export and report whether it answered `ok` (the envelope's first field).
fn call(f: Export, request: &CStr) -> bool {
    let out = f(request.as_ptr());
    assert!(!out.is_null(), "exports never return NULL");
    // SAFETY: the library returns a NUL-terminated string it owns until we free it.
    let ok = unsafe { CStr::from_ptr(out) }
        .to_bytes()
        .starts_with(b"{\"ok\":true");
    unsafe { da_string_free(out) };
    ok
}

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

fn clear_request_log(emu: &Emulator) {
    let addr = emu.url().trim_start_matches("http://");
    let mut s = std::net::TcpStream::connect(addr).expect("connect to the emulator");
    write!(
        s,
        "POST /_emulator/requests/clear HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    s.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 204"), "{answer}");
}

fn main() {
    let total: usize = std::env::args()
        .nth(1)
        .map(|a| a.parse().expect("the call count is a number"))
        .unwrap_or(100_000);
    assert!(
        total >= 2 * STEP && total.is_multiple_of(STEP),
        "a multiple of {STEP}, at least {}",
        2 * STEP
    );

    let emu = Emulator::start(Config::default()).expect("emulator starts");
    let fx = emu.fixtures();
    let common = json!({
        "endpoint": emu.url(), "authority": emu.url(),
        "auth": { "tenantId": fx["tenantId"], "clientId": fx["clientId"], "clientSecret": fx["clientSecret"] },
        "maxRetries": 0, "timeoutSeconds": 30,
    });
    let with = |extra: serde_json::Value| {
        let mut r = common.clone();
        for (k, v) in extra.as_object().unwrap() {
            r[k] = v.clone();
        }
        CString::new(r.to_string()).unwrap()
    };
    let rel = &fx["relationships"][0];
    let mix: [(&str, Export, CString, bool); 5] = [
        (
            "list top 1",
            da_list_delegated_admin_customers,
            with(json!({ "top": 1 })),
            true,
        ),
        (
            "remove an already removed DAP",
            da_remove_dap_relationship,
            with(json!({ "customerTenantId": fx["inactiveDapCustomerIds"][0] })),
            true,
        ),
        (
            "update a relationship",
            da_update_delegated_admin_relationship,
            with(json!({
                "tenantDomain": fx["tenantDomain"], "customerId": rel["customerId"],
                "relationshipId": rel["relationshipId"], "providerInstanceId": rel["providerInstanceId"],
                "autoExtendEnabled": true,
            })),
            true,
        ),
        (
            "malformed JSON",
            da_list_delegated_admin_customers,
            CString::new("{\"top\": 3, \"auth\": {").unwrap(),
            false,
        ),
        (
            "customer id not a GUID",
            da_remove_dap_relationship,
            with(json!({ "customerTenantId": "not-a-guid" })),
            false,
        ),
    ];

    // Warm up: the runtime, the connection pool, the token cache, the allocator's arenas.
    for i in 0..2_000 {
        let (name, f, req, expect) = &mix[i % mix.len()];
        assert_eq!(call(*f, req), *expect, "warm-up: {name}");
    }
    clear_request_log(&emu);
    let start_rss = rss_kib();
    println!(
        "memory_flat: {total} C ABI calls against the in-process emulator at {}",
        emu.url()
    );
    println!("after warm-up (2,000 calls): VmRSS {start_rss} KiB");

    let started = Instant::now();
    let mut series = Vec::new();
    let mut unexpected = 0usize;
    for i in 0..total {
        let (_, f, req, expect) = &mix[i % mix.len()];
        if call(*f, req) != *expect {
            unexpected += 1;
        }
        if (i + 1) % STEP == 0 {
            clear_request_log(&emu);
            let rss = rss_kib();
            series.push((i + 1, rss));
            println!("{:>7} calls: VmRSS {rss:>7} KiB", i + 1);
        }
    }
    let took = started.elapsed();
    let (_, at_first) = series[0];
    let (_, at_last) = *series.last().unwrap();
    let growth = at_last as i64 - at_first as i64;
    let max = series.iter().map(|(_, r)| *r).max().unwrap();
    let min = series.iter().map(|(_, r)| *r).min().unwrap();
    println!(
        "growth from {STEP} to {total} calls: {growth:+} KiB ({:+.2} MB; {:+.1} bytes per call); range {min}..{max} KiB",
        growth as f64 / 1024.0,
        growth as f64 * 1024.0 / (total - STEP) as f64
    );
    println!(
        "{total} calls in {:.1} s ({:.0} calls/s); unexpected answers: {unexpected}",
        took.as_secs_f64(),
        total as f64 / took.as_secs_f64()
    );
    assert_eq!(unexpected, 0, "every call answered as expected");
}
