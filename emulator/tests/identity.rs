mod common;

use std::time::Duration;

use common::*;
use delegated_admin_emulator::Config;
use serde_json::json;

fn token_path(emu: &delegated_admin_emulator::Emulator) -> String {
    format!(
        "/{}/oauth2/v2.0/token",
        emu.fixtures()["tenantId"].as_str().unwrap()
    )
}

#[test]
fn client_credentials_issue_tokens_for_known_resources() {
    let emu = small();
    let f = emu.fixtures();
    let reply = form(
        &emu,
        "/organizations/oauth2/v2.0/token",
        &[
            ("grant_type", "client_credentials"),
            ("client_id", f["clientId"].as_str().unwrap()),
            ("client_secret", f["clientSecret"].as_str().unwrap()),
            ("scope", ARM),
        ],
    );
    assert_eq!(reply.status, 200);
    let body = reply.json();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3600);
    assert_eq!(body["scope"], ARM);
    assert!(body.get("refresh_token").is_none());
    assert_ne!(token(&emu, ARM), body["access_token"].as_str().unwrap());
    assert_eq!(emu.stats()["tokenRequests"], 2);
}

/// (target, form fields, status, error, AADSTS code)
type Case<'a> = (String, Vec<(&'a str, &'a str)>, u16, &'a str, u64);

#[test]
fn identity_errors_have_the_aadsts_shape() {
    let emu = small();
    let f = emu.fixtures();
    let id = f["clientId"].as_str().unwrap();
    let secret = f["clientSecret"].as_str().unwrap();
    let path = token_path(&emu);
    let two_resources = format!("{ARM} {PARTNER_CENTER}");
    let cases: Vec<Case> = vec![
        (
            "/contoso/oauth2/v2.0/token".into(),
            vec![("grant_type", "client_credentials")],
            400,
            "invalid_request",
            90002,
        ),
        (
            path.clone(),
            vec![
                ("grant_type", "client_credentials"),
                ("client_id", "nope"),
                ("client_secret", secret),
                ("scope", ARM),
            ],
            400,
            "unauthorized_client",
            700016,
        ),
        (
            path.clone(),
            vec![
                ("grant_type", "client_credentials"),
                ("client_id", id),
                ("client_secret", "wrong"),
                ("scope", ARM),
            ],
            401,
            "invalid_client",
            7000215,
        ),
        (
            path.clone(),
            vec![
                ("grant_type", "client_credentials"),
                ("client_id", id),
                ("client_secret", secret),
                ("scope", "https://outlook.office.com/.default"),
            ],
            400,
            "invalid_scope",
            70011,
        ),
        (
            path.clone(),
            vec![
                ("grant_type", "client_credentials"),
                ("client_id", id),
                ("client_secret", secret),
                ("scope", &two_resources),
            ],
            400,
            "invalid_scope",
            70011,
        ),
        (
            path.clone(),
            vec![("grant_type", "password")],
            400,
            "unsupported_grant_type",
            70003,
        ),
        (
            path.clone(),
            vec![("client_id", id)],
            400,
            "invalid_request",
            900144,
        ),
    ];
    for (target, pairs, status, error, code) in cases {
        let reply = form(&emu, &target, &pairs);
        assert_eq!(reply.status, status, "{pairs:?}: {}", reply.text());
        let body = reply.json();
        assert_eq!(body["error"], error, "{pairs:?}");
        assert_eq!(body["error_codes"], json!([code]));
        assert!(body["error_description"]
            .as_str()
            .unwrap()
            .starts_with(&format!("AADSTS{code}: ")));
        for field in ["timestamp", "trace_id", "correlation_id"] {
            assert!(body[field].is_string(), "{field}");
        }
    }
    // offline_access and friends may accompany the resource scope.
    let reply = form(
        &emu,
        &path,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", id),
            ("client_secret", secret),
            ("scope", &format!("offline_access openid profile {ARM}")),
        ],
    );
    assert_eq!(reply.status, 200);
}

#[test]
fn bearer_tokens_are_checked_per_service() {
    let emu = small();
    let f = emu.fixtures();
    let sub = f["subscriptions"][0]["subscriptionId"].as_str().unwrap();
    let arm_list = format!("/subscriptions/{sub}/providers/Microsoft.ManagedServices/registrationAssignments?api-version=2022-10-01");
    let pc_token = token(&emu, PARTNER_CENTER);
    let arm_token = token(&emu, ARM);

    assert_eq!(get(&emu, &arm_list, &arm_token).status, 200);
    let wrong = get(&emu, &arm_list, &pc_token);
    assert_eq!(wrong.status, 403);
    assert_eq!(
        wrong.json()["error"]["code"],
        "InvalidAuthenticationTokenAudience"
    );

    let missing = send(emu.url(), "GET", &arm_list, &[], None);
    assert_eq!(missing.status, 401);
    assert!(missing
        .header("www-authenticate")
        .unwrap()
        .starts_with("Bearer"));
    assert_eq!(missing.json()["error"]["code"], "AuthenticationFailed");
    assert_eq!(get(&emu, &arm_list, "made-up").status, 401);

    let pc = get(&emu, CUSTOMERS_PATH, &pc_token);
    assert_eq!(pc.status, 403);
    let pc_missing = send(emu.url(), "GET", CUSTOMERS_PATH, &[], None);
    assert_eq!(pc_missing.status, 401);
    assert_eq!(pc_missing.json()["code"], 800001);
    assert_eq!(
        pc_missing.json()["description"],
        "Partner Token missing in request context"
    );
}

#[test]
fn expired_tokens_are_refused() {
    let emu = small();
    let t = token(&emu, CUSTOMERS_API);
    assert_eq!(get(&emu, CUSTOMERS_PATH, &t).status, 200);
    emu.expire_tokens();
    let reply = get(&emu, CUSTOMERS_PATH, &t);
    assert_eq!(reply.status, 401);
    assert!(reply.header("www-authenticate").is_some());

    let t = token(&emu, CUSTOMERS_API);
    assert_eq!(
        send(emu.url(), "POST", "/_emulator/tokens/expire", &[], None).status,
        204
    );
    assert_eq!(get(&emu, CUSTOMERS_PATH, &t).status, 401);

    let short = start(Config {
        token_lifetime: 1,
        ..Config::default()
    });
    let t = token(&short, CUSTOMERS_API);
    assert_eq!(get(&short, CUSTOMERS_PATH, &t).status, 200);
    std::thread::sleep(Duration::from_millis(1100));
    assert_eq!(get(&short, CUSTOMERS_PATH, &t).status, 401);
}

fn start_device_flow(
    emu: &delegated_admin_emulator::Emulator,
    client_id: &str,
) -> serde_json::Value {
    let reply = form(
        emu,
        "/organizations/oauth2/v2.0/devicecode",
        &[
            ("client_id", client_id),
            ("scope", &format!("{PARTNER_CENTER} offline_access")),
        ],
    );
    assert_eq!(reply.status, 200, "{}", reply.text());
    reply.json()
}

fn poll(emu: &delegated_admin_emulator::Emulator, client_id: &str, device_code: &str) -> Reply {
    form(
        emu,
        "/organizations/oauth2/v2.0/token",
        &[
            ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
            ("client_id", client_id),
            ("device_code", device_code),
        ],
    )
}

#[test]
fn device_code_flow_and_refresh_token_rotation() {
    let emu = start(Config {
        device_interval: 1,
        ..Config::default()
    });
    let client = "14d82eec-204b-4c2f-b7e8-296a70dab67e";
    let flow = start_device_flow(&emu, client);
    let user_code = flow["user_code"].as_str().unwrap();
    assert_eq!(user_code.len(), 9);
    assert!(user_code
        .chars()
        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()));
    assert_eq!(
        flow["verification_uri"],
        format!("{}/devicelogin", emu.url())
    );
    assert_eq!(flow["expires_in"], 900);
    assert_eq!(flow["interval"], 1);
    assert!(flow["message"].as_str().unwrap().contains(user_code));
    let device_code = flow["device_code"].as_str().unwrap();

    assert_eq!(
        poll(&emu, client, device_code).json()["error"],
        "authorization_pending"
    );
    assert_eq!(poll(&emu, client, device_code).json()["error"], "slow_down");
    assert_eq!(
        poll(&emu, client, "nope").json()["error"],
        "bad_verification_code"
    );
    std::thread::sleep(Duration::from_millis(1050));
    assert_eq!(
        poll(&emu, client, device_code).json()["error"],
        "authorization_pending"
    );

    let approve = json_request(
        &emu,
        "POST",
        "/_emulator/device/approve",
        &[],
        &json!({ "userCode": user_code }),
    );
    assert_eq!(approve.status, 200);
    assert_eq!(
        json_request(
            &emu,
            "POST",
            "/_emulator/device/approve",
            &[],
            &json!({ "userCode": "NOPE12345" })
        )
        .status,
        404
    );
    std::thread::sleep(Duration::from_millis(1050));
    let tokens = poll(&emu, client, device_code);
    assert_eq!(tokens.status, 200, "{}", tokens.text());
    let tokens = tokens.json();
    let access = tokens["access_token"].as_str().unwrap();
    assert_eq!(
        get(
            &emu,
            "/v1/customers/00000000-0000-0000-0000-000000000000",
            access
        )
        .status,
        404
    );
    let refresh = tokens["refresh_token"].as_str().unwrap().to_string();

    let redeem = |rt: &str| {
        form(
            &emu,
            "/common/oauth2/v2.0/token",
            &[
                ("grant_type", "refresh_token"),
                ("client_id", client),
                ("refresh_token", rt),
                ("scope", ARM),
            ],
        )
    };
    let first = redeem(&refresh);
    assert_eq!(first.status, 200, "{}", first.text());
    let rotated = first.json()["refresh_token"].as_str().unwrap().to_string();
    assert_ne!(rotated, refresh);
    let reused = redeem(&refresh);
    assert_eq!(reused.status, 400);
    assert_eq!(reused.json()["error"], "invalid_grant");
    assert_eq!(redeem("never-issued").json()["error"], "invalid_grant");
    assert_eq!(redeem(&rotated).status, 200);
}

#[test]
fn denied_device_code_is_declined() {
    let emu = small();
    let client = "14d82eec-204b-4c2f-b7e8-296a70dab67e";
    let flow = start_device_flow(&emu, client);
    assert!(emu.deny_device_code(flow["user_code"].as_str().unwrap()));
    let reply = poll(&emu, client, flow["device_code"].as_str().unwrap());
    assert_eq!(reply.status, 400);
    assert_eq!(reply.json()["error"], "authorization_declined");
    assert!(!emu.approve_device_code(flow["user_code"].as_str().unwrap()));

    let page = send(emu.url(), "GET", "/devicelogin", &[], None);
    assert_eq!(page.status, 200);
    assert!(page
        .header("content-type")
        .unwrap()
        .starts_with("text/html"));
}
