mod common;

use common::*;
use serde_json::json;

fn removal() -> serde_json::Value {
    json!({ "AllowDelegatedAccess": false, "attributes": { "objectType": "Customer" } })
}

#[test]
fn patch_removes_dap_idempotently() {
    let emu = small();
    let t = token(&emu, PARTNER_CENTER);
    let auth = format!("Bearer {t}");
    let id = emu.fixtures()["inactiveDapCustomerIds"][0]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(emu.customer(&id).unwrap()["dapEnabled"], true);

    let headers = [
        ("Authorization", auth.as_str()),
        ("MS-CorrelationId", "9b4bf2ca-f374-4d51-9113-781ca87b8380"),
        ("MS-RequestId", "9fef8b23-6e3e-45d2-8678-e9fe89c35af5"),
    ];
    let reply = json_request(
        &emu,
        "PATCH",
        &format!("/v1/customers/{id}/"),
        &headers,
        &removal(),
    );
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(
        reply.header("MS-CorrelationId"),
        Some("9b4bf2ca-f374-4d51-9113-781ca87b8380")
    );
    assert_eq!(
        reply.header("MS-RequestId"),
        Some("9fef8b23-6e3e-45d2-8678-e9fe89c35af5")
    );
    let body = reply.json();
    assert_eq!(body["id"], id.as_str());
    assert_eq!(body["allowDelegatedAccess"], false);
    assert_eq!(body["companyProfile"]["tenantId"], id.as_str());
    assert_eq!(body["attributes"]["objectType"], "Customer");
    assert!(body["commerceId"].is_string());

    let after = emu.customer(&id).unwrap();
    assert_eq!(after["dapEnabled"], false);
    let ended = after["endDateTime"].as_str().unwrap().to_string();

    // Idempotent, also without the trailing slash and with a lower-case key.
    let again =
        json!({ "allowDelegatedAccess": false, "attributes": { "objectType": "Customer" } });
    let reply = json_request(
        &emu,
        "PATCH",
        &format!("/v1/customers/{id}"),
        &[("Authorization", &auth)],
        &again,
    );
    assert_eq!(reply.status, 200);
    assert!(reply.header("MS-RequestId").is_some(), "minted when absent");
    assert!(
        reply.header("MS-CorrelationId").is_none(),
        "echoed, never minted"
    );
    assert_eq!(emu.customer(&id).unwrap()["endDateTime"], ended.as_str());
    assert_eq!(emu.stats()["dapRemovals"], 1);

    let got = get(&emu, &format!("/v1/customers/{id}"), &t);
    assert_eq!(got.json()["allowDelegatedAccess"], false);
    // The customers API agrees.
    let list = get(
        &emu,
        &format!("{CUSTOMERS_PATH}?$filter=customerTenantId+eq+'{id}'"),
        &token(&emu, CUSTOMERS_API),
    );
    assert_eq!(list.json()["value"][0]["dapEnabled"], false);
}

#[test]
fn patch_validates_its_input() {
    let emu = small();
    let auth = format!("Bearer {}", token(&emu, PARTNER_CENTER));
    let id = emu.fixtures()["inactiveDapCustomerIds"][0]
        .as_str()
        .unwrap()
        .to_string();
    let path = format!("/v1/customers/{id}");
    for body in [
        json!({ "AllowDelegatedAccess": true, "attributes": { "objectType": "Customer" } }),
        json!({ "attributes": { "objectType": "Customer" } }),
        json!({ "AllowDelegatedAccess": false }),
        json!({ "AllowDelegatedAccess": false, "attributes": { "objectType": "Subscription" } }),
        json!([1, 2]),
    ] {
        let reply = json_request(&emu, "PATCH", &path, &[("Authorization", &auth)], &body);
        assert_eq!(reply.status, 400, "{body}");
        assert_eq!(reply.json()["code"], 800002);
        assert_eq!(reply.json()["source"], "PartnerFD");
    }
    let not_json = send(
        emu.url(),
        "PATCH",
        &path,
        &[("Authorization", &auth)],
        Some(b"{nope"),
    );
    assert_eq!(not_json.status, 400);
    let reply = json_request(
        &emu,
        "PATCH",
        "/v1/customers/not-a-guid",
        &[("Authorization", &auth)],
        &removal(),
    );
    assert_eq!(reply.status, 400);
    let reply = json_request(
        &emu,
        "PATCH",
        "/v1/customers/00000000-0000-0000-0000-000000000001",
        &[("Authorization", &auth)],
        &removal(),
    );
    assert_eq!(reply.status, 404);
    assert_eq!(reply.json()["code"], 60003);
    assert_eq!(reply.json()["description"], "Tenant not found");
    assert_eq!(emu.customer(&id).unwrap()["dapEnabled"], true);
}
