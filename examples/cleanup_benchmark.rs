//! DAP cleanup benchmark against the emulator (a separate process), through the C ABI as C, C# and
//! PowerShell use it. Prints times, ratios and peak memory; asserts nothing about speed.
//!
//!   cargo build --release --workspace
//!   cargo run --release --example cleanup_benchmark                 # 10,000 customers, 3,000 candidates
//!   cargo run --release --example cleanup_benchmark -- --memory     # peak memory at 100,000 customers
//!
//! Options: --customers N --candidates N --latency-ms N --rate-limit N --concurrency N --skip-sequential;
//! with --memory: --full, --allow-without-gdap (plan without the GDAP rule, to see what its listing costs)

#[path = "support/mod.rs"]
mod support;

use delegated_admin::ffi::*;
use serde_json::{json, Value};
use std::ffi::{c_char, CStr, CString};
use std::time::Instant;
use support::*;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--memory") {
        return memory(&args);
    }
    let customers = arg(&args, "--customers", 10_000);
    let candidates = arg(&args, "--candidates", 3_000);
    let latency_ms = arg(&args, "--latency-ms", 50);
    let rate = arg(&args, "--rate-limit", 100);
    let concurrency = arg(&args, "--concurrency", 8);
    let emu_args: Vec<String> = [
        "--customers".into(),
        customers.to_string(),
        "--inactive-dap".into(),
        candidates.to_string(),
        "--latency-ms".into(),
        latency_ms.to_string(),
        "--rate-limit".into(),
        rate.to_string(),
    ]
    .to_vec();
    println!("DAP cleanup benchmark: {customers} customers, {candidates} inactive DAP, {latency_ms} ms latency, {rate} requests/s limit");

    // (a) What a script loop does: list everything, pick the inactive ones, remove one at a time.
    let sequential = if args.iter().any(|a| a == "--skip-sequential") {
        None
    } else {
        let emu = emulator(&emu_args);
        let t = Instant::now();
        let list = call(
            da_list_delegated_admin_customers,
            &with(base(&emu), json!({ "allPages": true })),
        );
        let cutoff = chrono::Utc::now() - chrono::Duration::days(90);
        let inactive: Vec<String> = list["customers"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["dapEnabled"] == json!(true))
            .filter(|c| {
                let t = c["lastSignInDateTime"]
                    .as_str()
                    .or(c["startDateTime"].as_str())
                    .unwrap_or("");
                chrono::DateTime::parse_from_rfc3339(t).is_ok_and(|t| t < cutoff)
            })
            .map(|c| c["customerTenantId"].as_str().unwrap().to_string())
            .collect();
        for id in &inactive {
            call(
                da_remove_dap_relationship,
                &with(base(&emu), json!({ "customerTenantId": id })),
            );
        }
        let secs = t.elapsed().as_secs_f64();
        println!(
            "(a) sequential loop of da_remove_dap_relationship: {:>8.2} s ({} removed)",
            secs,
            inactive.len()
        );
        Some(secs)
    };

    // (c) first, on the emulator (b) then cleans up: what the GDAP rule costs a plan (one more listing, of
    // the active GDAP relationships) and how many candidates it holds. (b) itself plans with
    // allowWithoutGdap, so that it does the same work as the script loop (a), which checks no GDAP.
    let emu = emulator(&emu_args);
    let t = Instant::now();
    let with_gdap = call(da_plan_dap_cleanup, &base(&emu));
    let gdap_plan_secs = t.elapsed().as_secs_f64();

    // (b) The cleanup: plan, then apply with bounded concurrency paced at the rate limit.
    let t = Instant::now();
    let plan = call(
        da_plan_dap_cleanup,
        &with(base(&emu), json!({ "allowWithoutGdap": true })),
    );
    let planned = t.elapsed().as_secs_f64();
    let report = call(
        da_apply_dap_cleanup,
        &with(
            base(&emu),
            json!({ "plan": plan, "concurrency": concurrency, "requestsPerSecond": rate }),
        ),
    );
    let secs = t.elapsed().as_secs_f64();
    let stats = get(&emu.url, "/_emulator/stats");
    let counts = &report["counts"];
    println!(
        "(b) cleanup (plan {planned:.2} s + apply):               {secs:>8.2} s ({} removed, {} failed, {} requests, {} throttle pauses)",
        counts["removed"], counts["failed"], report["requests"], report["throttlePauses"]
    );
    if let Some(seq) = sequential {
        println!("    speed-up (a)/(b): {:.1}x", seq / secs);
    }
    // The floor: listing pages are sequential (each needs the previous one's link); removals can go no faster
    // than the rate limit, nor than `concurrency` requests per latency.
    let lat = latency_ms as f64 / 1000.0;
    let plan_pages = (customers as f64 / 300.0).ceil();
    let recheck_pages =
        (report["requests"].as_f64().unwrap() - counts["removed"].as_f64().unwrap()).max(0.0);
    let removals = counts["removed"].as_f64().unwrap() + counts["failed"].as_f64().unwrap();
    let removal_rate = (rate as f64).min(concurrency as f64 / lat);
    let floor = (plan_pages + recheck_pages) * lat + removals / removal_rate;
    println!(
        "    floor ({} + {} listing pages x {latency_ms} ms + {} removals at {:.0}/s): {:.2} s; cleanup / floor = {:.3}",
        plan_pages, recheck_pages, removals, removal_rate, floor, secs / floor
    );
    println!(
        "    emulator: {} service requests, {} answered 429 (every one retried: {} failed)",
        stats["serviceRequests"], stats["throttled"], counts["failed"]
    );
    let active_gdap = emu.fixtures["gdap"]["statusCounts"]["active"]
        .as_f64()
        .unwrap_or(0.0);
    println!(
        "(c) the same plan with the GDAP rule (default): {gdap_plan_secs:.2} s, {:.2} s more than (b)'s plan for {} listing pages of the active GDAP relationships; {} candidates, {} held without an active GDAP relationship",
        gdap_plan_secs - planned,
        (active_gdap / 300.0).ceil(),
        with_gdap["summary"]["candidates"],
        with_gdap["gdap"]["held"]
    );
    println!("    peak RSS of this process: {:.1} MB", peak_rss_mb());
}

/// Peak memory of plan + apply at 100,000 customers. By default the large outputs go to files and the calls
/// return summaries (`summaryOnly`); with `--full` the plan and the report come back through the C ABI too,
/// and this process parses neither (it only checks the envelope's head), so the figure is the library's.
fn memory(args: &[String]) {
    let customers = arg(args, "--customers", 100_000);
    let candidates = arg(args, "--candidates", 30_000);
    let full = args.iter().any(|a| a == "--full");
    let allow_without_gdap = args.iter().any(|a| a == "--allow-without-gdap");
    let emu = emulator(&[
        "--customers".into(),
        customers.to_string(),
        "--inactive-dap".into(),
        candidates.to_string(),
    ]);
    let dir = std::env::temp_dir().join(format!("da-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let baseline = peak_rss_mb();
    let t = Instant::now();
    let plan_path = dir.join("plan.json");
    let plan_len = call_len(
        da_plan_dap_cleanup,
        &with(
            base(&emu),
            json!({ "planPath": plan_path.to_str(), "summaryOnly": !full, "allowWithoutGdap": allow_without_gdap }),
        ),
    );
    let after_plan = peak_rss_mb();
    let report_len = call_len(
        da_apply_dap_cleanup,
        &with(
            base(&emu),
            json!({
                "planPath": plan_path.to_str(), "concurrency": 16, "requestsPerSecond": 0, "summaryOnly": !full,
                "journalPath": dir.join("journal.jsonl").to_str(), "reportPath": dir.join("report.json").to_str(),
                "reportCsvPath": dir.join("report.csv").to_str(),
            }),
        ),
    );
    let secs = t.elapsed().as_secs_f64();
    // Read before this benchmark parses the report file for its own printing.
    let after_apply = peak_rss_mb();
    let report: Value =
        serde_json::from_slice(&std::fs::read(dir.join("report.json")).unwrap()).unwrap();
    println!(
        "memory ({}): {customers} customers, {} candidates, {} removed in {secs:.1} s; plan result {:.1} MB, report result {:.1} MB",
        if full { "plan and report returned through the C ABI" } else { "plan and report to files, summaries returned" },
        report["counts"]["candidates"],
        report["counts"]["removed"],
        plan_len as f64 / 1e6,
        report_len as f64 / 1e6,
    );
    println!("    peak RSS: {baseline:.1} MB at start, {after_plan:.1} MB after plan, {after_apply:.1} MB after apply");
    let _ = std::fs::remove_dir_all(dir);
}

/// One call whose envelope is only checked at its head and measured, never parsed.
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
