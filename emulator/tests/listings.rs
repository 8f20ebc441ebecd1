//! The cheap listings a readiness probe (and a Lighthouse listing at scale) read: ARM's subscriptions and
//! Partner Center's customers, paged.

mod common;

use std::collections::HashSet;

use common::*;
use delegated_admin_emulator::{Config, Emulator};
use serde_json::Value;

const SUBSCRIPTIONS: &str = "/subscriptions?api-version=2022-12-01";

fn arm_error(reply: &Reply, status: u16, code: &str) {
    assert_eq!(reply.status, status, "{}", reply.text());
    assert_eq!(reply.json()["error"]["code"], code);
}

#[test]
fn arm_lists_the_delegated_subscriptions_a_page_at_a_time() {
    let emu = small();
    let f = emu.fixtures();
    let t = token(&emu, ARM);
    let first = get(&emu, SUBSCRIPTIONS, &t);
    assert_eq!(first.status, 200, "{}", first.text());
    assert!(first.header("x-ms-request-id").is_some());
    let first = first.json();
    assert_eq!(
        first["value"].as_array().unwrap().len(),
        2,
        "arm_page_size 2"
    );
    let next = first["nextLink"].as_str().unwrap();
    assert!(
        next.starts_with(&format!(
            "{}/subscriptions?api-version=2022-12-01&",
            emu.url()
        )),
        "{next}"
    );
    let second = get(&emu, next, &t).json();
    assert_eq!(second["value"].as_array().unwrap().len(), 1);
    assert!(second.get("nextLink").is_none());
    let listed: Vec<&Value> = first["value"]
        .as_array()
        .unwrap()
        .iter()
        .chain(second["value"].as_array().unwrap())
        .collect();
    for (s, seeded) in listed.iter().zip(f["subscriptions"].as_array().unwrap()) {
        let id = seeded["subscriptionId"].as_str().unwrap();
        assert_eq!(s["id"], format!("/subscriptions/{id}"));
        assert_eq!(s["subscriptionId"], id);
        assert_eq!(s["state"], "Enabled");
        assert_eq!(s["tenantId"], seeded["tenantId"], "the customer's tenant");
        assert_eq!(s["displayName"], seeded["displayName"]);
        assert_eq!(s["managedByTenants"][0]["tenantId"], f["tenantId"]);
        assert_eq!(s["authorizationSource"], "RoleBased");
    }
    let one_page = start(Config {
        arm_page_size: 0,
        ..Config::default()
    });
    let all = get(&one_page, SUBSCRIPTIONS, &token(&one_page, ARM)).json();
    assert_eq!(all["value"].as_array().unwrap().len(), 3);
    assert!(all.get("nextLink").is_none());
}

#[test]
fn arm_subscription_list_errors() {
    let emu = small();
    let t = token(&emu, ARM);
    arm_error(
        &get(&emu, "/subscriptions", &t),
        400,
        "MissingApiVersionParameter",
    );
    arm_error(
        &get(&emu, "/subscriptions?api-version=2022-10-01", &t),
        400,
        "InvalidApiVersionParameter",
    );
    assert_eq!(
        get(&emu, "/subscriptions?api-version=2020-01-01", &t).status,
        200
    );
    arm_error(
        &get(&emu, &format!("{SUBSCRIPTIONS}&$skipToken=abc"), &t),
        400,
        "InvalidSkipToken",
    );
    arm_error(
        &get(&emu, SUBSCRIPTIONS, &token(&emu, GRAPH)),
        403,
        "InvalidAuthenticationTokenAudience",
    );
    arm_error(
        &send(emu.url(), "GET", SUBSCRIPTIONS, &[], None),
        401,
        "AuthenticationFailed",
    );
}

#[test]
fn a_subscription_without_delegations_is_no_longer_listed() {
    let emu = start(Config {
        lro_polls: 0,
        ..Config::default()
    });
    let t = token(&emu, ARM);
    let auth = format!("Bearer {t}");
    let gone = emu.fixtures()["subscriptions"][0].clone();
    for assignment in gone["assignments"].as_array().unwrap() {
        let target = format!(
            "{}?api-version=2022-10-01",
            assignment["id"].as_str().unwrap()
        );
        let accepted = send(
            emu.url(),
            "DELETE",
            &target,
            &[("Authorization", &auth)],
            None,
        );
        assert_eq!(accepted.status, 202);
        let location = accepted.header("Location").unwrap().to_string();
        assert_eq!(get(&emu, &location, &t).status, 204);
    }
    let all = get(&emu, &format!("{SUBSCRIPTIONS}&$skipToken=0"), &t).json();
    let mut listed: Vec<Value> = all["value"].as_array().unwrap().clone();
    if let Some(next) = all["nextLink"].as_str() {
        listed.extend(
            get(&emu, next, &t).json()["value"]
                .as_array()
                .unwrap()
                .clone(),
        );
    }
    assert_eq!(listed.len(), 2);
    assert!(listed
        .iter()
        .all(|s| s["subscriptionId"] != gone["subscriptionId"]));
}

/// Follows Partner Center's `links.next` (URI relative to /v1, continuation token in a header).
fn follow(emu: &Emulator, token: &str, page: &Value) -> Option<Value> {
    let next = page["links"].get("next")?;
    assert_eq!(next["method"], "GET");
    let uri = next["uri"].as_str().unwrap();
    let headers = next["headers"].as_array().unwrap();
    assert_eq!(headers.len(), 1);
    assert_eq!(headers[0]["key"], "MS-ContinuationToken");
    let auth = format!("Bearer {token}");
    let reply = send(
        emu.url(),
        "GET",
        &format!("/v1{uri}"),
        &[
            ("Authorization", &auth),
            (
                "MS-ContinuationToken",
                headers[0]["value"].as_str().unwrap(),
            ),
        ],
        None,
    );
    assert_eq!(reply.status, 200, "{}", reply.text());
    Some(reply.json())
}

#[test]
fn partner_center_lists_customers_with_continuation_tokens() {
    let emu = start(Config {
        customers: 5,
        ..Config::default()
    });
    let t = token(&emu, PARTNER_CENTER);
    let reply = get(&emu, "/v1/customers?size=2", &t);
    assert_eq!(reply.status, 200, "{}", reply.text());
    let mut page = reply.json();
    assert_eq!(page["attributes"]["objectType"], "Collection");
    assert_eq!(page["links"]["self"]["uri"], "/customers?size=2");
    assert_eq!(
        page["links"]["next"]["uri"],
        "/customers?size=2&seekOperation=Next"
    );
    let mut sizes = Vec::new();
    let mut ids = Vec::new();
    loop {
        let items = page["items"].as_array().unwrap();
        assert_eq!(page["totalCount"], items.len());
        sizes.push(items.len());
        for c in items {
            assert_eq!(c["companyProfile"]["tenantId"], c["id"]);
            assert!(c["companyProfile"]["domain"]
                .as_str()
                .unwrap()
                .ends_with(".onmicrosoft.com"));
            assert!(c["companyProfile"]["companyName"].is_string());
            assert_eq!(c["relationshipToPartner"], "reseller");
            assert_eq!(c["attributes"]["objectType"], "Customer");
            assert!(
                c.get("allowDelegatedAccess").is_none(),
                "only a get by id has it"
            );
            ids.push(c["id"].as_str().unwrap().to_string());
        }
        match follow(&emu, &t, &page) {
            Some(next) => page = next,
            None => break,
        }
    }
    assert_eq!(sizes, vec![2, 2, 1]);
    assert_eq!(ids.iter().collect::<HashSet<_>>().len(), 5);
    for id in &ids {
        assert!(emu.customer(id).is_some());
    }
    // A probe reads one.
    let probe = get(&emu, "/v1/customers?size=1", &t).json();
    assert_eq!(probe["items"].as_array().unwrap().len(), 1);
    assert_eq!(probe["items"][0]["id"], ids[0].as_str());
    // Without size, a page of 100.
    let all = get(&emu, "/v1/customers", &t).json();
    assert_eq!(all["items"].as_array().unwrap().len(), 5);
    assert!(all["links"].get("next").is_none());
}

#[test]
fn partner_center_list_errors() {
    let emu = small();
    let t = token(&emu, PARTNER_CENTER);
    let bad = |target: &str, headers: &[(&str, &str)], text: &str| {
        let auth = format!("Bearer {t}");
        let mut all = vec![("Authorization", auth.as_str())];
        all.extend_from_slice(headers);
        let reply = send(emu.url(), "GET", target, &all, None);
        assert_eq!(reply.status, 400, "{target}: {}", reply.text());
        let body = reply.json();
        assert_eq!(body["code"], 800002);
        assert!(
            body["description"].as_str().unwrap().contains(text),
            "{body}"
        );
    };
    bad("/v1/customers?size=0", &[], "from 1 to 500");
    bad("/v1/customers?size=501", &[], "from 1 to 500");
    bad("/v1/customers?size=ten", &[], "from 1 to 500");
    bad(
        "/v1/customers?size=2&seekOperation=Next",
        &[],
        "MS-ContinuationToken",
    );
    bad(
        "/v1/customers?size=2&seekOperation=Next",
        &[("MS-ContinuationToken", "forged")],
        "not valid",
    );
    bad("/v1/customers?seekOperation=Previous", &[], "'Previous'");
    bad("/v1/customers?filter=x", &[], "filter");
    let wrong = get(&emu, "/v1/customers?size=1", &token(&emu, ARM));
    assert_eq!(wrong.status, 403);
    assert_eq!(wrong.json()["code"], 800004);
}
