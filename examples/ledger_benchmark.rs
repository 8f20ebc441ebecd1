//! The access ledger's benchmark against the emulator (a separate process), through the C ABI: the ledger of
//! 10,000 customers (their GDAP relationships and access assignments, and the Lighthouse delegations of the
//! subscriptions the credential sees) built once returned as JSON and once written to a file in each format,
//! with this process's peak memory (VmHWM: the library runs in it; the emulator does not); then the same
//! reads as a script would do them, one single-item function after another, measured in the same run.
//! Prints times, ratios against that loop and against the floor that latency and concurrency allow, and
//! peak memory; asserts nothing about speed.
//!
//!   cargo build --release --workspace
//!   cargo run --release --example ledger_benchmark
//!
//! Options: --customers N (10,000) --subscriptions N (500; 4 assignments each, 3 at subscription scope)
//! --latency-ms N (20) --concurrency N (8) --skip-sequential --html PATH (keep the HTML page there)

#[path = "support/mod.rs"]
mod support;

use delegated_admin::ffi::*;
use serde_json::{json, Value};
use std::ffi::{c_char, CStr, CString};
use std::time::Instant;
use support::*;

/// One call whose envelope is only checked at its head and measured, never parsed: the memory figure is
/// the library's, not this program's copy of a 30 MB answer.
fn call_len(f: extern "C" fn(*const c_char) -> *mut c_char, request: &Value) -> usize {
    let c = CString::new(request.to_string()).unwrap();
    let out = f(c.as_ptr());
    let bytes = unsafe { CStr::from_ptr(out) }.to_bytes();
    assert!(
        bytes.starts_with(b"{\"ok\":true"),
        "{}",
        String::from_utf8_lossy(&bytes[..bytes.len().min(2000)])
    );
    let len = bytes.len();
    unsafe { da_string_free(out) };
    len
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1e6
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let customers = arg(&args, "--customers", 10_000);
    let subscriptions = arg(&args, "--subscriptions", 500);
    let latency_ms = arg(&args, "--latency-ms", 20);
    let concurrency = arg(&args, "--concurrency", 8);
    let html = args
        .iter()
        .position(|a| a == "--html")
        .and_then(|i| args.get(i + 1))
        .cloned();
    let emu = emulator(&[
        "--customers".into(),
        customers.to_string(),
        "--subscriptions".into(),
        subscriptions.to_string(),
        "--latency-ms".into(),
        latency_ms.to_string(),
        "--arm-page-size".into(),
        "100".into(),
    ]);
    let fx = &emu.fixtures;
    let relationships = fx["gdap"]["relationshipCount"].as_u64().unwrap();
    let active = fx["gdap"]["statusCounts"]["active"].as_u64().unwrap();
    let visible = fx["lighthouse"]["visibleSubscriptionCount"]
        .as_u64()
        .unwrap();
    println!(
        "Access ledger benchmark: {customers} customers, {relationships} GDAP relationships ({active} active), {visible} subscriptions with Lighthouse delegations, {latency_ms} ms latency, concurrency {concurrency}"
    );
    let start_rss = peak_rss_mb();

    // (b) The ledger, returned through the C ABI as JSON (the result is measured, not parsed).
    let t = Instant::now();
    let len = call_len(
        da_access_ledger,
        &with(base(&emu), json!({ "concurrency": concurrency })),
    );
    let ledger_secs = t.elapsed().as_secs_f64();
    let after_json = peak_rss_mb();
    println!(
        "(b) da_access_ledger, JSON returned:          {ledger_secs:>8.2} s ({:.1} MB envelope); peak RSS {after_json:.1} MB (at start {start_rss:.1} MB)",
        mb(len as u64)
    );

    // The same ledger written to a file, in each format.
    let dir = std::env::temp_dir().join(format!("da-ledger-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for format in ["json", "csv", "html"] {
        let path = match (&html, format) {
            (Some(p), "html") => std::path::PathBuf::from(p),
            _ => dir.join(format!("ledger.{format}")),
        };
        let t = Instant::now();
        call_len(
            da_access_ledger,
            &with(
                base(&emu),
                json!({ "concurrency": concurrency, "format": format, "outputPath": path.to_str() }),
            ),
        );
        let secs = t.elapsed().as_secs_f64();
        let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        println!(
            "    to a {format:<4} file:                          {secs:>8.2} s ({:.1} MB); peak RSS so far {:.1} MB",
            mb(size),
            peak_rss_mb()
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
    let ledger_peak = peak_rss_mb();

    // The floor: the three sources run at once; each listing's pages follow one another (each needs the
    // link of the one before), the per-relationship and per-subscription listings `concurrency` at a time.
    let lat = latency_ms as f64 / 1000.0;
    let pages = |n: u64, size: u64| n.div_ceil(size).max(1) as f64;
    let dap = pages(customers, 300);
    let gdap = pages(relationships, 300) + (active as f64 / concurrency as f64).ceil();
    let arm = pages(visible, 100) + (visible as f64 / concurrency as f64).ceil();
    let floor = dap.max(gdap).max(arm) * lat;
    println!(
        "    floor (max of DAP {dap} pages, GDAP {gdap} rounds, ARM {arm} rounds, x {latency_ms} ms): {floor:.2} s; ledger / floor = {:.3}",
        ledger_secs / floor
    );

    // (a) What a script does: list everything, then each active relationship's access assignments and each
    // subscription's delegations, one call after another.
    if !args.iter().any(|a| a == "--skip-sequential") {
        let t = Instant::now();
        let listed = call(
            da_list_delegated_admin_customers,
            &with(base(&emu), json!({ "allPages": true })),
        );
        let rels = call(da_list_gdap_relationships, &base(&emu));
        let mut calls = 2;
        for r in rels["relationships"].as_array().unwrap() {
            if r["status"] == "active" {
                call(
                    da_list_gdap_access_assignments,
                    &with(base(&emu), json!({ "id": r["id"] })),
                );
                calls += 1;
            }
        }
        let subs = get(&emu.url, "/_emulator/fixtures?lighthouse=summary");
        for s in subs["subscriptions"].as_array().unwrap() {
            if s["assignmentCount"].as_u64().unwrap_or(0) == 0 {
                continue;
            }
            call(
                da_list_lighthouse_assignments,
                &with(
                    base(&emu),
                    json!({ "scope": format!("/subscriptions/{}", s["subscriptionId"].as_str().unwrap()), "includeDefinition": true }),
                ),
            );
            calls += 1;
        }
        let secs = t.elapsed().as_secs_f64();
        println!(
            "(a) sequential loop of the single-item functions: {secs:>8.2} s ({calls} calls, {} customers listed, nothing joined)",
            listed["customers"].as_array().unwrap().len()
        );
        println!("    speed-up (a)/(b): {:.1}x", secs / ledger_secs);
    }
    println!("    peak RSS of the ledger runs (before the loop): {ledger_peak:.1} MB");
}
