//! The job interface's listing and Lighthouse operations (what `Get-DelegatedAdminCustomer` and
//! `Remove-DelegatedAdminLighthouseAssignment` run, so that they show progress and stop on Ctrl+C), and the
//! `maxResults` limit that makes `-First` stop paging early. Against the emulator over loopback HTTP.

mod common;

use common::*;
use delegated_admin::ffi::{da_job_cancel, da_job_free, da_job_poll, da_job_result, da_job_start};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const CUSTOMERS_PATH: &str = "/CustomerServiceAdminApi/Web/v1/delegatedAdminCustomers";

fn poll_until(job: &str, done: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let status = ok(da_job_poll, &json!({ "jobId": job }));
        if done(&status) {
            return status;
        }
        assert!(Instant::now() < deadline, "job did not get there: {status}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn start_job(emu: &Emulator, extra: Value) -> String {
    ok(da_job_start, &request(emu, extra))["jobId"]
        .as_str()
        .expect("a job id")
        .to_string()
}

fn listing_requests(emu: &Emulator) -> usize {
    emu.requests()
        .iter()
        .filter(|r| r.method == "GET" && r.path == CUSTOMERS_PATH)
        .count()
}

#[test]
fn a_listing_job_counts_the_customers_listed_and_returns_them_all() {
    let emu = start_with(Config {
        customers: 650,
        ..Config::default()
    });
    let job = start_job(
        &emu,
        json!({ "operation": "listCustomers", "allPages": true, "count": true }),
    );
    // Every poll takes the events since the last one: keep them all.
    let mut messages = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    let done = loop {
        let status = ok(da_job_poll, &json!({ "jobId": job }));
        for e in status["events"].as_array().unwrap() {
            messages.push(e["message"].as_str().unwrap().to_string());
        }
        if status["state"] != "running" {
            break status;
        }
        assert!(Instant::now() < deadline, "the job did not end: {status}");
        std::thread::sleep(Duration::from_millis(10));
    };
    assert!(
        messages.iter().any(|m| m == "listed 650 customers"),
        "{messages:?}"
    );
    assert_eq!(
        messages
            .iter()
            .filter(|m| m.starts_with("listed a page of"))
            .count(),
        3,
        "{messages:?}"
    );
    assert_eq!(done["state"], "succeeded", "{done}");
    assert_eq!(done["operation"], "listCustomers");
    assert_eq!(done["progress"]["customersListed"], 650);
    assert_eq!(done["progress"]["phase"], "finished");
    assert_eq!(done["droppedEvents"], 0);
    let env = call(da_job_result, &json!({ "jobId": job }));
    assert_eq!(env["ok"], true, "{env}");
    assert_eq!(env["result"]["customers"].as_array().unwrap().len(), 650);
    assert_eq!(env["result"]["count"], 650);
    ok(da_job_free, &json!({ "jobId": job }));
    // Pages of 300: 650 customers take three requests.
    assert_eq!(listing_requests(&emu), 3);
}

#[test]
fn max_results_stops_paging_once_enough_customers_were_listed() {
    let emu = start_with(Config {
        customers: 1000,
        ..Config::default()
    });
    // The blocking export: 310 of 1,000 customers need two pages of 300, not four.
    let list = ok(
        da_list_delegated_admin_customers,
        &request(&emu, json!({ "allPages": true, "maxResults": 310 })),
    );
    assert_eq!(list["customers"].as_array().unwrap().len(), 310);
    assert_eq!(list["nextLink"], Value::Null);
    assert_eq!(listing_requests(&emu), 2);

    // The job: the same limit, the same early stop.
    clear_emulator_requests(&emu);
    let job = start_job(
        &emu,
        json!({ "operation": "listCustomers", "allPages": true, "maxResults": 5 }),
    );
    poll_until(&job, |s| s["state"] != "running");
    let env = call(da_job_result, &json!({ "jobId": job }));
    assert_eq!(env["result"]["customers"].as_array().unwrap().len(), 5);
    ok(da_job_free, &json!({ "jobId": job }));
    assert_eq!(listing_requests(&emu), 1);

    // A limit above the total returns everything.
    let all = ok(
        da_list_delegated_admin_customers,
        &request(&emu, json!({ "allPages": true, "maxResults": 5000 })),
    );
    assert_eq!(all["customers"].as_array().unwrap().len(), 1000);

    // Refused before anything is sent.
    let before = count_requests(&emu);
    for bad in [json!(0), json!(-1), json!("3")] {
        let e = err(
            da_list_delegated_admin_customers,
            &request(&emu, json!({ "allPages": true, "maxResults": bad })),
        );
        assert_eq!(e["kind"], "invalid_request", "{e}");
        let e = err(
            da_job_start,
            &request(
                &emu,
                json!({ "operation": "listCustomers", "allPages": true, "maxResults": bad }),
            ),
        );
        assert_eq!(e["kind"], "invalid_request", "{e}");
    }
    assert_eq!(count_requests(&emu), before);
}

#[test]
fn a_cancelled_listing_job_ends_with_a_conflict_and_no_customers() {
    let emu = start_with(Config {
        customers: 3000,
        latency: Duration::from_millis(300),
        ..Config::default()
    });
    let job = start_job(
        &emu,
        json!({ "operation": "listCustomers", "allPages": true }),
    );
    poll_until(&job, |s| {
        s["progress"]["customersListed"].as_u64() >= Some(300)
    });
    let cancelling = ok(da_job_cancel, &json!({ "jobId": job }));
    assert!(
        ["cancelling", "cancelled"].contains(&cancelling["state"].as_str().unwrap()),
        "{cancelling}"
    );
    let env = call(da_job_result, &json!({ "jobId": job, "waitSeconds": 30 }));
    assert_eq!(env["ok"], false, "{env}");
    assert_eq!(env["error"]["kind"], "conflict");
    assert!(env["error"]["message"]
        .as_str()
        .unwrap()
        .contains("cancelled"));
    assert_eq!(
        ok(da_job_poll, &json!({ "jobId": job }))["state"],
        "cancelled"
    );
    ok(da_job_free, &json!({ "jobId": job }));
    // Stopped well before the ten pages a whole listing takes.
    assert!(listing_requests(&emu) < 10);
}

#[test]
fn a_lighthouse_removal_job_waits_for_the_delete_and_can_stop_waiting() {
    let emu = start_with(Config {
        lro_polls: 2,
        ..Config::default()
    });
    let fx = emu.fixtures();
    let assignments = fx["subscriptions"][0]["assignments"].as_array().unwrap();
    let id = assignments[0]["id"].as_str().unwrap().to_string();
    let job = start_job(
        &emu,
        json!({ "operation": "removeLighthouseAssignment", "assignmentId": id, "wait": true }),
    );
    let done = poll_until(&job, |s| s["state"] != "running");
    assert_eq!(done["state"], "succeeded", "{done}");
    assert_eq!(done["progress"]["done"], 1);
    assert_eq!(done["progress"]["removed"], 1);
    let env = call(da_job_result, &json!({ "jobId": job }));
    assert_eq!(env["result"]["status"], "deleted", "{env}");
    assert_eq!(env["result"]["assignmentId"], id.as_str());
    ok(da_job_free, &json!({ "jobId": job }));

    // The same again: ARM answers 204, nothing to delete.
    let job = start_job(
        &emu,
        json!({ "operation": "removeLighthouseAssignment", "assignmentId": id, "wait": true }),
    );
    poll_until(&job, |s| s["state"] != "running");
    let env = call(da_job_result, &json!({ "jobId": job }));
    assert_eq!(env["result"]["status"], "notFound", "{env}");
    ok(da_job_free, &json!({ "jobId": job }));

    // A delete that stays running: the cancel stops the waiting.
    let slow = start_with(Config {
        lro_polls: 1000,
        lro_retry_after: 1,
        ..Config::default()
    });
    let fx = slow.fixtures();
    let id = fx["subscriptions"][0]["assignments"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let job = start_job(
        &slow,
        json!({ "operation": "removeLighthouseAssignment", "assignmentId": id, "wait": true }),
    );
    let running = poll_until(&job, |s| s["progress"]["phase"] == "waiting");
    assert_eq!(running["state"], "running", "{running}");
    std::thread::sleep(Duration::from_millis(300));
    ok(da_job_cancel, &json!({ "jobId": job }));
    let env = call(da_job_result, &json!({ "jobId": job, "waitSeconds": 30 }));
    assert_eq!(env["error"]["kind"], "conflict", "{env}");
    assert!(env["error"]["message"]
        .as_str()
        .unwrap()
        .contains("stopped waiting"));
    ok(da_job_free, &json!({ "jobId": job }));

    // Bad input is refused before anything is sent.
    let before = count_requests(&slow);
    let e = err(
        da_job_start,
        &request(
            &slow,
            json!({ "operation": "removeLighthouseAssignment", "assignmentId": "/subscriptions/x" }),
        ),
    );
    assert_eq!(e["kind"], "invalid_request");
    let e = err(
        da_job_start,
        &json!({ "operation": "listCustomers", "endpoint": slow.url() }),
    );
    assert_eq!(e["kind"], "invalid_request", "auth is required: {e}");
    assert_eq!(count_requests(&slow), before);
}
