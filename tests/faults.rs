//! Fault injection against the emulator: broken connections, answers that never come or never finish,
//! unreadable bodies, gateway pages, throttling storms, 5xx bursts, random 503s, a long-running delete that
//! never ends, tokens expiring mid-run, and a whole DAP cleanup under a mix of all of these. Each case ends
//! with the documented error `kind` (or succeeds after retries) within the call's deadline, and a cleanup
//! loses nothing.
//!
//! These are the end-to-end checks that each fault reaches its documented outcome through the C ABI. How long
//! each wait is (backoff, Retry-After, per-try timeout, deadline) is tested exactly, on paused time, against
//! an in-memory transport in `src/pipeline/tests.rs`; here retries use short delays (`retry`) so that the
//! suite does not sleep, and the few real waits left are the emulator's one-second Retry-After and the
//! deadlines being tested.

mod common;
use common::*;
use delegated_admin::ffi::{da_apply_dap_cleanup, da_plan_dap_cleanup};
use delegated_admin_emulator::LoggedRequest;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::time::{Duration, Instant};

const CUSTOMERS_PATH: &str = "/CustomerServiceAdminApi/Web/v1/delegatedAdminCustomers";
/// Added to a deadline before calling a call late: scheduling on a loaded 2-core machine, not retries.
const SLACK: Duration = Duration::from_secs(5);

fn secs(s: f64) -> Duration {
    Duration::from_secs_f64(s)
}

/// The listing's attempts as the emulator saw them (token requests excluded), oldest first.
fn listing_tries(emu: &Emulator) -> Vec<LoggedRequest> {
    emu.requests()
        .into_iter()
        .filter(|r| r.path == CUSTOMERS_PATH)
        .collect()
}

/// Fast retries: the waits themselves are tested on paused time.
fn fast_retry() -> Value {
    json!({ "baseDelaySeconds": 0.02, "maxDelaySeconds": 0.2 })
}

/// A listing of three customers with `extra` options, timed.
fn timed_list(emu: &Emulator, extra: Value) -> (Value, Duration) {
    let mut r = request(emu, json!({ "top": 3, "retry": fast_retry() }));
    merge(&mut r, extra);
    let started = Instant::now();
    let env = call(da_list_delegated_admin_customers, &r);
    (env, started.elapsed())
}

fn assert_same_correlation(tries: &[LoggedRequest]) {
    assert!(
        tries
            .windows(2)
            .all(|w| w[0].correlation_id == w[1].correlation_id),
        "every attempt of one call keeps its correlation id: {tries:?}"
    );
}

/// `fault` on the first attempt only: the retry succeeds. The same fault on every attempt: the error after
/// `maxRetries`, well within the deadline. Returns that error.
fn transient_then_persistent(fault: &str, kind: &str, status: Option<u16>) -> Value {
    let emu = start();
    let timeout = 20.0;

    set_faults(&emu, json!({ fault: 1 }));
    let (env, took) = timed_list(&emu, json!({ "maxRetries": 2, "timeoutSeconds": timeout }));
    assert_eq!(env["ok"], json!(true), "{fault} once, then success: {env}");
    assert_eq!(env["result"]["customers"].as_array().unwrap().len(), 3);
    assert!(took < secs(timeout), "{fault}: {took:?}");
    let tries = listing_tries(&emu);
    assert_eq!(tries.len(), 2, "{fault}: the faulted attempt and one retry");
    assert_same_correlation(&tries);

    set_faults(&emu, json!({ fault: 100 }));
    let (env, took) = timed_list(&emu, json!({ "maxRetries": 2, "timeoutSeconds": timeout }));
    assert_eq!(env["ok"], json!(false), "{fault} on every attempt: {env}");
    let e = env["error"].clone();
    assert_eq!(e["kind"], kind, "{fault}: {e}");
    assert_eq!(e["status"], json!(status), "{fault}: {e}");
    assert!(e["correlationId"].is_string(), "{e}");
    assert!(
        e["message"].as_str().unwrap().contains("after 2 retries"),
        "{fault}: the message says the retries were spent: {e}"
    );
    assert!(
        took < secs(timeout),
        "{fault}: the retries end well within the deadline: {took:?}"
    );
    let tries = listing_tries(&emu);
    assert_eq!(tries.len(), 2 + 3, "{fault}: one try plus two retries");
    assert_same_correlation(&tries[2..]);
    e
}

#[test]
fn connection_reset_mid_body_is_retried_then_network() {
    let e = transient_then_persistent("resetMidBody", "network", None);
    assert!(
        e["message"].as_str().unwrap().contains("connection broke"),
        "{e}"
    );
}

#[test]
fn truncated_body_is_retried_then_network() {
    let e = transient_then_persistent("truncatedBody", "network", None);
    assert!(
        e["message"].as_str().unwrap().contains("connection broke"),
        "{e}"
    );
}

#[test]
fn non_json_200_is_retried_then_server_error() {
    let e = transient_then_persistent("nonJson", "server_error", Some(200));
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("body that could not be read"),
        "{e}"
    );
}

#[test]
fn html_error_page_is_retried_then_server_error_naming_the_page() {
    let e = transient_then_persistent("htmlError", "server_error", Some(502));
    let m = e["message"].as_str().unwrap();
    assert!(m.contains("502") && m.contains("HTML"), "{e}");
    assert!(e["code"].is_null(), "an HTML page has no service code: {e}");
}

#[test]
fn a_5xx_burst_that_ends_succeeds_and_one_that_persists_is_server_error() {
    let e = transient_then_persistent("serverError", "server_error", Some(500));
    assert!(e["code"].is_string(), "the service's own code is kept: {e}");
    assert!(e["requestId"].is_string(), "{e}");

    // A longer burst, still shorter than the retries.
    let emu = start();
    set_faults(&emu, json!({ "serverError": 3 }));
    let (env, took) = timed_list(&emu, json!({ "maxRetries": 3, "timeoutSeconds": 20 }));
    assert_eq!(env["ok"], json!(true), "{env}");
    assert!(took < secs(20.0), "{took:?}");
    let statuses: Vec<u16> = listing_tries(&emu).iter().map(|r| r.status).collect();
    assert_eq!(statuses, [500, 500, 500, 200]);
}

#[test]
fn a_response_that_never_finishes_times_out_at_the_deadline() {
    let emu = start();
    set_faults(&emu, json!({ "hang": 10 }));
    let (env, took) = timed_list(&emu, json!({ "timeoutSeconds": 1.5 }));
    let e = &env["error"];
    assert_eq!(e["kind"], "timeout", "{env}");
    assert!(e["status"].is_null(), "{env}");
    assert!(e["message"].as_str().unwrap().contains("deadline"), "{env}");
    assert!(
        took >= secs(1.4) && took < secs(1.5) + SLACK,
        "the deadline is honoured, not overrun: {took:?}"
    );
    assert_eq!(listing_tries(&emu).last().unwrap().status, 0, "held open");

    // Only the first attempt hangs. `timeoutSeconds` is the deadline of the whole call, retries included,
    // and no attempt has a shorter timeout of its own: the hung attempt uses the whole deadline up, so the
    // call still ends `timeout` (and on time) rather than retrying.
    set_faults(&emu, json!({ "hang": 1 }));
    let before = listing_tries(&emu).len();
    let (env, took) = timed_list(&emu, json!({ "timeoutSeconds": 2 }));
    assert_eq!(env["error"]["kind"], "timeout", "{env}");
    assert!(took >= secs(1.9) && took < secs(2.0) + SLACK, "{took:?}");
    assert_eq!(
        listing_tries(&emu).len(),
        before + 1,
        "no retry was started"
    );

    // The abandoned connection does not poison the pool: the next call succeeds at once.
    let (env, took) = timed_list(&emu, json!({ "timeoutSeconds": 5 }));
    assert_eq!(env["ok"], json!(true), "{env}");
    assert!(took < secs(5.0), "{took:?}");
}

#[test]
fn a_429_storm_with_retry_after_is_waited_out() {
    let emu = start();
    set_faults(&emu, json!({ "throttle": 2, "retryAfter": 1 }));
    let (env, took) = timed_list(&emu, json!({ "maxRetries": 3, "timeoutSeconds": 20 }));
    assert_eq!(env["ok"], json!(true), "{env}");
    assert!(
        took >= secs(1.9),
        "two Retry-After: 1 waits were honoured (fast retries never shorten a hint): {took:?}"
    );
    assert!(took < secs(20.0), "{took:?}");
    let tries = listing_tries(&emu);
    assert_eq!(
        tries.iter().map(|r| r.status).collect::<Vec<_>>(),
        [429, 429, 200]
    );
    assert_same_correlation(&tries);

    // Longer than the retries: throttled, carrying the service's Retry-After.
    set_faults(&emu, json!({ "throttle": 100, "retryAfter": 1 }));
    let (env, _) = timed_list(&emu, json!({ "maxRetries": 1, "timeoutSeconds": 20 }));
    let e = &env["error"];
    assert_eq!(e["kind"], "throttled", "{env}");
    assert_eq!(e["status"], 429);
    assert_eq!(e["retryAfterSeconds"], 1, "{env}");

    // A Retry-After longer than what is left of the deadline: no pointless sleep past it; the call ends at
    // once with the service's hint, so the caller can come back later.
    set_faults(&emu, json!({ "throttle": 100, "retryAfter": 30 }));
    let (env, took) = timed_list(&emu, json!({ "maxRetries": 4, "timeoutSeconds": 3 }));
    let e = &env["error"];
    assert_eq!(e["kind"], "throttled", "{env}");
    assert_eq!(e["retryAfterSeconds"], 30, "{env}");
    assert!(took < secs(3.0), "ended within the deadline: {took:?}");
}

#[test]
fn a_429_storm_without_retry_after_backs_off() {
    let emu = start();
    set_faults(&emu, json!({ "throttle": 2, "retryAfter": null }));
    let (env, took) = timed_list(&emu, json!({ "maxRetries": 3, "timeoutSeconds": 20 }));
    assert_eq!(env["ok"], json!(true), "{env}");
    assert!(took < secs(20.0), "{took:?}");
    assert_eq!(listing_tries(&emu).len(), 3);

    set_faults(&emu, json!({ "throttle": 100, "retryAfter": null }));
    let (env, took) = timed_list(&emu, json!({ "maxRetries": 2, "timeoutSeconds": 20 }));
    let e = &env["error"];
    assert_eq!(e["kind"], "throttled", "{env}");
    assert_eq!(e["status"], 429);
    assert!(
        e["retryAfterSeconds"].is_null(),
        "no header, no hint: {env}"
    );
    assert!(
        e["message"].as_str().unwrap().contains("Rate limit"),
        "the service's throttling text: {env}"
    );
    assert!(took < secs(20.0), "{took:?}");
}

#[test]
fn a_429_with_an_http_date_retry_after_is_honoured() {
    let emu = start();
    set_faults(
        &emu,
        json!({ "throttle": 1, "retryAfter": 1, "retryAfterHttpDate": true }),
    );
    let (env, took) = timed_list(&emu, json!({ "maxRetries": 2, "timeoutSeconds": 20 }));
    assert_eq!(env["ok"], json!(true), "{env}");
    // The emulator dates it `retryAfter` + 1 s ahead at one-second resolution: at least a second of waiting.
    assert!(took >= secs(0.9), "the date was waited for: {took:?}");
    assert_eq!(listing_tries(&emu).len(), 2);

    // Longer than the deadline allows: no wait, the date becomes seconds in the error.
    set_faults(
        &emu,
        json!({ "throttle": 100, "retryAfter": 30, "retryAfterHttpDate": true }),
    );
    let (env, _) = timed_list(&emu, json!({ "maxRetries": 1, "timeoutSeconds": 5 }));
    let e = &env["error"];
    assert_eq!(e["kind"], "throttled", "{env}");
    let hint = e["retryAfterSeconds"]
        .as_u64()
        .unwrap_or_else(|| panic!("the date becomes seconds: {env}"));
    assert!((30..=31).contains(&hint), "{env}");
}

#[test]
fn random_503s_are_absorbed_by_retries_over_many_calls() {
    let emu = start_with(Config {
        fail_rate: 0.3,
        seed: 7,
        ..Config::default()
    });
    let fx = emu.fixtures();
    let customer = fx["inactiveDapCustomerIds"][0].clone();
    let started = Instant::now();
    std::thread::scope(|s| {
        for t in 0..4 {
            let emu = &emu;
            let customer = customer.clone();
            s.spawn(move || {
                for i in 0..20 {
                    // maxRetries 10: eleven 503s in a row at 30% is about 2e-6 per call; fast retries keep
                    // the whole series far inside the deadline.
                    let opts =
                        json!({ "maxRetries": 10, "timeoutSeconds": 30, "retry": fast_retry() });
                    if (t + i) % 2 == 0 {
                        let mut r = request(emu, json!({ "top": 1 }));
                        merge(&mut r, opts);
                        let list = ok(da_list_delegated_admin_customers, &r);
                        assert_eq!(list["customers"].as_array().unwrap().len(), 1);
                    } else {
                        let mut r = request(emu, json!({ "customerTenantId": customer }));
                        merge(&mut r, opts);
                        ok(da_remove_dap_relationship, &r);
                    }
                }
            });
        }
    });
    let took = started.elapsed();
    let log = emu.requests();
    let failures = log.iter().filter(|r| r.status == 503).count();
    let successes = log
        .iter()
        .filter(|r| r.status == 200 && !r.path.contains("oauth2"))
        .count();
    assert_eq!(successes, 80, "every one of the 80 calls succeeded once");
    assert!(failures >= 5, "the 503s were there to absorb: {failures}");
    assert_eq!(
        emu.stats()["injectedFailures"].as_u64().unwrap() as usize,
        failures
    );
    assert!(took < Duration::from_secs(40), "{took:?}");
}

#[test]
fn an_lro_that_never_completes_times_out_naming_the_operation() {
    let emu = start_with(Config {
        lro_retry_after: 1,
        ..Config::default()
    });
    let fx = emu.fixtures();
    let assignments = &fx["subscriptions"][0]["assignments"];
    let first = assignments[0]["id"].as_str().unwrap().to_string();
    let second = assignments[1]["id"].as_str().unwrap().to_string();
    set_faults(&emu, json!({ "lroNeverCompletes": true }));

    let started = Instant::now();
    let e = err(
        da_remove_lighthouse_assignment,
        &request(
            &emu,
            json!({ "assignmentId": first, "wait": true, "timeoutSeconds": 2.5 }),
        ),
    );
    let took = started.elapsed();
    assert_eq!(e["kind"], "timeout", "{e}");
    let m = e["message"].as_str().unwrap();
    assert!(
        m.contains(&format!("{}/subscriptions/", emu.url()))
            && m.contains("/providers/Microsoft.ManagedServices/operation"),
        "the message names the operation URL to poll later: {e}"
    );
    assert!(took < secs(2.5) + SLACK, "{took:?}");
    let polls = emu
        .requests()
        .iter()
        .filter(|r| r.method == "GET" && r.path.contains("/operation"))
        .count();
    assert!(
        (1..=3).contains(&polls),
        "Retry-After: 1 between polls: {polls}"
    );

    // Without `wait`: accepted at once, with the URL to poll.
    let r = ok(
        da_remove_lighthouse_assignment,
        &request(
            &emu,
            json!({ "assignmentId": second, "timeoutSeconds": 2.5 }),
        ),
    );
    assert_eq!(r["status"], "accepted", "{r}");
    assert!(
        r["operationUrl"]
            .as_str()
            .unwrap()
            .starts_with(&format!("{}/subscriptions/", emu.url())),
        "{r}"
    );
    assert_eq!(r["assignmentId"], json!(second));
}

/// The deadline can pass while a poll request is in flight (here each answer takes 300 ms) rather than
/// between polls. The error must still be `timeout` and still name the operation URL to poll later.
#[test]
fn an_lro_timing_out_during_a_poll_still_names_the_operation() {
    let emu = start_with(Config {
        latency: Duration::from_millis(300),
        ..Config::default()
    });
    let fx = emu.fixtures();
    let id = fx["subscriptions"][0]["assignments"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    set_faults(&emu, json!({ "lroNeverCompletes": true }));
    let started = Instant::now();
    let e = err(
        da_remove_lighthouse_assignment,
        &request(
            &emu,
            json!({ "assignmentId": id, "wait": true, "timeoutSeconds": 1.5 }),
        ),
    );
    assert_eq!(e["kind"], "timeout", "{e}");
    assert!(started.elapsed() < secs(1.5) + SLACK);
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("/providers/Microsoft.ManagedServices/operation"),
        "the message names the operation URL: {e}"
    );
}

/// ARM may answer a running delete with `Retry-After: 0` (the emulator's default). Polling must still be
/// paced: a floor between polls, not a busy loop against the service until the deadline.
#[test]
fn an_lro_with_retry_after_zero_is_not_polled_in_a_busy_loop() {
    let emu = start();
    let fx = emu.fixtures();
    let id = fx["subscriptions"][0]["assignments"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    set_faults(&emu, json!({ "lroNeverCompletes": true }));
    let e = err(
        da_remove_lighthouse_assignment,
        &request(
            &emu,
            json!({ "assignmentId": id, "wait": true, "timeoutSeconds": 2 }),
        ),
    );
    assert_eq!(e["kind"], "timeout", "{e}");
    let polls = emu
        .requests()
        .iter()
        .filter(|r| r.method == "GET" && r.path.contains("/operation"))
        .count();
    assert!(
        polls <= 10,
        "{polls} polls in 2 s: Retry-After: 0 must not mean a busy loop"
    );
}

#[test]
fn token_expiry_mid_run_is_refreshed_once_with_credentials() {
    let emu = start();
    let token_requests = |emu: &Emulator| {
        emu.requests()
            .iter()
            .filter(|r| r.path.ends_with("/oauth2/v2.0/token"))
            .count()
    };
    let (env, _) = timed_list(&emu, json!({}));
    assert_eq!(env["ok"], json!(true), "{env}");
    let tokens_before = token_requests(&emu);

    // Expired through the control endpoint between two calls.
    let (status, _) = http(&emu, "POST", "/_emulator/tokens/expire", None);
    assert_eq!(status, 204);
    let before = listing_tries(&emu).len();
    let (env, took) = timed_list(&emu, json!({ "timeoutSeconds": 20 }));
    assert_eq!(env["ok"], json!(true), "refreshed on the 401: {env}");
    assert!(took < secs(20.0));
    let tries = &listing_tries(&emu)[before..];
    assert_eq!(
        tries.iter().map(|r| r.status).collect::<Vec<_>>(),
        [401, 200],
        "one refused attempt, one with the new token"
    );
    assert_same_correlation(tries);
    assert_eq!(
        token_requests(&emu),
        tokens_before + 1,
        "exactly one refresh"
    );

    // Expired through the `tokenExpiry` fault, for two services' cached tokens.
    let customer = emu.fixtures()["inactiveDapCustomerIds"][0].clone();
    let remove = request(&emu, json!({ "customerTenantId": customer }));
    ok(da_remove_dap_relationship, &remove);
    let tokens_before = token_requests(&emu);
    set_faults(&emu, json!({ "tokenExpiry": true }));
    let before = emu.requests().len();
    let (env, _) = timed_list(&emu, json!({ "timeoutSeconds": 20 }));
    assert_eq!(env["ok"], json!(true), "{env}");
    ok(da_remove_dap_relationship, &remove);
    let statuses: Vec<u16> = emu.requests()[before..]
        .iter()
        .filter(|r| !r.path.contains("oauth2"))
        .map(|r| r.status)
        .collect();
    assert_eq!(
        statuses,
        [401, 200, 401, 200],
        "each refused once, then refreshed"
    );
    assert_eq!(
        token_requests(&emu),
        tokens_before + 2,
        "one refresh per service"
    );
}

#[test]
fn token_expiry_mid_run_with_a_brought_access_token_is_unauthorized() {
    let emu = start();
    let token = ok(
        da_acquire_token,
        &request(
            &emu,
            json!({ "resource": "https://api.partnercustomeradministration.microsoft.com" }),
        ),
    )["accessToken"]
        .clone();
    let brought = json!({ "auth": { "accessToken": token } });
    let (env, _) = timed_list(&emu, brought.clone());
    assert_eq!(env["ok"], json!(true), "{env}");

    set_faults(&emu, json!({ "tokenExpiry": true }));
    let before = emu.requests().len();
    let (env, took) = timed_list(&emu, brought);
    let e = &env["error"];
    assert_eq!(e["kind"], "unauthorized", "{env}");
    assert_eq!(e["status"], 401);
    assert!(e["code"].is_string(), "{env}");
    assert!(took < secs(20.0));
    let after = &emu.requests()[before..];
    assert_eq!(
        after.len(),
        1,
        "a brought token cannot be refreshed: one attempt, no token request, no retry: {after:?}"
    );
}

#[test]
fn token_expiry_mid_run_with_a_refresh_token_is_refreshed() {
    let emu = start();
    let fx = emu.fixtures();
    let scope = "https://api.partnercustomeradministration.microsoft.com/.default";
    let base =
        json!({ "authority": emu.url(), "tenantId": fx["tenantId"], "clientId": fx["clientId"] });
    let mut start_req = base.clone();
    merge(&mut start_req, json!({ "scope": scope }));
    let flow = ok(da_start_device_code, &start_req);
    assert!(emu.approve_device_code(flow["userCode"].as_str().unwrap()));
    let mut poll_req = base.clone();
    merge(
        &mut poll_req,
        json!({ "deviceCode": flow["deviceCode"], "interval": 1 }),
    );
    let polled = ok(da_poll_device_code, &poll_req);
    assert_eq!(polled["status"], "completed", "{polled}");
    let refresh = polled["token"]["refreshToken"].clone();
    assert!(refresh.is_string(), "{polled}");

    let auth = json!({ "auth": { "tenantId": fx["tenantId"], "clientId": fx["clientId"], "refreshToken": refresh } });
    let (env, _) = timed_list(&emu, auth.clone());
    assert_eq!(env["ok"], json!(true), "{env}");
    emu.expire_tokens();
    let before = listing_tries(&emu).len();
    let (env, _) = timed_list(&emu, auth.clone());
    assert_eq!(env["ok"], json!(true), "{env}");
    assert_eq!(
        listing_tries(&emu)[before..]
            .iter()
            .map(|r| r.status)
            .collect::<Vec<_>>(),
        [401, 200]
    );
    // The refresh token rotated on every use; the library keeps the newest, so a third expiry works too.
    emu.expire_tokens();
    let (env, _) = timed_list(&emu, auth);
    assert_eq!(env["ok"], json!(true), "{env}");
}

// ---------------------------------------------------------------------------------------------------------
// A whole cleanup under faults

/// Customers whose DAP a PATCH actually ended (the emulator's counter). The request log cannot tell: a
/// `resetMidBody`, `truncatedBody` or `nonJson` fault is logged with status 200 though the handler never ran.
fn dap_removals(emu: &Emulator) -> u64 {
    emu.stats()["dapRemovals"].as_u64().unwrap()
}

fn patches(emu: &Emulator) -> usize {
    emu.requests()
        .iter()
        .filter(|r| r.method == "PATCH")
        .count()
}

#[test]
fn a_whole_cleanup_under_mixed_faults_loses_nothing() {
    let emu = start_with(Config {
        customers: 120,
        inactive_dap: Some(40),
        ..Config::default()
    });
    let dir = temp_dir("cleanup");
    let journal = dir.join("journal.jsonl");
    let plan = ok(
        da_plan_dap_cleanup,
        &request(&emu, json!({ "allowWithoutGdap": true })),
    );
    let candidates: Vec<String> = plan["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["customerTenantId"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(candidates.len(), 40);

    // Faults on the removals only (the recheck listing is not under /v1/customers/). The counters are
    // consumed in order: resets, one hang, truncations, non-JSON, HTML pages, 429s, 500s.
    set_faults(
        &emu,
        json!({
            "pathPrefix": "/v1/customers/",
            "resetMidBody": 3, "hang": 1, "truncatedBody": 2, "nonJson": 2, "htmlError": 2,
            "throttle": 2, "retryAfter": 1, "serverError": 6,
        }),
    );
    let started = Instant::now();
    let mut r = request(
        &emu,
        json!({
            "plan": plan, "journalPath": journal.to_str(), "concurrency": 6, "requestsPerSecond": 0,
            "maxRetries": 2, "timeoutSeconds": 3,
        }),
    );
    merge(&mut r, json!({}));
    let report = ok(da_apply_dap_cleanup, &r);
    let took = started.elapsed();
    assert!(took < Duration::from_secs(40), "{took:?}");
    assert_counts_add_up(&report);
    let c = &report["counts"];
    assert_eq!(c["customers"], 120);
    assert_eq!(c["candidates"], 40);
    assert_eq!(c["skippedCandidates"], 0, "every candidate was tried: {c}");
    assert_eq!(report["stoppedEarly"], json!(false), "{report}");

    let outcomes: HashMap<String, Value> = report["outcomes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["customerTenantId"].as_str().unwrap().to_string(),
                o.clone(),
            )
        })
        .collect();
    let mut failed = Vec::new();
    for id in &candidates {
        let o = &outcomes[id];
        let truth = emu.customer(id).unwrap();
        match o["outcome"].as_str().unwrap() {
            "removed" => {
                assert_eq!(
                    truth["dapEnabled"],
                    json!(false),
                    "removed means removed: {o}"
                );
                assert!(o["correlationId"].is_string(), "{o}");
            }
            "failed" => {
                let e = &o["error"];
                let kind = e["kind"].as_str().unwrap_or_else(|| panic!("{o}"));
                assert!(
                    ["network", "timeout", "server_error", "throttled"].contains(&kind),
                    "a transient kind: {o}"
                );
                assert!(!e["message"].as_str().unwrap().is_empty(), "{o}");
                assert!(e.get("code").is_some() && e.get("status").is_some(), "{o}");
                assert!(
                    e["correlationId"].is_string() && o["correlationId"].is_string(),
                    "{o}"
                );
                // The emulator injects faults before the handler runs, so a failed removal changed nothing.
                assert_eq!(
                    truth["dapEnabled"],
                    json!(true),
                    "failed means untouched: {o}"
                );
                failed.push((id.clone(), kind.to_string()));
            }
            other => panic!("a candidate ended {other}: {o}"),
        }
    }
    assert_eq!(failed.len() as u64, c["failed"].as_u64().unwrap());
    assert!(
        failed.iter().any(|(_, k)| k == "timeout"),
        "the hung removal used up its deadline and was reported, not lost: {failed:?}"
    );
    assert_eq!(
        dap_removals(&emu),
        c["removed"].as_u64().unwrap(),
        "the emulator ended exactly the DAPs reported removed"
    );

    // The journal holds an outcome for every candidate.
    let journal_text = std::fs::read_to_string(&journal).unwrap();
    let journaled: Vec<Value> = journal_text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    for id in &candidates {
        assert!(
            journaled
                .iter()
                .any(|r| r["type"] == "outcome" && r["customerTenantId"] == json!(id)),
            "{id} is journaled"
        );
    }

    // Faults gone: resuming with the journal finishes exactly the failed ones.
    clear_faults(&emu);
    let patches_before = patches(&emu);
    let mut r = request(
        &emu,
        json!({ "plan": plan, "journalPath": journal.to_str(), "concurrency": 6, "requestsPerSecond": 0 }),
    );
    merge(&mut r, json!({}));
    let resumed = ok(da_apply_dap_cleanup, &r);
    assert_counts_add_up(&resumed);
    assert_eq!(resumed["counts"]["removed"], 40, "{}", resumed["counts"]);
    assert_eq!(resumed["counts"]["failed"], 0);
    assert_eq!(
        resumed["counts"]["fromJournal"].as_u64().unwrap(),
        40 - failed.len() as u64
    );
    for id in &candidates {
        assert_eq!(
            emu.customer(id).unwrap()["dapEnabled"],
            json!(false),
            "{id}"
        );
    }
    assert_eq!(dap_removals(&emu), 40);
    assert_eq!(
        patches(&emu) - patches_before,
        failed.len(),
        "the resume sent a removal for the failed candidates only"
    );
    std::fs::remove_dir_all(dir).unwrap();
}
