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

/// Customer names a hostile tenant could choose: markup that would run if the page parsed it as HTML, and
/// a formula a spreadsheet would run.
const HOSTILE_MARKUP: &str = "<img src=x onerror=\"document.body.setAttribute('data-pwned','img')\"></script><script>document.body.setAttribute('data-pwned','script')</script> & Co";
const HOSTILE_FORMULA: &str = "=HYPERLINK(\"https://evil.example/x\",\"click, here\")";

/// Two customers renamed (in the delegated admin customers listing) to hostile names; their tenant ids.
fn hostile_names(emu: &Emulator) -> (String, String) {
    let fx = emu.fixtures();
    let ids = strings(&fx["inactiveDapCustomerIds"]);
    for (id, name) in [(&ids[0], HOSTILE_MARKUP), (&ids[1], HOSTILE_FORMULA)] {
        let (status, body) = http(
            emu,
            "POST",
            &format!("/_emulator/customers/{id}"),
            Some(&json!({ "set": { "organizationDisplayName": name } })),
        );
        assert!(status < 300, "{status} {body}");
    }
    (ids[0].clone(), ids[1].clone())
}

#[test]
fn csv_is_one_row_per_customer_and_access_path_and_reads_back() {
    let emu = start();
    let (markup_id, formula_id) = hostile_names(&emu);
    let json_ledger = ledger(&emu, json!({}));
    let l = ledger(&emu, json!({ "format": "csv" }));
    assert_eq!(l["output"]["format"], "csv");
    assert!(l.get("customers").is_none(), "the CSV replaces the entries");
    assert_eq!(l["summary"], json_ledger["summary"]);
    let text = l["content"].as_str().unwrap();
    assert_eq!(l["output"]["bytes"], text.len() as u64);
    let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    assert_eq!(
        header[..3],
        ["customerTenantId", "customerName", "accessPath"]
    );
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();

    // One row per customer (DAP) and per relationship and delegation, each under its customer.
    let customers = by_tenant(&json_ledger);
    let mut expected = 0;
    for c in customers.values() {
        expected += usize::from(!c["dap"].is_null())
            + c["gdapRelationships"].as_array().unwrap().len()
            + c["lighthouseDelegations"].as_array().unwrap().len();
    }
    assert_eq!(rows.len(), expected);
    let rels = relationships(&json_ledger);
    let mut gdap_rows = 0;
    for row in &rows {
        let tenant = &row[col("customerTenantId")];
        let c = &customers[tenant];
        match &row[col("accessPath")] {
            "dap" => assert_eq!(
                &row[col("status")],
                if c["dap"]["enabled"] == true {
                    "enabled"
                } else {
                    "disabled"
                }
            ),
            "gdap" => {
                gdap_rows += 1;
                let (owner, r) = &rels[&row[col("pathId")]];
                assert_eq!(owner, tenant);
                assert_eq!(&row[col("status")], r["status"].as_str().unwrap());
                assert_eq!(
                    row[col("privilegedRoles")].contains("Global Administrator"),
                    r["globalAdministrator"] == true
                );
                assert_eq!(&row[col("autoExtend")], &r["autoExtend"].to_string());
                if let Some(days) = r["daysToEnd"].as_i64() {
                    assert_eq!(
                        row[col("daysToEnd")].parse::<i64>().unwrap(),
                        days,
                        "numbers stay numbers"
                    );
                }
            }
            "lighthouse" => assert!(!row[col("subscriptionId")].is_empty()),
            other => panic!("accessPath {other}"),
        }
        let codes: BTreeSet<String> = row[col("customerRisks")]
            .split_whitespace()
            .map(str::to_string)
            .collect();
        assert_eq!(codes, risk_codes(c), "{tenant}");
    }
    assert_eq!(gdap_rows, rels.len());

    // Hostile names: quoted and read back whole; the formula defused with a leading quote.
    let names: BTreeSet<&str> = rows
        .iter()
        .filter(|r| &r[col("customerTenantId")] == markup_id.as_str())
        .map(|r| &r[col("customerName")])
        .collect();
    assert_eq!(names, BTreeSet::from([HOSTILE_MARKUP]));
    let defused = format!("'{HOSTILE_FORMULA}");
    assert!(rows
        .iter()
        .filter(|r| &r[col("customerTenantId")] == formula_id.as_str())
        .all(|r| r[col("customerName")] == defused));
    assert!(
        !text.lines().any(|line| line
            .split(',')
            .any(|cell| cell.starts_with(['=', '+', '@']))),
        "no cell starts a formula"
    );
}

/// A file path for the emulator's world, written through outputPath.
fn write_ledger(
    emu: &Emulator,
    dir: &Path,
    name: &str,
    format: &str,
    extra: Value,
) -> (PathBuf, Value) {
    let path = dir.join(name);
    let mut req = json!({ "format": format, "outputPath": path.to_str().unwrap() });
    merge(&mut req, extra);
    let head = ledger(emu, req);
    assert_eq!(head["output"]["path"], path.to_str().unwrap());
    assert_eq!(
        head["output"]["bytes"],
        std::fs::metadata(&path).unwrap().len(),
        "bytes written"
    );
    assert!(head.get("customers").is_none() && head.get("content").is_none());
    (path, head)
}

#[test]
fn output_files_in_each_format() {
    let emu = start();
    let dir = temp_dir("files");
    let whole = ledger(&emu, json!({}));
    let (json_path, head) = write_ledger(&emu, &dir, "ledger.json", "json", json!({}));
    let from_file: Value = serde_json::from_slice(&std::fs::read(&json_path).unwrap()).unwrap();
    assert_eq!(
        from_file["customers"].as_array().unwrap().len(),
        whole["customers"].as_array().unwrap().len()
    );
    assert_eq!(from_file["summary"], head["summary"]);
    let (csv_path, _) = write_ledger(&emu, &dir, "ledger.csv", "csv", json!({}));
    let bytes = std::fs::read(&csv_path).unwrap();
    assert!(
        bytes.starts_with(b"\xEF\xBB\xBF"),
        "a CSV file starts with a BOM for Excel"
    );
    let (html_path, _) = write_ledger(&emu, &dir, "ledger.html", "html", json!({}));
    let html = std::fs::read_to_string(&html_path).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    // Replaced in place, never appended to.
    let (_, _) = write_ledger(&emu, &dir, "ledger.json", "json", json!({}));
    let again: Value = serde_json::from_slice(&std::fs::read(&json_path).unwrap()).unwrap();
    assert_eq!(again["summary"]["customers"], whole["summary"]["customers"]);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn bad_requests_are_refused_before_anything_is_sent() {
    let emu = start();
    let dir = temp_dir("bad");
    std::fs::create_dir_all(dir.join("folder")).unwrap();
    let fifo = dir.join("fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .map(|s| s.success());
    let before = count_requests(&emu);
    let mut cases = vec![
        json!({ "expiringWithinDays": 731 }),
        json!({ "expiringWithinDays": -1 }),
        json!({ "inactiveDays": 0 }),
        json!({ "concurrency": 0 }),
        json!({ "concurrency": 65 }),
        json!({ "format": "pdf" }),
        json!({ "format": 3 }),
        json!({ "subscriptions": ["not-a-guid"] }),
        json!({ "subscriptions": [] }),
        json!({ "lighthouse": false, "subscriptions": ["53018d99-ac51-4ec8-b86e-c8a61de43717"] }),
        json!({ "lighthouse": "yes" }),
        json!({ "outputPath": "" }),
        json!({ "outputPath": dir.join("folder").to_str().unwrap() }),
        json!({ "outputPath": dir.join("missing/ledger.json").to_str().unwrap() }),
        json!({ "outputPath": "/dev/null" }),
        json!({ "unknown": true }),
        json!({ "auth": null }),
    ];
    if made.unwrap_or(false) {
        cases.push(json!({ "outputPath": fifo.to_str().unwrap() }));
    }
    for extra in cases {
        let e = err(da_access_ledger, &request(&emu, extra.clone()));
        assert_eq!(e["kind"], "invalid_request", "{extra}: {e}");
    }
    assert_eq!(count_requests(&emu), before, "nothing was sent");
    let e = err(da_access_ledger, &request(&emu, json!({ "format": "pdf" })));
    assert!(
        e["message"].as_str().unwrap().contains("json, csv, html"),
        "{e}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_failing_source_is_reported_and_its_risks_are_not_judged() {
    let emu = start();
    // Graph's relationship listing fails (500, no retry): the ledger still comes, and says so.
    set_faults(
        &emu,
        json!({ "pathPrefix": "/v1.0/tenantRelationships/delegatedAdminRelationships", "serverError": 1000 }),
    );
    let l = ledger(&emu, json!({ "maxRetries": 0 }));
    assert_eq!(l["complete"], false);
    let rel = source(&l, "gdapRelationships");
    assert_eq!(rel["status"], "failed", "{rel}");
    assert_eq!(rel["error"]["kind"], "server_error");
    assert_eq!(rel["items"], 0);
    assert_eq!(source(&l, "gdapAccessAssignments")["status"], "skipped");
    assert_eq!(source(&l, "delegatedAdminCustomers")["status"], "ok");
    assert_eq!(l["summary"]["customers"], emu.fixtures()["customerCount"]);
    for code in [
        "dap_without_gdap",
        "gdap_expiring_without_auto_extend",
        "global_admin_held",
        "gdap_unused",
    ] {
        assert_eq!(
            risk_count(&l, code),
            (0, false),
            "{code} is not judged without Graph"
        );
    }
    let (_, dap_judged) = risk_count(&l, "dap_inactive");
    assert!(dap_judged);
    assert!(l["customers"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["gdapRelationships"].as_array().unwrap().is_empty()));
    // The HTML says so too.
    let page = ledger(&emu, json!({ "maxRetries": 0, "format": "html" }));
    assert!(page["content"]
        .as_str()
        .unwrap()
        .contains("id=\"incomplete\""));

    // Some relationships' access assignments failing: partial, the others listed.
    set_faults(&emu, json!({}));
    let (status, _) = http(&emu, "POST", "/_emulator/faults/clear", None);
    assert!(status < 300);
    set_faults(
        &emu,
        json!({ "pathPrefix": "/v1.0/tenantRelationships/delegatedAdminRelationships/", "serverError": 2 }),
    );
    let l = ledger(&emu, json!({ "maxRetries": 0, "concurrency": 1 }));
    let a = source(&l, "gdapAccessAssignments");
    assert_eq!(a["status"], "partial", "{a}");
    assert_eq!(a["failures"], 2);
    let failed = relationships(&l)
        .values()
        .filter(|(_, r)| !r["accessAssignmentsError"].is_null())
        .count();
    assert_eq!(failed, 2);

    // Every source failing: the call fails, with each source's error in the message.
    let (status, _) = http(&emu, "POST", "/_emulator/faults/clear", None);
    assert!(status < 300);
    set_faults(&emu, json!({ "serverError": 1000 }));
    let e = err(da_access_ledger, &request(&emu, json!({ "maxRetries": 0 })));
    assert_eq!(e["kind"], "server_error", "{e}");
    let message = e["message"].as_str().unwrap();
    assert!(
        message.contains("delegatedAdminCustomers") && message.contains("gdapRelationships"),
        "{message}"
    );
}

/// A token for one service's audience, from the emulator's identity endpoint.
fn token_for(emu: &Emulator, scope: &str) -> String {
    let t = ok(da_acquire_token, &request(emu, json!({ "scope": scope })));
    t["accessToken"].as_str().unwrap().to_string()
}

#[test]
fn lighthouse_is_skipped_without_a_token_for_arm_and_said_so() {
    let emu = start();
    let fx = emu.fixtures();
    let audience = |id: &str| format!("{}/.default", fx["audiences"][id].as_str().unwrap());
    let auth = json!({ "accessTokens": {
        "customerAdmin": token_for(&emu, &audience("customerAdmin")),
        "graph": token_for(&emu, &audience("graph")),
    }});
    let l = ledger(&emu, json!({ "auth": auth }));
    for name in ["subscriptions", "lighthouseAssignments"] {
        let s = source(&l, name);
        assert_eq!(s["status"], "skipped", "{s}");
        assert!(
            s["detail"]
                .as_str()
                .unwrap()
                .contains("Azure Resource Manager"),
            "{s}"
        );
    }
    assert_eq!(l["complete"], true, "skipped is not a failure");
    assert_eq!(source(&l, "gdapRelationships")["status"], "ok");
    assert!(!risk_count(&l, "lighthouse_standing_owner").1);
    assert!(emu
        .requests()
        .iter()
        .all(|r| !r.path.starts_with("/subscriptions")));
    // Asking for Lighthouse with that credential is refused before any request.
    let before = count_requests(&emu);
    let e = err(
        da_access_ledger,
        &request(&emu, json!({ "auth": auth, "lighthouse": true })),
    );
    assert_eq!(e["kind"], "invalid_request", "{e}");
    assert_eq!(count_requests(&emu), before);
    // And lighthouse: false skips it with any credential.
    let l = ledger(&emu, json!({ "lighthouse": false }));
    assert_eq!(source(&l, "lighthouseAssignments")["status"], "skipped");
}

// ---------------------------------------------------------------------------------------------------------
// The HTML page in a real browser

/// Debian's `chromium` (or `DA_CHROMIUM`). Missing: `None` after saying why, outside CI; a failure under
/// `CI=true`, where `.ci/run` installs it.
fn chromium() -> Option<PathBuf> {
    let candidates = std::env::var_os("DA_CHROMIUM")
        .map(PathBuf::from)
        .into_iter()
        .chain(["/usr/bin/chromium", "/usr/bin/chromium-browser"].map(PathBuf::from));
    for c in candidates {
        if c.is_file() {
            return Some(c);
        }
    }
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("chromium is not installed: .ci/run installs Debian's chromium for this test");
    }
    println!("SKIPPED: the HTML ledger was not rendered: chromium is not installed (apt-get install chromium, or set DA_CHROMIUM)");
    None
}

/// Run headless Chromium on `url` with no network (a proxy at a closed port, background networking off)
/// and a profile of its own; bounded in time. Returns its stdout.
fn run_chromium(browser: &Path, profile: &Path, args: &[String]) -> String {
    let mut child = std::process::Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-default-apps",
            "--disable-sync",
            "--disable-extensions",
            "--no-first-run",
            "--no-default-browser-check",
            "--proxy-server=127.0.0.1:9",
            "--proxy-bypass-list=<-loopback>",
            "--virtual-time-budget=5000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("chromium starts");
    let mut out = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut out, &mut text).ok();
        text
    });
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(90);
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish within 90 s");
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    reader.join().unwrap()
}

fn dump_dom(browser: &Path, profile: &Path, page: &Path, hash: &str) -> String {
    let url = format!("file://{}{hash}", page.display());
    let dom = run_chromium(browser, profile, &["--dump-dom".to_string(), url]);
    assert!(dom.contains("</html>"), "chromium dumped no page: {dom}");
    dom
}

/// How many times `needle` occurs in `hay`.
fn occurrences(hay: &str, needle: &str) -> usize {
    hay.matches(needle).count()
}

/// The rendered table's rows.
fn table_rows(dom: &str) -> usize {
    occurrences(dom, "<tr class=\"row\"")
}

/// The HTML outside the embedded data block.
fn outside_data(html: &str) -> String {
    let start = html
        .find("<script type=\"application/json\" id=\"ledger-data\">")
        .unwrap();
    let end = start + html[start..].find("</script>").unwrap();
    format!("{}{}", &html[..start], &html[end..])
}

#[test]
fn the_html_page_renders_in_headless_chromium_without_network() {
    let Some(browser) = chromium() else { return };
    let emu = start();
    let (markup_id, _) = hostile_names(&emu);
    let dir = temp_dir("html");
    let (page, head) = write_ledger(&emu, &dir, "ledger.html", "html", json!({}));
    let html = std::fs::read_to_string(&page).unwrap();
    let whole = ledger(&emu, json!({}));
    let customers = whole["customers"].as_array().unwrap().len();

    // Self-contained: nothing outside the data names a URL or loads anything; the policy allows no fetch.
    let markup = outside_data(&html);
    for bad in ["http://", "https://", " src=", " href=", "@import", "url("] {
        assert!(!markup.contains(bad), "the page's own markup has {bad}");
    }
    assert!(html.contains("Content-Security-Policy\" content=\"default-src &#39;none&#39;"));
    // The hostile name travels only as escaped JSON text.
    assert!(!html.contains("<img src=x"));
    assert!(!html.contains("</script><script>document"));
    assert!(html.contains("\\u003cimg src=x"));

    let profile = dir.join("profile");
    let dom = dump_dom(&browser, &profile, &page, "");
    assert!(dom.contains("data-ready=\"true\""), "the script ran");
    let body = &dom[dom.find("<body").unwrap()..];
    let body_tag = &body[..body.find('>').unwrap()];
    assert!(
        !body_tag.contains("data-pwned"),
        "a customer's name ran as markup: {body_tag}"
    );
    assert!(
        !dom.contains("<img src=\"x\""),
        "no element came from a name"
    );
    assert_eq!(table_rows(&dom), customers, "one row per customer");
    assert!(dom.contains(&format!("Showing {customers} of {customers} customers")));
    // The hostile name is on the page as text.
    assert!(
        dom.contains("&lt;img src=x onerror="),
        "the name shows as text"
    );
    // The chart: a bar group per month of the summary, bars drawn.
    let months = head["summary"]["gdapEndDatesByMonth"].as_array().unwrap();
    assert!(!months.is_empty());
    assert_eq!(occurrences(&dom, "class=\"month\""), months.len());
    let bars: u64 = months
        .iter()
        .map(|m| {
            u64::from(m["autoExtend"].as_u64().unwrap() > 0)
                + u64::from(m["noAutoExtend"].as_u64().unwrap() > 0)
        })
        .sum();
    assert_eq!(occurrences(&dom, "class=\"bar ") as u64, bars);
    // The summary: a card per risk with its count.
    let (ga, _) = risk_count(&head, "global_admin_held");
    assert!(ga > 0);
    assert!(dom.contains(&format!(
        "data-risk=\"global_admin_held\"><span class=\"n\">{ga}</span>"
    )));

    // Filtering through the URL: by tenant id, by risk, by text nobody has.
    let dom = dump_dom(&browser, &profile, &page, &format!("#filter={markup_id}"));
    assert_eq!(table_rows(&dom), 1);
    assert!(dom.contains(&format!("data-tenant=\"{markup_id}\"")));
    let dom = dump_dom(&browser, &profile, &page, "#risk=global_admin_held");
    assert_eq!(table_rows(&dom) as u64, ga);
    assert!(dom.contains(&format!("Showing {ga} of {customers} customers")));
    let dom = dump_dom(
        &browser,
        &profile,
        &page,
        "#filter=no-such-customer-anywhere",
    );
    assert_eq!(table_rows(&dom), 0);
    // Sorting through the URL: by tenant id ascending, the first row is the smallest id.
    let dom = dump_dom(&browser, &profile, &page, "#sort=t&dir=asc");
    let smallest = whole["customers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["customerTenantId"].as_str().unwrap())
        .min()
        .unwrap();
    let first = dom.find("<tr class=\"row\"").unwrap();
    assert!(dom[first..].starts_with(&format!("<tr class=\"row\" data-tenant=\"{smallest}\"")));

    // A screenshot renders too (the README's comes from the same page).
    let shot = dir.join("ledger.png");
    run_chromium(
        &browser,
        &profile,
        &[
            format!("--screenshot={}", shot.display()),
            "--window-size=1280,900".into(),
            format!("file://{}", page.display()),
        ],
    );
    let png = std::fs::read(&shot).expect("chromium wrote the screenshot");
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 10_000,
        "{} bytes",
        png.len()
    );
    let _ = std::fs::remove_dir_all(dir);
}

// ---------------------------------------------------------------------------------------------------------
// Azure Lighthouse at scale

/// The ledger's delegations by assignment id, with their customer's tenant id (unattributed: "").
fn delegations(l: &Value) -> HashMap<String, (String, Value)> {
    let mut out = HashMap::new();
    for c in l["customers"].as_array().unwrap() {
        for d in c["lighthouseDelegations"].as_array().unwrap() {
            out.insert(
                d["assignmentId"].as_str().unwrap().to_string(),
                (
                    c["customerTenantId"].as_str().unwrap().to_string(),
                    d.clone(),
                ),
            );
        }
    }
    for d in l["unattributedDelegations"].as_array().unwrap() {
        out.insert(
            d["assignmentId"].as_str().unwrap().to_string(),
            (String::new(), d.clone()),
        );
    }
    out
}

#[test]
fn lighthouse_delegations_standing_and_eligible_as_the_fixtures_say() {
    let emu = start_with(Config {
        customers: 40,
        subscriptions: 25,
        ..Config::default()
    });
    let fx = emu.fixtures();
    let lh = &fx["lighthouse"];
    let l = ledger(&emu, json!({}));
    assert_eq!(
        source(&l, "subscriptions")["items"],
        lh["visibleSubscriptionCount"]
    );
    let found = delegations(&l);
    let customers = by_tenant(&l);
    let mut expected = 0;
    let mut owners = 0;
    let mut eligible = 0;
    let mut other_tenant = 0;
    for s in fx["subscriptions"].as_array().unwrap() {
        for a in s["assignments"].as_array().unwrap() {
            if a["scope"].as_str().unwrap().contains("/resourceGroups/") {
                continue; // delegations at resource group scope are not listed (docs/api.md)
            }
            expected += 1;
            let (tenant, d) = found
                .get(a["id"].as_str().unwrap())
                .unwrap_or_else(|| panic!("{} not in the ledger", a["id"]));
            assert_eq!(tenant, a["manageeTenantId"].as_str().unwrap());
            assert_eq!(d["managedByTenantId"], a["managedByTenantId"]);
            assert_eq!(d["managedByTenantName"], a["managedByTenantName"]);
            assert_eq!(d["registrationDefinitionId"], a["registrationDefinitionId"]);
            assert_eq!(d["standingOwner"], a["standingOwner"], "{d}");
            let roles: Vec<&Value> = d["authorizations"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| &x["roleDefinitionId"])
                .collect();
            assert_eq!(
                roles.len(),
                a["roleDefinitionIds"].as_array().unwrap().len()
            );
            for x in d["authorizations"].as_array().unwrap() {
                assert!(x["roleName"].is_string(), "every seeded role is named: {x}");
                if x["roleDefinitionId"] == "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9" {
                    assert_eq!(x["roleName"], "User Access Administrator");
                    assert!(!x["delegatedRoles"].as_array().unwrap().is_empty(), "{x}");
                }
            }
            let jit = d["eligibleAuthorizations"].as_array().unwrap();
            assert_eq!(
                jit.len() as u64,
                a["eligibleAuthorizations"].as_u64().unwrap()
            );
            for e in jit {
                assert!(e["roleName"].is_string());
                assert!(
                    matches!(
                        e["multiFactorAuthProvider"].as_str(),
                        Some("Azure" | "None")
                    ),
                    "{e}"
                );
                assert_eq!(e["maximumActivationDuration"], "PT8H");
            }
            let codes = risk_codes(&customers[tenant]);
            if a["standingOwner"] == true {
                owners += 1;
                assert!(codes.contains("lighthouse_standing_owner"), "{tenant}");
            }
            if jit.iter().any(|e| e["multiFactorAuthProvider"] == "None") {
                assert!(codes.contains("lighthouse_jit_without_mfa"), "{tenant}");
            }
            eligible += jit.len();
            if a["managedByTenantId"] != fx["tenantId"] {
                other_tenant += 1;
            }
        }
    }
    assert_eq!(found.len(), expected);
    assert!(
        owners > 0 && eligible > 0 && other_tenant > 0,
        "the world has each kind: {owners} {eligible} {other_tenant}"
    );
    let sum = &l["summary"]["lighthouse"];
    assert_eq!(sum["delegations"], expected as u64);
    assert_eq!(sum["standingOwner"], owners as u64);
    assert_eq!(sum["eligibleAuthorizations"], eligible as u64);
    assert_eq!(sum["managingTenants"], 2);
    // Every standing Owner the fixtures name at subscription scope is flagged.
    for id in strings(&lh["assignmentIds"]["standingOwner"]) {
        if let Some((tenant, d)) = found.get(&id) {
            assert_eq!(d["standingOwner"], true);
            assert!(risk_codes(&customers[tenant]).contains("lighthouse_standing_owner"));
        }
    }
    // Only the subscriptions given: their delegations and no listing of subscriptions.
    let first = &fx["subscriptions"][0];
    let sub = first["subscriptionId"].as_str().unwrap();
    let before = emu.requests().len();
    let l = ledger(&emu, json!({ "subscriptions": [sub] }));
    let only = delegations(&l);
    assert!(!only.is_empty());
    assert!(only.values().all(|(_, d)| d["subscriptionId"] == sub));
    assert_eq!(
        source(&l, "subscriptions")["detail"],
        "given in the request"
    );
    assert!(emu.requests()[before..]
        .iter()
        .all(|r| r.path != "/subscriptions"));
    // The CSV has one Lighthouse row per delegation, eligible ones described with their MFA provider.
    let csv_text = ledger(&emu, json!({ "format": "csv", "subscriptions": [sub] }))["content"]
        .as_str()
        .unwrap()
        .to_string();
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let header = reader.headers().unwrap().clone();
    let path = header.iter().position(|h| h == "accessPath").unwrap();
    let rows = reader
        .records()
        .map(|r| r.unwrap())
        .filter(|r| &r[path] == "lighthouse")
        .count();
    assert_eq!(rows, only.len());
}

// ---------------------------------------------------------------------------------------------------------
// The job interface

#[test]
fn the_access_ledger_job_reports_progress_and_cancels() {
    let emu = start();
    let fx = emu.fixtures();
    let blocking = ledger(&emu, json!({}));
    let started = ok(
        da_job_start,
        &request(
            &emu,
            json!({ "operation": "accessLedger", "format": "csv" }),
        ),
    );
    let job = started["jobId"].as_str().unwrap().to_string();
    let env = call(da_job_result, &json!({ "jobId": job, "waitSeconds": 60 }));
    assert_eq!(env["ok"], true, "{env}");
    assert_eq!(env["result"]["summary"], blocking["summary"]);
    assert!(env["result"]["content"]
        .as_str()
        .unwrap()
        .starts_with("customerTenantId,"));
    let p = ok(da_job_poll, &json!({ "jobId": job }));
    assert_eq!(p["operation"], "accessLedger");
    assert_eq!(p["state"], "succeeded");
    assert_eq!(p["progress"]["phase"], "finished");
    assert_eq!(p["progress"]["customersListed"], fx["customerCount"]);
    assert_eq!(
        p["progress"]["relationshipsListed"],
        fx["gdap"]["relationshipCount"]
    );
    let total = fx["gdap"]["statusCounts"]["active"].as_u64().unwrap()
        + fx["lighthouse"]["visibleSubscriptionCount"]
            .as_u64()
            .unwrap();
    assert_eq!(p["progress"]["total"], total);
    assert_eq!(p["progress"]["done"], total);
    assert!(p["events"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["message"].as_str().unwrap().starts_with("ledger of ")));
    ok(da_job_free, &json!({ "jobId": job }));

    // Cancelled while the sources are read: no ledger, a conflict that says so.
    let slow = start_with(Config {
        latency: std::time::Duration::from_millis(300),
        ..Config::default()
    });
    let started = ok(
        da_job_start,
        &request(
            &slow,
            json!({ "operation": "accessLedger", "timeoutSeconds": 60 }),
        ),
    );
    let job = started["jobId"].as_str().unwrap().to_string();
    std::thread::sleep(std::time::Duration::from_millis(200));
    let seen = ok(da_job_poll, &json!({ "jobId": job }));
    assert_eq!(seen["state"], "running", "{seen}");
    assert_eq!(seen["progress"]["phase"], "collecting");
    ok(da_job_cancel, &json!({ "jobId": job }));
    let env = call(da_job_result, &json!({ "jobId": job, "waitSeconds": 10 }));
    assert_eq!(env["ok"], false, "{env}");
    assert_eq!(env["error"]["kind"], "conflict");
    assert!(
        env["error"]["message"]
            .as_str()
            .unwrap()
            .contains("no ledger"),
        "{env}"
    );
    assert!(env.get("result").is_none());
    assert_eq!(
        ok(da_job_poll, &json!({ "jobId": job }))["state"],
        "cancelled"
    );
    ok(da_job_free, &json!({ "jobId": job }));

    // Refused at the start like the blocking call, nothing sent.
    let before = count_requests(&emu);
    let e = err(
        da_job_start,
        &request(
            &emu,
            json!({ "operation": "accessLedger", "format": "xml" }),
        ),
    );
    assert_eq!(e["kind"], "invalid_request");
    assert_eq!(count_requests(&emu), before);
}
