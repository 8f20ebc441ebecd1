//! Every operation of the C ABI against the emulator over loopback HTTP: what it returns, what the service
//! saw, and what state it left.

mod common;
use common::*;
use serde_json::{json, Value};

#[test]
fn version_is_the_crate_version() {
    let v = unsafe { std::ffi::CStr::from_ptr(delegated_admin::ffi::da_version()) };
    assert_eq!(v.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
}

#[test]
fn acquire_token_with_client_credentials_is_cached() {
    let emu = start();
    let req = request(&emu, json!({ "resource": "https://management.azure.com" }));
    let first = ok(da_acquire_token, &req);
    assert_eq!(first["tokenType"], "Bearer");
    assert!(first["accessToken"].as_str().unwrap().len() > 10);
    assert!(first["expiresIn"].as_u64().unwrap() > 3000);
    assert_eq!(
        first["scope"].as_str().unwrap(),
        "https://management.azure.com/.default"
    );
    let second = ok(da_acquire_token, &req);
    assert_eq!(
        first["accessToken"], second["accessToken"],
        "the second call is served from the cache"
    );
    let token_requests = emu
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/oauth2/v2.0/token"))
        .count();
    assert_eq!(token_requests, 1);
    // Another scope is another token.
    let pc = ok(
        da_acquire_token,
        &request(
            &emu,
            json!({ "scope": "https://api.partnercenter.microsoft.com/.default" }),
        ),
    );
    assert_ne!(pc["accessToken"], first["accessToken"]);
}

#[test]
fn a_brought_access_token_is_used_as_is() {
    let emu = start();
    let token = ok(
        da_acquire_token,
        &request(
            &emu,
            json!({ "resource": "https://api.partnercustomeradministration.microsoft.com" }),
        ),
    );
    let req = request(
        &emu,
        json!({ "auth": { "accessToken": token["accessToken"] }, "top": 5 }),
    );
    let list = ok(da_list_delegated_admin_customers, &req);
    assert_eq!(list["customers"].as_array().unwrap().len(), 5);
}

#[test]
fn list_customers_all_pages_with_count_filter_and_order() {
    let emu = start_with(Config {
        customers: 730,
        ..Config::default()
    });
    let all = ok(
        da_list_delegated_admin_customers,
        &request(&emu, json!({ "allPages": true, "count": true })),
    );
    let customers = all["customers"].as_array().unwrap();
    assert_eq!(customers.len(), 730);
    assert_eq!(all["count"], json!(730));
    let mut ids: Vec<&str> = customers
        .iter()
        .map(|c| c["customerTenantId"].as_str().unwrap())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 730, "every customer exactly once across pages");
    // Three pages of 300 when no page size is given.
    let pages = emu
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/delegatedAdminCustomers"))
        .count();
    assert_eq!(pages, 3);

    let dap = ok(
        da_list_delegated_admin_customers,
        &request(
            &emu,
            json!({ "allPages": true, "filter": "dapEnabled eq true", "orderBy": "lastSignInDateTime desc", "top": 100 }),
        ),
    );
    let dap = dap["customers"].as_array().unwrap();
    assert!(!dap.is_empty() && dap.len() < 730);
    assert!(dap.iter().all(|c| c["dapEnabled"] == json!(true)));
    let times: Vec<Option<&str>> = dap
        .iter()
        .map(|c| c["lastSignInDateTime"].as_str())
        .collect();
    let parse = |t: &Option<&str>| t.map(|s| chrono::DateTime::parse_from_rfc3339(s).unwrap());
    for w in times.windows(2) {
        assert!(
            parse(&w[0]) >= parse(&w[1]),
            "descending by lastSignInDateTime: {w:?}"
        );
    }
}

#[test]
fn list_customers_one_page_returns_the_next_link_and_select() {
    let emu = start();
    let page = ok(
        da_list_delegated_admin_customers,
        &request(
            &emu,
            json!({ "top": 10, "skip": 5, "select": ["customerTenantId", "dapEnabled"], "orderBy": "organizationDisplayName" }),
        ),
    );
    let customers = page["customers"].as_array().unwrap();
    assert_eq!(customers.len(), 10);
    assert!(
        customers[0].get("organizationDisplayName").is_none(),
        "select trims fields: {}",
        customers[0]
    );
    assert!(page["nextLink"].as_str().unwrap().contains("skip"));
    let seen = emu.requests();
    let query = seen.last().unwrap().query.clone().unwrap_or_default();
    assert!(
        query.contains("%24top=10") || query.contains("$top=10"),
        "{query}"
    );
}

#[test]
fn non_ascii_display_names_round_trip() {
    let emu = start_with(Config {
        customers: 60,
        ..Config::default()
    });
    let list = ok(
        da_list_delegated_admin_customers,
        &request(&emu, json!({ "allPages": true })),
    );
    let names: Vec<String> = list["customers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["organizationDisplayName"].as_str().unwrap().to_string())
        .collect();
    assert!(
        names.iter().any(|n| !n.is_ascii()),
        "the emulator seeds non-ASCII names"
    );
    for c in list["customers"].as_array().unwrap() {
        let id = c["customerTenantId"].as_str().unwrap();
        let truth = emu.customer(id).expect("customer exists in the emulator");
        assert_eq!(
            c["organizationDisplayName"],
            truth["organizationDisplayName"]
        );
    }
}

#[test]
fn remove_dap_relationship_sends_the_documented_patch_and_changes_state() {
    let emu = start();
    let fx = emu.fixtures();
    let id = fx["inactiveDapCustomerIds"][0]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(emu.customer(&id).unwrap()["dapEnabled"], json!(true));
    let correlation = "0a4d3c2b-1e0f-4a5b-8c7d-6e5f4a3b2c1d";
    let env = call(
        da_remove_dap_relationship,
        &request(
            &emu,
            json!({ "customerTenantId": id, "correlationId": correlation }),
        ),
    );
    assert_eq!(env["ok"], json!(true), "{env}");
    assert_eq!(env["correlationId"], correlation);
    assert_eq!(env["result"]["allowDelegatedAccess"], json!(false));
    assert_eq!(env["result"]["customerTenantId"], json!(id));
    assert_eq!(emu.customer(&id).unwrap()["dapEnabled"], json!(false));
    let patch = emu
        .requests()
        .into_iter()
        .find(|r| r.method == "PATCH")
        .expect("a PATCH was sent");
    assert_eq!(patch.path, format!("/v1/customers/{id}"));
    assert_eq!(patch.correlation_id.as_deref(), Some(correlation));
    assert!(patch.had_authorization);
    // Idempotent.
    ok(
        da_remove_dap_relationship,
        &request(&emu, json!({ "customerTenantId": id })),
    );
}

#[test]
fn update_delegated_admin_relationship_sends_x_tenant_and_correlation() {
    let emu = start();
    let fx = emu.fixtures();
    let rel = &fx["relationships"][0];
    let correlation = "11111111-2222-4333-8444-555555555555";
    let result = ok(
        da_update_delegated_admin_relationship,
        &request(
            &emu,
            json!({
                "tenantDomain": fx["tenantDomain"], "customerId": rel["customerId"], "relationshipId": rel["relationshipId"],
                "providerInstanceId": rel["providerInstanceId"], "autoExtendEnabled": true, "correlationId": correlation,
            }),
        ),
    );
    assert_eq!(result["autoExtendEnabled"], json!(true));
    assert_eq!(result["relationship"]["autoExtendEnabled"], json!(true));
    let patch = emu
        .requests()
        .into_iter()
        .find(|r| r.method == "PATCH")
        .unwrap();
    assert_eq!(patch.x_tenant.as_deref(), fx["tenantDomain"].as_str());
    assert_eq!(patch.correlation_id.as_deref(), Some(correlation));
}

#[test]
fn lighthouse_list_every_page_with_definitions_then_remove_and_wait() {
    let emu = start();
    let fx = emu.fixtures();
    let sub = &fx["subscriptions"][0];
    let scope = format!("/subscriptions/{}", sub["subscriptionId"].as_str().unwrap());
    let list = ok(
        da_list_lighthouse_assignments,
        &request(&emu, json!({ "scope": scope, "includeDefinition": true })),
    );
    let assignments = list["assignments"].as_array().unwrap();
    let expected: Vec<&Value> = sub["assignments"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["scope"] == json!(scope))
        .collect();
    assert_eq!(assignments.len(), expected.len());
    assert!(assignments.len() > 2, "more than one page of 2");
    for a in assignments {
        assert!(
            a["properties"]["registrationDefinition"]["properties"]["managedByTenantId"]
                .is_string(),
            "{a}"
        );
    }
    let rg = sub["resourceGroups"][0].as_str().unwrap();
    let rg_list = ok(
        da_list_lighthouse_assignments,
        &request(
            &emu,
            json!({ "scope": format!("{scope}/resourceGroups/{rg}") }),
        ),
    );
    assert_eq!(rg_list["assignments"].as_array().unwrap().len(), 1);

    let id = assignments[0]["id"].as_str().unwrap();
    let removed = ok(
        da_remove_lighthouse_assignment,
        &request(&emu, json!({ "assignmentId": id, "wait": true })),
    );
    assert_eq!(removed["status"], "deleted");
    let after = ok(
        da_list_lighthouse_assignments,
        &request(&emu, json!({ "scope": scope })),
    );
    assert!(after["assignments"]
        .as_array()
        .unwrap()
        .iter()
        .all(|a| a["id"] != json!(id)));
    // Deleting again: ARM says 204, it does not exist.
    let again = ok(
        da_remove_lighthouse_assignment,
        &request(&emu, json!({ "assignmentId": id })),
    );
    assert_eq!(again["status"], "notFound");
}

#[test]
fn lighthouse_remove_without_wait_returns_the_operation() {
    let emu = start();
    let fx = emu.fixtures();
    let a = &fx["subscriptions"][1]["assignments"][0];
    let scope = a["scope"].as_str().unwrap();
    let name = a["name"].as_str().unwrap();
    let r = ok(
        da_remove_lighthouse_assignment,
        &request(&emu, json!({ "scope": scope, "assignmentName": name })),
    );
    assert_eq!(r["status"], "accepted");
    assert!(r["operationUrl"].as_str().unwrap().starts_with(emu.url()));
}

#[test]
fn device_code_flow_start_approve_poll() {
    let emu = start();
    let fx = emu.fixtures();
    let base =
        json!({ "authority": emu.url(), "clientId": fx["clientId"], "tenantId": fx["tenantId"] });
    let mut start_req = base.clone();
    merge(
        &mut start_req,
        json!({ "scope": "https://api.partnercenter.microsoft.com/user_impersonation" }),
    );
    let started = ok(da_start_device_code, &start_req);
    let user_code = started["userCode"].as_str().unwrap();
    assert!(started["message"].as_str().unwrap().contains(user_code));
    assert!(started["interval"].as_u64().is_some());
    let mut poll_req = base.clone();
    merge(
        &mut poll_req,
        json!({ "deviceCode": started["deviceCode"], "interval": started["interval"] }),
    );
    let pending = ok(da_poll_device_code, &poll_req);
    assert_eq!(pending["status"], "pending");
    assert!(pending["token"].is_null());
    assert!(emu.approve_device_code(user_code));
    std::thread::sleep(std::time::Duration::from_millis(
        1100 * started["interval"].as_u64().unwrap().max(1),
    ));
    let done = ok(da_poll_device_code, &poll_req);
    assert_eq!(done["status"], "completed", "{done}");
    let refresh = done["token"]["refreshToken"]
        .as_str()
        .expect("device code yields a refresh token")
        .to_string();
    // The refresh token then works as `auth` for every service.
    let req = request(
        &emu,
        json!({ "auth": { "tenantId": fx["tenantId"], "clientId": fx["clientId"], "refreshToken": refresh }, "top": 3 }),
    );
    assert_eq!(
        ok(da_list_delegated_admin_customers, &req)["customers"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    let scope = format!(
        "/subscriptions/{}",
        fx["subscriptions"][0]["subscriptionId"].as_str().unwrap()
    );
    let mut arm = req.clone();
    merge(&mut arm, json!({ "top": null, "scope": scope }));
    ok(da_list_lighthouse_assignments, &arm);
}

#[test]
fn device_code_declined_is_a_status() {
    let emu = start();
    let fx = emu.fixtures();
    let started = ok(
        da_start_device_code,
        &json!({ "authority": emu.url(), "clientId": fx["clientId"], "resource": "https://management.azure.com" }),
    );
    assert!(emu.deny_device_code(started["userCode"].as_str().unwrap()));
    let polled = ok(
        da_poll_device_code,
        &json!({ "authority": emu.url(), "clientId": fx["clientId"], "deviceCode": started["deviceCode"] }),
    );
    assert_eq!(polled["status"], "declined");
}

#[test]
fn typed_rust_api_without_the_c_abi() {
    use delegated_admin::{customers, endpoint::BaseUrl, CallOptions, Client, Secret};
    let emu = start();
    let fx = emu.fixtures();
    let base = BaseUrl::parse("endpoint", emu.url()).unwrap();
    let client = Client::builder()
        .endpoint(base.clone())
        .authority(base)
        .client_secret(
            fx["tenantId"].as_str().unwrap(),
            fx["clientId"].as_str().unwrap(),
            Secret::new(fx["clientSecret"].as_str().unwrap()),
        )
        .unwrap()
        .build()
        .unwrap();
    let opts = CallOptions::default();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let list = rt
        .block_on(customers::list(
            &client,
            &opts,
            &customers::ListCustomersRequest {
                all_pages: true,
                ..Default::default()
            },
        ))
        .unwrap();
    assert_eq!(
        list.customers.len() as u64,
        fx["customerCount"].as_u64().unwrap()
    );
}

#[test]
fn all_pages_when_the_last_page_is_exactly_full() {
    // 600 customers in pages of 300: the second page is full and carries no nextLink. Every customer once,
    // in two requests (a regression: the page at $skip=300 was fetched again).
    let emu = start_with(Config {
        customers: 600,
        ..Config::default()
    });
    let all = ok(
        da_list_delegated_admin_customers,
        &request(&emu, json!({ "allPages": true })),
    );
    let customers = all["customers"].as_array().unwrap();
    assert_eq!(customers.len(), 600);
    let mut ids: Vec<&str> = customers
        .iter()
        .map(|c| c["customerTenantId"].as_str().unwrap())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 600);
    let pages = emu
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/delegatedAdminCustomers"))
        .count();
    assert_eq!(pages, 2);
}
