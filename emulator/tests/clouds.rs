//! National clouds: each service's token audience follows the cloud; services a cloud lacks are refused.

mod common;

use common::*;
use delegated_admin_emulator::{Cloud, Config, Emulator};
use serde_json::{json, Value};

const GOV_ARM: &str = "https://management.usgovcloudapi.net/.default";
const GOV_GRAPH: &str = "https://graph.microsoft.us/.default";
const CHINA_ARM: &str = "https://management.chinacloudapi.cn/.default";
const CHINA_GRAPH: &str = "https://microsoftgraph.chinacloudapi.cn/.default";
const CHINA_PC: &str = "https://partner.partnercenterapi.microsoftonline.cn/.default";
const GRAPH_LIST: &str = "/v1.0/tenantRelationships/delegatedAdminRelationships?$top=1";

fn in_cloud(cloud: Cloud) -> Emulator {
    start(Config {
        cloud,
        customers: 5,
        ..Config::default()
    })
}

fn client_credentials(emu: &Emulator, scope: &str) -> Reply {
    let f = emu.fixtures();
    form(
        emu,
        &token_path(emu),
        &[
            ("grant_type", "client_credentials"),
            ("client_id", f["clientId"].as_str().unwrap()),
            ("client_secret", f["clientSecret"].as_str().unwrap()),
            ("scope", scope),
        ],
    )
}

fn assignments_path(emu: &Emulator) -> String {
    let sub = emu.fixtures()["subscriptions"][0]["subscriptionId"]
        .as_str()
        .unwrap()
        .to_string();
    format!("/subscriptions/{sub}/providers/Microsoft.ManagedServices/registrationAssignments?api-version=2022-10-01")
}

fn assert_invalid_scope(reply: &Reply, scope: &str, why: &str) {
    assert_eq!(reply.status, 400, "{}", reply.text());
    let body = reply.json();
    assert_eq!(body["error"], "invalid_scope");
    assert_eq!(body["error_codes"], json!([70011]));
    let description = body["error_description"].as_str().unwrap();
    assert!(description.starts_with("AADSTS70011: "), "{description}");
    assert!(description.contains(&format!("'{scope}'")), "{description}");
    assert!(description.contains(why), "{description}");
}

#[test]
fn fixtures_name_the_cloud_and_its_audiences() {
    let public = small().fixtures();
    assert_eq!(public["cloud"], "public");
    assert_eq!(public["loginHost"], "login.microsoftonline.com");
    assert_eq!(
        public["audiences"],
        json!({
            "partnerCenter": "https://api.partnercenter.microsoft.com",
            "customerAdmin": "https://api.partnercustomeradministration.microsoft.com",
            "cloudCockpit": "api://b92a36a4-feb8-4f47-a69c-29a180aa6d0a",
            "resourceManager": "https://management.azure.com",
            "graph": "https://graph.microsoft.com",
        })
    );
    let gov = in_cloud(Cloud::UsGovernment).fixtures();
    assert_eq!(gov["cloud"], "usGovernment");
    assert_eq!(gov["loginHost"], "login.microsoftonline.us");
    assert_eq!(
        gov["audiences"],
        json!({
            "partnerCenter": "https://api.partnercenter.microsoft.com",
            "customerAdmin": null,
            "cloudCockpit": null,
            "resourceManager": "https://management.usgovcloudapi.net",
            "graph": "https://graph.microsoft.us",
        })
    );
    let tenant = gov["tenantId"].as_str().unwrap();
    assert_eq!(gov["issuer"], format!("https://sts.windows.net/{tenant}/"));
    let china = in_cloud(Cloud::China).fixtures();
    assert_eq!(china["loginHost"], "login.partner.microsoftonline.cn");
    assert_eq!(
        china["audiences"]["partnerCenter"],
        "https://partner.partnercenterapi.microsoftonline.cn"
    );
    assert_eq!(
        china["issuer"],
        format!("https://sts.chinacloudapi.cn/{tenant}/")
    );
}

#[test]
fn us_government_tokens_have_its_audiences() {
    let emu = in_cloud(Cloud::UsGovernment);
    let arm = client_credentials(&emu, GOV_ARM);
    assert_eq!(arm.status, 200, "{}", arm.text());
    let arm = arm.json()["access_token"].as_str().unwrap().to_string();
    assert_eq!(claims(&arm)["aud"], "https://management.usgovcloudapi.net");
    assert_eq!(get(&emu, &assignments_path(&emu), &arm).status, 200);
    let graph = token(&emu, GOV_GRAPH);
    assert_eq!(claims(&graph)["aud"], "https://graph.microsoft.us");
    assert_eq!(get(&emu, GRAPH_LIST, &graph).status, 200);
    // Partner Center has the same resource in the US Government cloud.
    let pc = token(&emu, PARTNER_CENTER);
    assert_eq!(
        claims(&pc)["aud"],
        "https://api.partnercenter.microsoft.com"
    );
    assert_eq!(get(&emu, "/v1/customers?size=1", &pc).status, 200);
    // Still one audience per service: an ARM token is no Graph token.
    assert_eq!(get(&emu, GRAPH_LIST, &arm).status, 401);

    // The commercial scopes are another cloud's.
    assert_invalid_scope(
        &client_credentials(&emu, ARM),
        ARM,
        "management.usgovcloudapi.net",
    );
    assert_invalid_scope(
        &client_credentials(&emu, GRAPH),
        GRAPH,
        "of the public cloud",
    );
    // Public-cloud-only services do not exist here.
    assert_invalid_scope(
        &client_credentials(&emu, CUSTOMERS_API),
        CUSTOMERS_API,
        "does not exist in the US Government cloud",
    );
    assert_invalid_scope(
        &client_credentials(&emu, CLOUDCOCKPIT),
        CLOUDCOCKPIT,
        "does not exist in the US Government cloud",
    );
    // ... in every flow.
    let flow = form(
        &emu,
        "/organizations/oauth2/v2.0/devicecode",
        &[
            ("client_id", "1950a258-227b-4e31-a9cf-717495945fc2"),
            ("scope", "https://management.azure.com/user_impersonation"),
        ],
    );
    assert_eq!(flow.status, 400);
    assert_eq!(flow.json()["error"], "invalid_scope");
}

#[test]
fn services_a_cloud_lacks_answer_404() {
    let emu = in_cloud(Cloud::China);
    let pc = token(&emu, CHINA_PC);
    for path in [
        CUSTOMERS_PATH.to_string(),
        format!(
            "/v1/Customers/{}/delegated-admin-relationships?providerInstanceId={}",
            uuid::Uuid::new_v4(),
            uuid::Uuid::new_v4()
        ),
    ] {
        let reply = get(&emu, &path, &pc);
        assert_eq!(reply.status, 404, "{path}: {}", reply.text());
        assert!(reply.text().contains("does not exist in the China cloud"));
        let anonymous = send(emu.url(), "GET", &path, &[], None);
        assert_eq!(anonymous.status, 404, "{path}");
    }
    // What exists there answers with China's audiences.
    assert_eq!(
        claims(&pc)["aud"],
        "https://partner.partnercenterapi.microsoftonline.cn"
    );
    assert_eq!(
        claims(&pc)["iss"],
        format!(
            "https://sts.chinacloudapi.cn/{}/",
            emu.fixtures()["tenantId"].as_str().unwrap()
        )
    );
    assert_eq!(get(&emu, "/v1/customers?size=1", &pc).status, 200);
    let arm = token(&emu, CHINA_ARM);
    assert_eq!(get(&emu, &assignments_path(&emu), &arm).status, 200);
    let graph = token(&emu, CHINA_GRAPH);
    assert_eq!(get(&emu, GRAPH_LIST, &graph).status, 200);
}

fn error_of(reply: &Reply) -> Value {
    reply.json()["error"].clone()
}

#[test]
fn another_clouds_token_is_refused_for_its_audience() {
    let public = small();
    let gov = in_cloud(Cloud::UsGovernment);
    let public_arm = token(&public, ARM);
    let reply = get(&gov, &assignments_path(&gov), &public_arm);
    assert_eq!(reply.status, 401, "{}", reply.text());
    assert_eq!(
        error_of(&reply)["code"],
        "InvalidAuthenticationTokenAudience"
    );
    let message = error_of(&reply)["message"].as_str().unwrap().to_string();
    assert!(
        message.contains("'https://management.azure.com'"),
        "{message}"
    );
    assert!(
        message.contains("https://management.usgovcloudapi.net"),
        "{message}"
    );
    assert!(reply
        .header("www-authenticate")
        .unwrap()
        .contains("invalid_token"));

    let public_graph = token(&public, GRAPH);
    let reply = get(&gov, GRAPH_LIST, &public_graph);
    assert_eq!(reply.status, 401);
    assert_eq!(error_of(&reply)["code"], "InvalidAuthenticationToken");
    assert_eq!(
        error_of(&reply)["message"],
        "Access token validation failure. Invalid audience."
    );

    // And the other way round.
    let gov_arm = token(&gov, GOV_ARM);
    let reply = get(&public, &assignments_path(&public), &gov_arm);
    assert_eq!(reply.status, 401);
    assert_eq!(
        error_of(&reply)["code"],
        "InvalidAuthenticationTokenAudience"
    );
    // A token of this cloud's audience that this emulator never issued is merely invalid.
    let other_public = small();
    let reply = get(
        &public,
        &assignments_path(&public),
        &token(&other_public, ARM),
    );
    assert_eq!(reply.status, 401);
    assert_eq!(error_of(&reply)["code"], "InvalidAuthenticationToken");
}

#[test]
fn cloud_flag_on_the_command_line() {
    let options = delegated_admin_emulator::cli::parse_args(
        ["--cloud", "china"].iter().map(|s| s.to_string()),
    )
    .unwrap();
    match options {
        delegated_admin_emulator::cli::Command::Run(o) => assert_eq!(o.config.cloud, Cloud::China),
        _ => panic!("runs"),
    }
}
