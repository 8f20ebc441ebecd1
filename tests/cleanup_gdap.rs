//! The DAP cleanup's GDAP rule against the emulator, through the C ABI: a DAP candidate whose customer has
//! no active GDAP relationship is held (`no_active_gdap`) and one with GDAP is removed; the plan lists the
//! active relationships once; Graph unreachable holds every candidate (`gdap_unknown`) and says why;
//! `allowWithoutGdap` is stored in the plan and followed by apply, whose recheck applies the rule to the
//! live data.

mod common;
use common::*;
use delegated_admin::ffi::{
    da_apply_dap_cleanup, da_job_free, da_job_poll, da_job_result, da_job_start,
    da_plan_dap_cleanup,
};
use serde_json::{json, Value};
use std::collections::HashSet;

const RELATIONSHIPS: &str = "/v1.0/tenantRelationships/delegatedAdminRelationships";

/// 60 customers, 18 with inactive DAP: the fixtures list every one of them (at most 20 per list).
fn emulator() -> Emulator {
    start_with(Config {
        customers: 60,
        inactive_dap: Some(18),
        ..Config::default()
    })
}

fn set(v: &Value) -> HashSet<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

/// (inactive DAP customers with an active GDAP relationship, those without).
fn coverage(emu: &Emulator) -> (HashSet<String>, HashSet<String>) {
    let fx = emu.fixtures();
    let with = set(&fx["gdap"]["inactiveDapWithActiveGdap"]);
    let without = set(&fx["gdap"]["inactiveDapWithoutActiveGdap"]);
    assert_eq!(with.len() + without.len(), 18, "{}", fx["gdap"]);
    assert!(with.len() >= 3 && without.len() >= 3, "{}", fx["gdap"]);
    (with, without)
}

fn ids_of(entries: &Value, reason: Option<&str>) -> HashSet<String> {
    entries
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| reason.is_none_or(|r| e["reason"] == r))
        .map(|e| e["customerTenantId"].as_str().unwrap().to_string())
        .collect()
}

fn graph_requests(emu: &Emulator) -> Vec<delegated_admin_emulator::LoggedRequest> {
    emu.requests()
        .into_iter()
        .filter(|r| r.path.starts_with("/v1.0/"))
        .collect()
}

fn apply(emu: &Emulator, plan: &Value, extra: Value) -> Value {
    let mut r = request(
        emu,
        json!({ "plan": plan, "requestsPerSecond": 0, "concurrency": 4 }),
    );
    merge(&mut r, extra);
    ok(da_apply_dap_cleanup, &r)
}

fn dap_enabled(emu: &Emulator, id: &str) -> bool {
    emu.customer(id).unwrap()["dapEnabled"] == json!(true)
}

#[test]
fn a_dap_candidate_without_active_gdap_is_held_and_one_with_gdap_is_removed() {
    let emu = emulator();
    let (with, without) = coverage(&emu);
    let plan = ok(da_plan_dap_cleanup, &request(&emu, json!({})));
    assert_eq!(plan["allowWithoutGdap"], false);
    assert_eq!(ids_of(&plan["candidates"], None), with);
    assert_eq!(ids_of(&plan["kept"], Some("no_active_gdap")), without);
    assert_eq!(plan["summary"]["candidates"], with.len());
    let g = &plan["gdap"];
    assert_eq!(g["required"], true);
    assert_eq!(g["checked"], true);
    assert_eq!(g["held"], without.len());
    assert!(g["error"].is_null(), "{g}");
    assert!(g["relationships"].as_u64().unwrap() >= with.len() as u64);

    // One listing of the active relationships for every candidate, not a request per customer.
    let graph = graph_requests(&emu);
    assert_eq!(graph.len(), 1, "{graph:?}");
    assert_eq!(graph[0].path, RELATIONSHIPS);
    let query = graph[0].query.as_deref().unwrap();
    assert!(query.contains("status+eq+%27active%27"), "{query}");

    // A candidate's detail names its relationships: display name, end date, roles.
    for c in plan["candidates"].as_array().unwrap() {
        let id = c["customerTenantId"].as_str().unwrap();
        let active = ok(
            da_list_gdap_relationships,
            &request(&emu, json!({ "customerTenantId": id, "status": "active" })),
        );
        let detail = c["detail"].as_str().unwrap();
        assert!(detail.contains("active GDAP relationship"), "{detail}");
        for r in active["relationships"].as_array().unwrap().iter().take(3) {
            let name = r["displayName"].as_str().unwrap();
            let end = &r["endDateTime"].as_str().unwrap()[..10];
            let roles = r["accessDetails"]["unifiedRoles"].as_array().unwrap().len();
            assert!(
                detail.contains(&format!("\"{name}\" (ends {end}, {roles} role")),
                "{detail} names {name}"
            );
        }
    }
    for k in plan["kept"].as_array().unwrap() {
        if k["reason"] == "no_active_gdap" {
            let detail = k["detail"].as_str().unwrap();
            assert!(
                detail.contains("no active GDAP relationship")
                    && detail.contains("allowWithoutGdap"),
                "{detail}"
            );
            assert!(
                detail.starts_with("last partner sign-in")
                    || detail.starts_with("no partner sign-in"),
                "the DAP reason stays in the detail: {detail}"
            );
        }
    }

    let report = apply(&emu, &plan, json!({}));
    assert_counts_add_up(&report);
    assert_eq!(report["counts"]["removed"], with.len());
    for id in &with {
        assert!(!dap_enabled(&emu, id), "{id} had GDAP: its DAP is removed");
    }
    for id in &without {
        assert!(dap_enabled(&emu, id), "{id} has no GDAP: its DAP stays");
    }
    let held: HashSet<String> = report["outcomes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["reasonCode"] == "no_active_gdap")
        .map(|o| o["customerTenantId"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(held, without);
}

#[test]
fn allow_without_gdap_plans_without_asking_graph_and_apply_follows_the_plan() {
    let emu = emulator();
    let inactive = set(&emu.fixtures()["inactiveDapCustomerIds"]);
    let plan = ok(
        da_plan_dap_cleanup,
        &request(&emu, json!({ "allowWithoutGdap": true })),
    );
    assert_eq!(plan["allowWithoutGdap"], true);
    assert_eq!(plan["gdap"]["required"], false);
    assert_eq!(plan["gdap"]["checked"], false);
    assert_eq!(ids_of(&plan["candidates"], None), inactive);
    assert!(graph_requests(&emu).is_empty(), "Graph was not asked");
    let report = apply(&emu, &plan, json!({}));
    assert_eq!(report["counts"]["removed"], 18);
    assert!(
        graph_requests(&emu).is_empty(),
        "the recheck follows the plan's allowWithoutGdap"
    );
}

#[test]
fn a_plan_without_the_field_is_rechecked_for_gdap() {
    // A plan from before GDAP was checked (or one whose allowWithoutGdap was deleted) is read safely.
    let emu = emulator();
    let (with, without) = coverage(&emu);
    let mut plan = ok(
        da_plan_dap_cleanup,
        &request(&emu, json!({ "allowWithoutGdap": true })),
    );
    let fields = plan.as_object_mut().unwrap();
    fields.remove("allowWithoutGdap");
    fields.remove("gdap");
    let report = apply(&emu, &plan, json!({}));
    assert_counts_add_up(&report);
    assert_eq!(report["counts"]["removed"], with.len());
    for id in &without {
        assert!(dap_enabled(&emu, id));
    }
    let skipped: HashSet<String> = report["outcomes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["stage"] == "apply" && o["reasonCode"] == "no_active_gdap")
        .map(|o| o["customerTenantId"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(skipped, without);
}

#[test]
fn graph_unreachable_holds_every_candidate_and_the_plan_says_why() {
    let emu = emulator();
    let inactive = set(&emu.fixtures()["inactiveDapCustomerIds"]);
    let token = |resource: &str| {
        ok(
            da_acquire_token,
            &request(&emu, json!({ "resource": resource })),
        )["accessToken"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let listing = token("https://api.partnercustomeradministration.microsoft.com");

    // Per-service tokens without one for Graph: nothing is sent to Graph, every candidate is held.
    let plan = ok(
        da_plan_dap_cleanup,
        &request(
            &emu,
            json!({ "auth": { "accessTokens": { "customerAdmin": listing } } }),
        ),
    );
    assert_eq!(plan["summary"]["candidates"], 0);
    assert_eq!(ids_of(&plan["kept"], Some("gdap_unknown")), inactive);
    let g = &plan["gdap"];
    assert_eq!(
        (g["required"].clone(), g["checked"].clone()),
        (json!(true), json!(false))
    );
    assert_eq!(g["held"], 18);
    assert_eq!(g["error"]["kind"], "invalid_request", "{g}");
    assert!(graph_requests(&emu).is_empty());
    let detail = plan["kept"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["reason"] == "gdap_unknown")
        .unwrap()["detail"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        detail.contains("could not be listed") && detail.contains("graph"),
        "{detail}"
    );

    // One token for another audience: Graph refuses it (401), the plan carries the error, not the token.
    let text = call_text(
        da_plan_dap_cleanup,
        &request(&emu, json!({ "auth": { "accessToken": listing } })),
    );
    let plan: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(plan["ok"], true, "{text}");
    assert_eq!(plan["result"]["gdap"]["error"]["kind"], "unauthorized");
    assert_eq!(plan["result"]["gdap"]["error"]["status"], 401);
    assert_eq!(plan["result"]["summary"]["candidates"], 0);
    assert!(!text.contains(&listing), "the token is not in the plan");

    // Graph failing: the same.
    set_faults(&emu, json!({ "pathPrefix": "/v1.0/", "serverError": 100 }));
    let plan = ok(
        da_plan_dap_cleanup,
        &request(&emu, json!({ "maxRetries": 0 })),
    );
    assert_eq!(plan["gdap"]["error"]["kind"], "server_error");
    assert_eq!(ids_of(&plan["kept"], Some("gdap_unknown")), inactive);

    // Unless the caller allows removing DAP without GDAP.
    let plan = ok(
        da_plan_dap_cleanup,
        &request(
            &emu,
            json!({ "auth": { "accessToken": listing }, "allowWithoutGdap": true }),
        ),
    );
    assert_eq!(ids_of(&plan["candidates"], None), inactive);
}

#[test]
fn apply_rechecks_gdap_on_the_live_data() {
    let emu = emulator();
    let (with, without) = coverage(&emu);
    let plan = ok(da_plan_dap_cleanup, &request(&emu, json!({})));
    // Since the plan, the GDAP relationships of one candidate's customer were terminated.
    let gone = with.iter().next().unwrap().clone();
    let active = ok(
        da_list_gdap_relationships,
        &request(
            &emu,
            json!({ "customerTenantId": gone, "status": "active" }),
        ),
    );
    for r in active["relationships"].as_array().unwrap() {
        let done = ok(
            da_terminate_gdap_relationship,
            &request(&emu, json!({ "id": r["id"], "wait": true })),
        );
        assert_eq!(done["status"], "succeeded");
    }
    clear_emulator_requests(&emu);
    let dir = temp_dir("cleanup-gdap");
    let journal = dir.join("journal.jsonl");
    let report = apply(&emu, &plan, json!({ "journalPath": journal.to_str() }));
    assert_counts_add_up(&report);
    assert_eq!(report["counts"]["removed"], with.len() - 1);
    assert!(dap_enabled(&emu, &gone), "its GDAP is gone: its DAP stays");
    let o = report["outcomes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["customerTenantId"] == gone.as_str())
        .unwrap()
        .clone();
    assert_eq!(o["outcome"], "skipped");
    assert_eq!(o["stage"], "apply");
    assert_eq!(o["reasonCode"], "no_active_gdap", "{o}");
    assert!(
        o["reason"].as_str().unwrap().contains("no active GDAP"),
        "{o}"
    );
    let listings = graph_requests(&emu);
    assert_eq!(
        listings.len(),
        1,
        "one GDAP listing in the recheck: {listings:?}"
    );
    for id in &without {
        assert!(dap_enabled(&emu, id));
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn graph_failing_in_the_recheck_skips_without_journaling_then_a_resume_removes() {
    let emu = emulator();
    let (with, _) = coverage(&emu);
    let plan = ok(da_plan_dap_cleanup, &request(&emu, json!({})));
    let dir = temp_dir("cleanup-gdap");
    let journal = dir.join("journal.jsonl");
    set_faults(&emu, json!({ "pathPrefix": "/v1.0/", "serverError": 100 }));
    let report = apply(
        &emu,
        &plan,
        json!({ "journalPath": journal.to_str(), "maxRetries": 0 }),
    );
    assert_counts_add_up(&report);
    assert_eq!(report["counts"]["removed"], 0);
    let unknown: Vec<&Value> = report["outcomes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["reasonCode"] == "gdap_unknown")
        .collect();
    assert_eq!(unknown.len(), with.len());
    for o in &unknown {
        assert_eq!(o["outcome"], "skipped");
        assert_eq!(o["error"]["kind"], "server_error", "{o}");
    }
    for id in &with {
        assert!(
            dap_enabled(&emu, id),
            "nothing removed while GDAP is unknown"
        );
    }
    let journaled = std::fs::read_to_string(&journal).unwrap();
    assert!(
        !journaled.contains("gdap_unknown"),
        "not journaled, so a resume tries again: {journaled}"
    );

    clear_faults(&emu);
    let resumed = apply(&emu, &plan, json!({ "journalPath": journal.to_str() }));
    assert_counts_add_up(&resumed);
    assert_eq!(resumed["counts"]["removed"], with.len());
    for id in &with {
        assert!(!dap_enabled(&emu, id));
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_plan_job_counts_the_relationships_it_lists() {
    let emu = emulator();
    let job = ok(
        da_job_start,
        &request(&emu, json!({ "operation": "planDapCleanup" })),
    )["jobId"]
        .as_str()
        .unwrap()
        .to_string();
    let env = call(da_job_result, &json!({ "jobId": job, "waitSeconds": 30 }));
    assert_eq!(env["ok"], true, "{env}");
    let (with, _) = coverage(&emu);
    assert_eq!(ids_of(&env["result"]["candidates"], None), with);
    let p = ok(da_job_poll, &json!({ "jobId": job }));
    assert!(
        p["progress"]["relationshipsListed"].as_u64().unwrap() > 0,
        "{p}"
    );
    let messages: Vec<&str> = p["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["message"].as_str().unwrap())
        .collect();
    assert!(messages.iter().any(|m| m.contains("GDAP")), "{messages:?}");
    ok(da_job_free, &json!({ "jobId": job }));
}
