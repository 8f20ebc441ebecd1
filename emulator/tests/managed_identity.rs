//! Managed identity endpoints: App Service (api-versions 2019-08-01 and 2017-09-01) and the instance
//! metadata service, their identities, errors, the unavailable fault and the counter.

mod common;

use common::*;
use delegated_admin_emulator::{Cloud, Config, Emulator, Faults};
use serde_json::{json, Value};

const RESOURCE: &str = "https://management.azure.com/";

fn mi(emu: &Emulator) -> Value {
    emu.fixtures()["managedIdentity"].clone()
}

/// `GET <path>?<query>` with headers.
fn ask(emu: &Emulator, path_and_query: &str, headers: &[(&str, &str)]) -> Reply {
    send(emu.url(), "GET", path_and_query, headers, None)
}

fn app_service(emu: &Emulator, query: &str) -> Reply {
    let m = mi(emu);
    let header = m["appService"]["identityHeader"]
        .as_str()
        .unwrap()
        .to_string();
    ask(
        emu,
        &format!("/msi/token?{query}"),
        &[("X-IDENTITY-HEADER", &header)],
    )
}

fn imds(emu: &Emulator, query: &str) -> Reply {
    ask(
        emu,
        &format!("/metadata/identity/oauth2/token?{query}"),
        &[("Metadata", "true")],
    )
}

fn assignments(emu: &Emulator) -> String {
    let sub = emu.fixtures()["subscriptions"][0]["subscriptionId"]
        .as_str()
        .unwrap()
        .to_string();
    format!("/subscriptions/{sub}/providers/Microsoft.ManagedServices/registrationAssignments?api-version=2022-10-01")
}

#[test]
fn fixtures_describe_the_endpoints_and_identities() {
    let emu = small();
    let m = mi(&emu);
    let url = emu.url();
    assert_eq!(m["appService"]["endpoint"], format!("{url}/msi/token"));
    assert_eq!(m["appService"]["apiVersion"], "2019-08-01");
    assert_eq!(
        m["appService"]["identityHeader"],
        "emulator-identity-header"
    );
    assert_eq!(m["msi"]["endpoint"], format!("{url}/msi/token"));
    assert_eq!(m["msi"]["apiVersion"], "2017-09-01");
    assert_eq!(m["msi"]["secret"], "emulator-msi-secret");
    assert_eq!(
        m["imds"]["endpoint"],
        format!("{url}/metadata/identity/oauth2/token")
    );
    assert_eq!(m["imds"]["host"], url);
    assert!(m["systemAssigned"]["resourceId"].is_null());
    let resource_id = m["userAssigned"]["resourceId"].as_str().unwrap();
    assert!(
        resource_id.starts_with("/subscriptions/")
            && resource_id.contains("/providers/Microsoft.ManagedIdentity/userAssignedIdentities/"),
        "{resource_id}"
    );
    for which in ["systemAssigned", "userAssigned"] {
        for id in ["clientId", "objectId"] {
            assert!(uuid::Uuid::parse_str(m[which][id].as_str().unwrap()).is_ok());
        }
    }
    let custom = start(Config {
        identity_header: "h-1".into(),
        msi_secret: "s-1".into(),
        ..Config::default()
    });
    assert_eq!(mi(&custom)["appService"]["identityHeader"], "h-1");
    assert_eq!(mi(&custom)["msi"]["secret"], "s-1");
}

#[test]
fn app_service_issues_app_tokens_of_the_identity() {
    let emu = small();
    let m = mi(&emu);
    let before = now_epoch();
    let reply = app_service(
        &emu,
        &format!("api-version=2019-08-01&resource={}", encode(RESOURCE)),
    );
    assert_eq!(reply.status, 200, "{}", reply.text());
    let body = reply.json();
    assert_eq!(body["resource"], RESOURCE, "echoed as asked");
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["client_id"], m["systemAssigned"]["clientId"]);
    let expires_on: i64 = body["expires_on"].as_str().unwrap().parse().unwrap();
    assert!((expires_on - before - 3600).abs() <= 2);
    let token = body["access_token"].as_str().unwrap();
    let c = claims(token);
    assert_eq!(c["aud"], "https://management.azure.com");
    assert_eq!(c["idtyp"], "app");
    assert_eq!(c["appid"], m["systemAssigned"]["clientId"]);
    assert_eq!(c["oid"], m["systemAssigned"]["objectId"]);
    assert_eq!(c["exp"].as_i64().unwrap(), expires_on);
    assert_eq!(get(&emu, &assignments(&emu), token).status, 200);

    // The user-assigned identity by client id, object id (principal_id or object_id) or resource id.
    let ua = &m["userAssigned"];
    for (name, value) in [
        ("client_id", &ua["clientId"]),
        ("principal_id", &ua["objectId"]),
        ("object_id", &ua["objectId"]),
        ("mi_res_id", &ua["resourceId"]),
    ] {
        let reply = app_service(
            &emu,
            &format!(
                "api-version=2019-08-01&resource={}&{name}={}",
                encode("https://graph.microsoft.com"),
                encode(value.as_str().unwrap())
            ),
        );
        assert_eq!(reply.status, 200, "{name}: {}", reply.text());
        let body = reply.json();
        assert_eq!(body["client_id"], ua["clientId"], "{name}");
        let c = claims(body["access_token"].as_str().unwrap());
        assert_eq!(c["aud"], "https://graph.microsoft.com");
        assert_eq!(c["oid"], ua["objectId"]);
    }
    // The routes App Service hosts use (`/MSI/token/`) answer too.
    let header = m["appService"]["identityHeader"].as_str().unwrap();
    let reply = ask(
        &emu,
        &format!(
            "/MSI/token/?api-version=2019-08-01&resource={}",
            encode(RESOURCE)
        ),
        &[("X-IDENTITY-HEADER", header)],
    );
    assert_eq!(reply.status, 200);
    assert_eq!(emu.stats()["managedIdentityRequests"], 6);
}

fn assert_app_service_error(reply: &Reply, status: u16, message: &str) {
    assert_eq!(reply.status, status, "{}", reply.text());
    let body = reply.json();
    assert_eq!(body["statusCode"], status);
    let text = body["message"].as_str().unwrap();
    assert!(text.contains(message), "{text}");
    let correlation = body["correlationId"].as_str().unwrap();
    assert_eq!(reply.header("x-correlation-id"), Some(correlation));
}

#[test]
fn app_service_errors() {
    let emu = small();
    let m = mi(&emu);
    let resource = encode(RESOURCE);
    let ok_query = format!("api-version=2019-08-01&resource={resource}");
    // The SSRF header: missing, wrong, or the other version's.
    let missing = ask(&emu, &format!("/msi/token?{ok_query}"), &[]);
    assert_app_service_error(&missing, 401, "X-IDENTITY-HEADER");
    let wrong = ask(
        &emu,
        &format!("/msi/token?{ok_query}"),
        &[("X-IDENTITY-HEADER", "wrong")],
    );
    assert_app_service_error(&wrong, 401, "missing or wrong");
    assert!(
        !wrong.text().contains("emulator-identity-header"),
        "never echoes the secret"
    );
    let secret = m["msi"]["secret"].as_str().unwrap();
    let other = ask(
        &emu,
        &format!("/msi/token?{ok_query}"),
        &[("Secret", secret)],
    );
    assert_app_service_error(&other, 401, "X-IDENTITY-HEADER");
    // api-version.
    assert_app_service_error(
        &app_service(&emu, &format!("resource={resource}")),
        400,
        "api-version query parameter is required",
    );
    assert_app_service_error(
        &app_service(&emu, &format!("api-version=2018-02-01&resource={resource}")),
        400,
        "'2018-02-01' is not supported",
    );
    // resource.
    assert_app_service_error(
        &app_service(&emu, "api-version=2019-08-01"),
        400,
        "resource query parameter is required",
    );
    let unknown = app_service(
        &emu,
        "api-version=2019-08-01&resource=https%3A%2F%2Fvault.azure.net",
    );
    assert_app_service_error(&unknown, 400, "AADSTS500011");
    assert!(unknown.text().contains("https://vault.azure.net"));
    // Another cloud's resource is unknown here.
    assert_app_service_error(
        &app_service(
            &emu,
            "api-version=2019-08-01&resource=https%3A%2F%2Fmanagement.usgovcloudapi.net",
        ),
        400,
        "AADSTS500011",
    );
    // Identities.
    assert_app_service_error(
        &app_service(
            &emu,
            &format!("{ok_query}&client_id={}", uuid::Uuid::new_v4()),
        ),
        400,
        "Unable to load the proper Managed Identity.",
    );
    let ua = &m["userAssigned"];
    assert_app_service_error(
        &app_service(
            &emu,
            &format!(
                "{ok_query}&client_id={}&object_id={}",
                ua["clientId"].as_str().unwrap(),
                ua["objectId"].as_str().unwrap()
            ),
        ),
        400,
        "Only one of",
    );
    assert_app_service_error(
        &app_service(
            &emu,
            &format!("{ok_query}&clientid={}", ua["clientId"].as_str().unwrap()),
        ),
        400,
        "'clientid' is not supported",
    );
}

#[test]
fn the_older_api_version_takes_secret_and_writes_dates() {
    let emu = small();
    let m = mi(&emu);
    let secret = m["msi"]["secret"].as_str().unwrap().to_string();
    let legacy = |query: &str, headers: &[(&str, &str)]| {
        ask(
            &emu,
            &format!("/msi/token?api-version=2017-09-01&{query}"),
            headers,
        )
    };
    let resource = format!("resource={}", encode(RESOURCE));
    let reply = legacy(&resource, &[("Secret", &secret)]);
    assert_eq!(reply.status, 200, "{}", reply.text());
    let body = reply.json();
    assert_eq!(body["resource"], RESOURCE);
    assert_eq!(body["token_type"], "Bearer");
    assert!(body.get("client_id").is_none());
    let token = body["access_token"].as_str().unwrap();
    let exp = claims(token)["exp"].as_i64().unwrap();
    let expected = chrono::DateTime::from_timestamp(exp, 0)
        .unwrap()
        .format("%-m/%-d/%Y %-I:%M:%S %p +00:00")
        .to_string();
    assert_eq!(body["expires_on"], expected, "as a Windows host writes it");
    let parsed = chrono::NaiveDateTime::parse_from_str(
        body["expires_on"]
            .as_str()
            .unwrap()
            .trim_end_matches(" +00:00"),
        "%m/%d/%Y %I:%M:%S %p",
    )
    .unwrap();
    assert_eq!(parsed.and_utc().timestamp(), exp);
    assert_eq!(get(&emu, &assignments(&emu), token).status, 200);

    emu.set_faults(Faults {
        msi_linux_dates: true,
        ..Faults::default()
    });
    let linux = legacy(&resource, &[("Secret", &secret)]).json();
    let exp = claims(linux["access_token"].as_str().unwrap())["exp"]
        .as_i64()
        .unwrap();
    let expected = chrono::DateTime::from_timestamp(exp, 0)
        .unwrap()
        .format("%m/%d/%Y %H:%M:%S +00:00")
        .to_string();
    assert_eq!(linux["expires_on"], expected, "as a Linux host writes it");

    // The user-assigned identity by `clientid` only.
    let ua = &m["userAssigned"];
    let reply = legacy(
        &format!("{resource}&clientid={}", ua["clientId"].as_str().unwrap()),
        &[("Secret", &secret)],
    );
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(
        claims(reply.json()["access_token"].as_str().unwrap())["appid"],
        ua["clientId"]
    );
    let reply = legacy(
        &format!("{resource}&client_id={}", ua["clientId"].as_str().unwrap()),
        &[("Secret", &secret)],
    );
    assert_app_service_error(&reply, 400, "'client_id' is not supported");
    // The other version's header does not do.
    let identity_header = m["appService"]["identityHeader"].as_str().unwrap();
    let reply = legacy(&resource, &[("X-IDENTITY-HEADER", identity_header)]);
    assert_app_service_error(&reply, 401, "Secret");
    assert_app_service_error(&legacy(&resource, &[("Secret", "nope")]), 401, "Secret");
}

fn assert_imds_error(reply: &Reply, status: u16, error: &str, description: &str) {
    assert_eq!(reply.status, status, "{}", reply.text());
    let body = reply.json();
    assert_eq!(body["error"], error);
    let text = body["error_description"].as_str().unwrap();
    assert!(text.contains(description), "{text}");
}

#[test]
fn the_instance_metadata_service() {
    let emu = small();
    let m = mi(&emu);
    let before = now_epoch();
    let resource = format!("resource={}", encode(RESOURCE));
    let reply = imds(&emu, &format!("api-version=2018-02-01&{resource}"));
    assert_eq!(reply.status, 200, "{}", reply.text());
    let body = reply.json();
    assert_eq!(body["client_id"], m["systemAssigned"]["clientId"]);
    assert_eq!(body["expires_in"], "3600");
    assert_eq!(body["ext_expires_in"], "3600");
    assert_eq!(body["resource"], RESOURCE);
    assert_eq!(body["token_type"], "Bearer");
    let expires_on: i64 = body["expires_on"].as_str().unwrap().parse().unwrap();
    let not_before: i64 = body["not_before"].as_str().unwrap().parse().unwrap();
    assert!((expires_on - before - 3600).abs() <= 2);
    let c = claims(body["access_token"].as_str().unwrap());
    assert_eq!(c["exp"].as_i64().unwrap(), expires_on);
    assert_eq!(c["nbf"].as_i64().unwrap(), not_before);
    assert_eq!(
        get(
            &emu,
            &assignments(&emu),
            body["access_token"].as_str().unwrap()
        )
        .status,
        200
    );
    let ua = &m["userAssigned"];
    for (name, value) in [
        ("client_id", &ua["clientId"]),
        ("object_id", &ua["objectId"]),
        ("msi_res_id", &ua["resourceId"]),
    ] {
        let reply = imds(
            &emu,
            &format!(
                "api-version=2018-02-01&{resource}&{name}={}",
                encode(value.as_str().unwrap())
            ),
        );
        assert_eq!(reply.status, 200, "{name}: {}", reply.text());
        assert_eq!(reply.json()["client_id"], ua["clientId"], "{name}");
    }

    // Errors.
    let path = format!("/metadata/identity/oauth2/token?api-version=2018-02-01&{resource}");
    assert_imds_error(
        &ask(&emu, &path, &[]),
        400,
        "invalid_request",
        "Required metadata header not specified",
    );
    assert_imds_error(
        &ask(&emu, &path, &[("Metadata", "True")]),
        400,
        "invalid_request",
        "Required metadata header not specified",
    );
    assert_imds_error(
        &imds(&emu, &resource),
        400,
        "invalid_request",
        "'api-version' is missing",
    );
    assert_imds_error(
        &imds(&emu, &format!("api-version=2017-09-01&{resource}")),
        400,
        "invalid_request",
        "Invalid api-version",
    );
    assert_imds_error(
        &imds(&emu, "api-version=2018-02-01"),
        400,
        "invalid_request",
        "'resource' is missing",
    );
    assert_imds_error(
        &imds(
            &emu,
            &format!(
                "api-version=2018-02-01&{resource}&client_id={}",
                uuid::Uuid::new_v4()
            ),
        ),
        400,
        "invalid_request",
        "Identity not found",
    );
    assert_imds_error(
        &imds(
            &emu,
            "api-version=2018-02-01&resource=https%3A%2F%2Fstorage.azure.com%2F",
        ),
        400,
        "invalid_resource",
        "AADSTS500011",
    );
}

#[test]
fn unavailable_endpoints_answer_503() {
    let emu = small();
    emu.set_faults(Faults {
        managed_identity_unavailable: true,
        ..Faults::default()
    });
    let resource = format!("api-version=2019-08-01&resource={}", encode(RESOURCE));
    let reply = app_service(&emu, &resource);
    assert_app_service_error(&reply, 503, "temporarily unavailable");
    let reply = imds(
        &emu,
        &format!("api-version=2018-02-01&resource={}", encode(RESOURCE)),
    );
    assert_imds_error(
        &reply,
        503,
        "service_unavailable",
        "temporarily unavailable",
    );
    assert_eq!(emu.stats()["managedIdentityRequests"], 2);
    assert_eq!(emu.stats()["byStatus"]["503"], 2);
    let cleared = json_request(&emu, "POST", "/_emulator/faults/clear", &[], &json!({}));
    assert_eq!(cleared.status, 204);
    assert_eq!(app_service(&emu, &resource).status, 200);
}

#[test]
fn tokens_follow_the_cloud() {
    let emu = start(Config {
        cloud: Cloud::UsGovernment,
        ..Config::default()
    });
    let reply = imds(
        &emu,
        "api-version=2018-02-01&resource=https%3A%2F%2Fmanagement.usgovcloudapi.net%2F",
    );
    assert_eq!(reply.status, 200, "{}", reply.text());
    let token = reply.json()["access_token"].as_str().unwrap().to_string();
    assert_eq!(
        claims(&token)["aud"],
        "https://management.usgovcloudapi.net"
    );
    assert_eq!(get(&emu, &assignments(&emu), &token).status, 200);
    assert_imds_error(
        &imds(
            &emu,
            &format!("api-version=2018-02-01&resource={}", encode(RESOURCE)),
        ),
        400,
        "invalid_resource",
        "AADSTS500011",
    );
}
