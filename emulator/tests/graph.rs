//! Microsoft Graph's GDAP API over real HTTP: paging, query options, ETags, the status rules, the
//! Global Administrator removal as a long-running operation, terminate, access assignments,
//! delegatedAdminCustomers, errors, audiences and throttling.

mod common;

use std::collections::HashSet;

use common::*;
use delegated_admin_emulator::{Config, Emulator, Faults};
use serde_json::{json, Value};

const RELATIONSHIPS: &str = "/v1.0/tenantRelationships/delegatedAdminRelationships";
const CUSTOMERS: &str = "/v1.0/tenantRelationships/delegatedAdminCustomers";
const GLOBAL_ADMIN: &str = "62e90394-69f5-4237-9190-012177145e10";

fn gdap(emu: &Emulator) -> Value {
    emu.fixtures()["gdap"].clone()
}

/// The first id of a fixture list.
fn first(emu: &Emulator, list: &str) -> String {
    gdap(emu)[list][0]
        .as_str()
        .unwrap_or_else(|| panic!("the fixtures list no {list} relationship"))
        .to_string()
}

fn relationship(emu: &Emulator, t: &str, id: &str) -> Reply {
    get(emu, &format!("{RELATIONSHIPS}/{id}"), t)
}

fn etag_of(emu: &Emulator, t: &str, id: &str) -> String {
    let reply = relationship(emu, t, id);
    assert_eq!(reply.status, 200, "{}", reply.text());
    reply.header("ETag").unwrap().to_string()
}

fn patch(emu: &Emulator, t: &str, id: &str, etag: Option<&str>, body: &Value) -> Reply {
    let auth = format!("Bearer {t}");
    let mut headers = vec![("Authorization", auth.as_str())];
    if let Some(etag) = etag {
        headers.push(("If-Match", etag));
    }
    json_request(
        emu,
        "PATCH",
        &format!("{RELATIONSHIPS}/{id}"),
        &headers,
        body,
    )
}

fn post_request(emu: &Emulator, t: &str, id: &str, action: &str) -> Reply {
    let auth = format!("Bearer {t}");
    json_request(
        emu,
        "POST",
        &format!("{RELATIONSHIPS}/{id}/requests"),
        &[("Authorization", &auth)],
        &json!({ "action": action }),
    )
}

/// Asserts a Graph error: status, `error.code`, a message, and `innerError` with the ids.
fn assert_error(reply: &Reply, status: u16, code: &str) -> String {
    assert_eq!(reply.status, status, "{}", reply.text());
    let body = reply.json();
    assert_eq!(body["error"]["code"], code, "{body}");
    let inner = &body["error"]["innerError"];
    assert_eq!(
        inner["request-id"].as_str(),
        reply.header("request-id"),
        "{body}"
    );
    assert!(inner["client-request-id"].is_string(), "{body}");
    let date = inner["date"].as_str().unwrap();
    assert!(
        chrono::NaiveDateTime::parse_from_str(date, "%Y-%m-%dT%H:%M:%S").is_ok(),
        "{date}"
    );
    body["error"]["message"].as_str().unwrap().to_string()
}

fn role_ids(resource: &Value) -> Vec<String> {
    resource["accessDetails"]["unifiedRoles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["roleDefinitionId"].as_str().unwrap().to_string())
        .collect()
}

/// Every item of a list, following `@odata.nextLink` as given; also the number of pages.
fn all_pages(emu: &Emulator, t: &str, first: &str) -> (Vec<Value>, usize) {
    let mut items = Vec::new();
    let mut next = Some(first.to_string());
    let mut pages = 0;
    while let Some(target) = next {
        let reply = get(emu, &target, t);
        assert_eq!(reply.status, 200, "{target}: {}", reply.text());
        let body = reply.json();
        assert!(body["@odata.context"]
            .as_str()
            .unwrap()
            .contains("/$metadata#"));
        items.extend(body["value"].as_array().unwrap().iter().cloned());
        next = body["@odata.nextLink"].as_str().map(str::to_string);
        if let Some(link) = &next {
            assert!(
                link.starts_with(emu.url()) && link.contains("$skiptoken="),
                "{link}"
            );
        }
        pages += 1;
        assert!(pages < 10_000, "the listing does not end");
    }
    (items, pages)
}

fn ids(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn lists_every_relationship_through_next_links() {
    let emu = start(Config {
        gdap_page_size: 7,
        ..Config::default()
    });
    let t = token(&emu, GRAPH);
    let total = gdap(&emu)["relationshipCount"].as_u64().unwrap() as usize;
    assert_eq!(total, 50, "one relationship per customer by default");
    let (items, pages) = all_pages(&emu, &t, RELATIONSHIPS);
    assert_eq!(items.len(), total);
    assert_eq!(pages, total.div_ceil(7));
    assert_eq!(ids(&items).into_iter().collect::<HashSet<_>>().len(), total);
    let mut resellers = 0;
    for item in &items {
        let odata_type = item["@odata.type"].as_str().unwrap();
        assert!(item["@odata.etag"].as_str().unwrap().starts_with("W/\""));
        let tenant = item["customer"]["tenantId"].as_str().unwrap();
        let customer = emu.customer(tenant).expect("joined to a seeded customer");
        assert_eq!(
            item["customer"]["displayName"],
            customer["organizationDisplayName"]
        );
        assert!(item["displayName"].as_str().unwrap().chars().count() <= 50);
        assert!(item["duration"].as_str().unwrap().starts_with('P'));
        match odata_type {
            "#microsoft.graph.resellerDelegatedAdminRelationship" => {
                resellers += 1;
                assert!(item["isPartnerConsentPending"].is_boolean());
                assert!(item["indirectProviderTenantId"].is_string());
            }
            "#microsoft.graph.delegatedAdminRelationship" => {
                assert!(item.get("isPartnerConsentPending").is_none());
            }
            other => panic!("{other}"),
        }
    }
    assert!(resellers >= 2, "{resellers}");

    let body = get(&emu, &format!("{RELATIONSHIPS}?$top=300&$count=true"), &t).json();
    assert_eq!(body["value"].as_array().unwrap().len(), total);
    assert_eq!(body["@odata.count"], total);
    assert!(body.get("@odata.nextLink").is_none());
}

#[test]
fn ten_thousand_relationships_page_by_300() {
    let emu = start(Config {
        customers: 500,
        gdap_relationships: Some(10_000),
        ..Config::default()
    });
    let t = token(&emu, GRAPH);
    let (items, pages) = all_pages(
        &emu,
        &t,
        &format!("{RELATIONSHIPS}?$top=300&$select=status"),
    );
    assert_eq!(items.len(), 10_000);
    assert_eq!(pages, 34);
    assert_eq!(
        ids(&items).into_iter().collect::<HashSet<_>>().len(),
        10_000
    );
    let counts = &gdap(&emu)["statusCounts"];
    let active = items.iter().filter(|i| i["status"] == "active").count();
    assert_eq!(counts["active"], active);
    assert!(active > 3_000 && active < 9_000, "{active}");
    for status in ["created", "approvalPending", "expired", "terminated"] {
        assert!(counts[status].as_u64().unwrap() > 100, "{counts}");
    }
}

#[test]
fn filters_by_status_customer_and_end_date() {
    let emu = small();
    let t = token(&emu, GRAPH);
    let fixtures = gdap(&emu);
    let list = |filter: &str| {
        let reply = get(
            &emu,
            &format!("{RELATIONSHIPS}?$top=300&$filter={}", encode(filter)),
            &t,
        );
        assert_eq!(reply.status, 200, "{filter}: {}", reply.text());
        reply.json()["value"].as_array().unwrap().clone()
    };
    let active = list("status eq 'active'");
    assert_eq!(fixtures["statusCounts"]["active"], active.len());
    assert!(active.iter().all(|r| r["status"] == "active"));
    let not_active = list("status ne 'active'");
    assert_eq!(active.len() + not_active.len(), 50);

    let some = &active[3];
    let tenant = some["customer"]["tenantId"].as_str().unwrap();
    let of_customer = list(&format!(
        "customer/tenantId eq '{tenant}' and status eq 'active'"
    ));
    assert!(!of_customer.is_empty());
    assert!(of_customer
        .iter()
        .all(|r| r["customer"]["tenantId"] == tenant && r["status"] == "active"));

    let now = chrono::Utc::now();
    let in_30 =
        (now + chrono::Duration::days(30)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let ending = ids(&list(&format!(
        "status eq 'active' and endDateTime le {in_30}"
    )));
    for id in fixtures["activeEndingWithin30Days"].as_array().unwrap() {
        assert!(ending.contains(&id.as_str().unwrap().to_string()), "{id}");
    }
    assert!(!ending.is_empty());
    let extended = list("status eq 'active' and autoExtendDuration eq 'P180D'");
    assert_eq!(
        ids(&extended)[0],
        fixtures["activeAutoExtended"][0].as_str().unwrap()
    );
    let either = list("(status eq 'created' or status eq 'expired') and not (endDateTime eq null)");
    assert!(either.iter().all(|r| r["status"] == "expired"));

    for bad in [
        "status eq 'Active'",
        "status eq active",
        "colour eq 'red'",
        "startswith(displayName,'GDAP')",
        "endDateTime le tomorrow",
        "status eq 'active' and",
    ] {
        let reply = get(
            &emu,
            &format!("{RELATIONSHIPS}?$filter={}", encode(bad)),
            &t,
        );
        let message = assert_error(&reply, 400, "invalidRequest");
        assert!(message.contains("filter"), "{bad}: {message}");
    }
}

#[test]
fn select_top_and_skiptoken_are_checked() {
    let emu = small();
    let t = token(&emu, GRAPH);
    let body = get(
        &emu,
        &format!("{RELATIONSHIPS}?$select=displayName,status&$top=3"),
        &t,
    )
    .json();
    let items = body["value"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    for item in items {
        let mut keys: Vec<&str> = item
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            ["@odata.etag", "@odata.type", "displayName", "id", "status"]
        );
    }
    let next = body["@odata.nextLink"].as_str().unwrap();
    assert!(
        next.contains("$select=displayName%2Cstatus")
            || next.contains("$select=displayName,status"),
        "{next}"
    );
    let second = get(&emu, next, &t).json();
    assert_eq!(second["value"].as_array().unwrap().len(), 3);
    assert_ne!(second["value"][0]["id"], items[0]["id"]);

    assert_eq!(
        get(&emu, &format!("{RELATIONSHIPS}?$top=300"), &t).status,
        200
    );
    assert_eq!(
        get(&emu, &format!("{RELATIONSHIPS}?$top=1"), &t).status,
        200
    );
    for bad in [
        "$top=0",
        "$top=301",
        "$top=ten",
        "$select=colour",
        "$orderby=displayName",
        "$expand=accessAssignments",
        "$skiptoken=not-a-token",
        "$count=maybe",
        "$top=1&$top=2",
    ] {
        let reply = get(&emu, &format!("{RELATIONSHIPS}?{bad}"), &t);
        assert_error(&reply, 400, "invalidRequest");
    }
    // A skip token only works with the options it was issued for: follow nextLink as given.
    let tampered = next.replace("$top=3", "$top=4");
    assert_error(&get(&emu, &tampered, &t), 400, "invalidRequest");
}

#[test]
fn get_one_carries_the_etag() {
    let emu = small();
    let t = token(&emu, GRAPH);
    let id = first(&emu, "active");
    let reply = relationship(&emu, &t, &id);
    assert_eq!(reply.status, 200);
    assert!(reply
        .header("content-type")
        .unwrap()
        .starts_with("application/json"));
    let body = reply.json();
    assert_eq!(body["id"], id.as_str());
    assert_eq!(body["@odata.etag"].as_str(), reply.header("ETag"));
    assert!(body["@odata.context"]
        .as_str()
        .unwrap()
        .ends_with("$metadata#delegatedAdminRelationships/$entity"));
    assert_eq!(
        emu.gdap_relationship(&id).unwrap()["@odata.etag"],
        body["@odata.etag"]
    );
    let selected = get(
        &emu,
        &format!("{RELATIONSHIPS}/{id}?$select=endDateTime"),
        &t,
    )
    .json();
    assert!(selected.get("endDateTime").is_some() && selected.get("status").is_none());
    for missing in [
        "00000000-0000-0000-0000-000000000001-5f0b1c6e-8a3d-4b7e-9c21-0d4e6f8a9b10",
        "not-an-id",
    ] {
        assert_error(&relationship(&emu, &t, missing), 404, "itemNotFound");
    }
}

#[test]
fn patch_needs_the_current_etag() {
    let emu = small();
    let t = token(&emu, GRAPH);
    let id = first(&emu, "activeAutoExtendable");
    let body = json!({ "autoExtendDuration": "P180D" });
    let message = assert_error(&patch(&emu, &t, &id, None, &body), 400, "invalidRequest");
    assert!(message.contains("If-Match"), "{message}");

    let etag = etag_of(&emu, &t, &id);
    let touched = emu.touch_gdap_relationship(&id).unwrap();
    assert_ne!(touched, etag);
    assert_error(
        &patch(&emu, &t, &id, Some(&etag), &body),
        412,
        "resourceModified",
    );

    // The control endpoint makes the same concurrent change over HTTP.
    let reply = send(
        emu.url(),
        "POST",
        &format!("/_emulator/gdap/relationships/{id}/touch"),
        &[],
        None,
    );
    assert_eq!(reply.status, 200);
    let current = reply.json()["@odata.etag"].as_str().unwrap().to_string();
    assert_ne!(current, touched);
    assert_error(
        &patch(&emu, &t, &id, Some(&touched), &body),
        412,
        "resourceModified",
    );

    let ok = patch(&emu, &t, &id, Some(&current), &body);
    assert_eq!(ok.status, 200, "{}", ok.text());
    assert_eq!(ok.json()["autoExtendDuration"], "P180D");
    let after = ok.header("ETag").unwrap().to_string();
    assert_ne!(after, current);
    assert_eq!(ok.json()["@odata.etag"], after.as_str());
    // The ETag without its W/ prefix matches too; so does `*`.
    let off = json!({ "autoExtendDuration": "P0D" });
    let ok = patch(&emu, &t, &id, Some(after.trim_start_matches("W/")), &off);
    assert_eq!(ok.status, 200, "{}", ok.text());
    assert_eq!(ok.json()["autoExtendDuration"], "PT0S");
    assert_eq!(patch(&emu, &t, &id, Some("*"), &body).status, 200);
    assert_eq!(
        send(
            emu.url(),
            "POST",
            "/_emulator/gdap/relationships/nope/touch",
            &[],
            None
        )
        .status,
        404
    );
    assert_eq!(
        send(
            emu.url(),
            "GET",
            "/_emulator/gdap/relationships/nope",
            &[],
            None
        )
        .status,
        404
    );
}

#[test]
fn precondition_failed_fault_is_a_concurrent_change() {
    let emu = small();
    let t = token(&emu, GRAPH);
    let id = first(&emu, "activeAutoExtendable");
    let faults = send(
        emu.url(),
        "POST",
        "/_emulator/faults",
        &[("Content-Type", "application/json")],
        Some(br#"{"gdapPreconditionFailed": 1}"#),
    );
    assert_eq!(faults.status, 200);
    assert_eq!(faults.json()["gdapPreconditionFailed"], 1);
    let etag = etag_of(&emu, &t, &id);
    let body = json!({ "autoExtendDuration": "P180D" });
    assert_error(
        &patch(&emu, &t, &id, Some(&etag), &body),
        412,
        "resourceModified",
    );
    let reread = etag_of(&emu, &t, &id);
    assert_ne!(reread, etag, "the injected 412 moves the ETag on");
    let retried = patch(&emu, &t, &id, Some(&reread), &body);
    assert_eq!(retried.status, 200, "{}", retried.text());
    assert_eq!(
        emu.gdap_relationship(&id).unwrap()["autoExtendDuration"],
        "P180D"
    );
}

#[test]
fn status_rules() {
    let emu = small();
    let t = token(&emu, GRAPH);

    // Active: only autoExtendDuration (and the Global Administrator removal).
    let active = first(&emu, "activeAutoExtendable");
    let etag = etag_of(&emu, &t, &active);
    for body in [
        json!({ "displayName": "Renamed" }),
        json!({ "duration": "P30D" }),
    ] {
        assert_error(
            &patch(&emu, &t, &active, Some(&etag), &body),
            409,
            "notAllowed",
        );
    }
    let unchanged = patch(
        &emu,
        &t,
        &active,
        Some(&etag),
        &json!({ "autoExtendDuration": "PT0S" }),
    );
    assert_eq!(unchanged.status, 200, "a PATCH that changes nothing");
    assert_eq!(unchanged.header("ETag"), Some(etag.as_str()));
    let message = assert_error(
        &patch(
            &emu,
            &t,
            &active,
            Some(&etag),
            &json!({ "autoExtendDuration": "P90D" }),
        ),
        400,
        "invalidRequest",
    );
    assert!(message.contains("P180D"), "{message}");
    for body in [
        json!({ "status": "terminated" }),
        json!({ "colour": "red" }),
        json!([1]),
    ] {
        assert_error(
            &patch(&emu, &t, &active, Some(&etag), &body),
            400,
            "invalidRequest",
        );
    }

    // Created: anything.
    let created = first(&emu, "created");
    let etag = etag_of(&emu, &t, &created);
    let customer = emu.fixtures()["inactiveDapCustomerIds"][0].clone();
    let body = json!({
        "displayName": "Renamed while created",
        "duration": "P2Y",
        "customer": { "tenantId": customer },
        "accessDetails": { "unifiedRoles": [ { "roleDefinitionId": "88d8e3e3-8f55-4a1e-953a-9b9898b8876b" } ] },
        "autoExtendDuration": "P180D",
    });
    let ok = patch(&emu, &t, &created, Some(&etag), &body);
    assert_eq!(ok.status, 200, "{}", ok.text());
    let updated = ok.json();
    assert_eq!(updated["displayName"], "Renamed while created");
    assert_eq!(updated["duration"], "P730D");
    assert_eq!(updated["customer"]["tenantId"], customer);
    assert_eq!(role_ids(&updated), ["88d8e3e3-8f55-4a1e-953a-9b9898b8876b"]);
    assert_eq!(updated["status"], "created");
    let etag = ok.header("ETag").unwrap().to_string();
    for body in [
        json!({ "duration": "P3Y" }),
        json!({ "displayName": "x".repeat(51) }),
        json!({ "customer": { "tenantId": "00000000-0000-0000-0000-000000000001" } }),
        json!({ "accessDetails": { "unifiedRoles": [] } }),
        json!({ "displayName": emu.gdap_relationship(&active).unwrap()["displayName"] }),
    ] {
        assert_error(
            &patch(&emu, &t, &created, Some(&etag), &body),
            400,
            "invalidRequest",
        );
    }

    // Any other status: nothing.
    for list in ["expired", "terminated", "approvalPending"] {
        let id = first(&emu, list);
        let etag = etag_of(&emu, &t, &id);
        let message = assert_error(
            &patch(
                &emu,
                &t,
                &id,
                Some(&etag),
                &json!({ "autoExtendDuration": "P180D" }),
            ),
            409,
            "notAllowed",
        );
        assert!(message.contains("created or active"), "{message}");
    }
}

#[test]
fn global_administrator_refuses_auto_extend() {
    let emu = small();
    let t = token(&emu, GRAPH);
    let id = first(&emu, "activeGlobalAdmin");
    let resource = emu.gdap_relationship(&id).unwrap();
    assert!(role_ids(&resource).contains(&GLOBAL_ADMIN.to_string()));
    assert_eq!(resource["autoExtendDuration"], "PT0S");
    let etag = etag_of(&emu, &t, &id);
    let message = assert_error(
        &patch(
            &emu,
            &t,
            &id,
            Some(&etag),
            &json!({ "autoExtendDuration": "P180D" }),
        ),
        400,
        "invalidRequest",
    );
    assert!(
        message.contains("Global Administrator") && message.contains(GLOBAL_ADMIN),
        "{message}"
    );
    assert_eq!(
        emu.gdap_relationship(&id).unwrap()["autoExtendDuration"],
        "PT0S"
    );

    // The same rule while created.
    let created = first(&emu, "created");
    let etag = etag_of(&emu, &t, &created);
    let body = json!({
        "accessDetails": { "unifiedRoles": [ { "roleDefinitionId": GLOBAL_ADMIN } ] },
        "autoExtendDuration": "P180D",
    });
    assert_error(
        &patch(&emu, &t, &created, Some(&etag), &body),
        400,
        "invalidRequest",
    );
}

/// The relationship's roles without Global Administrator, as an accessDetails PATCH body.
fn without_global_admin(resource: &Value) -> Value {
    let roles: Vec<Value> = role_ids(resource)
        .into_iter()
        .filter(|r| r != GLOBAL_ADMIN)
        .map(|r| json!({ "roleDefinitionId": r }))
        .collect();
    json!({ "accessDetails": { "unifiedRoles": roles } })
}

#[test]
fn global_administrator_removal_is_a_long_running_operation() {
    let emu = start(Config {
        gdap_lro_polls: 2,
        lro_retry_after: 3,
        ..Config::default()
    });
    let t = token(&emu, GRAPH);
    let id = first(&emu, "activeGlobalAdmin");
    let resource = emu.gdap_relationship(&id).unwrap();
    let etag = etag_of(&emu, &t, &id);

    // Only the removal of Global Administrator, on its own.
    let mut fewer = without_global_admin(&resource);
    fewer["accessDetails"]["unifiedRoles"]
        .as_array_mut()
        .unwrap()
        .pop();
    assert_error(
        &patch(&emu, &t, &id, Some(&etag), &fewer),
        409,
        "notAllowed",
    );
    let mut with_auto = without_global_admin(&resource);
    with_auto["autoExtendDuration"] = json!("P180D");
    assert_error(
        &patch(&emu, &t, &id, Some(&etag), &with_auto),
        400,
        "invalidRequest",
    );

    let accepted = patch(&emu, &t, &id, Some(&etag), &without_global_admin(&resource));
    assert_eq!(accepted.status, 202, "{}", accepted.text());
    assert_eq!(accepted.header("Retry-After"), Some("3"));
    let location = accepted.header("Location").unwrap().to_string();
    let prefix = format!("{}{RELATIONSHIPS}/{id}/operations/", emu.url());
    assert!(location.starts_with(&prefix), "{location}");
    // Nothing changes until the operation ends, and nothing else may change meanwhile.
    assert_eq!(etag_of(&emu, &t, &id), etag);
    assert_error(
        &patch(&emu, &t, &id, Some(&etag), &without_global_admin(&resource)),
        409,
        "notAllowed",
    );
    assert_error(&post_request(&emu, &t, &id, "terminate"), 409, "notAllowed");

    let listed = get(&emu, &format!("{RELATIONSHIPS}/{id}/operations"), &t).json();
    assert_eq!(listed["value"].as_array().unwrap().len(), 1);
    assert_eq!(listed["value"][0]["status"], "notStarted");

    let poll = |prefer: bool| {
        let auth = format!("Bearer {t}");
        let mut headers = vec![("Authorization", auth.as_str())];
        if prefer {
            headers.push(("Prefer", "include-unknown-enum-members"));
        }
        let reply = send(emu.url(), "GET", &location, &headers, None);
        assert_eq!(reply.status, 200, "{}", reply.text());
        reply.json()
    };
    let first_poll = poll(false);
    assert_eq!(first_poll["status"], "notStarted");
    assert_eq!(first_poll["operationType"], "unknownFutureValue");
    assert_eq!(
        first_poll["@odata.type"],
        "#microsoft.graph.delegatedAdminRelationshipOperation"
    );
    let second = poll(true);
    assert_eq!(second["status"], "running");
    assert_eq!(second["operationType"], "delegatedAdminRelationshipUpdate");
    assert!(emu
        .gdap_relationship(&id)
        .unwrap()
        .to_string()
        .contains(GLOBAL_ADMIN));
    let done = poll(true);
    assert_eq!(done["status"], "succeeded");
    let data: Value = serde_json::from_str(done["data"].as_str().unwrap()).unwrap();
    assert!(!data.to_string().contains(GLOBAL_ADMIN));
    assert_eq!(
        poll(false)["status"],
        "succeeded",
        "a finished operation stays finished"
    );

    let after = relationship(&emu, &t, &id);
    let body = after.json();
    assert!(!role_ids(&body).contains(&GLOBAL_ADMIN.to_string()));
    assert_eq!(role_ids(&body).len(), role_ids(&resource).len() - 1);
    let new_etag = after.header("ETag").unwrap().to_string();
    assert_ne!(new_etag, etag);
    let assignments = get(&emu, &format!("{RELATIONSHIPS}/{id}/accessAssignments"), &t).json();
    assert!(!assignments.to_string().contains(GLOBAL_ADMIN));
    // Now auto-extend is allowed.
    let extended = patch(
        &emu,
        &t,
        &id,
        Some(&new_etag),
        &json!({ "autoExtendDuration": "P180D" }),
    );
    assert_eq!(extended.status, 200, "{}", extended.text());
    assert_error(
        &get(
            &emu,
            &format!("{RELATIONSHIPS}/{id}/operations/00000000-0000-0000-0000-000000000001"),
            &t,
        ),
        404,
        "itemNotFound",
    );
}

#[test]
fn global_administrator_removal_can_fail() {
    let emu = start(Config {
        gdap_lro_polls: 0,
        ..Config::default()
    });
    emu.set_faults(Faults {
        gdap_lro_fails: true,
        ..Faults::default()
    });
    let t = token(&emu, GRAPH);
    let id = first(&emu, "activeGlobalAdmin");
    let resource = emu.gdap_relationship(&id).unwrap();
    let etag = etag_of(&emu, &t, &id);
    let accepted = patch(&emu, &t, &id, Some(&etag), &without_global_admin(&resource));
    assert_eq!(accepted.status, 202);
    let operation = get(&emu, accepted.header("Location").unwrap(), &t).json();
    assert_eq!(operation["status"], "failed");
    let data: Value = serde_json::from_str(operation["data"].as_str().unwrap()).unwrap();
    assert!(data["error"]["message"].is_string(), "{data}");
    assert_eq!(
        etag_of(&emu, &t, &id),
        etag,
        "a failed operation changes nothing"
    );
    assert!(role_ids(&emu.gdap_relationship(&id).unwrap()).contains(&GLOBAL_ADMIN.to_string()));

    // With the fault cleared, the next attempt succeeds on its first poll.
    emu.set_faults(Faults::default());
    let accepted = patch(&emu, &t, &id, Some(&etag), &without_global_admin(&resource));
    assert_eq!(accepted.status, 202);
    let operation = get(&emu, accepted.header("Location").unwrap(), &t).json();
    assert_eq!(operation["status"], "succeeded");
    let listed = get(
        &emu,
        &format!("{RELATIONSHIPS}/{id}/operations?$count=true"),
        &t,
    )
    .json();
    assert_eq!(listed["@odata.count"], 2);
}

#[test]
fn terminate_moves_through_termination_requested() {
    let emu = start(Config {
        gdap_terminate_polls: 2,
        ..Config::default()
    });
    let t = token(&emu, GRAPH);
    let id = first(&emu, "activeAutoExtendable");
    let before = etag_of(&emu, &t, &id);
    let created = post_request(&emu, &t, &id, "terminate");
    assert_eq!(created.status, 201, "{}", created.text());
    let body = created.json();
    assert_eq!(body["action"], "terminate");
    assert_eq!(body["status"], "created");
    assert_eq!(
        body["@odata.type"],
        "#microsoft.graph.delegatedAdminRelationshipRequest"
    );
    let location = created.header("Location").unwrap().to_string();
    assert_eq!(
        location,
        format!(
            "{}{RELATIONSHIPS}/{id}/requests/{}",
            emu.url(),
            body["id"].as_str().unwrap()
        )
    );
    assert_eq!(
        emu.gdap_relationship(&id).unwrap()["status"],
        "terminationRequested"
    );
    assert_error(&post_request(&emu, &t, &id, "terminate"), 409, "notAllowed");

    // Reads of the relationship or of the request advance the termination.
    let first_read = relationship(&emu, &t, &id);
    assert_eq!(first_read.json()["status"], "terminationRequested");
    assert_ne!(first_read.header("ETag"), Some(before.as_str()));
    assert_eq!(get(&emu, &location, &t).json()["status"], "pending");
    let ended = relationship(&emu, &t, &id).json();
    assert_eq!(ended["status"], "terminated");
    let end = chrono::DateTime::parse_from_rfc3339(ended["endDateTime"].as_str().unwrap()).unwrap();
    assert!(
        (chrono::Utc::now() - end.with_timezone(&chrono::Utc))
            .num_seconds()
            .abs()
            < 60
    );
    assert_eq!(get(&emu, &location, &t).json()["status"], "succeeded");
    let assignments = get(&emu, &format!("{RELATIONSHIPS}/{id}/accessAssignments"), &t).json();
    assert!(assignments["value"]
        .as_array()
        .unwrap()
        .iter()
        .all(|a| a["status"] == "deleted"));
    let requests = get(&emu, &format!("{RELATIONSHIPS}/{id}/requests"), &t).json();
    assert_eq!(requests["value"][0]["status"], "succeeded");

    // Only an active relationship can be terminated.
    for list in ["expired", "created", "approvalPending"] {
        let other = first(&emu, list);
        let message = assert_error(
            &post_request(&emu, &t, &other, "terminate"),
            409,
            "notAllowed",
        );
        assert!(message.contains("only while it is active"), "{message}");
    }
    assert_error(&post_request(&emu, &t, &id, "terminate"), 409, "notAllowed");

    // lockForApproval: only while created.
    let created_id = first(&emu, "created");
    let locked = post_request(&emu, &t, &created_id, "lockForApproval");
    assert_eq!(locked.status, 201, "{}", locked.text());
    assert_eq!(
        emu.gdap_relationship(&created_id).unwrap()["status"],
        "approvalPending"
    );
    assert_error(
        &post_request(&emu, &t, &created_id, "lockForApproval"),
        409,
        "notAllowed",
    );
    for action in ["approve", "reject", "explode"] {
        let other = first(&emu, "active");
        assert_error(
            &post_request(&emu, &t, &other, action),
            400,
            "invalidRequest",
        );
    }
    assert_error(
        &get(
            &emu,
            &format!("{RELATIONSHIPS}/{id}/requests/00000000-0000-0000-0000-000000000001"),
            &t,
        ),
        404,
        "itemNotFound",
    );
}

#[test]
fn terminate_with_no_polls_ends_on_the_first_read() {
    let emu = start(Config {
        gdap_terminate_polls: 0,
        ..Config::default()
    });
    let t = token(&emu, GRAPH);
    let id = first(&emu, "active");
    let created = post_request(&emu, &t, &id, "terminate");
    assert_eq!(created.status, 201);
    assert_eq!(
        get(&emu, created.header("Location").unwrap(), &t).json()["status"],
        "succeeded"
    );
    assert_eq!(emu.gdap_relationship(&id).unwrap()["status"], "terminated");
}

#[test]
fn access_assignments() {
    let emu = small();
    let t = token(&emu, GRAPH);
    let id = first(&emu, "activeGlobalAdmin");
    let body = get(&emu, &format!("{RELATIONSHIPS}/{id}/accessAssignments"), &t).json();
    assert!(body["@odata.context"]
        .as_str()
        .unwrap()
        .ends_with("$metadata#accessAssignments"));
    let items = body["value"].as_array().unwrap();
    assert!(!items.is_empty());
    let roles = role_ids(&emu.gdap_relationship(&id).unwrap());
    for item in items {
        assert_eq!(
            item["@odata.type"],
            "#microsoft.graph.delegatedAdminAccessAssignment"
        );
        assert!(item["@odata.etag"].as_str().unwrap().starts_with("W/\""));
        assert_eq!(item["status"], "active");
        assert_eq!(
            item["accessContainer"]["accessContainerType"],
            "securityGroup"
        );
        assert!(item["accessContainer"]["accessContainerId"].is_string());
        assert!(item["createdDateTime"].is_string() && item["lastModifiedDateTime"].is_string());
        assert!(role_ids(item).iter().all(|r| roles.contains(r)));
    }
    assert!(role_ids(&items[0]).contains(&GLOBAL_ADMIN.to_string()));

    let unused = first(&emu, "activeUnused");
    let empty = get(
        &emu,
        &format!("{RELATIONSHIPS}/{unused}/accessAssignments?$count=true"),
        &t,
    )
    .json();
    assert_eq!(empty["value"], json!([]));
    assert_eq!(empty["@odata.count"], 0);

    // Paged like the list.
    let two = gdap(&emu)["active"]
        .as_array()
        .unwrap()
        .iter()
        .map(|id| id.as_str().unwrap().to_string())
        .find(|id| {
            get(&emu, &format!("{RELATIONSHIPS}/{id}/accessAssignments"), &t).json()["value"]
                .as_array()
                .unwrap()
                .len()
                == 2
        })
        .expect("a relationship with two assignments");
    let (paged, pages) = all_pages(
        &emu,
        &t,
        &format!("{RELATIONSHIPS}/{two}/accessAssignments?$top=1"),
    );
    assert_eq!((paged.len(), pages), (2, 2));
    let active_only = get(
        &emu,
        &format!(
            "{RELATIONSHIPS}/{two}/accessAssignments?$filter={}",
            encode("status eq 'active'")
        ),
        &t,
    );
    assert_eq!(active_only.json()["value"].as_array().unwrap().len(), 2);
    assert_error(
        &get(&emu, &format!("{RELATIONSHIPS}/nope/accessAssignments"), &t),
        404,
        "itemNotFound",
    );
}

#[test]
fn delegated_admin_customers_follow_active_relationships() {
    let emu = start(Config {
        gdap_page_size: 9,
        ..Config::default()
    });
    let t = token(&emu, GRAPH);
    let fixtures = gdap(&emu);
    let with: Vec<&str> = fixtures["inactiveDapWithActiveGdap"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let without: Vec<&str> = fixtures["inactiveDapWithoutActiveGdap"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(with.len() >= 3 && without.len() >= 3, "{fixtures}");

    let (customers, pages) = all_pages(&emu, &t, CUSTOMERS);
    assert!(pages >= 2);
    let listed: HashSet<String> = ids(&customers).into_iter().collect();
    assert_eq!(listed.len(), customers.len());
    for c in &customers {
        assert_eq!(c["@odata.type"], "#microsoft.graph.delegatedAdminCustomer");
        assert_eq!(c["id"], c["tenantId"]);
        assert!(c["@odata.etag"].is_string() && c["displayName"].is_string());
    }
    let active = get(
        &emu,
        &format!(
            "{RELATIONSHIPS}?$top=300&$select=customer&$filter={}",
            encode("status eq 'active'")
        ),
        &t,
    )
    .json();
    let holders: HashSet<String> = active["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["customer"]["tenantId"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(listed, holders);
    assert!(with.iter().all(|id| listed.contains(*id)));
    assert!(without.iter().all(|id| !listed.contains(*id)));

    let one = get(&emu, &format!("{CUSTOMERS}/{}", with[0]), &t);
    assert_eq!(one.status, 200);
    assert_eq!(one.json()["tenantId"], with[0]);
    assert_error(
        &get(&emu, &format!("{CUSTOMERS}/{}", without[0]), &t),
        404,
        "itemNotFound",
    );
    let selected = get(&emu, &format!("{CUSTOMERS}?$select=displayName&$top=1"), &t).json();
    assert!(selected["value"][0].get("tenantId").is_none());
    assert!(selected["value"][0]["displayName"].is_string());
    let filtered = get(
        &emu,
        &format!(
            "{CUSTOMERS}?$filter={}",
            encode(&format!("tenantId eq '{}'", with[1]))
        ),
        &t,
    )
    .json();
    assert_eq!(filtered["value"].as_array().unwrap().len(), 1);
    assert_error(
        &get(
            &emu,
            &format!("{CUSTOMERS}?$expand=serviceManagementDetails"),
            &t,
        ),
        400,
        "invalidRequest",
    );

    let details = get(
        &emu,
        &format!("{CUSTOMERS}/{}/serviceManagementDetails", with[0]),
        &t,
    );
    assert_eq!(details.status, 200, "{}", details.text());
    let details = details.json();
    let items = details["value"].as_array().unwrap();
    assert!(items.len() >= 3);
    for d in items {
        assert_eq!(
            d["@odata.type"],
            "#microsoft.graph.delegatedAdminServiceManagementDetail"
        );
        assert!(d["id"].is_string() && d["serviceName"].is_string());
        assert!(d["serviceManagementUrl"]
            .as_str()
            .unwrap()
            .starts_with("https://"));
    }
    assert_error(
        &get(
            &emu,
            &format!("{CUSTOMERS}/{}/serviceManagementDetails?$top=1", with[0]),
            &t,
        ),
        400,
        "invalidRequest",
    );
    assert_error(
        &get(
            &emu,
            &format!("{CUSTOMERS}/{}/serviceManagementDetails", without[0]),
            &t,
        ),
        404,
        "itemNotFound",
    );

    // Terminating a customer's only active relationship removes the customer.
    let (lonely, relationship) = {
        let mut per_customer: std::collections::HashMap<String, Vec<String>> = Default::default();
        for r in active["value"].as_array().unwrap() {
            per_customer
                .entry(r["customer"]["tenantId"].as_str().unwrap().to_string())
                .or_default()
                .push(r["id"].as_str().unwrap().to_string());
        }
        per_customer
            .into_iter()
            .filter(|(_, rels)| rels.len() == 1)
            .map(|(c, mut rels)| (c, rels.remove(0)))
            .min()
            .unwrap()
    };
    assert_eq!(get(&emu, &format!("{CUSTOMERS}/{lonely}"), &t).status, 200);
    let request = post_request(&emu, &t, &relationship, "terminate");
    assert_eq!(request.status, 201);
    let location = request.header("Location").unwrap();
    let reads = (1..=10)
        .find(|_| get(&emu, location, &t).json()["status"] == "succeeded")
        .expect("the termination ends");
    assert_eq!(
        reads, 3,
        "created, then pending for two reads, then succeeded"
    );
    assert_error(
        &get(&emu, &format!("{CUSTOMERS}/{lonely}"), &t),
        404,
        "itemNotFound",
    );
}

#[test]
fn errors_carry_graph_ids() {
    let emu = small();
    let t = token(&emu, GRAPH);
    let auth = format!("Bearer {t}");
    let target = format!("{RELATIONSHIPS}/nope");
    let echoed = send(
        emu.url(),
        "GET",
        &target,
        &[
            ("Authorization", &auth),
            ("client-request-id", "my-client-id-1"),
        ],
        None,
    );
    assert_error(&echoed, 404, "itemNotFound");
    assert_eq!(echoed.header("client-request-id"), Some("my-client-id-1"));
    assert_eq!(
        echoed.json()["error"]["innerError"]["client-request-id"],
        "my-client-id-1"
    );
    let minted = get(&emu, &target, &t);
    assert_error(&minted, 404, "itemNotFound");
    assert_eq!(
        minted.header("client-request-id"),
        minted.header("request-id")
    );
    let ok = get(&emu, RELATIONSHIPS, &t);
    assert!(ok.header("request-id").is_some());
    let logged = emu.requests();
    let last = logged.last().unwrap();
    assert_eq!(last.request_id.as_deref(), ok.header("request-id"));
}

#[test]
fn tokens_for_other_audiences_are_refused() {
    let emu = small();
    let arm = token(&emu, ARM);
    let reply = get(&emu, RELATIONSHIPS, &arm);
    let message = assert_error(&reply, 401, "InvalidAuthenticationToken");
    assert!(message.contains("Invalid audience"), "{message}");
    assert!(reply
        .header("WWW-Authenticate")
        .unwrap()
        .contains("invalid_token"));
    let missing = send(emu.url(), "GET", RELATIONSHIPS, &[], None);
    assert_eq!(
        assert_error(&missing, 401, "InvalidAuthenticationToken"),
        "Access token is empty."
    );
    assert_error(
        &get(&emu, RELATIONSHIPS, "made-up"),
        401,
        "InvalidAuthenticationToken",
    );

    let graph = token(&emu, GRAPH);
    let sub = emu.fixtures()["subscriptions"][0]["subscriptionId"]
        .as_str()
        .unwrap()
        .to_string();
    let at_arm = get(
        &emu,
        &format!("/subscriptions/{sub}/providers/Microsoft.ManagedServices/registrationAssignments?api-version=2022-10-01"),
        &graph,
    );
    assert_eq!(at_arm.status, 403);
    assert_eq!(
        at_arm.json()["error"]["code"],
        "InvalidAuthenticationTokenAudience"
    );

    emu.expire_tokens();
    let expired = get(&emu, RELATIONSHIPS, &graph);
    assert!(assert_error(&expired, 401, "InvalidAuthenticationToken").contains("expired"));

    // App-only tokens take /.default; a named Graph permission is for delegated flows.
    let f = emu.fixtures();
    let named = form(
        &emu,
        &format!("/{}/oauth2/v2.0/token", f["tenantId"].as_str().unwrap()),
        &[
            ("grant_type", "client_credentials"),
            ("client_id", f["clientId"].as_str().unwrap()),
            ("client_secret", f["clientSecret"].as_str().unwrap()),
            (
                "scope",
                "https://graph.microsoft.com/DelegatedAdminRelationship.ReadWrite.All",
            ),
        ],
    );
    assert_eq!(named.status, 400);
    assert_eq!(named.json()["error_codes"], json!([1002012]));
    let device = form(
        &emu,
        "/organizations/oauth2/v2.0/devicecode",
        &[
            ("client_id", f["clientId"].as_str().unwrap()),
            (
                "scope",
                "DelegatedAdminRelationship.ReadWrite.All offline_access",
            ),
        ],
    );
    assert_eq!(device.status, 200, "{}", device.text());
}

#[test]
fn throttling_answers_in_graph_shape() {
    let emu = small();
    let t = token(&emu, GRAPH);
    emu.set_faults(Faults {
        path_prefix: Some("/v1.0/".into()),
        throttle: 1,
        retry_after: Some(2),
        ..Faults::default()
    });
    let throttled = get(&emu, RELATIONSHIPS, &t);
    assert_error(&throttled, 429, "TooManyRequests");
    assert_eq!(throttled.header("Retry-After"), Some("2"));
    assert_eq!(get(&emu, RELATIONSHIPS, &t).status, 200);

    let limited = start(Config {
        rate_limit: 1,
        ..Config::default()
    });
    let t = token(&limited, GRAPH);
    let replies: Vec<Reply> = (0..4).map(|_| get(&limited, CUSTOMERS, &t)).collect();
    let throttled = replies.iter().find(|r| r.status == 429).expect("throttled");
    assert_error(throttled, 429, "TooManyRequests");
    let seconds: u64 = throttled.header("Retry-After").unwrap().parse().unwrap();
    assert!(seconds >= 1);

    let failing = start(Config {
        fail_rate: 1.0,
        ..Config::default()
    });
    let t = token(&failing, GRAPH);
    assert_error(
        &get(&failing, RELATIONSHIPS, &t),
        503,
        "serviceNotAvailable",
    );
}

#[test]
fn seeding_is_deterministic_and_covers_every_kind() {
    let a = small();
    let b = small();
    assert_eq!(gdap(&a), gdap(&b));
    let (ta, tb) = (token(&a, GRAPH), token(&b, GRAPH));
    // Dates are relative to each emulator's start; everything else is the same.
    let undated = |mut page: Value| {
        for item in page.as_array_mut().unwrap() {
            item.as_object_mut()
                .unwrap()
                .retain(|key, _| !key.ends_with("DateTime"));
        }
        page
    };
    let first_a = get(&a, RELATIONSHIPS, &ta).json()["value"].clone();
    let first_b = get(&b, RELATIONSHIPS, &tb).json()["value"].clone();
    assert_eq!(undated(first_a.clone()), undated(first_b));
    let other = start(Config {
        seed: 2,
        ..Config::default()
    });
    assert_ne!(gdap(&a)["active"], gdap(&other)["active"]);

    let fixtures = gdap(&a);
    for list in [
        "active",
        "activeGlobalAdmin",
        "activeEndingWithin30Days",
        "activeEndingWithin60Days",
        "activeAutoExtended",
        "activeAutoExtendable",
        "activeUnused",
        "reseller",
        "created",
        "approvalPending",
        "expired",
        "terminated",
        "inactiveDapWithActiveGdap",
        "inactiveDapWithoutActiveGdap",
    ] {
        assert!(
            !fixtures[list].as_array().unwrap().is_empty(),
            "{list}: {fixtures}"
        );
    }
    assert_eq!(fixtures["terminationRequested"], json!([]));
    let ending = fixtures["activeEndingWithin30Days"][1].as_str().unwrap();
    let r = a.gdap_relationship(ending).unwrap();
    assert_eq!(r["autoExtendDuration"], "PT0S");
    let durations: HashSet<String> = first_a
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["duration"].as_str().unwrap().to_string())
        .collect();
    assert!(durations.len() >= 2, "{durations:?}");

    // Few relationships: the last customers have none at all.
    let few = start(Config {
        gdap_relationships: Some(5),
        ..Config::default()
    });
    assert_eq!(gdap(&few)["relationshipCount"], 5);
    let none = start(Config {
        customers: 0,
        ..Config::default()
    });
    assert_eq!(gdap(&none)["relationshipCount"], 0);
    let t = token(&none, GRAPH);
    assert_eq!(get(&none, RELATIONSHIPS, &t).json()["value"], json!([]));
}
