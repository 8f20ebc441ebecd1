//! The access ledger through the C ABI against the emulator: every source joined per customer and checked
//! against the emulator's fixtures (DAP, inactive DAP, GDAP relationships by kind, access assignments,
//! Lighthouse delegations), the risks, the summary, a failing source reported (never silently empty),
//! Lighthouse skipped without a token for ARM, the CSV parsed back, the HTML page rendered in a real
//! headless Chromium (table, chart, filter, hostile names, no network), the output file checks, and the
//! job interface (progress, cancel).

mod common;
use common::*;
use delegated_admin::ffi::{da_job_cancel, da_job_free, da_job_poll, da_job_result, da_job_start};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

const GLOBAL_ADMIN: &str = "62e90394-69f5-4237-9190-012177145e10";
const OWNER: &str = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635";

fn ledger(emu: &Emulator, extra: Value) -> Value {
    ok(da_access_ledger, &request(emu, extra))
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("not an array: {v}"))
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

/// The ledger's customers by tenant id.
fn by_tenant(l: &Value) -> HashMap<String, Value> {
    l["customers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["customerTenantId"].as_str().unwrap().to_string(),
                c.clone(),
            )
        })
        .collect()
}

/// The ledger's relationships by id, with their customer's tenant id.
fn relationships(l: &Value) -> HashMap<String, (String, Value)> {
    let mut out = HashMap::new();
    for c in l["customers"].as_array().unwrap() {
        for r in c["gdapRelationships"].as_array().unwrap() {
            out.insert(
                r["id"].as_str().unwrap().to_string(),
                (
                    c["customerTenantId"].as_str().unwrap().to_string(),
                    r.clone(),
                ),
            );
        }
    }
    out
}

fn risk_codes(c: &Value) -> BTreeSet<String> {
    c["risks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap().to_string())
        .collect()
}

fn source<'a>(l: &'a Value, name: &str) -> &'a Value {
    l["sources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["source"] == name)
        .unwrap_or_else(|| panic!("no source {name}: {}", l["sources"]))
}

fn risk_count(l: &Value, code: &str) -> (u64, bool) {
    let r = l["summary"]["risks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == code)
        .unwrap_or_else(|| panic!("no risk {code}"));
    (
        r["customers"].as_u64().unwrap(),
        r["evaluated"].as_bool().unwrap(),
    )
}

fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "da-ledger-{name}-{}",
        uuid::Uuid::new_v4().simple()
    ));
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn joins_every_source_per_customer_as_the_fixtures_say() {
    let emu = start();
    let fx = emu.fixtures();
    let g = &fx["gdap"];
    let l = ledger(&emu, json!({}));
    assert_eq!(l["version"], 1);
    assert_eq!(l["complete"], true, "{}", l["sources"]);
    assert_eq!(l["expiringWithinDays"], 60);
    for name in [
        "delegatedAdminCustomers",
        "gdapRelationships",
        "gdapAccessAssignments",
        "subscriptions",
        "lighthouseAssignments",
    ] {
        assert_eq!(source(&l, name)["status"], "ok", "{name}: {}", l["sources"]);
    }

    // DAP: every customer once, and DAP state as the listing has it (read independently).
    let customers = by_tenant(&l);
    let listed = ok(
        da_list_delegated_admin_customers,
        &request(&emu, json!({ "allPages": true })),
    );
    let listed = listed["customers"].as_array().unwrap();
    assert_eq!(listed.len() as u64, fx["customerCount"].as_u64().unwrap());
    assert_eq!(l["summary"]["customers"], fx["customerCount"]);
    assert_eq!(customers.len(), listed.len());
    for c in listed {
        let id = c["customerTenantId"].as_str().unwrap();
        let e = &customers[id];
        assert_eq!(e["displayName"], c["organizationDisplayName"]);
        assert_eq!(e["dap"]["enabled"], c["dapEnabled"], "{id}");
        let last = c["lastSignInDateTime"].as_str().map(|t| &t[..19]);
        assert_eq!(
            e["dap"]["lastSignInDateTime"].as_str().map(|t| &t[..19]),
            last,
            "{id}"
        );
    }
    let enabled = listed.iter().filter(|c| c["dapEnabled"] == true).count();
    assert_eq!(l["summary"]["dap"]["enabled"], enabled as u64);

    // Inactive DAP: each sampled customer is flagged dap_inactive; and dap_without_gdap exactly by GDAP.
    for id in strings(&fx["inactiveDapCustomerIds"]) {
        assert!(risk_codes(&customers[&id]).contains("dap_inactive"), "{id}");
    }
    for id in strings(&g["inactiveDapWithoutActiveGdap"]) {
        let c = &customers[&id];
        assert!(risk_codes(c).contains("dap_without_gdap"), "{id}: {c}");
        assert!(c["gdapRelationships"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["status"] != "active"));
    }
    for id in strings(&g["inactiveDapWithActiveGdap"]) {
        assert!(
            !risk_codes(&customers[&id]).contains("dap_without_gdap"),
            "{id}"
        );
    }
    assert!(!strings(&g["inactiveDapWithoutActiveGdap"]).is_empty());

    // GDAP: every relationship, statuses as the fixtures count them.
    let rels = relationships(&l);
    assert_eq!(rels.len() as u64, g["relationshipCount"].as_u64().unwrap());
    let by_status: BTreeMap<String, u64> =
        serde_json::from_value(l["summary"]["relationships"]["byStatus"].clone()).unwrap();
    let expected: BTreeMap<String, u64> =
        serde_json::from_value(g["statusCounts"].clone()).unwrap();
    assert_eq!(by_status, expected);
    for id in strings(&g["activeGlobalAdmin"]) {
        let (tenant, r) = &rels[&id];
        assert_eq!(r["globalAdministrator"], true);
        assert!(r["roles"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["id"] == GLOBAL_ADMIN && x["name"] == "Global Administrator"));
        assert!(risk_codes(&customers[tenant]).contains("global_admin_held"));
    }
    // Ending within 60 days without auto-extend: flagged, with the relationship named.
    for id in strings(&g["activeEndingWithin60Days"]) {
        let (tenant, r) = &rels[&id];
        assert_eq!(r["autoExtend"], false, "{r}");
        assert!(r["daysToEnd"].as_i64().unwrap() <= 60);
        let c = &customers[tenant];
        let risk = c["risks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["code"] == "gdap_expiring_without_auto_extend")
            .unwrap_or_else(|| panic!("{id} not flagged: {c}"));
        assert!(risk["detail"].as_str().unwrap().contains("within 60 days"));
    }
    for id in strings(&g["activeAutoExtended"]) {
        assert_eq!(rels[&id].1["autoExtend"], true);
        assert_eq!(rels[&id].1["autoExtendDuration"], "P180D");
    }
    // Access assignments: listed for active relationships only; unused ones flagged.
    for (id, (_, r)) in &rels {
        if r["status"] == "active" {
            assert!(r["accessAssignments"].is_array(), "{id}: {r}");
        } else {
            assert!(r["accessAssignments"].is_null(), "{id}: {r}");
        }
    }
    let listings = emu
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/accessAssignments"))
        .count() as u64;
    assert_eq!(listings, g["statusCounts"]["active"].as_u64().unwrap());
    for id in strings(&g["activeUnused"]) {
        let (tenant, r) = &rels[&id];
        assert!(r["accessAssignments"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["status"] != "active"));
        assert!(risk_codes(&customers[tenant]).contains("gdap_unused"));
    }
    // One relationship's assignments as da_list_gdap_access_assignments has them.
    let some = &strings(&g["activeGlobalAdmin"])[0];
    let direct = ok(
        da_list_gdap_access_assignments,
        &request(&emu, json!({ "id": some })),
    );
    let groups = |list: &Value| -> BTreeSet<String> {
        list.as_array()
            .unwrap()
            .iter()
            .filter(|a| a["status"] != "deleted")
            .map(|a| {
                a["accessContainer"]["accessContainerId"]
                    .as_str()
                    .or(a["securityGroupId"].as_str())
                    .unwrap()
                    .to_string()
            })
            .collect()
    };
    assert_eq!(
        groups(&rels[some].1["accessAssignments"]),
        groups(&direct["assignments"])
    );

    // Lighthouse: every subscription-scope assignment, under the subscription's customer tenant.
    let delegations: HashMap<String, (String, Value)> = l["customers"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| {
            c["lighthouseDelegations"]
                .as_array()
                .unwrap()
                .iter()
                .map(move |d| {
                    (
                        d["assignmentId"].as_str().unwrap().to_string(),
                        (
                            c["customerTenantId"].as_str().unwrap().to_string(),
                            d.clone(),
                        ),
                    )
                })
        })
        .collect();
    let mut expected = 0;
    for s in fx["subscriptions"].as_array().unwrap() {
        for a in s["assignments"].as_array().unwrap() {
            if a["scope"].as_str().unwrap().contains("/resourceGroups/") {
                continue;
            }
            expected += 1;
            let (tenant, d) = delegations
                .get(a["id"].as_str().unwrap())
                .unwrap_or_else(|| panic!("{} missing", a["id"]));
            assert_eq!(tenant, s["tenantId"].as_str().unwrap());
            assert_eq!(d["subscriptionId"], s["subscriptionId"]);
            assert_eq!(d["subscriptionName"], s["displayName"]);
            assert!(d["managedByTenantId"].is_string(), "{d}");
            assert!(!d["authorizations"].as_array().unwrap().is_empty());
            for auth in d["authorizations"].as_array().unwrap() {
                if auth["roleDefinitionId"] == OWNER {
                    assert_eq!(auth["roleName"], "Owner");
                }
            }
        }
    }
    assert_eq!(delegations.len(), expected);
    assert_eq!(l["summary"]["lighthouse"]["delegations"], expected as u64);
    assert_eq!(
        source(&l, "lighthouseAssignments")["items"],
        expected as u64
    );

    // The summary's risks are the per-customer counts.
    for r in l["summary"]["risks"].as_array().unwrap() {
        let code = r["code"].as_str().unwrap();
        let n = customers
            .values()
            .filter(|c| risk_codes(c).contains(code))
            .count() as u64;
        assert_eq!(r["customers"], n, "{code}");
        assert_eq!(r["evaluated"], true);
    }
    // End dates by month: every active relationship with an end date, once.
    let months = l["summary"]["gdapEndDatesByMonth"].as_array().unwrap();
    let in_months: u64 = months
        .iter()
        .map(|m| m["relationships"].as_u64().unwrap())
        .sum();
    let active_with_end = rels
        .values()
        .filter(|(_, r)| r["status"] == "active" && r["endDateTime"].is_string())
        .count() as u64;
    assert_eq!(in_months, active_with_end);
    for m in months {
        assert_eq!(
            m["relationships"].as_u64().unwrap(),
            m["autoExtend"].as_u64().unwrap() + m["noAutoExtend"].as_u64().unwrap()
        );
    }
}
