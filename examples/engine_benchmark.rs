//! The engine's benchmark against the emulator (a separate process), through the C ABI: the GDAP lifecycle
//! (plan + apply) on 10,000 relationships and the removal of 2,000 Azure Lighthouse assignments, each at
//! 50 ms latency with the services' limits, against the floor that latency, concurrency and the limits
//! allow and against a sequential loop of the single-item functions, measured in the same run. Prints
//! times and ratios; asserts nothing about speed.
//!
//!   cargo build --release --workspace
//!   cargo run --release --example engine_benchmark
//!
//! Options: --relationships N --subscriptions N --assignments-per-subscription N --arm-page-size N --latency-ms N
//! --rate-limit N (GDAP: requests per one-second window over all services, default 100)
//! --lighthouse-rate-limit N (default 0: ARM's delete bucket is the limit) --concurrency N --skip-sequential
//! --only gdap|lighthouse

#[path = "support/mod.rs"]
mod support;

use delegated_admin::ffi::*;
use serde_json::json;
use std::time::Instant;
use support::*;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let only = args
        .iter()
        .position(|a| a == "--only")
        .and_then(|i| args.get(i + 1))
        .cloned();
    if only.as_deref() != Some("lighthouse") {
        gdap(&args);
    }
    if only.as_deref() != Some("gdap") {
        lighthouse(&args);
    }
    println!("peak RSS of this process: {:.1} MB", peak_rss_mb());
}

fn gdap(args: &[String]) {
    let relationships = arg(args, "--relationships", 10_000);
    let latency_ms = arg(args, "--latency-ms", 50);
    let rate = arg(args, "--rate-limit", 100);
    let concurrency = arg(args, "--concurrency", 8);
    let emu_args: Vec<String> = vec![
        "--customers".into(),
        (relationships / 2).max(10).to_string(),
        "--gdap-relationships".into(),
        relationships.to_string(),
        "--latency-ms".into(),
        latency_ms.to_string(),
        "--rate-limit".into(),
        rate.to_string(),
    ];
    println!(
        "GDAP lifecycle: {relationships} relationships, {latency_ms} ms latency, {rate} requests/s limit, concurrency {concurrency}"
    );
    let lat = latency_ms as f64 / 1000.0;

    // (a) A script's loop: list those ending within 60 days, then turn auto-extend on one at a time for
    // the ones without Global Administrator that are not extended yet.
    let sequential = if args.iter().any(|a| a == "--skip-sequential") {
        None
    } else {
        let emu = emulator(&emu_args);
        let t = Instant::now();
        let list = call(
            da_list_gdap_relationships,
            &with(
                base(&emu),
                json!({ "status": "active", "expiringWithinDays": 60 }),
            ),
        );
        let mut changed = 0;
        for r in list["relationships"].as_array().unwrap() {
            let ga = r["accessDetails"]["unifiedRoles"]
                .as_array()
                .is_some_and(|roles| {
                    roles.iter().any(|x| {
                        x["roleDefinitionId"] == json!("62e90394-69f5-4237-9190-012177145e10")
                    })
                });
            if ga || r["autoExtendDuration"] == json!("P180D") {
                continue;
            }
            call(
                da_set_gdap_auto_extend,
                &with(
                    base(&emu),
                    json!({ "id": r["id"], "autoExtendDuration": "P180D" }),
                ),
            );
            changed += 1;
        }
        let secs = t.elapsed().as_secs_f64();
        println!(
            "(a) sequential loop of da_set_gdap_auto_extend: {secs:>8.2} s ({changed} changed)"
        );
        Some(secs)
    };

    let emu = emulator(&emu_args);
    // What one listing of every relationship costs here (every page, the emulator's own work included):
    // the plan and the recheck each need one, so the floor counts two of these rather than latency alone.
    let t = Instant::now();
    call(da_list_gdap_relationships, &base(&emu));
    let listing = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let plan = call(
        da_plan,
        &with(base(&emu), json!({ "action": "gdapLifecycle" })),
    );
    let planned = t.elapsed().as_secs_f64();
    // Paced at the limit the service documents (here the emulator's), as the DAP cleanup is: a 429 would
    // pause every worker for its Retry-After.
    let pace = if rate == 0 { json!(0) } else { json!(rate) };
    let report = call(
        da_apply,
        &with(
            base(&emu),
            json!({ "plan": plan, "concurrency": concurrency, "requestsPerSecond": pace, "summaryOnly": true }),
        ),
    );
    let secs = t.elapsed().as_secs_f64();
    let c = &report["counts"];
    println!(
        "(b) engine (plan {planned:.2} s + apply):            {secs:>8.2} s ({} done, {} failed, {} skipped of {} candidates; {} requests, {} throttle pauses)",
        c["done"], c["failed"], c["skippedCandidates"], c["candidates"], report["requests"], report["throttlePauses"]
    );
    if let Some(seq) = sequential {
        println!("    speed-up (a)/(b): {:.1}x", seq / secs);
    }
    // The floor: two listings of every relationship, as measured above (pages are sequential: each needs the
    // previous one's link); the changes (one PATCH each) no faster than `concurrency` per latency, nor than
    // the emulator's `rate` requests per one-second window.
    let pages = (relationships as f64 / 300.0).ceil();
    let changes = c["done"].as_f64().unwrap() + c["failed"].as_f64().unwrap();
    let change_secs = (changes * lat / concurrency as f64).max(if rate == 0 {
        0.0
    } else {
        changes / rate as f64
    });
    let floor = 2.0 * listing + change_secs;
    println!(
        "    floor (2 listings of {pages} pages, {listing:.2} s each as measured + {changes} changes in {change_secs:.2} s at min({concurrency} per {latency_ms} ms, {rate}/s)): {floor:.2} s; engine / floor = {:.3}",
        secs / floor
    );
    let stats = get(&emu.url, "/_emulator/stats");
    println!(
        "    emulator: {} service requests, {} answered 429",
        stats["serviceRequests"], stats["throttled"]
    );
}

fn lighthouse(args: &[String]) {
    let subscriptions = arg(args, "--subscriptions", 600);
    // 5 per subscription, one at a resource group; about 85% the partner's (the rest another managing
    // tenant's, kept by the plan): about 2,000 to remove.
    let per_subscription = arg(args, "--assignments-per-subscription", 5);
    let page = arg(args, "--arm-page-size", 100);
    let latency_ms = arg(args, "--latency-ms", 50);
    // ARM's binding limit on this job is the delete bucket, which the engine keeps; no window limit by default.
    let rate = arg(args, "--lighthouse-rate-limit", 0);
    let concurrency = arg(args, "--concurrency", 8);
    let emu_args: Vec<String> = vec![
        "--customers".into(),
        "50".into(),
        "--subscriptions".into(),
        subscriptions.to_string(),
        "--assignments-per-subscription".into(),
        per_subscription.to_string(),
        "--arm-page-size".into(),
        page.to_string(),
        // ARM's own delete bucket, per subscription and caller (the engine's single one is stricter).
        "--arm-delete-bucket".into(),
        "on".into(),
        "--latency-ms".into(),
        latency_ms.to_string(),
        "--rate-limit".into(),
        rate.to_string(),
        "--lro-polls".into(),
        "0".into(),
        "--lro-retry-after".into(),
        "0".into(),
    ];
    let lat = latency_ms as f64 / 1000.0;
    println!(
        "Lighthouse removal: {subscriptions} subscriptions x {per_subscription} assignments, {latency_ms} ms latency, ARM pages of {page}, ARM's delete bucket on (the emulator's per subscription; the engine's one bucket of 200 + 10/s), {rate} requests/s window limit, concurrency {concurrency}"
    );
    let partner = |emu: &Emu| emu.fixtures["tenantId"].clone();

    // (a) A script's loop: for each subscription, list its assignments, then delete each one, one at a time.
    let sequential = if args.iter().any(|a| a == "--skip-sequential") {
        None
    } else {
        let emu = emulator(&emu_args);
        let t = Instant::now();
        let mut removed = 0;
        for s in emu.fixtures["subscriptions"].as_array().unwrap() {
            let scope = format!("/subscriptions/{}", s["subscriptionId"].as_str().unwrap());
            let listed = call(
                da_list_lighthouse_assignments,
                &with(
                    base(&emu),
                    json!({ "scope": scope, "includeDefinition": true }),
                ),
            );
            let mine = |a: &&serde_json::Value| {
                a["properties"]["registrationDefinition"]["properties"]["managedByTenantId"]
                    == partner(&emu)
            };
            for a in listed["assignments"]
                .as_array()
                .unwrap()
                .iter()
                .filter(mine)
            {
                call(
                    da_remove_lighthouse_assignment,
                    &with(base(&emu), json!({ "assignmentId": a["id"], "wait": true })),
                );
                removed += 1;
            }
        }
        let secs = t.elapsed().as_secs_f64();
        println!("(a) sequential loop of da_remove_lighthouse_assignment: {secs:>8.2} s ({removed} removed)");
        Some(secs)
    };

    let emu = emulator(&emu_args);
    let t = Instant::now();
    let plan = call(
        da_plan,
        &with(
            base(&emu),
            json!({ "action": "removeLighthouseAssignment", "managedByTenantIds": [partner(&emu)] }),
        ),
    );
    let planned = t.elapsed().as_secs_f64();
    let report = call(
        da_apply,
        &with(
            base(&emu),
            json!({ "plan": plan, "concurrency": concurrency, "summaryOnly": true }),
        ),
    );
    let secs = t.elapsed().as_secs_f64();
    let c = &report["counts"];
    println!(
        "(b) engine (plan {planned:.2} s + apply):            {secs:>8.2} s ({} removed, {} failed of {} candidates; {} requests, {} throttle pauses)",
        c["removed"], c["failed"], c["candidates"], report["requests"], report["throttlePauses"]
    );
    if let Some(seq) = sequential {
        println!("    speed-up (a)/(b): {:.1}x", seq / secs);
    }
    // The floor: the subscriptions' pages one after another, then each subscription's assignment pages
    // twice (plan and recheck), 8 subscriptions at a time; the deletes no faster than the engine's bucket
    // allows (200 at once, then 10 a second), nor than `concurrency` at a time, each a DELETE, the library's
    // shortest poll interval (250 ms: ARM's Retry-After is not obeyed below it) and the poll that sees it
    // done, nor the window limit if any.
    let deletes = c["removed"].as_f64().unwrap() + c["failed"].as_f64().unwrap();
    let page_size = if page == 0 { f64::MAX } else { page as f64 };
    let subscription_pages = (subscriptions as f64 / page_size).ceil().max(1.0);
    let assignment_pages = (per_subscription as f64 / page_size).ceil().max(1.0);
    let listings =
        subscription_pages + 2.0 * (subscriptions as f64 / 8.0).ceil() * assignment_pages;
    let bucket_secs = ((deletes - 200.0).max(0.0)) / 10.0;
    let concurrency_secs = deletes * (2.0 * lat + 0.25) / concurrency as f64;
    let rate_secs = if rate == 0 {
        0.0
    } else {
        (deletes * 2.0 / rate as f64).ceil() - 1.0
    };
    let delete_floor = bucket_secs.max(concurrency_secs).max(rate_secs);
    let floor = listings * lat + delete_floor;
    println!(
        "    floor ({listings} sequential listing rounds x {latency_ms} ms + {deletes} deletes in {delete_floor:.2} s: bucket {bucket_secs:.1} s, concurrency {concurrency_secs:.1} s, rate limit {rate_secs:.1} s): {floor:.2} s; engine / floor = {:.3}",
        secs / floor
    );
}
