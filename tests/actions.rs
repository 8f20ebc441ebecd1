//! The engine's actions through `da_plan` / `da_apply` (and the jobs `plan` / `apply`) against the emulator:
//! the GDAP lifecycle (auto-extend, Global Administrator removal then auto-extend, terminate named
//! customers), the removal of Azure Lighthouse assignments across subscriptions, each one's plan, recheck,
//! apply, resume after a killed run, cancel, and the refusals that must come before any request; and the
//! DAP cleanup reached through the same two functions by its alias.

mod common;
use common::*;
use delegated_admin::ffi::{
    da_apply_dap_cleanup, da_get_gdap_relationship, da_job_cancel, da_job_free, da_job_poll,
    da_job_result, da_job_start, da_list_lighthouse_assignments, da_plan_dap_cleanup,
};
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};

fn gdap_emulator(latency_ms: u64) -> Emulator {
    start_with(Config {
        customers: 40,
        gdap_relationships: Some(120),
        latency: std::time::Duration::from_millis(latency_ms),
        ..Config::default()
    })
}

fn lighthouse_emulator() -> Emulator {
    start_with(Config {
        customers: 20,
        subscriptions: 6,
        ..Config::default()
    })
}

fn strings(v: &Value) -> HashSet<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

fn keys(entries: &Value, field: &str, filter: impl Fn(&Value) -> bool) -> HashSet<String> {
    entries
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| filter(e))
        .map(|e| e[field].as_str().unwrap().to_string())
        .collect()
}

fn relationship(emu: &Emulator, id: &str) -> Value {
    ok(da_get_gdap_relationship, &request(emu, json!({ "id": id })))["relationship"].clone()
}

/// The report's counts add up, whatever the done word.
fn counts_add_up(report: &Value, done: &str) {
    let c = &report["counts"];
    let n = |k: &str| c[k].as_u64().unwrap_or_else(|| panic!("no {k} in {c}"));
    assert_eq!(n("targets"), n(done) + n("failed") + n("skipped"), "{c}");
    assert_eq!(
        n("candidates"),
        n(done) + n("failed") + n("skippedCandidates"),
        "{c}"
    );
    assert_eq!(
        report["outcomes"].as_array().unwrap().len() as u64,
        n("targets")
    );
}

fn outcomes_by(report: &Value, key: &str) -> HashMap<String, Value> {
    report["outcomes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| (o[key].as_str().unwrap().to_string(), o.clone()))
        .collect()
}

fn writes(emu: &Emulator, prefix: &str) -> Vec<delegated_admin_emulator::LoggedRequest> {
    emu.requests()
        .into_iter()
        .filter(|r| r.method != "GET" && r.path.starts_with(prefix))
        .collect()
}

const GRAPH: &str = "/v1.0/tenantRelationships/delegatedAdminRelationships";

#[test]
fn gdap_lifecycle_plans_a_decision_for_every_relationship_and_applies_each_once() {
    let emu = gdap_emulator(0);
    let fx = emu.fixtures()["gdap"].clone();
    let plan = ok(
        da_plan,
        &request(&emu, json!({ "action": "gdapLifecycle" })),
    );
    assert_eq!(plan["action"], "gdapLifecycle");
    assert_eq!(plan["criteria"]["expiringWithinDays"], 60);
    assert_eq!(plan["summary"]["targets"], fx["relationshipCount"]);
    let candidates = &plan["candidates"];
    let kept = &plan["kept"];
    // Every active relationship ending within 60 days that can be auto-extended is a candidate; every
    // expired one is kept as expired; nothing holding Global Administrator is a candidate by default.
    let enable = keys(candidates, "relationshipId", |e| {
        e["decision"] == "enable_auto_extend"
    });
    assert!(!enable.is_empty(), "{plan}");
    assert_eq!(
        enable.len(),
        candidates.as_array().unwrap().len(),
        "only enable_auto_extend without allowGlobalAdminRemoval or named customers"
    );
    let ending = strings(&fx["activeEndingWithin60Days"]);
    let extendable = strings(&fx["activeAutoExtendable"]);
    for id in ending.intersection(&extendable) {
        assert!(
            enable.contains(id),
            "{id} ends within 60 days and is extendable"
        );
    }
    for id in strings(&fx["activeGlobalAdmin"]) {
        assert!(!enable.contains(&id), "{id} holds Global Administrator");
    }
    let expired = keys(kept, "relationshipId", |e| e["reason"] == "expired");
    assert_eq!(
        expired,
        strings(&fx["expired"])
            .intersection(&expired)
            .cloned()
            .collect()
    );
    assert!(!strings(&fx["expired"]).is_empty() && strings(&fx["expired"]).is_subset(&expired));
    for e in candidates
        .as_array()
        .unwrap()
        .iter()
        .chain(kept.as_array().unwrap())
    {
        assert!(
            e["reason"].is_string() && !e["detail"].as_str().unwrap().is_empty(),
            "{e}"
        );
    }

    let dir = temp_dir("gdap-lifecycle");
    let journal = dir.join("journal.jsonl");
    let report = ok(
        da_apply,
        &request(
            &emu,
            json!({ "plan": plan, "journalPath": journal, "reportCsvPath": dir.join("r.csv") }),
        ),
    );
    assert_eq!(report["action"], "gdapLifecycle");
    counts_add_up(&report, "done");
    assert_eq!(
        report["counts"]["done"].as_u64().unwrap() as usize,
        enable.len(),
        "{}",
        report["counts"]
    );
    let by = outcomes_by(&report, "relationshipId");
    for id in &enable {
        assert_eq!(by[id]["outcome"], "done", "{}", by[id]);
        assert_eq!(by[id]["reasonCode"], "enable_auto_extend");
        assert_eq!(relationship(&emu, id)["autoExtendDuration"], "P180D");
    }
    // One PATCH per relationship: the recheck's listing gave the ETag and roles.
    let patches = writes(&emu, GRAPH);
    assert_eq!(patches.len(), enable.len(), "{patches:?}");
    let csv = std::fs::read_to_string(dir.join("r.csv")).unwrap();
    assert!(
        csv.starts_with("\u{feff}relationshipId,displayName,customerTenantId"),
        "{csv}"
    );
    assert_eq!(csv.lines().count(), 1 + by.len());

    // The same plan and journal again: nothing is done twice, nothing is sent but nothing.
    let again = ok(
        da_apply,
        &request(&emu, json!({ "plan": plan, "journalPath": journal })),
    );
    assert_eq!(
        again["counts"]["fromJournal"].as_u64().unwrap() as usize,
        enable.len()
    );
    assert_eq!(writes(&emu, GRAPH).len(), enable.len());
    // Without the journal, the recheck finds them done.
    let fresh = ok(da_apply, &request(&emu, json!({ "plan": plan })));
    let by = outcomes_by(&fresh, "relationshipId");
    for id in &enable {
        assert_eq!(by[id]["reasonCode"], "already_done", "{}", by[id]);
    }
    assert_eq!(writes(&emu, GRAPH).len(), enable.len());
}

#[test]
fn global_administrator_is_removed_before_auto_extend_only_when_allowed_and_named_customers_are_terminated(
) {
    let emu = gdap_emulator(0);
    let plan = ok(
        da_plan,
        &request(
            &emu,
            json!({ "action": "gdapLifecycle", "allowGlobalAdminRemoval": true }),
        ),
    );
    let with_ga: Vec<&Value> = plan["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["decision"] == "remove_global_admin_then_auto_extend")
        .collect();
    assert!(!with_ga.is_empty(), "{plan}");
    for e in &with_ga {
        assert_eq!(e["holdsGlobalAdministrator"], true);
        assert_eq!(e["reason"], "ending_with_global_admin");
    }
    // A relationship whose only role is Global Administrator is reported, never changed.
    for e in plan["kept"].as_array().unwrap() {
        if e["reason"] == "global_admin_only" {
            assert_eq!(e["decision"], "report_only");
        }
    }
    let report = ok(da_apply, &request(&emu, json!({ "plan": plan })));
    counts_add_up(&report, "done");
    assert_eq!(report["counts"]["failed"], 0, "{}", report["outcomes"]);
    for e in &with_ga {
        let r = relationship(&emu, e["relationshipId"].as_str().unwrap());
        assert_eq!(r["autoExtendDuration"], "P180D", "{r}");
        let roles: Vec<&str> = r["accessDetails"]["unifiedRoles"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["roleDefinitionId"].as_str().unwrap())
            .collect();
        assert!(
            !roles.contains(&"62e90394-69f5-4237-9190-012177145e10"),
            "{roles:?}"
        );
    }

    // Terminate: only the customers the request names.
    let active = strings(&emu.fixtures()["gdap"]["active"]);
    let victim = active
        .iter()
        .map(|id| relationship(&emu, id))
        .find(|r| r["status"] == "active")
        .unwrap();
    let customer = victim["customer"]["tenantId"].as_str().unwrap().to_string();
    let plan = ok(
        da_plan,
        &request(
            &emu,
            json!({ "action": "gdapLifecycle", "terminateCustomers": [customer] }),
        ),
    );
    let terminate = keys(&plan["candidates"], "relationshipId", |e| {
        e["decision"] == "terminate"
    });
    assert!(terminate.contains(victim["id"].as_str().unwrap()), "{plan}");
    for e in plan["candidates"].as_array().unwrap() {
        if e["decision"] == "terminate" {
            assert_eq!(e["customerTenantId"], customer.as_str());
            assert_eq!(e["reason"], "customer_named");
        }
    }
    let report = ok(da_apply, &request(&emu, json!({ "plan": plan })));
    let by = outcomes_by(&report, "relationshipId");
    for id in &terminate {
        assert_eq!(by[id]["outcome"], "done", "{}", by[id]);
        let status = relationship(&emu, id)["status"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(
            status == "terminationRequested" || status == "terminated",
            "{status}"
        );
    }
}

#[test]
fn an_edited_gdap_plan_is_judged_again_and_a_broken_one_is_refused_before_any_request() {
    let emu = gdap_emulator(0);
    let plan = ok(
        da_plan,
        &request(&emu, json!({ "action": "gdapLifecycle" })),
    );
    // A relationship kept because Global Administrator blocks auto-extend, edited into the candidates.
    let mut edited = plan.clone();
    let held = plan["kept"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["reason"] == "global_admin_held")
        .expect("a relationship holding Global Administrator ends within 60 days")
        .clone();
    let mut forged = held.clone();
    forged["decision"] = json!("enable_auto_extend");
    edited["candidates"] = json!([forged]);
    let report = ok(da_apply, &request(&emu, json!({ "plan": edited })));
    let o = &report["outcomes"][0];
    assert_eq!(o["outcome"], "skipped", "{o}");
    assert_eq!(o["reasonCode"], "decision_changed", "{o}");
    assert!(
        o["reason"].as_str().unwrap().contains("global_admin_held"),
        "{o}"
    );
    assert!(writes(&emu, GRAPH).is_empty());

    let before = count_requests(&emu);
    let refused = |mutate: &dyn Fn(&mut Value), needle: &str| {
        let mut p = plan.clone();
        mutate(&mut p);
        let e = err(da_apply, &request(&emu, json!({ "plan": p })));
        assert_eq!(e["kind"], "invalid_request", "{e}");
        assert!(
            e["message"].as_str().unwrap().contains(needle),
            "{needle}: {e}"
        );
    };
    refused(
        &|p| p["criteria"]["asOf"] = json!("2999-01-01T00:00:00Z"),
        "future",
    );
    refused(
        &|p| p["criteria"]["expiringWithinDays"] = json!(0),
        "expiringWithinDays",
    );
    refused(&|p| p["format"] = json!(7), "format");
    refused(
        &|p| p["candidates"][0]["relationshipId"] = json!("not-an-id"),
        "relationshipId",
    );
    refused(
        &|p| p["candidates"][0]["decision"] = json!("report_only"),
        "report_only",
    );
    refused(
        &|p| {
            let first = p["candidates"][0].clone();
            p["candidates"].as_array_mut().unwrap().push(first);
        },
        "twice",
    );
    let e = err(
        da_apply,
        &request(
            &emu,
            json!({ "action": "removeLighthouseAssignment", "plan": plan }),
        ),
    );
    assert!(
        e["message"].as_str().unwrap().contains("not the plan's"),
        "{e}"
    );
    let e = err(
        da_plan,
        &request(
            &emu,
            json!({ "action": "gdapLifecycle", "expiringWithinDays": 900 }),
        ),
    );
    assert_eq!(e["kind"], "invalid_request");
    let e = err(da_plan, &request(&emu, json!({ "action": "nope" })));
    assert!(
        e["message"].as_str().unwrap().contains("gdapLifecycle"),
        "{e}"
    );
    let e = err(
        da_plan,
        &request(&emu, json!({ "action": "gdapLifecycle", "bogus": 1 })),
    );
    assert!(e["message"].as_str().unwrap().contains("bogus"), "{e}");
    assert_eq!(count_requests(&emu), before, "refusals send nothing");
}

fn poll(id: &str) -> Value {
    ok(da_job_poll, &json!({ "jobId": id }))
}

#[test]
fn a_cancelled_apply_stops_cleanly_and_a_killed_run_resumes_without_acting_twice() {
    let emu = gdap_emulator(40);
    let plan = ok(
        da_plan,
        &request(&emu, json!({ "action": "gdapLifecycle" })),
    );
    let n = plan["candidates"].as_array().unwrap().len();
    assert!(n >= 4, "{n}");
    let dir = temp_dir("gdap-resume");
    let journal = dir.join("journal.jsonl");
    let started = ok(
        da_job_start,
        &request(
            &emu,
            json!({ "operation": "apply", "plan": plan, "journalPath": journal, "concurrency": 1 }),
        ),
    );
    let job = started["jobId"].as_str().unwrap().to_string();
    // Cancel once the first change is done.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let p = poll(&job);
        if p["progress"]["removed"].as_u64().unwrap_or(0) >= 1 || p["state"] != "running" {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "no progress: {p}");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    ok(da_job_cancel, &json!({ "jobId": job }));
    let first = ok(da_job_result, &json!({ "jobId": job, "waitSeconds": 30 }));
    ok(da_job_free, &json!({ "jobId": job }));
    assert_eq!(first["stoppedEarly"], true, "{first}");
    let done_first = first["counts"]["done"].as_u64().unwrap() as usize;
    assert!(done_first >= 1 && done_first < n, "{}", first["counts"]);
    let not_attempted = first["outcomes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["reasonCode"] == "not_attempted" || o["reasonCode"] == "cancelled_in_flight")
        .count();
    assert!(not_attempted >= 1);

    // A run killed right after sending: its journal says "started" with no outcome. Forge that for a
    // candidate the first run did change, and resume: it is settled as done by the interrupted run.
    let text = std::fs::read_to_string(&journal).unwrap();
    let changed = first["outcomes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["outcome"] == "done")
        .unwrap()["relationshipId"]
        .as_str()
        .unwrap()
        .to_string();
    let kept_lines: Vec<&str> = text
        .lines()
        .filter(|l| !(l.contains("\"outcome\"") && l.contains(&changed)))
        .collect();
    let mut forged = kept_lines.join("\n");
    forged.push('\n');
    std::fs::write(&journal, forged).unwrap();
    let resumed = ok(
        da_apply,
        &request(&emu, json!({ "plan": plan, "journalPath": journal })),
    );
    counts_add_up(&resumed, "done");
    assert_eq!(resumed["stoppedEarly"], false);
    let by = outcomes_by(&resumed, "relationshipId");
    assert_eq!(
        by[&changed]["reasonCode"], "removed_by_interrupted_run",
        "{}",
        by[&changed]
    );
    assert_eq!(
        resumed["counts"]["done"].as_u64().unwrap() as usize,
        n,
        "{}",
        resumed["counts"]
    );
    // Every relationship was changed exactly once over both runs.
    let mut per: HashMap<String, usize> = HashMap::new();
    for w in writes(&emu, GRAPH) {
        *per.entry(w.path.clone()).or_default() += 1;
    }
    assert_eq!(per.len(), n, "{per:?}");
    assert!(per.values().all(|&c| c == 1), "{per:?}");
}

#[test]
fn lighthouse_assignments_of_many_subscriptions_are_planned_by_managing_tenant_and_removed_once() {
    let emu = lighthouse_emulator();
    let fx = emu.fixtures();
    let partner = fx["tenantId"].as_str().unwrap().to_string();
    // What the library's own listing sees at each subscription's scope: the partner's delegations and
    // another managing tenant's (the emulator seeds both), told apart by the fixtures.
    let managed_by: HashMap<String, String> = fx["subscriptions"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["assignments"].as_array().unwrap())
        .map(|a| {
            let id = a["id"].as_str().unwrap().to_string();
            (id, a["managedByTenantId"].as_str().unwrap().to_string())
        })
        .collect();
    let mut listed = HashSet::new();
    for s in fx["subscriptions"].as_array().unwrap() {
        let page = ok(
            da_list_lighthouse_assignments,
            &request(
                &emu,
                json!({ "scope": format!("/subscriptions/{}", s["subscriptionId"].as_str().unwrap()) }),
            ),
        );
        for a in page["assignments"].as_array().unwrap() {
            listed.insert(a["id"].as_str().unwrap().to_string());
        }
    }
    let expected: HashSet<String> = listed
        .iter()
        .filter(|id| managed_by[*id] == partner)
        .cloned()
        .collect();
    assert!(expected.len() >= 6, "{expected:?}");
    assert!(
        expected.len() < listed.len(),
        "another tenant's too: {listed:?}"
    );

    let e = err(
        da_plan,
        &request(&emu, json!({ "action": "removeLighthouseAssignment" })),
    );
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("managedByTenantIds"),
        "{e}"
    );

    let other = ok(
        da_plan,
        &request(
            &emu,
            json!({ "action": "removeLighthouseAssignment", "managedByTenantIds": ["00000000-0000-4000-8000-000000000001"] }),
        ),
    );
    assert_eq!(other["summary"]["candidates"], 0, "{other}");
    assert_eq!(
        keys(&other["kept"], "assignmentId", |e| e["reason"]
            == "other_managing_tenant"),
        listed
    );

    let dir = temp_dir("lighthouse-actions");
    let plan_path = dir.join("plan.json");
    let plan = ok(
        da_plan,
        &request(
            &emu,
            json!({ "action": "removeLighthouseAssignment", "managedByTenantIds": [partner], "planPath": plan_path }),
        ),
    );
    assert_eq!(plan["problems"], json!([]));
    assert_eq!(
        keys(&plan["candidates"], "assignmentId", |_| true),
        expected
    );
    for c in plan["candidates"].as_array().unwrap() {
        assert_eq!(c["managedByTenantId"], partner.as_str());
        assert_eq!(c["reason"], "matches_filter");
    }
    // One subscription only, by list.
    let first = fx["subscriptions"][0]["subscriptionId"].as_str().unwrap();
    let one = ok(
        da_plan,
        &request(
            &emu,
            json!({ "action": "removeLighthouseAssignment", "managedByTenantIds": [partner], "subscriptions": [first] }),
        ),
    );
    for c in one["candidates"].as_array().unwrap() {
        assert_eq!(c["subscriptionId"], first);
    }

    // Applied from the saved file with a tiny delete bucket: every one removed, once.
    let journal = dir.join("journal.jsonl");
    let report = ok(
        da_apply,
        &request(
            &emu,
            json!({ "planPath": plan_path, "journalPath": journal, "deleteBucket": 2, "deleteRefillPerSecond": 50 }),
        ),
    );
    assert_eq!(report["action"], "removeLighthouseAssignment");
    counts_add_up(&report, "removed");
    assert_eq!(
        report["counts"]["removed"].as_u64().unwrap() as usize,
        expected.len(),
        "{}",
        report["outcomes"]
    );
    let deletes = writes(&emu, "/subscriptions/");
    assert_eq!(deletes.len(), expected.len(), "{deletes:?}");
    let again = ok(da_apply, &request(&emu, json!({ "planPath": plan_path })));
    let mut kept = HashSet::new();
    for o in again["outcomes"].as_array().unwrap() {
        if o["stage"] == "plan" {
            // Kept by the plan: another tenant's delegation, never touched.
            assert_eq!(o["reasonCode"], "other_managing_tenant", "{o}");
            kept.insert(o["assignmentId"].as_str().unwrap().to_string());
        } else {
            assert_eq!(o["reasonCode"], "already_done", "{o}");
        }
    }
    assert_eq!(kept, &listed - &expected);
    assert_eq!(writes(&emu, "/subscriptions/").len(), expected.len());
    let e = err(
        da_apply,
        &request(
            &emu,
            json!({ "planPath": plan_path, "requestsPerSecond": 5 }),
        ),
    );
    assert!(
        e["message"].as_str().unwrap().contains("deleteBucket"),
        "{e}"
    );
    let e = err(
        da_apply,
        &request(&emu, json!({ "planPath": plan_path, "deleteBucket": 0 })),
    );
    assert_eq!(e["kind"], "invalid_request", "{e}");
}

#[test]
fn the_dap_cleanup_is_the_remove_dap_action_of_the_same_functions() {
    let emu = start_with(Config {
        customers: 30,
        inactive_dap: Some(6),
        ..Config::default()
    });
    let direct = ok(
        da_plan_dap_cleanup,
        &request(&emu, json!({ "allowWithoutGdap": true })),
    );
    let via = ok(
        da_plan,
        &request(
            &emu,
            json!({ "action": "removeDap", "allowWithoutGdap": true }),
        ),
    );
    let fields = |p: &Value| {
        let mut k: Vec<String> = p.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(fields(&direct), fields(&via), "the same plan shape");
    assert_eq!(
        direct["candidates"].as_array().unwrap().len(),
        via["candidates"].as_array().unwrap().len()
    );
    assert!(
        via.get("action").is_none(),
        "the DAP plan's format is unchanged"
    );
    // da_apply takes a DAP plan (it names no action) and gives the DAP report.
    let report = ok(
        da_apply,
        &request(&emu, json!({ "plan": via, "requestsPerSecond": 0 })),
    );
    assert_counts_add_up(&report);
    assert_eq!(report["counts"]["removed"], via["summary"]["candidates"]);
    assert!(report.get("action").is_none());
    // Its own fields are still checked: an unknown one is refused.
    let e = err(
        da_apply,
        &request(&emu, json!({ "plan": via, "deleteBucket": 3 })),
    );
    assert_eq!(e["kind"], "invalid_request");
    let again = ok(
        da_apply_dap_cleanup,
        &request(&emu, json!({ "plan": via, "requestsPerSecond": 0 })),
    );
    for o in again["outcomes"].as_array().unwrap() {
        assert_ne!(o["outcome"], "removed", "{o}");
    }
    let plan_job = ok(
        da_job_start,
        &request(
            &emu,
            json!({ "operation": "plan", "action": "gdapLifecycle" }),
        ),
    );
    let id = plan_job["jobId"].as_str().unwrap();
    let planned = ok(da_job_result, &json!({ "jobId": id, "waitSeconds": 30 }));
    assert_eq!(planned["action"], "gdapLifecycle");
    ok(da_job_free, &json!({ "jobId": id }));
}

#[test]
fn a_lighthouse_removal_cancelled_midway_resumes_with_its_journal_and_removes_each_once() {
    let emu = lighthouse_emulator();
    let partner = emu.fixtures()["tenantId"].clone();
    let plan = ok(
        da_plan,
        &request(
            &emu,
            json!({ "action": "removeLighthouseAssignment", "managedByTenantIds": [partner] }),
        ),
    );
    let n = plan["candidates"].as_array().unwrap().len();
    assert!(n >= 6, "{n}");
    let dir = temp_dir("lighthouse-resume");
    let journal = dir.join("journal.jsonl");
    // A bucket of one token refilled at 5 a second: slow enough to cancel in the middle.
    let slow = json!({ "plan": plan, "journalPath": journal, "deleteBucket": 1, "deleteRefillPerSecond": 5, "concurrency": 2 });
    let mut start = request(&emu, slow.clone());
    merge(&mut start, json!({ "operation": "apply" }));
    let job = ok(da_job_start, &start)["jobId"]
        .as_str()
        .unwrap()
        .to_string();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while poll(&job)["progress"]["removed"].as_u64().unwrap_or(0) < 2 {
        assert!(std::time::Instant::now() < deadline, "no progress");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    ok(da_job_cancel, &json!({ "jobId": job }));
    let first = ok(da_job_result, &json!({ "jobId": job, "waitSeconds": 30 }));
    ok(da_job_free, &json!({ "jobId": job }));
    assert_eq!(first["stoppedEarly"], true);
    let removed_first = first["counts"]["removed"].as_u64().unwrap() as usize;
    assert!(
        removed_first >= 2 && removed_first < n,
        "{}",
        first["counts"]
    );

    // Kill right after a delete was sent: forge a "started" line without its outcome for one removed above.
    let gone = first["outcomes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["outcome"] == "removed")
        .unwrap()["assignmentId"]
        .as_str()
        .unwrap()
        .to_string();
    let text = std::fs::read_to_string(&journal).unwrap();
    let mut forged: String = text
        .lines()
        .filter(|l| !(l.contains("\"type\":\"outcome\"") && l.contains(&gone)))
        .collect::<Vec<_>>()
        .join("\n");
    forged.push('\n');
    std::fs::write(&journal, forged).unwrap();

    let resumed = ok(
        da_apply,
        &request(&emu, json!({ "plan": plan, "journalPath": journal })),
    );
    counts_add_up(&resumed, "removed");
    assert_eq!(
        resumed["counts"]["removed"].as_u64().unwrap() as usize,
        n,
        "{}",
        resumed["outcomes"]
    );
    let by = outcomes_by(&resumed, "assignmentId");
    assert_eq!(
        by[&gone]["reasonCode"], "removed_by_interrupted_run",
        "{}",
        by[&gone]
    );
    let mut per: HashMap<String, usize> = HashMap::new();
    for w in writes(&emu, "/subscriptions/") {
        *per.entry(w.path.to_ascii_lowercase()).or_default() += 1;
    }
    assert_eq!(per.len(), n, "{per:?}");
    assert!(
        per.values().all(|&c| c == 1),
        "each assignment deleted once: {per:?}"
    );
}
