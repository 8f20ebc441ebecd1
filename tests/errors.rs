//! Every error `kind` of the envelope, produced for real against the emulator (or a closed port), and the
//! bad inputs that must be refused before any request is sent.

mod common;
use common::*;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

fn kind(e: &Value) -> &str {
    e["kind"].as_str().unwrap()
}

#[test]
fn bad_inputs_are_invalid_request_and_send_nothing() {
    let emu = start();
    let fx = emu.fixtures();
    let sub = fx["subscriptions"][0]["subscriptionId"]
        .as_str()
        .unwrap()
        .to_string();
    let rel = fx["relationships"][0].clone();
    let update = |extra: Value| {
        let mut r = json!({
            "tenantDomain": fx["tenantDomain"], "customerId": rel["customerId"], "relationshipId": rel["relationshipId"],
            "providerInstanceId": rel["providerInstanceId"], "autoExtendEnabled": true,
        });
        merge(&mut r, extra);
        r
    };
    let cases: Vec<(&str, Export, Value)> = vec![
        (
            "customer id not a GUID",
            da_remove_dap_relationship,
            json!({ "customerTenantId": "not-a-guid" }),
        ),
        ("customer id missing", da_remove_dap_relationship, json!({})),
        (
            "customer id wrong type",
            da_remove_dap_relationship,
            json!({ "customerTenantId": 42 }),
        ),
        (
            "unknown field",
            da_remove_dap_relationship,
            json!({ "customerTenantId": "53018d99-ac51-4ec8-b86e-c8a61de43717", "force": true }),
        ),
        (
            "top 0",
            da_list_delegated_admin_customers,
            json!({ "top": 0 }),
        ),
        (
            "top 301",
            da_list_delegated_admin_customers,
            json!({ "top": 301 }),
        ),
        (
            "top negative",
            da_list_delegated_admin_customers,
            json!({ "top": -1 }),
        ),
        (
            "top as string",
            da_list_delegated_admin_customers,
            json!({ "top": "10" }),
        ),
        (
            "orderBy unsupported field",
            da_list_delegated_admin_customers,
            json!({ "orderBy": "customerTenantId" }),
        ),
        (
            "orderBy bad direction",
            da_list_delegated_admin_customers,
            json!({ "orderBy": "dapEnabled sideways" }),
        ),
        (
            "select unknown field",
            da_list_delegated_admin_customers,
            json!({ "select": ["password"] }),
        ),
        (
            "misspelt option",
            da_list_delegated_admin_customers,
            json!({ "Top": 5 }),
        ),
        (
            "scope not a subscription",
            da_list_lighthouse_assignments,
            json!({ "scope": "/providers/Microsoft.Management/managementGroups/x" }),
        ),
        (
            "scope bad guid",
            da_list_lighthouse_assignments,
            json!({ "scope": "/subscriptions/123" }),
        ),
        (
            "scope extra segments",
            da_list_lighthouse_assignments,
            json!({ "scope": format!("/subscriptions/{sub}/resourceGroups/a/b") }),
        ),
        ("scope missing", da_list_lighthouse_assignments, json!({})),
        (
            "assignment id malformed",
            da_remove_lighthouse_assignment,
            json!({ "assignmentId": format!("/subscriptions/{sub}/x") }),
        ),
        (
            "assignment id and scope",
            da_remove_lighthouse_assignment,
            json!({ "assignmentId": "x", "scope": "y" }),
        ),
        (
            "relationship customer not a GUID",
            da_update_delegated_admin_relationship,
            update(json!({ "customerId": "abc" })),
        ),
        (
            "relationship id is a dot segment",
            da_update_delegated_admin_relationship,
            update(json!({ "relationshipId": ".." })),
        ),
        (
            "relationship autoExtend wrong type",
            da_update_delegated_admin_relationship,
            update(json!({ "autoExtendEnabled": "yes" })),
        ),
        (
            "relationship tenant domain bad",
            da_update_delegated_admin_relationship,
            update(json!({ "tenantDomain": "a/b" })),
        ),
        (
            "plain http to a remote host",
            da_list_delegated_admin_customers,
            json!({ "endpoint": "http://example.com" }),
        ),
        (
            "authority plain http remote",
            da_acquire_token,
            json!({ "authority": "http://login.example.com", "resource": "https://management.azure.com" }),
        ),
        (
            "endpoint with a path",
            da_list_delegated_admin_customers,
            json!({ "endpoint": format!("{}/v1", emu.url()) }),
        ),
        (
            "correlation id not a GUID",
            da_list_delegated_admin_customers,
            json!({ "correlationId": "abc" }),
        ),
        (
            "timeout zero",
            da_list_delegated_admin_customers,
            json!({ "timeoutSeconds": 0 }),
        ),
        (
            "retries too many",
            da_list_delegated_admin_customers,
            json!({ "maxRetries": 1000 }),
        ),
        (
            "auth with two shapes",
            da_list_delegated_admin_customers,
            json!({ "auth": { "accessToken": "x", "clientSecret": "y" } }),
        ),
        (
            "auth unknown field",
            da_list_delegated_admin_customers,
            json!({ "auth": { "password": "x" } }),
        ),
        ("token without resource", da_acquire_token, json!({})),
        (
            "token with an access token",
            da_acquire_token,
            json!({ "auth": { "accessToken": "abc" }, "resource": "https://x" }),
        ),
        (
            "device code client not a GUID",
            da_start_device_code,
            json!({ "clientId": "x", "resource": "https://management.azure.com" }),
        ),
        (
            "device poll without code",
            da_poll_device_code,
            json!({ "clientId": fx["clientId"] }),
        ),
    ];
    for (name, f, extra) in cases {
        let before = count_requests(&emu);
        let e = err(f, &request(&emu, extra));
        assert_eq!(kind(&e), "invalid_request", "{name}: {e}");
        assert!(
            e["status"].is_null(),
            "{name}: nothing was sent, so no status: {e}"
        );
        assert!(e["correlationId"].is_string(), "{name}: {e}");
        assert_eq!(
            count_requests(&emu),
            before,
            "{name}: the emulator saw a request"
        );
        assert!(
            emu.requests().iter().all(|r| !r.path.contains("oauth2")),
            "{name}: no token was requested either"
        );
    }
}

#[test]
fn unusable_bytes_are_invalid_request() {
    for (_, f) in ALL {
        let e = call_ptr(f, std::ptr::null());
        assert_eq!(e["error"]["kind"], "invalid_request", "{e}");
        assert!(e["error"]["message"].as_str().unwrap().contains("NULL"));
        for bytes in [
            &b"\xff\xfe{}"[..],
            b"{\"top\": 3",
            b"[1,2]",
            b"",
            b"null",
            b"\"text\"",
        ] {
            let e = call_raw(f, bytes);
            assert_eq!(e["ok"], json!(false));
            assert_eq!(e["error"]["kind"], "invalid_request", "{bytes:?}: {e}");
        }
    }
    unsafe { delegated_admin::ffi::da_string_free(std::ptr::null_mut()) };
}

#[test]
fn path_segments_from_input_are_encoded() {
    let emu = start();
    let fx = emu.fixtures();
    let rel = &fx["relationships"][0];
    let e = err(
        da_update_delegated_admin_relationship,
        &request(
            &emu,
            json!({
                "tenantDomain": fx["tenantDomain"], "customerId": rel["customerId"], "relationshipId": "../x",
                "providerInstanceId": rel["providerInstanceId"], "autoExtendEnabled": true,
            }),
        ),
    );
    assert_eq!(kind(&e), "not_found", "{e}");
    let seen = emu
        .requests()
        .into_iter()
        .find(|r| r.method == "PATCH")
        .unwrap();
    let expected = format!(
        "/v1/Customers/{}/delegated-admin-relationships/%2E%2E%2Fx",
        rel["customerId"].as_str().unwrap()
    );
    assert_eq!(seen.path, expected);
}

#[test]
fn unauthorized_from_the_identity_platform_and_from_a_service() {
    let emu = start();
    let e = err(
        da_list_delegated_admin_customers,
        &request(
            &emu,
            json!({ "auth": {
        "tenantId": emu.fixtures()["tenantId"], "clientId": emu.fixtures()["clientId"], "clientSecret": "wrong-secret-value" } }),
        ),
    );
    assert_eq!(kind(&e), "unauthorized", "{e}");
    assert_eq!(e["status"], 401);
    assert!(
        e["code"].as_str().unwrap().starts_with("invalid_client"),
        "{e}"
    );
    assert!(e["message"].as_str().unwrap().contains("AADSTS"), "{e}");

    let e = err(
        da_remove_dap_relationship,
        &request(
            &emu,
            json!({
        "auth": { "accessToken": "not-a-token-the-emulator-issued" }, "customerTenantId": emu.fixtures()["inactiveDapCustomerIds"][0] }),
        ),
    );
    assert_eq!(kind(&e), "unauthorized", "{e}");
    assert_eq!(e["status"], 401);
    assert_eq!(e["code"], "800001", "Partner Center's own code: {e}");
}

#[test]
fn forbidden_for_a_token_of_another_audience() {
    let emu = start();
    let arm = ok(
        da_acquire_token,
        &request(&emu, json!({ "resource": "https://management.azure.com" })),
    );
    let e = err(
        da_remove_dap_relationship,
        &request(
            &emu,
            json!({
        "auth": { "accessToken": arm["accessToken"] }, "customerTenantId": emu.fixtures()["inactiveDapCustomerIds"][0] }),
        ),
    );
    assert_eq!(kind(&e), "forbidden", "{e}");
    assert_eq!(e["status"], 403);
}

#[test]
fn not_found_with_the_service_code() {
    let emu = start();
    let e = err(
        da_remove_dap_relationship,
        &request(
            &emu,
            json!({ "customerTenantId": "00000000-0000-4000-8000-000000000000" }),
        ),
    );
    assert_eq!(kind(&e), "not_found");
    assert_eq!(e["status"], 404);
    assert_eq!(e["code"], "60003");
    let e = err(
        da_list_lighthouse_assignments,
        &request(
            &emu,
            json!({ "scope": "/subscriptions/00000000-0000-4000-8000-000000000000" }),
        ),
    );
    assert_eq!(kind(&e), "not_found");
    assert_eq!(e["code"], "SubscriptionNotFound");
}

#[test]
fn a_service_side_validation_error_is_invalid_request_with_its_code() {
    let emu = start();
    let e = err(
        da_list_delegated_admin_customers,
        &request(&emu, json!({ "filter": "dapEnabled eq eq" })),
    );
    assert_eq!(kind(&e), "invalid_request", "{e}");
    assert_eq!(e["status"], 400);
    assert!(e["code"].is_string(), "{e}");
}

#[test]
fn throttled_after_retries_carries_retry_after() {
    let emu = start();
    set_faults(&emu, json!({ "throttle": 10, "retryAfter": 1 }));
    let started = Instant::now();
    let e = err(
        da_list_delegated_admin_customers,
        &request(&emu, json!({ "maxRetries": 1 })),
    );
    assert_eq!(kind(&e), "throttled", "{e}");
    assert_eq!(e["status"], 429);
    assert_eq!(e["retryAfterSeconds"], 1);
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "Retry-After was honoured before the retry"
    );
    let served = emu
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("delegatedAdminCustomers"))
        .count();
    assert_eq!(served, 2, "one try plus one retry");
}

#[test]
fn throttling_then_success_is_retried_transparently() {
    let emu = start();
    set_faults(&emu, json!({ "throttle": 2, "retryAfter": 0 }));
    let list = ok(
        da_list_delegated_admin_customers,
        &request(&emu, json!({ "top": 3, "maxRetries": 3 })),
    );
    assert_eq!(list["customers"].as_array().unwrap().len(), 3);
    let tries: Vec<_> = emu
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with("delegatedAdminCustomers"))
        .collect();
    assert_eq!(tries.len(), 3);
    assert!(
        tries
            .windows(2)
            .all(|w| w[0].correlation_id == w[1].correlation_id),
        "retries keep the correlation id"
    );
}

#[test]
fn server_error_after_retries() {
    let emu = start();
    set_faults(&emu, json!({ "serverError": 5 }));
    let e = err(
        da_remove_dap_relationship,
        &request(
            &emu,
            json!({ "customerTenantId": emu.fixtures()["inactiveDapCustomerIds"][0], "maxRetries": 1 }),
        ),
    );
    assert_eq!(kind(&e), "server_error", "{e}");
    assert_eq!(e["status"], 500);
}

#[test]
fn network_error_on_a_closed_port() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let e = err(
        da_list_delegated_admin_customers,
        &json!({
        "endpoint": format!("http://127.0.0.1:{port}"), "auth": { "accessToken": "abc-token" }, "maxRetries": 1 }),
    );
    assert_eq!(kind(&e), "network", "{e}");
    assert!(e["status"].is_null());
}

#[test]
fn timeout_when_the_service_never_answers() {
    let emu = start();
    set_faults(&emu, json!({ "hang": 3 }));
    let started = Instant::now();
    let e = err(
        da_list_delegated_admin_customers,
        &request(&emu, json!({ "timeoutSeconds": 1.5 })),
    );
    assert_eq!(kind(&e), "timeout", "{e}");
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(1400) && took < Duration::from_secs(10),
        "deadline honoured: {took:?}"
    );
}

#[test]
fn envelopes_carry_the_callers_correlation_id_on_errors_too() {
    let emu = start();
    let id = "9b4bf2ca-f374-4d51-9113-781ca87b8380";
    let env = call(
        da_remove_dap_relationship,
        &request(
            &emu,
            json!({ "customerTenantId": "bad", "correlationId": id }),
        ),
    );
    assert_eq!(env["error"]["correlationId"], id);
    assert_eq!(env["correlationId"], id);
}

#[test]
fn conflict_while_another_operation_runs() {
    let emu = start();
    let fx = emu.fixtures();
    let id = fx["subscriptions"][0]["assignments"][0]["id"].clone();
    let first = ok(
        da_remove_lighthouse_assignment,
        &request(&emu, json!({ "assignmentId": id })),
    );
    assert_eq!(first["status"], "accepted");
    let e = err(
        da_remove_lighthouse_assignment,
        &request(&emu, json!({ "assignmentId": id })),
    );
    assert_eq!(kind(&e), "conflict", "{e}");
    assert_eq!(e["status"], 409);
    assert_eq!(e["code"], "AnotherOperationInProgress");
    assert!(
        e["message"].as_str().unwrap().contains("in progress"),
        "{e}"
    );
}

#[test]
fn every_error_kind_is_produced_by_some_test_in_this_file() {
    // The kinds of the envelope, and where each is produced for real: a new kind must get a test here.
    let source = include_str!("errors.rs");
    for kind in [
        "invalid_request",
        "unauthorized",
        "forbidden",
        "not_found",
        "conflict",
        "throttled",
        "server_error",
        "network",
        "timeout",
    ] {
        assert!(
            source.contains(&format!("\"{kind}\", \"{{e}}\""))
                || source.contains(&format!("\"{kind}\")")),
            "no test asserts kind {kind}"
        );
    }
    // `internal` (a panic caught at the boundary) is produced in src/ffi/boundary.rs's unit tests.
}
