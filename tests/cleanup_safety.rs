//! The cleanup's safety contract (issue 8), rule by rule, through the C ABI against the emulator: no
//! candidate from data that cannot be read; apply trusts nothing in a plan but its ids; one apply per
//! journal; journals read defensively; reports never cost an outcome and never clobber; listings end;
//! token answers are checked; a Lighthouse delete without a monitor URL is still waited for.

mod common;
use common::*;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, Instant};

use delegated_admin::ffi::{
    da_apply_dap_cleanup, da_job_free, da_job_poll, da_job_result, da_job_start,
    da_plan_dap_cleanup,
};

fn plan(emu: &Emulator, extra: Value) -> Value {
    // These tests are about the DAP rules, not the GDAP one (tests/cleanup_gdap.rs): the emulator seeds
    // customers with DAP and no GDAP, which the GDAP rule would hold.
    let mut r = request(emu, json!({ "allowWithoutGdap": true }));
    merge(&mut r, extra);
    ok(da_plan_dap_cleanup, &r)
}

fn apply_request(emu: &Emulator, plan: &Value, extra: Value) -> Value {
    let mut r = request(
        emu,
        json!({ "plan": plan, "requestsPerSecond": 0, "concurrency": 4 }),
    );
    merge(&mut r, extra);
    r
}

fn apply(emu: &Emulator, plan: &Value, extra: Value) -> Value {
    ok(da_apply_dap_cleanup, &apply_request(emu, plan, extra))
}

fn ids(entries: &Value) -> Vec<String> {
    entries
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["customerTenantId"].as_str().unwrap().to_string())
        .collect()
}

/// Successful removals (PATCH 200) per customer id, from the emulator's request log.
fn removals(emu: &Emulator) -> HashMap<String, usize> {
    let mut m = HashMap::new();
    for r in emu.requests() {
        if r.method == "PATCH" && r.status == 200 {
            let id = r.path.trim_start_matches("/v1/customers/").to_string();
            *m.entry(id).or_insert(0) += 1;
        }
    }
    m
}

fn outcome_of<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["outcomes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["customerTenantId"] == json!(id))
        .unwrap_or_else(|| panic!("no outcome for {id}"))
}

fn set_raw(emu: &Emulator, id: &str, set: Value, omit: &[&str]) {
    let Value::Object(set) = set else {
        panic!("set is an object")
    };
    assert!(emu.set_customer_raw(id, set, omit), "{id} exists");
}

/// A refusal before anything was sent: `invalid_request`, and no request reached any service.
fn refused_before_sending(emu: &Emulator, f: Export, req: &Value) -> Value {
    let before = count_requests(emu);
    let e = err(f, req);
    assert_eq!(e["kind"], "invalid_request", "{e}");
    assert_eq!(count_requests(emu), before, "nothing was sent: {e}");
    e
}

// ---------------------------------------------------------------------------------------------------------
// Rule 1: no candidate from data the plan cannot read.

const ODD_DATES: [(&str, &str); 7] = [
    ("lastSignInDateTime", "\"yesterday\""),
    ("lastSignInDateTime", "\"2024-13-45T00:00:00Z\""),
    ("lastSignInDateTime", "1700000000"),
    ("lastSignInDateTime", "\"0001-01-01T00:00:00Z\""),
    ("lastSignInDateTime", "\"\""),
    ("startDateTime", "\"01/02/2020\""),
    ("lastSignInDateTime", "\"2999-01-01T00:00:00Z\""),
];

#[test]
fn rule1_a_customer_with_unreadable_data_is_kept_with_its_reason_and_raw_value() {
    let emu = start_with(Config {
        customers: 60,
        inactive_dap: Some(30),
        ..Config::default()
    });
    let before = plan(&emu, json!({}));
    let candidates = ids(&before["candidates"]);
    assert_eq!(candidates.len(), 30);
    // Odd dates on seven candidates, an odd or missing dapEnabled on two more.
    for ((field, raw), id) in ODD_DATES.iter().zip(&candidates) {
        let raw: Value = serde_json::from_str(raw).unwrap();
        set_raw(&emu, id, json!({ *field: raw }), &[]);
        if *field == "startDateTime" {
            // The start date matters when there is no sign-in.
            set_raw(
                &emu,
                id,
                json!({ "startDateTime": raw, "lastSignInDateTime": null }),
                &[],
            );
        }
    }
    set_raw(&emu, &candidates[7], json!({ "dapEnabled": "true" }), &[]);
    set_raw(&emu, &candidates[8], json!({}), &["dapEnabled"]);

    let after = plan(&emu, json!({}));
    assert_eq!(after["summary"]["candidates"], 21, "{}", after["summary"]);
    let kept: HashMap<String, Value> = after["kept"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| {
            (
                k["customerTenantId"].as_str().unwrap().to_string(),
                k.clone(),
            )
        })
        .collect();
    for ((field, raw), id) in ODD_DATES.iter().zip(&candidates) {
        let k = &kept[id];
        assert_eq!(k["reason"], "unreadable_date", "{field} {raw}: {k}");
        let detail = k["detail"].as_str().unwrap();
        assert!(detail.contains(field), "{detail}");
        let shown = raw.trim_matches('"');
        assert!(
            detail.contains(shown) || detail.contains("out of range"),
            "the raw value {raw} is in the detail: {detail}"
        );
    }
    assert_eq!(kept[&candidates[7]]["reason"], "unreadable_dap_enabled");
    assert!(kept[&candidates[7]]["detail"]
        .as_str()
        .unwrap()
        .contains("\"true\""));
    assert_eq!(kept[&candidates[8]]["reason"], "unreadable_dap_enabled");
    // The plan keeps the raw values as the service wrote them.
    assert_eq!(
        kept[&candidates[2]]["lastSignInDateTime"],
        json!(1700000000)
    );
}

#[test]
fn rule1_the_recheck_skips_a_candidate_whose_data_turned_unreadable() {
    let emu = start_with(Config {
        customers: 40,
        inactive_dap: Some(12),
        ..Config::default()
    });
    let p = plan(&emu, json!({}));
    let candidates = ids(&p["candidates"]);
    set_raw(
        &emu,
        &candidates[0],
        json!({ "lastSignInDateTime": "not a date" }),
        &[],
    );
    set_raw(
        &emu,
        &candidates[1],
        json!({ "lastSignInDateTime": "0001-01-01T00:00:00Z" }),
        &[],
    );
    let report = apply(&emu, &p, json!({}));
    assert_counts_add_up(&report);
    for id in &candidates[..2] {
        let o = outcome_of(&report, id);
        assert_eq!(o["outcome"], "skipped", "{o}");
        assert_eq!(o["reasonCode"], "unreadable_date", "{o}");
        assert_eq!(emu.customer(id).unwrap()["dapEnabled"], json!(true));
    }
    assert_eq!(report["counts"]["removed"], 10);
    let removed = removals(&emu);
    assert!(!removed.contains_key(&candidates[0]) && !removed.contains_key(&candidates[1]));
}

// ---------------------------------------------------------------------------------------------------------
// Rule 2: apply trusts nothing in the plan file but the list of ids.

#[test]
fn rule2_an_edited_plan_is_refused_before_any_request() {
    let emu = start_with(Config {
        customers: 30,
        inactive_dap: Some(10),
        ..Config::default()
    });
    let p = plan(&emu, json!({}));
    let future = (chrono::Utc::now() + chrono::Duration::days(2)).to_rfc3339();
    let first = p["candidates"][0].clone();
    let edits: Vec<(&str, Value)> = vec![
        ("asOf in the future", json!({ "asOf": future })),
        ("asOf too old", json!({ "asOf": "0001-01-01T00:00:00Z" })),
        ("asOf far out", json!({ "asOf": "+262142-12-31T23:59:59Z" })),
        ("inactiveDays 0", json!({ "inactiveDays": 0 })),
        ("inactiveDays too many", json!({ "inactiveDays": 100000 })),
        ("inactiveDays negative", json!({ "inactiveDays": -1 })),
        ("inactiveDays max", json!({ "inactiveDays": 4294967295u64 })),
        ("another format", json!({ "format": 2 })),
        ("exclude not GUIDs", json!({ "exclude": ["nope"] })),
        ("include not GUIDs", json!({ "include": ["../x"] })),
        (
            "a candidate id that is no GUID",
            json!({ "candidates": [{ "customerTenantId": "not-a-guid", "reason": "inactive_sign_in", "detail": "" }] }),
        ),
        (
            "a candidate twice",
            json!({ "candidates": [first.clone(), first.clone()] }),
        ),
        (
            "a candidate with a keep reason",
            json!({ "candidates": [{ "customerTenantId": first["customerTenantId"], "reason": "recent_sign_in", "detail": "" }] }),
        ),
    ];
    for (what, edit) in edits {
        let mut edited = p.clone();
        merge(&mut edited, edit);
        let e = refused_before_sending(
            &emu,
            da_apply_dap_cleanup,
            &apply_request(&emu, &edited, json!({})),
        );
        assert_ne!(e["kind"], "internal", "{what}: {e}");
        // Through a plan file too.
        let dir = temp_dir("edited");
        let file = dir.join("plan.json");
        std::fs::write(&file, edited.to_string()).unwrap();
        let req = apply_request(&emu, &Value::Null, json!({ "planPath": file.to_str() }));
        refused_before_sending(&emu, da_apply_dap_cleanup, &req);
        std::fs::remove_dir_all(dir).unwrap();
    }
    // The planner refuses an asOf in the future too.
    let e = refused_before_sending(
        &emu,
        da_plan_dap_cleanup,
        &request(&emu, json!({ "asOf": future })),
    );
    assert!(
        e["message"].as_str().unwrap().contains("later than now"),
        "{e}"
    );
}

#[test]
fn rule2_a_customer_edited_into_the_candidates_is_judged_again_and_skipped() {
    let emu = start_with(Config {
        customers: 80,
        inactive_dap: Some(20),
        ..Config::default()
    });
    let p = plan(&emu, json!({}));
    let by_reason = |reason: &str| -> Value {
        p["kept"]
            .as_array()
            .unwrap()
            .iter()
            .find(|k| k["reason"] == reason)
            .unwrap_or_else(|| panic!("a kept {reason} customer"))
            .clone()
    };
    let recent = by_reason("recent_sign_in");
    let no_dap = by_reason("no_dap");
    let excluded_one = p["candidates"][0].clone();
    // A recent start: a customer who never signed in and started ten days ago.
    let young = p["kept"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| {
            k["reason"] == "recent_sign_in" && k["customerTenantId"] != recent["customerTenantId"]
        })
        .unwrap()
        .clone();
    let ten_days_ago = (chrono::Utc::now() - chrono::Duration::days(10)).to_rfc3339();
    set_raw(
        &emu,
        young["customerTenantId"].as_str().unwrap(),
        json!({ "lastSignInDateTime": null, "startDateTime": ten_days_ago }),
        &[],
    );
    let mut edited = p.clone();
    let candidates = edited["candidates"].as_array_mut().unwrap();
    for mut k in [recent.clone(), no_dap.clone(), young.clone()] {
        k["reason"] = json!("inactive_sign_in");
        candidates.push(k);
    }
    edited["exclude"] = json!([excluded_one["customerTenantId"]]);
    let report = apply(&emu, &edited, json!({}));
    assert_counts_add_up(&report);
    let expect = [
        (&recent, "recent_sign_in"),
        (&no_dap, "no_dap"),
        (&young, "recent_start"),
        (&excluded_one, "excluded"),
    ];
    for (entry, code) in expect {
        let id = entry["customerTenantId"].as_str().unwrap();
        let o = outcome_of(&report, id);
        assert_eq!(o["outcome"], "skipped", "{o}");
        assert_eq!(o["reasonCode"], code, "{o}");
        assert!(!removals(&emu).contains_key(id), "{id} was never removed");
    }
    assert_eq!(report["counts"]["removed"], 19, "the other candidates went");
    // Without the recheck, the plan's own lists still rule the excluded one out.
    let emu2 = start_with(Config {
        customers: 20,
        inactive_dap: Some(5),
        ..Config::default()
    });
    let mut p2 = plan(&emu2, json!({}));
    let excluded = p2["candidates"][0]["customerTenantId"].clone();
    p2["exclude"] = json!([excluded]);
    let report = apply(&emu2, &p2, json!({ "recheck": false }));
    assert_eq!(
        outcome_of(&report, excluded.as_str().unwrap())["reasonCode"],
        "excluded"
    );
    assert_eq!(report["counts"]["removed"], 4);
}

// ---------------------------------------------------------------------------------------------------------
// Rule 3: one apply per journal at a time, also across processes.

/// Not a test of its own: the body of the child processes of
/// `rule3_two_processes_on_one_journal_never_send_two_removals_for_one_customer`. It applies the request in
/// `DA_CHILD_REQUEST` and writes the envelope to `DA_CHILD_OUT`.
#[test]
#[ignore = "run only as a child process by the two-process journal test"]
fn child_apply_process() {
    let (Ok(request), Ok(out)) = (
        std::env::var("DA_CHILD_REQUEST"),
        std::env::var("DA_CHILD_OUT"),
    ) else {
        return;
    };
    let request: Value = serde_json::from_str(&request).unwrap();
    let envelope = call(da_apply_dap_cleanup, &request);
    std::fs::write(out, envelope.to_string()).unwrap();
}

fn spawn_child(request: &Value, out: &Path) -> std::process::Child {
    std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "child_apply_process",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("DA_CHILD_REQUEST", request.to_string())
        .env("DA_CHILD_OUT", out)
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("the test binary runs itself")
}

#[test]
fn rule3_two_processes_on_one_journal_never_send_two_removals_for_one_customer() {
    let emu = start_with(Config {
        customers: 60,
        inactive_dap: Some(30),
        latency: Duration::from_millis(60),
        ..Config::default()
    });
    let dir = temp_dir("two-processes");
    let p = plan(&emu, json!({ "planPath": dir.join("plan.json").to_str() }));
    let journal = dir.join("journal.jsonl");
    let req = |correlation: &str| {
        apply_request(
            &emu,
            &Value::Null,
            json!({
                "planPath": dir.join("plan.json").to_str(), "journalPath": journal.to_str(),
                "concurrency": 2, "correlationId": correlation,
            }),
        )
    };
    let (first_id, second_id) = (
        "11111111-1111-4111-8111-111111111111",
        "22222222-2222-4222-8222-222222222222",
    );
    let mut first = spawn_child(&req(first_id), &dir.join("first.json"));
    // Wait until the first process holds the journal (its header is written under the lock).
    let t = Instant::now();
    while std::fs::read(&journal).map_or(true, |b| !b.contains(&b'\n')) {
        assert!(
            t.elapsed() < Duration::from_secs(30),
            "the first apply started"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    let mut second = spawn_child(&req(second_id), &dir.join("second.json"));
    assert!(second.wait().unwrap().success());
    assert!(first.wait().unwrap().success());
    let read = |name: &str| -> Value {
        serde_json::from_slice(&std::fs::read(dir.join(name)).unwrap()).unwrap()
    };
    let (a, b) = (read("first.json"), read("second.json"));
    assert_eq!(a["ok"], true, "{a}");
    assert_eq!(a["result"]["counts"]["removed"], 30);
    assert_eq!(b["ok"], false, "{b}");
    assert_eq!(b["error"]["kind"], "conflict", "{b}");
    assert!(
        b["error"]["message"]
            .as_str()
            .unwrap()
            .contains(journal.to_str().unwrap()),
        "the error names the locked journal: {b}"
    );
    assert!(
        emu.requests()
            .iter()
            .all(|r| r.correlation_id.as_deref() != Some(second_id)),
        "the second process sent nothing"
    );
    let removed = removals(&emu);
    for id in ids(&p["candidates"]) {
        assert_eq!(removed.get(&id), Some(&1), "{id} removed exactly once");
    }
    // Once the first is done, the same journal resumes and sends no removal.
    let mut third = spawn_child(&req(second_id), &dir.join("third.json"));
    assert!(third.wait().unwrap().success());
    let c = read("third.json");
    assert_eq!(c["ok"], true, "{c}");
    assert_eq!(c["result"]["counts"]["fromJournal"], 30);
    assert_eq!(removals(&emu).values().sum::<usize>(), 30);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn rule3_a_second_job_on_the_same_journal_in_one_process_is_a_conflict() {
    let emu = start_with(Config {
        customers: 40,
        inactive_dap: Some(20),
        latency: Duration::from_millis(50),
        ..Config::default()
    });
    let dir = temp_dir("same-process");
    let p = plan(&emu, json!({}));
    let journal = dir.join("journal.jsonl");
    let mut start = apply_request(
        &emu,
        &p,
        json!({ "journalPath": journal.to_str(), "concurrency": 1 }),
    );
    merge(&mut start, json!({ "operation": "applyDapCleanup" }));
    let job = ok(da_job_start, &start)["jobId"]
        .as_str()
        .unwrap()
        .to_string();
    let t = Instant::now();
    while std::fs::read(&journal).map_or(true, |b| !b.contains(&b'\n')) {
        assert!(t.elapsed() < Duration::from_secs(30));
        std::thread::sleep(Duration::from_millis(5));
    }
    let e = err(
        da_apply_dap_cleanup,
        &apply_request(&emu, &p, json!({ "journalPath": journal.to_str() })),
    );
    assert_eq!(e["kind"], "conflict", "{e}");
    let done = ok(da_job_result, &json!({ "jobId": job, "waitSeconds": 60 }));
    assert_eq!(done["counts"]["removed"], 20);
    ok(da_job_free, &json!({ "jobId": job }));
    std::fs::remove_dir_all(dir).unwrap();
}

// ---------------------------------------------------------------------------------------------------------
// Rule 4: a journal is read defensively.

fn journal_line(v: Value) -> String {
    format!("{v}\n")
}

#[test]
fn rule4_a_torn_last_line_is_ignored_and_counted_even_inside_a_utf8_character() {
    let emu = start_with(Config {
        customers: 30,
        inactive_dap: Some(6),
        ..Config::default()
    });
    let p = plan(&emu, json!({}));
    let plan_id = p["planId"].clone();
    let ids = ids(&p["candidates"]);
    let dir = temp_dir("torn");
    let journal = dir.join("journal.jsonl");
    let at = chrono::Utc::now().to_rfc3339();
    let mut text =
        journal_line(json!({ "type": "header", "planId": plan_id, "format": 2, "at": at }));
    text += &journal_line(
        json!({ "type": "started", "planId": plan_id, "customerTenantId": ids[0], "at": at }),
    );
    // The outcome line was being written when the process died: cut inside "é" (two bytes in UTF-8).
    let outcome = json!({ "type": "outcome", "planId": plan_id, "customerTenantId": ids[0],
        "organizationDisplayName": "Café", "outcome": "removed", "stage": "apply", "at": at })
    .to_string();
    let cut = outcome.find("é").unwrap() + 1;
    let mut bytes = text.into_bytes();
    bytes.extend_from_slice(&outcome.as_bytes()[..cut]);
    std::fs::write(&journal, &bytes).unwrap();
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "the file ends inside a character"
    );
    let report = apply(&emu, &p, json!({ "journalPath": journal.to_str() }));
    assert_eq!(
        report["journal"]["tornLastLine"], true,
        "{}",
        report["journal"]
    );
    assert_eq!(report["journal"]["unreadableLines"], 1);
    // The torn outcome counted for nothing: the customer was settled again, by the recheck and a removal.
    assert_eq!(outcome_of(&report, &ids[0])["outcome"], "removed");
    assert_eq!(report["counts"]["removed"], 6);
    assert_eq!(removals(&emu).values().sum::<usize>(), 6);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn rule4_a_journal_without_its_header_or_of_another_plan_is_refused() {
    let emu = start_with(Config {
        customers: 20,
        inactive_dap: Some(5),
        ..Config::default()
    });
    let p = plan(&emu, json!({}));
    let dir = temp_dir("headers");
    let journal = dir.join("journal.jsonl");
    let at = chrono::Utc::now().to_rfc3339();
    let id = p["candidates"][0]["customerTenantId"].clone();
    for (what, content) in [
        (
            "no header",
            journal_line(
                json!({ "type": "started", "planId": p["planId"], "customerTenantId": id, "at": at }),
            ),
        ),
        (
            "another plan",
            journal_line(
                json!({ "type": "header", "planId": uuid::Uuid::new_v4(), "format": 2, "at": at }),
            ),
        ),
        (
            "another format",
            journal_line(json!({ "type": "header", "planId": p["planId"], "format": 1, "at": at })),
        ),
        ("not a journal", "hello\n".to_string()),
    ] {
        std::fs::write(&journal, &content).unwrap();
        let e = refused_before_sending(
            &emu,
            da_apply_dap_cleanup,
            &apply_request(&emu, &p, json!({ "journalPath": journal.to_str() })),
        );
        assert!(
            e["message"]
                .as_str()
                .unwrap()
                .contains(journal.to_str().unwrap()),
            "{what}: {e}"
        );
        assert_eq!(
            std::fs::read_to_string(&journal).unwrap(),
            content,
            "{what}: untouched"
        );
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn rule4_records_of_another_plan_never_mark_a_customer_done() {
    let emu = start_with(Config {
        customers: 20,
        inactive_dap: Some(5),
        ..Config::default()
    });
    let p = plan(&emu, json!({}));
    let ids = ids(&p["candidates"]);
    let dir = temp_dir("foreign");
    let journal = dir.join("journal.jsonl");
    let at = chrono::Utc::now().to_rfc3339();
    let mut text =
        journal_line(json!({ "type": "header", "planId": p["planId"], "format": 2, "at": at }));
    text += &journal_line(
        json!({ "type": "outcome", "planId": uuid::Uuid::new_v4(), "customerTenantId": ids[0],
        "outcome": "removed", "stage": "apply", "at": at }),
    );
    std::fs::write(&journal, text).unwrap();
    let report = apply(&emu, &p, json!({ "journalPath": journal.to_str() }));
    assert_eq!(report["journal"]["foreignRecords"], 1);
    assert_eq!(report["counts"]["fromJournal"], 0);
    assert_eq!(outcome_of(&report, &ids[0])["outcome"], "removed");
    assert_eq!(
        removals(&emu).get(&ids[0]),
        Some(&1),
        "acted on by this run"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

// ---------------------------------------------------------------------------------------------------------
// Rule 5: reports never cost an outcome, and never clobber.

#[cfg(unix)]
fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
}

#[test]
fn rule5_paths_are_checked_before_the_first_request() {
    let emu = start_with(Config {
        customers: 20,
        inactive_dap: Some(5),
        ..Config::default()
    });
    let p = plan(&emu, json!({}));
    let dir = temp_dir("paths");
    let outside = temp_dir("paths-outside");
    std::fs::write(outside.join("precious.json"), b"keep me").unwrap();
    #[cfg(unix)]
    {
        mkfifo(&dir.join("fifo"));
        std::os::unix::fs::symlink(outside.join("precious.json"), dir.join("link.json")).unwrap();
    }
    std::fs::write(dir.join("plan.json"), p.to_string()).unwrap();
    let s = |p: &Path| p.to_str().unwrap().to_string();
    let mut cases: Vec<(&str, Value)> = vec![
        ("a folder as report", json!({ "reportPath": s(&dir) })),
        ("a device as report", json!({ "reportPath": "/dev/null" })),
        (
            "a missing folder",
            json!({ "reportCsvPath": s(&dir.join("missing/r.csv")) }),
        ),
        (
            "a folder that takes no file",
            json!({ "reportPath": "/proc/self/report.json" }),
        ),
        ("a folder as journal", json!({ "journalPath": s(&dir) })),
        (
            "the same file twice",
            json!({ "reportPath": s(&dir.join("r.json")), "reportCsvPath": s(&dir.join("r.json")) }),
        ),
        (
            "the journal as report",
            json!({ "journalPath": s(&dir.join("j.jsonl")), "reportPath": s(&dir.join("j.jsonl")) }),
        ),
        (
            "the plan file as report",
            json!({ "plan": null, "planPath": s(&dir.join("plan.json")), "reportPath": s(&dir.join("plan.json")) }),
        ),
    ];
    #[cfg(unix)]
    cases.extend([
        (
            "a FIFO as report",
            json!({ "reportCsvPath": s(&dir.join("fifo")) }),
        ),
        (
            "a FIFO as journal",
            json!({ "journalPath": s(&dir.join("fifo")) }),
        ),
        (
            "a link out of the folder",
            json!({ "reportPath": s(&dir.join("link.json")) }),
        ),
        (
            "a link out as journal",
            json!({ "journalPath": s(&dir.join("link.json")) }),
        ),
    ]);
    for (what, extra) in cases {
        let e = refused_before_sending(&emu, da_apply_dap_cleanup, &apply_request(&emu, &p, extra));
        assert!(!e["message"].as_str().unwrap().is_empty(), "{what}");
    }
    assert_eq!(
        std::fs::read(outside.join("precious.json")).unwrap(),
        b"keep me"
    );
    // The planner checks its planPath the same way.
    refused_before_sending(
        &emu,
        da_plan_dap_cleanup,
        &request(&emu, json!({ "planPath": "/dev/null" })),
    );
    assert!(emu.requests().iter().all(|r| r.method != "PATCH"));
    std::fs::remove_dir_all(dir).unwrap();
    std::fs::remove_dir_all(outside).unwrap();
}

#[test]
fn rule5_a_report_that_cannot_be_written_after_removals_still_returns_every_outcome() {
    let emu = start_with(Config {
        customers: 40,
        inactive_dap: Some(12),
        latency: Duration::from_millis(40),
        ..Config::default()
    });
    let p = plan(&emu, json!({}));
    let dir = temp_dir("report-fails");
    let reports = dir.join("reports");
    std::fs::create_dir_all(&reports).unwrap();
    let journal = dir.join("journal.jsonl");
    let report_path = reports.join("report.csv");
    let mut start = apply_request(
        &emu,
        &p,
        json!({ "journalPath": journal.to_str(), "reportCsvPath": report_path.to_str(), "concurrency": 1 }),
    );
    merge(&mut start, json!({ "operation": "applyDapCleanup" }));
    let job = ok(da_job_start, &start)["jobId"]
        .as_str()
        .unwrap()
        .to_string();
    // Once removals are under way, the report's folder goes away.
    let t = Instant::now();
    loop {
        let status = ok(da_job_poll, &json!({ "jobId": job }));
        if status["progress"]["removed"].as_u64().unwrap() >= 1 {
            break;
        }
        assert!(t.elapsed() < Duration::from_secs(30), "{status}");
        std::thread::sleep(Duration::from_millis(5));
    }
    std::fs::remove_dir(&reports).unwrap();
    let env = call(da_job_result, &json!({ "jobId": job, "waitSeconds": 60 }));
    assert_eq!(env["ok"], false, "{env}");
    assert_eq!(env["error"]["kind"], "io", "{env}");
    assert!(
        env["error"]["message"]
            .as_str()
            .unwrap()
            .contains(report_path.to_str().unwrap()),
        "the error names the report: {env}"
    );
    let report = &env["result"];
    assert_counts_add_up(report);
    assert_eq!(report["counts"]["removed"], 12);
    assert_eq!(
        report["outcomes"].as_array().unwrap().len(),
        40,
        "every outcome came back"
    );
    let journaled = std::fs::read_to_string(&journal).unwrap();
    assert_eq!(journaled.matches("\"outcome\":\"removed\"").count(), 12);
    ok(da_job_free, &json!({ "jobId": job }));
    std::fs::remove_dir_all(dir).unwrap();
}

// ---------------------------------------------------------------------------------------------------------
// Rule 6: listings end.

fn list_all(emu: &Emulator, extra: Value) -> Value {
    let mut r = request(emu, json!({ "allPages": true, "top": 100 }));
    merge(&mut r, extra);
    call(da_list_delegated_admin_customers, &r)
}

#[test]
fn rule6_a_looping_or_stuck_listing_ends_with_a_server_error() {
    let emu = start_with(Config {
        customers: 250,
        ..Config::default()
    });
    set_faults(&emu, json!({ "listingLoop": 1000 }));
    let env = list_all(&emu, json!({}));
    assert_eq!(env["error"]["kind"], "server_error", "{env}");
    assert!(
        env["error"]["message"]
            .as_str()
            .unwrap()
            .contains("already returned"),
        "{env}"
    );
    clear_faults(&emu);
    set_faults(&emu, json!({ "listingStuck": 1000 }));
    let before = count_requests(&emu);
    let env = list_all(&emu, json!({}));
    assert_eq!(env["error"]["kind"], "server_error", "{env}");
    assert!(
        env["error"]["message"]
            .as_str()
            .unwrap()
            .contains("not listed before"),
        "{env}"
    );
    assert!(count_requests(&emu) - before <= 4, "it stopped at once");
    clear_faults(&emu);
    // The planner too.
    set_faults(&emu, json!({ "listingLoop": 1000 }));
    let e = err(da_plan_dap_cleanup, &request(&emu, json!({})));
    assert_eq!(e["kind"], "server_error", "{e}");
}

#[test]
fn rule6_a_service_that_ignores_skip_ends_the_listing() {
    let emu = start_with(Config {
        customers: 650,
        ..Config::default()
    });
    set_faults(&emu, json!({ "listingIgnoresSkip": true }));
    // The planner pages by 300 and, without a nextLink, by $skip.
    let e = err(da_plan_dap_cleanup, &request(&emu, json!({})));
    assert_eq!(e["kind"], "server_error", "{e}");
    assert!(
        e["message"].as_str().unwrap().contains("ignore $skip"),
        "{e}"
    );
}

#[test]
fn rule6_a_page_of_millions_of_empty_objects_is_refused_without_retrying() {
    let emu = start();
    set_faults(&emu, json!({ "listingEmptyObjects": 2_000_000 }));
    let before = count_requests(&emu);
    let rss_before = vm_rss_kib();
    let env = list_all(&emu, json!({ "maxRetries": 3 }));
    assert_eq!(env["error"]["kind"], "server_error", "{env}");
    assert!(
        env["error"]["message"]
            .as_str()
            .unwrap()
            .contains("more than 10000 items"),
        "{env}"
    );
    // One token request and one page: the refusal is not retried.
    assert_eq!(count_requests(&emu) - before, 2);
    if let (Some(a), Some(b)) = (rss_before, vm_rss_kib()) {
        // Decoded, two million customers would take gigabytes; capped, a few megabytes (plus the 6 MB body).
        assert!(b.saturating_sub(a) < 200 * 1024, "RSS grew {} KiB", b - a);
    }
}

#[test]
fn rule6_timeout_seconds_bounds_the_whole_listing() {
    let emu = start_with(Config {
        customers: 1000,
        latency: Duration::from_millis(300),
        ..Config::default()
    });
    // Ten pages of 300 ms each; every single page fits in the deadline, all of them do not.
    let env = list_all(&emu, json!({ "timeoutSeconds": 1.5 }));
    assert_eq!(env["error"]["kind"], "timeout", "{env}");
    let ok_env = list_all(&emu, json!({ "timeoutSeconds": 30 }));
    assert_eq!(
        ok_env["result"]["customers"].as_array().unwrap().len(),
        1000
    );
}

// ---------------------------------------------------------------------------------------------------------
// Rule 7: token answers are checked.

#[test]
fn rule7_an_odd_expires_in_makes_the_token_short_lived() {
    let emu = start();
    let token = |emu: &Emulator| {
        ok(
            da_acquire_token,
            &request(emu, json!({ "resource": "https://management.azure.com" })),
        )
    };
    assert_eq!(token(&emu)["expiresIn"], 3600, "the control case");
    // Each odd value, on a fresh emulator so that the cache is empty for that scope.
    for raw in [
        json!(-5),
        json!(0),
        json!("soon"),
        json!(1e12),
        json!(3.5),
        json!("3600x"),
        json!([3600]),
    ] {
        let emu = start();
        set_faults(&emu, json!({ "tokenExpiresIn": raw }));
        let t = token(&emu);
        assert_eq!(t["expiresIn"], 60, "expires_in {raw}: {t}");
        let expires_on =
            chrono::DateTime::parse_from_rfc3339(t["expiresOn"].as_str().unwrap()).unwrap();
        assert!(expires_on < chrono::Utc::now() + chrono::Duration::seconds(61));
    }
    let emu = start();
    set_faults(&emu, json!({ "tokenOmitExpiresIn": true }));
    assert_eq!(token(&emu)["expiresIn"], 60, "a missing expires_in");
}

#[test]
fn rule7_a_bearer_token_with_control_characters_is_refused_before_sending() {
    let emu = start();
    for bad in [
        "tok\nen",
        "tok\ren",
        "tok\u{1}en",
        "tok en",
        "tök",
        "tok\u{7f}",
    ] {
        let e = refused_before_sending(
            &emu,
            da_list_delegated_admin_customers,
            &request(&emu, json!({ "auth": { "accessToken": bad } })),
        );
        assert!(!e.to_string().contains(bad), "the token is not echoed: {e}");
        let p = json!({ "format": 1 });
        let e = refused_before_sending(
            &emu,
            da_apply_dap_cleanup,
            &apply_request(
                &emu,
                &p,
                json!({ "partnerCenterAuth": { "accessToken": bad } }),
            ),
        );
        assert_eq!(e["kind"], "invalid_request");
    }
}

// ---------------------------------------------------------------------------------------------------------
// Rule 8: a Lighthouse delete without a monitor URL, and assignments without ids.

fn first_assignment(emu: &Emulator) -> String {
    emu.fixtures()["subscriptions"][0]["assignments"][0]["id"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn rule8_a_delete_accepted_without_a_monitor_url_is_polled_by_reading_the_assignment() {
    let emu = start();
    set_faults(&emu, json!({ "lroNoHeaders": true }));
    let id = first_assignment(&emu);
    let done = ok(
        da_remove_lighthouse_assignment,
        &request(&emu, json!({ "assignmentId": id, "wait": true })),
    );
    assert_eq!(done["status"], "deleted", "{done}");
    let reads = emu
        .requests()
        .iter()
        .filter(|r| r.method == "GET" && id.ends_with(r.path.rsplit('/').next().unwrap()))
        .count();
    assert!(
        reads >= 2,
        "the assignment was read until it was gone ({reads} reads)"
    );
    assert!(!emu.fixtures().to_string().contains(&id), "it is gone");
    // Without wait, it is accepted with nothing to poll.
    let other = first_assignment(&emu);
    let accepted = ok(
        da_remove_lighthouse_assignment,
        &request(&emu, json!({ "assignmentId": other, "wait": false })),
    );
    assert_eq!(accepted["status"], "accepted");
    assert_eq!(accepted["operationUrl"], Value::Null);
}

#[test]
fn rule8_assignments_without_id_or_name_are_listed() {
    let emu = start();
    set_faults(&emu, json!({ "assignmentsWithoutIds": true }));
    let sub = emu.fixtures()["subscriptions"][0]["subscriptionId"]
        .as_str()
        .unwrap()
        .to_string();
    let listed = ok(
        da_list_lighthouse_assignments,
        &request(&emu, json!({ "scope": format!("/subscriptions/{sub}") })),
    );
    let items = listed["assignments"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    for a in items {
        assert!(a["id"].is_null() && a["name"].is_null(), "{a}");
        assert!(a["properties"]["registrationDefinitionId"].is_string());
    }
}
