//! Microsoft Graph GDAP through the C ABI against the emulator: listing every page with filters, reading
//! one with its ETag, auto-extend with If-Match (a stale ETag retried once, then conflict), the Global
//! Administrator rule refused without a request, the Global Administrator removal as a long-running
//! operation (success, failure, timeout), terminate, access assignments, delegatedAdminCustomers,
//! throttling, invalid input, errors' shape and the job interface.

mod common;
use common::*;
use delegated_admin::ffi::{da_job_cancel, da_job_free, da_job_poll, da_job_result, da_job_start};
use serde_json::{json, Value};
use std::collections::HashSet;
use std::time::{Duration, Instant};

const RELATIONSHIPS: &str = "/v1.0/tenantRelationships/delegatedAdminRelationships";
const GLOBAL_ADMIN: &str = "62e90394-69f5-4237-9190-012177145e10";

fn gdap(emu: &Emulator) -> Value {
    emu.fixtures()["gdap"].clone()
}

/// The first id of a fixtures list.
fn first(emu: &Emulator, list: &str) -> String {
    gdap(emu)[list][0]
        .as_str()
        .unwrap_or_else(|| panic!("the fixtures list no {list} relationship"))
        .to_string()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

/// The emulator's requests to Graph, as (method, path, status).
fn graph_requests(emu: &Emulator) -> Vec<(String, String, u16)> {
    emu.requests()
        .into_iter()
        .filter(|r| r.path.starts_with("/v1.0/"))
        .map(|r| (r.method, r.path, r.status))
        .collect()
}

fn role_ids(resource: &Value) -> Vec<String> {
    resource["accessDetails"]["unifiedRoles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["roleDefinitionId"].as_str().unwrap().to_string())
        .collect()
}

/// The relationship as a listing returns it (every field, its `@odata.etag`).
fn listed(emu: &Emulator, id: &str) -> Value {
    let all = ok(da_list_gdap_relationships, &request(emu, json!({})));
    all["relationships"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .cloned()
        .unwrap_or_else(|| panic!("{id} is listed"))
}

/// A single entity as Graph serves it, without its `@odata.context` (lists carry it once per page).
fn entity(v: &Value) -> Value {
    let mut v = v.clone();
    let context = v.as_object_mut().unwrap().remove("@odata.context");
    assert!(
        context.is_some_and(|c| c.as_str().unwrap().ends_with("$entity")),
        "{v}"
    );
    v
}

fn ids(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn list_follows_every_next_link_with_filters_select_and_top() {
    let emu = start_with(Config {
        customers: 120,
        ..Config::default()
    });
    let fx = gdap(&emu);
    let total = fx["relationshipCount"].as_u64().unwrap() as usize;
    let all = ok(
        da_list_gdap_relationships,
        &request(&emu, json!({ "top": 7 })),
    );
    let every = ids(&all["relationships"]);
    assert_eq!(every.len(), total);
    assert_eq!(
        every.iter().collect::<HashSet<_>>().len(),
        total,
        "each relationship once across pages"
    );
    let pages: Vec<_> = emu
        .requests()
        .into_iter()
        .filter(|r| r.path == RELATIONSHIPS)
        .collect();
    assert_eq!(pages.len(), total.div_ceil(7), "one request per page of 7");
    assert!(
        pages
            .iter()
            .skip(1)
            .all(|p| p.query.as_deref().is_some_and(|q| q.contains("skiptoken"))),
        "later pages are the nextLinks, as given"
    );

    // status: every active one, nothing else.
    let active = ok(
        da_list_gdap_relationships,
        &request(&emu, json!({ "status": "Active" })),
    );
    let active = active["relationships"].as_array().unwrap();
    assert_eq!(
        active.len() as u64,
        fx["statusCounts"]["active"].as_u64().unwrap()
    );
    assert!(active.iter().all(|r| r["status"] == "active"));
    let query = emu.requests().last().unwrap().query.clone().unwrap();
    assert!(query.contains("status+eq+%27active%27"), "{query}");

    // customerTenantId, combined with status, and select (id and @odata.* always come back).
    let customer = active[0]["customer"]["tenantId"]
        .as_str()
        .unwrap()
        .to_string();
    let mine = ok(
        da_list_gdap_relationships,
        &request(
            &emu,
            json!({ "customerTenantId": customer, "status": "active", "select": ["displayName", "customer"] }),
        ),
    );
    let mine = mine["relationships"].as_array().unwrap();
    assert!(!mine.is_empty());
    for r in mine {
        assert_eq!(r["customer"]["tenantId"], customer.as_str());
        assert!(r["displayName"].is_string() && r["id"].is_string());
        assert!(
            r.get("status").is_none() && r.get("accessDetails").is_none(),
            "{r}"
        );
    }

    // A reseller relationship keeps the fields of its type.
    let reseller = first(&emu, "reseller");
    let item = all["relationships"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == reseller.as_str())
        .unwrap();
    assert_eq!(
        item["@odata.type"],
        "#microsoft.graph.resellerDelegatedAdminRelationship"
    );
    assert!(item["isPartnerConsentPending"].is_boolean(), "{item}");
    assert!(item["indirectProviderTenantId"].is_string(), "{item}");
    assert_eq!(item, &emu.gdap_relationship(&reseller).unwrap());
}

#[test]
fn three_hundred_a_page_to_the_end() {
    let emu = start_with(Config {
        customers: 20,
        gdap_relationships: Some(700),
        ..Config::default()
    });
    let all = ok(da_list_gdap_relationships, &request(&emu, json!({})));
    assert_eq!(all["relationships"].as_array().unwrap().len(), 700);
    let pages = graph_requests(&emu);
    assert_eq!(pages.len(), 3, "pages of 300 without top: {pages:?}");
}

#[test]
fn expiring_within_days_keeps_those_ending_soon() {
    let emu = start();
    let fx = gdap(&emu);
    let within = |days: u64| -> HashSet<String> {
        let r = ok(
            da_list_gdap_relationships,
            &request(
                &emu,
                json!({ "status": "active", "expiringWithinDays": days }),
            ),
        );
        ids(&r["relationships"]).into_iter().collect()
    };
    let expect30: HashSet<String> = strings(&fx["activeEndingWithin30Days"])
        .into_iter()
        .collect();
    let expect60: HashSet<String> = strings(&fx["activeEndingWithin60Days"])
        .into_iter()
        .collect();
    assert!(!expect30.is_empty() && expect30.len() < 20, "{fx}");
    assert_eq!(within(30), expect30);
    assert_eq!(within(60), expect60);
    assert!(expect60.len() > expect30.len());
    // With select, endDateTime is asked for too (the filter needs it).
    let r = ok(
        da_list_gdap_relationships,
        &request(
            &emu,
            json!({ "status": "active", "expiringWithinDays": 30, "select": ["displayName"] }),
        ),
    );
    assert_eq!(
        ids(&r["relationships"]).into_iter().collect::<HashSet<_>>(),
        expect30
    );
    let query = emu.requests().last().unwrap().query.clone().unwrap();
    assert!(query.contains("endDateTime"), "{query}");
}

#[test]
fn get_returns_the_relationship_and_its_etag() {
    let emu = start();
    let id = first(&emu, "active");
    let got = ok(
        da_get_gdap_relationship,
        &request(&emu, json!({ "id": id })),
    );
    let truth = emu.gdap_relationship(&id).unwrap();
    assert_eq!(got["id"], id.as_str());
    assert_eq!(entity(&got["relationship"]), truth);
    assert_eq!(got["etag"], truth["@odata.etag"]);
    assert!(got["etag"].as_str().unwrap().starts_with("W/\""));
    // Any case in, Graph's form out.
    let upper = ok(
        da_get_gdap_relationship,
        &request(&emu, json!({ "id": id.to_ascii_uppercase() })),
    );
    assert_eq!(upper["id"], id.as_str());

    let unknown = format!(
        "{}-{}",
        uuid::Uuid::new_v4(),
        emu.fixtures()["tenantId"].as_str().unwrap()
    );
    let correlation = "3a1b2c4d-5e6f-4a0b-8c1d-2e3f4a5b6c7d";
    let e = err(
        da_get_gdap_relationship,
        &request(&emu, json!({ "id": unknown, "correlationId": correlation })),
    );
    assert_eq!(e["kind"], "not_found", "{e}");
    assert_eq!(e["status"], 404);
    assert_eq!(e["code"], "itemNotFound");
    assert_eq!(e["correlationId"], correlation);
    assert!(e["requestId"].is_string(), "Graph's request-id: {e}");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .starts_with("Microsoft Graph answered 404"),
        "{e}"
    );
    let sent = emu.requests().last().unwrap().clone();
    assert_eq!(
        sent.correlation_id.as_deref(),
        Some(correlation),
        "as client-request-id"
    );
}

#[test]
fn auto_extend_on_and_off_with_if_match() {
    let emu = start();
    let id = first(&emu, "activeAutoExtendable");
    let before = emu.gdap_relationship(&id).unwrap();
    assert_eq!(before["autoExtendDuration"], "PT0S");

    // By id: read, then PATCH.
    let on = ok(
        da_set_gdap_auto_extend,
        &request(&emu, json!({ "id": id, "autoExtendDuration": "P180D" })),
    );
    let after = emu.gdap_relationship(&id).unwrap();
    assert_eq!(after["autoExtendDuration"], "P180D");
    assert_eq!(on["autoExtendDuration"], "P180D");
    assert_eq!(entity(&on["relationship"]), after);
    assert_eq!(on["etag"], after["@odata.etag"]);
    assert_ne!(on["etag"], before["@odata.etag"]);
    assert_eq!(on["preconditionRetries"], 0);
    let sent: Vec<_> = graph_requests(&emu)
        .into_iter()
        .map(|(m, _, s)| (m, s))
        .collect();
    assert_eq!(sent, [("GET".to_string(), 200), ("PATCH".to_string(), 200)]);

    // With the relationship as listed: one PATCH, nothing read first.
    let item = listed(&emu, &id);
    clear_emulator_requests(&emu);
    let off = ok(
        da_set_gdap_auto_extend,
        &request(
            &emu,
            json!({ "relationship": item, "autoExtendDuration": "PT0S" }),
        ),
    );
    assert_eq!(off["relationship"]["autoExtendDuration"], "PT0S");
    assert_eq!(
        emu.gdap_relationship(&id).unwrap()["autoExtendDuration"],
        "PT0S"
    );
    let sent = graph_requests(&emu);
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].0, "PATCH");
    assert_eq!(sent[0].1, format!("{RELATIONSHIPS}/{id}"));
}

#[test]
fn a_stale_etag_is_read_again_and_retried_once_then_conflict() {
    let emu = start();
    let id = first(&emu, "activeAutoExtendable");
    // Someone changed the relationship since it was listed: 412, read again, retried.
    let item = listed(&emu, &id);
    let (status, _) = http(
        &emu,
        "POST",
        &format!("/_emulator/gdap/relationships/{id}/touch"),
        None,
    );
    assert_eq!(status, 200);
    clear_emulator_requests(&emu);
    let done = ok(
        da_set_gdap_auto_extend,
        &request(
            &emu,
            json!({ "relationship": item, "autoExtendDuration": "P180D" }),
        ),
    );
    assert_eq!(done["preconditionRetries"], 1);
    assert_eq!(
        emu.gdap_relationship(&id).unwrap()["autoExtendDuration"],
        "P180D"
    );
    let sent: Vec<_> = graph_requests(&emu)
        .into_iter()
        .map(|(m, _, s)| (m, s))
        .collect();
    assert_eq!(
        sent,
        [
            ("PATCH".to_string(), 412),
            ("GET".to_string(), 200),
            ("PATCH".to_string(), 200)
        ]
    );

    // Changed again after the second read: conflict, after exactly one retry.
    clear_emulator_requests(&emu);
    set_faults(&emu, json!({ "gdapPreconditionFailed": 2 }));
    let e = err(
        da_set_gdap_auto_extend,
        &request(&emu, json!({ "id": id, "autoExtendDuration": "PT0S" })),
    );
    assert_eq!(e["kind"], "conflict", "{e}");
    assert_eq!(e["status"], 412);
    assert_eq!(e["code"], "resourceModified");
    assert!(e["message"].as_str().unwrap().contains("one retry"), "{e}");
    let patches = graph_requests(&emu)
        .into_iter()
        .filter(|(m, _, _)| m == "PATCH")
        .count();
    assert_eq!(patches, 2, "one PATCH and one retry");
    assert_eq!(
        emu.gdap_relationship(&id).unwrap()["autoExtendDuration"],
        "P180D"
    );

    // One 412 only: the retry succeeds.
    set_faults(&emu, json!({ "gdapPreconditionFailed": 1 }));
    let done = ok(
        da_set_gdap_auto_extend,
        &request(&emu, json!({ "id": id, "autoExtendDuration": "PT0S" })),
    );
    assert_eq!(done["preconditionRetries"], 1);
    assert_eq!(
        emu.gdap_relationship(&id).unwrap()["autoExtendDuration"],
        "PT0S"
    );
}

#[test]
fn auto_extend_with_global_administrator_is_refused_without_a_request() {
    let emu = start();
    let id = first(&emu, "activeGlobalAdmin");
    let item = listed(&emu, &id);
    assert!(role_ids(&item).contains(&GLOBAL_ADMIN.to_string()));
    let before = count_requests(&emu);
    let e = err(
        da_set_gdap_auto_extend,
        &request(
            &emu,
            json!({ "relationship": item, "autoExtendDuration": "P180D" }),
        ),
    );
    assert_eq!(e["kind"], "invalid_request", "{e}");
    assert_eq!(e["code"], "globalAdministratorNotExtendable");
    let message = e["message"].as_str().unwrap();
    assert!(
        message.contains("Global Administrator") && message.contains("cannot be auto-extended"),
        "the error names the rule: {message}"
    );
    assert!(e["status"].is_null());
    assert_eq!(
        count_requests(&emu),
        before,
        "nothing was sent, not even for a token"
    );

    // By id: read, then refused before the PATCH.
    clear_emulator_requests(&emu);
    let e = err(
        da_set_gdap_auto_extend,
        &request(&emu, json!({ "id": id, "autoExtendDuration": "P180D" })),
    );
    assert_eq!(e["code"], "globalAdministratorNotExtendable");
    let sent: Vec<_> = graph_requests(&emu)
        .into_iter()
        .map(|(m, _, _)| m)
        .collect();
    assert_eq!(sent, ["GET"]);
    assert_eq!(
        emu.gdap_relationship(&id).unwrap()["autoExtendDuration"],
        "PT0S"
    );
    // Turning it off is allowed.
    ok(
        da_set_gdap_auto_extend,
        &request(&emu, json!({ "id": id, "autoExtendDuration": "PT0S" })),
    );
}

#[test]
fn forbidden_transitions_are_conflicts() {
    let emu = start();
    for list in ["expired", "terminated", "approvalPending"] {
        let id = first(&emu, list);
        let e = err(
            da_set_gdap_auto_extend,
            &request(&emu, json!({ "id": id, "autoExtendDuration": "P180D" })),
        );
        assert_eq!(e["kind"], "conflict", "{list}: {e}");
        assert_eq!(e["status"], 409);
        assert_eq!(e["code"], "notAllowed");
    }
    // Removing Global Administrator while the removal already runs.
    let id = first(&emu, "activeGlobalAdmin");
    let accepted = ok(
        da_remove_gdap_global_admin_role,
        &request(&emu, json!({ "id": id })),
    );
    assert_eq!(accepted["status"], "accepted");
    let e = err(
        da_remove_gdap_global_admin_role,
        &request(&emu, json!({ "id": id })),
    );
    assert_eq!(e["kind"], "conflict", "{e}");
    let e = err(
        da_terminate_gdap_relationship,
        &request(&emu, json!({ "id": id })),
    );
    assert_eq!(
        e["kind"], "conflict",
        "no terminate while an operation runs: {e}"
    );
}

#[test]
fn global_admin_removal_polls_the_operation_to_the_end() {
    let emu = start_with(Config {
        gdap_lro_polls: 2,
        lro_retry_after: 1,
        ..Config::default()
    });
    let id = first(&emu, "activeGlobalAdmin");
    let before = emu.gdap_relationship(&id).unwrap();
    let t = Instant::now();
    let removed = ok(
        da_remove_gdap_global_admin_role,
        &request(&emu, json!({ "id": id, "wait": true })),
    );
    assert_eq!(removed["status"], "removed", "{removed}");
    assert_eq!(removed["operation"]["status"], "succeeded");
    assert_eq!(
        removed["remainingRoles"].as_u64().unwrap() as usize,
        role_ids(&before).len() - 1
    );
    let location = removed["operationUrl"].as_str().unwrap();
    assert!(
        location.starts_with(&format!("{}{RELATIONSHIPS}/{id}/operations/", emu.url())),
        "{location}"
    );
    assert!(location.ends_with(removed["operationId"].as_str().unwrap()));
    let after = emu.gdap_relationship(&id).unwrap();
    assert!(!role_ids(&after).contains(&GLOBAL_ADMIN.to_string()));
    assert_eq!(role_ids(&after).len(), role_ids(&before).len() - 1);
    // Three polls (two in progress, one done), each after Retry-After: 1.
    let polls = graph_requests(&emu)
        .into_iter()
        .filter(|(m, p, _)| m == "GET" && p.contains("/operations/"))
        .count();
    assert_eq!(polls, 3);
    assert!(
        t.elapsed() >= Duration::from_secs(3),
        "Retry-After was honoured"
    );

    // Now auto-extend is allowed; and the role is not removed twice.
    ok(
        da_set_gdap_auto_extend,
        &request(&emu, json!({ "id": id, "autoExtendDuration": "P180D" })),
    );
    clear_emulator_requests(&emu);
    let again = ok(
        da_remove_gdap_global_admin_role,
        &request(
            &emu,
            json!({ "relationship": listed(&emu, &id), "wait": true }),
        ),
    );
    assert_eq!(again["status"], "notHeld");
    assert!(
        graph_requests(&emu).iter().all(|(m, _, _)| m == "GET"),
        "no PATCH for a relationship without the role"
    );
}

#[test]
fn global_admin_removal_without_wait_returns_the_operation() {
    let emu = start();
    let id = first(&emu, "activeGlobalAdmin");
    let etag = emu.gdap_relationship(&id).unwrap()["@odata.etag"].clone();
    let accepted = ok(
        da_remove_gdap_global_admin_role,
        &request(&emu, json!({ "relationship": listed(&emu, &id) })),
    );
    assert_eq!(accepted["status"], "accepted");
    assert!(accepted["operation"].is_null());
    assert!(accepted["operationUrl"]
        .as_str()
        .unwrap()
        .contains("/operations/"));
    let now = emu.gdap_relationship(&id).unwrap();
    assert_eq!(
        now["@odata.etag"], etag,
        "nothing changes until the operation ends"
    );
    assert!(role_ids(&now).contains(&GLOBAL_ADMIN.to_string()));
}

#[test]
fn the_removal_sends_the_current_roles_never_those_of_the_copy_given() {
    let emu = start_with(Config {
        gdap_lro_polls: 0,
        ..Config::default()
    });
    let id = first(&emu, "activeGlobalAdmin");
    let before = role_ids(&emu.gdap_relationship(&id).unwrap());
    assert!(before.len() >= 3, "{before:?}");
    // A copy whose roles were edited down to Global Administrator and one other, its ETag still current.
    let mut edited = listed(&emu, &id);
    edited["accessDetails"]["unifiedRoles"] =
        json!([{ "roleDefinitionId": GLOBAL_ADMIN }, { "roleDefinitionId": before[0] }]);
    let removed = ok(
        da_remove_gdap_global_admin_role,
        &request(&emu, json!({ "relationship": edited, "wait": true })),
    );
    assert_eq!(removed["status"], "removed", "{removed}");
    assert_eq!(
        removed["remainingRoles"].as_u64().unwrap() as usize,
        before.len() - 1
    );
    let after = role_ids(&emu.gdap_relationship(&id).unwrap());
    let expected: Vec<String> = before.into_iter().filter(|r| r != GLOBAL_ADMIN).collect();
    assert_eq!(after, expected, "every other role stays");
    let sent: Vec<String> = graph_requests(&emu)
        .into_iter()
        .filter(|(_, p, _)| p == &format!("{RELATIONSHIPS}/{id}"))
        .map(|(m, _, _)| m)
        .collect();
    assert_eq!(sent[..2], ["GET", "PATCH"], "read first: {sent:?}");
}

#[test]
fn a_failed_global_admin_removal_is_an_error_with_its_data() {
    let emu = start_with(Config {
        gdap_lro_polls: 1,
        ..Config::default()
    });
    set_faults(&emu, json!({ "gdapLroFails": true }));
    let id = first(&emu, "activeGlobalAdmin");
    let e = err(
        da_remove_gdap_global_admin_role,
        &request(&emu, json!({ "id": id, "wait": true })),
    );
    assert_eq!(e["kind"], "server_error", "{e}");
    assert_eq!(e["code"], "roleRemovalFailed");
    let message = e["message"].as_str().unwrap();
    assert!(
        message.contains("failed") && message.contains(&id),
        "{message}"
    );
    assert!(role_ids(&emu.gdap_relationship(&id).unwrap()).contains(&GLOBAL_ADMIN.to_string()));
}

#[test]
fn a_removal_still_running_at_the_deadline_is_a_timeout() {
    let emu = start_with(Config {
        gdap_lro_polls: 1000,
        lro_retry_after: 1,
        ..Config::default()
    });
    let id = first(&emu, "activeGlobalAdmin");
    let e = err(
        da_remove_gdap_global_admin_role,
        &request(&emu, json!({ "id": id, "wait": true, "timeoutSeconds": 3 })),
    );
    assert_eq!(e["kind"], "timeout", "{e}");
    assert!(
        e["message"].as_str().unwrap().contains("had not finished"),
        "{e}"
    );
}

#[test]
fn terminate_reports_the_request_and_waits_for_it() {
    let emu = start_with(Config {
        gdap_terminate_polls: 2,
        ..Config::default()
    });
    let active = strings(&gdap(&emu)["activeAutoExtendable"]);
    let (one, two) = (&active[0], &active[1]);

    let requested = ok(
        da_terminate_gdap_relationship,
        &request(&emu, json!({ "id": one })),
    );
    assert_eq!(requested["status"], "created");
    assert_eq!(requested["request"]["action"], "terminate");
    assert_eq!(
        requested["requestUrl"],
        format!(
            "{}{RELATIONSHIPS}/{one}/requests/{}",
            emu.url(),
            requested["requestId"].as_str().unwrap()
        )
    );
    assert_eq!(
        emu.gdap_relationship(one).unwrap()["status"],
        "terminationRequested"
    );
    let e = err(
        da_terminate_gdap_relationship,
        &request(&emu, json!({ "id": one })),
    );
    assert_eq!(e["kind"], "conflict", "terminating twice: {e}");
    assert_eq!(e["code"], "notAllowed");

    let waited = ok(
        da_terminate_gdap_relationship,
        &request(
            &emu,
            json!({ "relationship": listed(&emu, two), "wait": true }),
        ),
    );
    assert_eq!(waited["status"], "succeeded", "{waited}");
    assert_eq!(waited["request"]["status"], "succeeded");
    assert_eq!(emu.gdap_relationship(two).unwrap()["status"], "terminated");
    let reads = graph_requests(&emu)
        .into_iter()
        .filter(|(m, p, _)| m == "GET" && p.contains(&format!("{two}/requests/")))
        .count();
    assert_eq!(reads, 3, "two pending reads, then succeeded");

    // Only an active relationship can be terminated.
    for list in ["expired", "created", "terminated"] {
        let id = first(&emu, list);
        let e = err(
            da_terminate_gdap_relationship,
            &request(&emu, json!({ "id": id })),
        );
        assert_eq!(e["kind"], "conflict", "{list}: {e}");
        assert!(e["message"].as_str().unwrap().contains("active"), "{e}");
    }
}

#[test]
fn access_assignments_of_a_relationship() {
    let emu = start();
    let id = first(&emu, "activeGlobalAdmin");
    let roles = role_ids(&emu.gdap_relationship(&id).unwrap());
    let list = ok(
        da_list_gdap_access_assignments,
        &request(&emu, json!({ "id": id })),
    );
    let items = list["assignments"].as_array().unwrap();
    assert!(!items.is_empty());
    for a in items {
        assert_eq!(a["status"], "active");
        assert_eq!(a["accessContainer"]["accessContainerType"], "securityGroup");
        assert!(a["accessContainer"]["accessContainerId"].is_string());
        assert!(
            a["@odata.etag"].is_string() && a["createdDateTime"].is_string(),
            "{a}"
        );
        assert!(role_ids(a).iter().all(|r| roles.contains(r)));
    }
    let by_object = ok(
        da_list_gdap_access_assignments,
        &request(
            &emu,
            json!({ "relationship": listed(&emu, &id), "status": "Active" }),
        ),
    );
    assert_eq!(by_object["assignments"], list["assignments"]);
    let query = emu.requests().last().unwrap().query.clone().unwrap();
    assert!(query.contains("status+eq+%27active%27"), "{query}");
    let none = ok(
        da_list_gdap_access_assignments,
        &request(&emu, json!({ "id": id, "status": "deleted" })),
    );
    assert_eq!(none["assignments"], json!([]));
    let unused = first(&emu, "activeUnused");
    let empty = ok(
        da_list_gdap_access_assignments,
        &request(&emu, json!({ "id": unused })),
    );
    assert_eq!(empty["assignments"], json!([]));
}

#[test]
fn gdap_customers_with_service_management_details() {
    let emu = start_with(Config {
        gdap_page_size: 9,
        ..Config::default()
    });
    let fx = gdap(&emu);
    let all = ok(da_list_gdap_customers, &request(&emu, json!({})));
    let customers = all["customers"].as_array().unwrap();
    let active = ok(
        da_list_gdap_relationships,
        &request(&emu, json!({ "status": "active" })),
    );
    let holders: HashSet<String> = active["relationships"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["customer"]["tenantId"].as_str().unwrap().to_string())
        .collect();
    let listed: HashSet<String> = customers
        .iter()
        .map(|c| c["tenantId"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(listed.len(), customers.len());
    assert_eq!(listed, holders, "the customers with an active relationship");
    assert!(customers
        .iter()
        .all(|c| c.get("serviceManagementDetails").is_none()));

    let with = strings(&fx["inactiveDapWithActiveGdap"]);
    let one = ok(
        da_list_gdap_customers,
        &request(
            &emu,
            json!({ "customerTenantId": with[0], "includeServiceManagementDetails": true }),
        ),
    );
    let one = one["customers"].as_array().unwrap();
    assert_eq!(one.len(), 1);
    let details = one[0]["serviceManagementDetails"].as_array().unwrap();
    assert_eq!(details.len(), 4, "{details:?}");
    assert!(details
        .iter()
        .all(|d| d["serviceName"].is_string() && d["serviceManagementUrl"].is_string()));
    let without = strings(&fx["inactiveDapWithoutActiveGdap"]);
    let none = ok(
        da_list_gdap_customers,
        &request(&emu, json!({ "customerTenantId": without[0] })),
    );
    assert_eq!(none["customers"], json!([]));
}

#[test]
fn throttling_is_retried_after_retry_after_then_reported() {
    let emu = start();
    set_faults(
        &emu,
        json!({ "pathPrefix": "/v1.0/", "throttle": 2, "retryAfter": 1 }),
    );
    let t = Instant::now();
    let list = ok(
        da_list_gdap_relationships,
        &request(&emu, json!({ "status": "active" })),
    );
    assert!(!list["relationships"].as_array().unwrap().is_empty());
    assert!(
        t.elapsed() >= Duration::from_secs(2),
        "waited Retry-After twice"
    );
    let statuses: Vec<u16> = graph_requests(&emu)
        .into_iter()
        .map(|(_, _, s)| s)
        .collect();
    assert_eq!(&statuses[..3], [429, 429, 200]);

    set_faults(
        &emu,
        json!({ "pathPrefix": "/v1.0/", "throttle": 10, "retryAfter": 1 }),
    );
    let e = err(
        da_get_gdap_relationship,
        &request(
            &emu,
            json!({ "id": first(&emu, "active"), "maxRetries": 1 }),
        ),
    );
    assert_eq!(e["kind"], "throttled", "{e}");
    assert_eq!(e["status"], 429);
    assert_eq!(e["code"], "TooManyRequests");
    assert_eq!(e["retryAfterSeconds"], 1);
}

#[test]
fn a_token_for_another_audience_is_unauthorized() {
    let emu = start();
    let token = ok(
        da_acquire_token,
        &request(&emu, json!({ "resource": "https://management.azure.com" })),
    );
    let e = err(
        da_list_gdap_relationships,
        &request(
            &emu,
            json!({ "auth": { "accessToken": token["accessToken"] } }),
        ),
    );
    assert_eq!(e["kind"], "unauthorized", "{e}");
    assert_eq!(e["code"], "InvalidAuthenticationToken");
    // The Graph token from auth.accessTokens is the one sent.
    let graph = ok(
        da_acquire_token,
        &request(&emu, json!({ "resource": "https://graph.microsoft.com" })),
    );
    let list = ok(
        da_list_gdap_relationships,
        &request(
            &emu,
            json!({ "auth": { "accessTokens": { "graph": graph["accessToken"], "resourceManager": token["accessToken"] } } }),
        ),
    );
    assert!(!list["relationships"].as_array().unwrap().is_empty());
}

#[test]
fn invalid_input_sends_nothing() {
    let emu = start();
    let id = first(&emu, "active");
    let ga = listed(&emu, &first(&emu, "activeGlobalAdmin"));
    let mut only_ga = ga.clone();
    only_ga["accessDetails"]["unifiedRoles"] = json!([{ "roleDefinitionId": GLOBAL_ADMIN }]);
    let mut no_id = ga.clone();
    no_id.as_object_mut().unwrap().remove("id");
    let cases: Vec<(&str, Export, Value)> = vec![
        (
            "list: top 0",
            da_list_gdap_relationships,
            json!({ "top": 0 }),
        ),
        (
            "list: top 301",
            da_list_gdap_relationships,
            json!({ "top": 301 }),
        ),
        (
            "list: status",
            da_list_gdap_relationships,
            json!({ "status": "gone" }),
        ),
        (
            "list: select",
            da_list_gdap_relationships,
            json!({ "select": ["password"] }),
        ),
        (
            "list: days",
            da_list_gdap_relationships,
            json!({ "expiringWithinDays": 731 }),
        ),
        (
            "list: negative days",
            da_list_gdap_relationships,
            json!({ "expiringWithinDays": -1 }),
        ),
        (
            "list: customer",
            da_list_gdap_relationships,
            json!({ "customerTenantId": "x" }),
        ),
        (
            "list: filter",
            da_list_gdap_relationships,
            json!({ "filter": "a\nb" }),
        ),
        (
            "list: unknown field",
            da_list_gdap_relationships,
            json!({ "allPages": true }),
        ),
        ("get: no id", da_get_gdap_relationship, json!({})),
        (
            "get: bad id",
            da_get_gdap_relationship,
            json!({ "id": "../x" }),
        ),
        (
            "get: one guid",
            da_get_gdap_relationship,
            json!({ "id": uuid::Uuid::new_v4() }),
        ),
        (
            "extend: value",
            da_set_gdap_auto_extend,
            json!({ "id": id, "autoExtendDuration": "P90D" }),
        ),
        (
            "extend: no value",
            da_set_gdap_auto_extend,
            json!({ "id": id }),
        ),
        (
            "extend: neither",
            da_set_gdap_auto_extend,
            json!({ "autoExtendDuration": "PT0S" }),
        ),
        (
            "extend: both",
            da_set_gdap_auto_extend,
            json!({ "id": id, "relationship": ga, "autoExtendDuration": "PT0S" }),
        ),
        (
            "extend: not an object",
            da_set_gdap_auto_extend,
            json!({ "relationship": "x", "autoExtendDuration": "PT0S" }),
        ),
        (
            "extend: object without id",
            da_set_gdap_auto_extend,
            json!({ "relationship": no_id, "autoExtendDuration": "PT0S" }),
        ),
        (
            "extend: global admin",
            da_set_gdap_auto_extend,
            json!({ "relationship": ga, "autoExtendDuration": "P180D" }),
        ),
        (
            "remove: only role",
            da_remove_gdap_global_admin_role,
            json!({ "relationship": only_ga }),
        ),
        (
            "remove: wait not bool",
            da_remove_gdap_global_admin_role,
            json!({ "id": id, "wait": "yes" }),
        ),
        (
            "terminate: bad id",
            da_terminate_gdap_relationship,
            json!({ "id": "x" }),
        ),
        (
            "assignments: status",
            da_list_gdap_access_assignments,
            json!({ "id": id, "status": "gone" }),
        ),
        (
            "customers: id",
            da_list_gdap_customers,
            json!({ "customerTenantId": "x" }),
        ),
        (
            "customers: filter",
            da_list_gdap_customers,
            json!({ "filter": " " }),
        ),
    ];
    for (name, f, extra) in cases {
        let before = count_requests(&emu);
        let e = err(f, &request(&emu, extra));
        assert_eq!(e["kind"], "invalid_request", "{name}: {e}");
        assert!(e["status"].is_null(), "{name}: {e}");
        assert_eq!(
            count_requests(&emu),
            before,
            "{name}: the emulator saw a request"
        );
    }
}

fn poll_until(job: &str, done: impl Fn(&Value) -> bool) -> Value {
    let until = Instant::now() + Duration::from_secs(30);
    loop {
        let p = ok(da_job_poll, &json!({ "jobId": job }));
        if done(&p) || Instant::now() > until {
            return p;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn jobs_list_with_progress_and_stop_waiting_on_cancel() {
    let emu = start_with(Config {
        customers: 30,
        gdap_relationships: Some(650),
        gdap_lro_polls: 1000,
        lro_retry_after: 1,
        ..Config::default()
    });
    let started = ok(
        da_job_start,
        &request(
            &emu,
            json!({ "operation": "listGdapRelationships", "top": 100 }),
        ),
    );
    let job = started["jobId"].as_str().unwrap().to_string();
    let env = call(da_job_result, &json!({ "jobId": job, "waitSeconds": 30 }));
    assert_eq!(env["ok"], true, "{env}");
    assert_eq!(
        env["result"]["relationships"].as_array().unwrap().len(),
        650
    );
    let p = ok(da_job_poll, &json!({ "jobId": job }));
    assert_eq!(p["state"], "succeeded");
    assert_eq!(p["progress"]["relationshipsListed"], 650);
    assert!(
        p["events"].as_array().unwrap().len() >= 7,
        "one event per page: {p}"
    );
    ok(da_job_free, &json!({ "jobId": job }));

    // A removal that never ends: the job waits until cancelled, then says what goes on.
    let id = first(&emu, "activeGlobalAdmin");
    let started = ok(
        da_job_start,
        &request(
            &emu,
            json!({ "operation": "removeGdapGlobalAdminRole", "id": id, "wait": true, "timeoutSeconds": 600 }),
        ),
    );
    let job = started["jobId"].as_str().unwrap().to_string();
    let seen = poll_until(&job, |p| {
        graph_requests(&emu)
            .iter()
            .any(|(_, path, _)| path.contains("/operations/"))
            || p["state"] != "running"
    });
    assert_eq!(seen["state"], "running", "{seen}");
    assert_eq!(seen["progress"]["phase"], "waiting");
    ok(da_job_cancel, &json!({ "jobId": job }));
    let env = call(da_job_result, &json!({ "jobId": job, "waitSeconds": 10 }));
    assert_eq!(env["ok"], false, "{env}");
    assert_eq!(env["error"]["kind"], "conflict");
    assert!(
        env["error"]["message"]
            .as_str()
            .unwrap()
            .contains("goes on"),
        "{env}"
    );
    ok(da_job_free, &json!({ "jobId": job }));

    // Terminate with wait as a job.
    let target = first(&emu, "activeAutoExtendable");
    let started = ok(
        da_job_start,
        &request(
            &emu,
            json!({ "operation": "terminateGdapRelationship", "id": target, "wait": true }),
        ),
    );
    let job = started["jobId"].as_str().unwrap().to_string();
    let env = call(da_job_result, &json!({ "jobId": job, "waitSeconds": 30 }));
    assert_eq!(env["result"]["status"], "succeeded", "{env}");
    assert_eq!(
        emu.gdap_relationship(&target).unwrap()["status"],
        "terminated"
    );
    ok(da_job_free, &json!({ "jobId": job }));

    // A job's request is checked like the export's.
    let e = err(
        da_job_start,
        &request(
            &emu,
            json!({ "operation": "removeGdapGlobalAdminRole", "id": "x" }),
        ),
    );
    assert_eq!(e["kind"], "invalid_request");
}
