mod common;

use common::*;
use delegated_admin_emulator::{Config, Emulator, Faults};
use serde_json::Value;

const PROVIDER: &str = "providers/Microsoft.ManagedServices";
const V: &str = "api-version=2022-10-01";

fn subscription(emu: &Emulator, n: usize) -> Value {
    emu.fixtures()["subscriptions"][n].clone()
}

#[test]
fn lists_page_by_arm_page_size() {
    let emu = small();
    let t = token(&emu, ARM);
    let sub = subscription(&emu, 0);
    let id = sub["subscriptionId"].as_str().unwrap();
    assert_eq!(emu.fixtures()["subscriptions"].as_array().unwrap().len(), 3);
    assert_eq!(sub["assignments"].as_array().unwrap().len(), 4);

    let first = get(&emu, &format!("/subscriptions/{id}/{PROVIDER}/registrationAssignments?{V}&$expandRegistrationDefinition=true"), &t);
    assert_eq!(first.status, 200, "{}", first.text());
    assert!(first.header("x-ms-request-id").is_some());
    let first = first.json();
    assert_eq!(first["value"].as_array().unwrap().len(), 2);
    let a = &first["value"][0];
    assert_eq!(
        a["type"],
        "Microsoft.ManagedServices/registrationAssignments"
    );
    assert!(a["id"].as_str().unwrap().starts_with(&format!(
        "/subscriptions/{id}/{PROVIDER}/registrationAssignments/"
    )));
    assert_eq!(a["properties"]["provisioningState"], "Succeeded");
    let definition = &a["properties"]["registrationDefinition"]["properties"];
    assert_eq!(definition["managedByTenantId"], emu.fixtures()["tenantId"]);
    assert_eq!(definition["managedByTenantName"], "Contoso Partner");
    assert!(definition["authorizations"][0]["principalId"].is_string());
    assert!(definition["authorizations"][0]["roleDefinitionId"].is_string());

    let next = first["nextLink"].as_str().unwrap();
    assert!(
        next.starts_with(emu.url()) && next.contains("$skipToken="),
        "{next}"
    );
    let second = get(&emu, next, &t).json();
    assert_eq!(second["value"].as_array().unwrap().len(), 1);
    assert!(second.get("nextLink").is_none());
    assert!(second["value"][0]["properties"]
        .get("registrationDefinition")
        .is_some());

    let plain = get(
        &emu,
        &format!("/subscriptions/{id}/{PROVIDER}/registrationAssignments?{V}"),
        &t,
    )
    .json();
    assert!(plain["value"][0]["properties"]
        .get("registrationDefinition")
        .is_none());

    let rg = sub["resourceGroups"][0].as_str().unwrap();
    assert_eq!(rg, "rg-delegated-1");
    let in_rg = get(
        &emu,
        &format!("/subscriptions/{id}/resourceGroups/{rg}/{PROVIDER}/registrationAssignments?{V}"),
        &t,
    )
    .json();
    assert_eq!(in_rg["value"].as_array().unwrap().len(), 1);

    let tenant = emu.fixtures()["tenantId"].as_str().unwrap().to_string();
    let mine = get(&emu, &format!("/subscriptions/{id}/{PROVIDER}/registrationAssignments?{V}&$filter=managedByTenantId%20eq%20'{tenant}'"), &t).json();
    assert_eq!(mine["value"].as_array().unwrap().len(), 2);
    assert!(mine["nextLink"]
        .as_str()
        .unwrap()
        .contains("managedByTenantId"));
    let theirs = get(&emu, &format!("/subscriptions/{id}/{PROVIDER}/registrationAssignments?{V}&$filter=managedByTenantId%20eq%20'00000000-0000-0000-0000-000000000001'"), &t).json();
    assert_eq!(theirs["value"].as_array().unwrap().len(), 0);
}

#[test]
fn errors_use_the_arm_shape() {
    let emu = small();
    let t = token(&emu, ARM);
    let id = subscription(&emu, 0)["subscriptionId"]
        .as_str()
        .unwrap()
        .to_string();
    let list = format!("/subscriptions/{id}/{PROVIDER}/registrationAssignments");
    let cases = [
        (list.clone(), 400, "MissingApiVersionParameter"),
        (format!("{list}?api-version=2019-09-01"), 400, "InvalidApiVersionParameter"),
        (format!("/subscriptions/00000000-0000-0000-0000-000000000001/{PROVIDER}/registrationAssignments?{V}"), 404, "SubscriptionNotFound"),
        (format!("/subscriptions/{id}/resourceGroups/rg-nope/{PROVIDER}/registrationAssignments?{V}"), 404, "ResourceGroupNotFound"),
        (format!("{list}/00000000-0000-0000-0000-000000000001?{V}"), 404, "RegistrationAssignmentNotFound"),
        (format!("{list}?{V}&$filter=foo"), 400, "InvalidQueryParameterValue"),
    ];
    for (target, status, code) in cases {
        let reply = get(&emu, &target, &t);
        assert_eq!(reply.status, status, "{target}");
        assert_eq!(reply.json()["error"]["code"], code, "{target}");
        assert!(reply.json()["error"]["message"].is_string());
    }
    let echoed = send(
        emu.url(),
        "GET",
        &list,
        &[
            ("Authorization", &format!("Bearer {t}")),
            ("x-ms-correlation-request-id", "abc-123"),
        ],
        None,
    );
    assert_eq!(
        echoed.header("x-ms-correlation-request-id"),
        Some("abc-123")
    );
}

#[test]
fn delete_is_a_long_running_operation() {
    let emu = start(Config {
        lro_polls: 2,
        lro_retry_after: 1,
        ..Config::default()
    });
    let t = token(&emu, ARM);
    let auth = format!("Bearer {t}");
    let sub = subscription(&emu, 1);
    let assignment = sub["assignments"][0]["id"].as_str().unwrap().to_string();
    let target = format!("{assignment}?{V}");

    let accepted = send(
        emu.url(),
        "DELETE",
        &target,
        &[("Authorization", &auth)],
        None,
    );
    assert_eq!(accepted.status, 202);
    assert_eq!(accepted.header("Retry-After"), Some("1"));
    let location = accepted.header("Location").unwrap().to_string();
    let status_url = accepted.header("Azure-AsyncOperation").unwrap().to_string();
    assert!(location.contains("/operationResults/") && location.ends_with(V));
    assert!(status_url.contains("/operationStatuses/"));
    assert_eq!(
        get(&emu, &target, &t).json()["properties"]["provisioningState"],
        "Deleting"
    );
    // A second delete while the first runs: ARM's 409.
    let again = send(
        emu.url(),
        "DELETE",
        &target,
        &[("Authorization", &auth)],
        None,
    );
    assert_eq!(again.status, 409);
    assert_eq!(again.json()["error"]["code"], "AnotherOperationInProgress");

    let running = get(&emu, &status_url, &t);
    assert_eq!(running.status, 200);
    assert_eq!(running.json()["status"], "Deleting");
    // The read of the assignment above counted as one poll too (a delete runs on whoever watches it), so
    // this is the poll that sees it end.
    let done = get(&emu, &location, &t);
    assert_eq!(done.status, 204);
    assert_eq!(get(&emu, &status_url, &t).json()["status"], "Succeeded");
    assert_eq!(get(&emu, &target, &t).status, 404);
    assert_eq!(
        send(
            emu.url(),
            "DELETE",
            &target,
            &[("Authorization", &auth)],
            None
        )
        .status,
        204
    );
    assert_eq!(
        emu.fixtures()["subscriptions"][1]["assignments"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
}

#[test]
fn lro_never_completes_on_request() {
    let emu = start(Config {
        lro_polls: 0,
        ..Config::default()
    });
    let t = token(&emu, ARM);
    let auth = format!("Bearer {t}");
    let sub = subscription(&emu, 0);
    let rg_assignment = sub["assignments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["scope"].as_str().unwrap().contains("resourceGroups"))
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    emu.set_faults(Faults {
        lro_never_completes: true,
        ..Faults::default()
    });
    let accepted = send(
        emu.url(),
        "DELETE",
        &format!("{rg_assignment}?{V}"),
        &[("Authorization", &auth)],
        None,
    );
    assert_eq!(accepted.status, 202);
    let location = accepted.header("Location").unwrap().to_string();
    for _ in 0..5 {
        assert_eq!(get(&emu, &location, &t).status, 202);
    }
    emu.set_faults(Faults::default());
    assert_eq!(get(&emu, &location, &t).status, 204);
    assert_eq!(get(&emu, &format!("{rg_assignment}?{V}"), &t).status, 404);
}
