mod common;

use common::*;
use delegated_admin_emulator::Emulator;
use serde_json::{json, Value};

struct Setup {
    emu: Emulator,
    auth: String,
    customer: String,
    relationship: String,
    provider: String,
    domain: String,
}

fn setup() -> Setup {
    let emu = small();
    let auth = format!("Bearer {}", token(&emu, CLOUDCOCKPIT));
    let f = emu.fixtures();
    let r = &f["relationships"][0];
    Setup {
        auth,
        customer: r["customerId"].as_str().unwrap().into(),
        relationship: r["relationshipId"].as_str().unwrap().into(),
        provider: r["providerInstanceId"].as_str().unwrap().into(),
        domain: f["tenantDomain"].as_str().unwrap().into(),
        emu,
    }
}

fn patch(s: &Setup, relationship: &str, tenant: Option<&str>, body: &Value) -> Reply {
    let path = format!(
        "/v1/Customers/{}/delegated-admin-relationships/{relationship}",
        s.customer
    );
    let mut headers = vec![
        ("Authorization", s.auth.as_str()),
        ("X-Correlation-Id", "6f1c0d43-1b7c-4a5e-9d0a-3f6c2b8e4d11"),
    ];
    if let Some(t) = tenant {
        headers.push(("X-Tenant", t));
    }
    json_request(&s.emu, "PATCH", &path, &headers, body)
}

#[test]
fn update_turns_auto_extend_on_and_off() {
    let s = setup();
    assert_eq!(
        s.emu.fixtures()["relationships"].as_array().unwrap().len(),
        10
    );
    let body = json!({ "providerInstanceId": s.provider, "autoExtendEnabled": true });
    let reply = patch(&s, &s.relationship, Some(&s.domain), &body);
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(
        reply.header("X-Correlation-Id"),
        Some("6f1c0d43-1b7c-4a5e-9d0a-3f6c2b8e4d11")
    );
    let r = reply.json();
    assert_eq!(r["relationshipId"], s.relationship.as_str());
    assert_eq!(r["id"], s.relationship.as_str());
    assert_eq!(r["autoExtendEnabled"], true);
    assert_eq!(r["autoExtendDuration"], "P180D");
    assert_eq!(r["duration"], "P730D");
    assert_eq!(r["status"]["name"], "Active");
    assert_eq!(r["customer"]["tenantId"], s.customer.as_str());
    assert!(r["lastModifiedDateTime"].is_string());
    assert_eq!(
        s.emu.fixtures()["relationships"][0]["autoExtendEnabled"],
        true
    );

    let off = patch(
        &s,
        &s.relationship,
        Some(&s.domain),
        &json!({ "providerInstanceId": s.provider, "autoExtendEnabled": false }),
    );
    assert_eq!(off.json()["autoExtendDuration"], "PT0S");

    let list = send(
        s.emu.url(),
        "GET",
        &format!(
            "/v1/Customers/{}/delegated-admin-relationships?providerInstanceId={}",
            s.customer, s.provider
        ),
        &[("Authorization", &s.auth), ("X-Tenant", &s.domain)],
        None,
    );
    assert_eq!(list.status, 200);
    assert_eq!(list.json().as_array().unwrap().len(), 1);
    assert_eq!(list.json()[0]["autoExtendEnabled"], false);
}

#[test]
fn validation_errors_name_the_problem() {
    let s = setup();
    let good = json!({ "providerInstanceId": s.provider, "autoExtendEnabled": true });

    let missing_tenant = patch(&s, &s.relationship, None, &good);
    assert_eq!(missing_tenant.status, 400);
    let body = missing_tenant.json();
    assert_eq!(body["type"], "ValidationError");
    assert_eq!(body["statusCode"], 400);
    assert_eq!(
        body["correlationId"],
        "6f1c0d43-1b7c-4a5e-9d0a-3f6c2b8e4d11"
    );
    assert_eq!(body["errors"][0]["propertyName"], "X-Tenant");

    assert_eq!(
        patch(&s, &s.relationship, Some("other.example.com"), &good).status,
        403
    );

    let empty = patch(&s, &s.relationship, Some(&s.domain), &json!({}));
    assert_eq!(empty.status, 400);
    let names: Vec<String> = empty.json()["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["propertyName"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names, ["providerInstanceId", "autoExtendEnabled"]);
    for e in empty.json()["errors"].as_array().unwrap() {
        assert!(e["description"][0].is_string());
    }

    let typed = patch(
        &s,
        &s.relationship,
        Some(&s.domain),
        &json!({ "providerInstanceId": "nope", "autoExtendEnabled": "yes" }),
    );
    assert_eq!(typed.status, 400);
    assert_eq!(typed.json()["errors"].as_array().unwrap().len(), 2);

    let wrong_provider = json!({ "providerInstanceId": "00000000-0000-0000-0000-000000000001", "autoExtendEnabled": true });
    assert_eq!(
        patch(&s, &s.relationship, Some(&s.domain), &wrong_provider).status,
        404
    );
    assert_eq!(
        patch(&s, "unknown-relationship", Some(&s.domain), &good).status,
        404
    );
    let traversal = patch(&s, "..%2F..%2Fx", Some(&s.domain), &good);
    assert_eq!(traversal.status, 404);
    assert_eq!(traversal.json()["type"], "NotFound");
    // Capital C: Partner Center's lower-case path is another service.
    let lower = json_request(
        &s.emu,
        "PATCH",
        &format!(
            "/v1/customers/{}/delegated-admin-relationships/{}",
            s.customer, s.relationship
        ),
        &[("Authorization", &s.auth), ("X-Tenant", &s.domain)],
        &good,
    );
    assert_eq!(lower.status, 404);
    assert_eq!(
        s.emu.fixtures()["relationships"][0]["autoExtendEnabled"],
        false
    );
}
