//! Access tokens are JWTs with the claims of v1.0 tokens: app tokens and user tokens, MFA in `amr`.

mod common;

use common::*;
use delegated_admin_emulator::{Config, Emulator, Faults};
use serde_json::{json, Value};

const PUBLIC_CLIENT: &str = "1950a258-227b-4e31-a9cf-717495945fc2";

/// A user token (and its refresh token) through the device code flow.
fn device_code_tokens(emu: &Emulator, scope: &str) -> Value {
    let flow = form(
        emu,
        "/organizations/oauth2/v2.0/devicecode",
        &[("client_id", PUBLIC_CLIENT), ("scope", scope)],
    )
    .json();
    assert!(emu.approve_device_code(flow["user_code"].as_str().unwrap()));
    let reply = form(
        emu,
        "/organizations/oauth2/v2.0/token",
        &[
            ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
            ("client_id", PUBLIC_CLIENT),
            ("device_code", flow["device_code"].as_str().unwrap()),
        ],
    );
    assert_eq!(reply.status, 200, "{}", reply.text());
    reply.json()
}

fn refresh(emu: &Emulator, refresh_token: &str, scope: &str) -> Value {
    let reply = form(
        emu,
        "/organizations/oauth2/v2.0/token",
        &[
            ("grant_type", "refresh_token"),
            ("client_id", PUBLIC_CLIENT),
            ("refresh_token", refresh_token),
            ("scope", scope),
        ],
    );
    assert_eq!(reply.status, 200, "{}", reply.text());
    reply.json()
}

#[test]
fn app_tokens_are_jwts_with_app_claims() {
    let emu = small();
    let f = emu.fixtures();
    let tenant = f["tenantId"].as_str().unwrap();
    let before = now_epoch();
    let token = token(&emu, ARM);
    let (header, c) = jwt_parts(&token);
    assert_eq!(
        header,
        json!({ "typ": "JWT", "alg": "RS256", "kid": "emulator" })
    );
    assert_eq!(c["aud"], "https://management.azure.com");
    assert_eq!(c["iss"], format!("https://sts.windows.net/{tenant}/"));
    assert_eq!(c["iss"], f["issuer"]);
    assert_eq!(c["tid"], tenant);
    assert_eq!(c["appid"], f["clientId"]);
    assert_eq!(c["azp"], f["clientId"]);
    assert_eq!(c["oid"], f["appObjectId"]);
    assert_eq!(c["idtyp"], "app");
    assert_eq!(c["ver"], "1.0");
    assert_eq!(c["roles"], json!([]));
    for user_claim in ["scp", "amr", "upn"] {
        assert!(c.get(user_claim).is_none(), "{user_claim}");
    }
    let (iat, nbf, exp) = (
        c["iat"].as_i64().unwrap(),
        c["nbf"].as_i64().unwrap(),
        c["exp"].as_i64().unwrap(),
    );
    assert_eq!(iat, nbf);
    assert!(
        nbf <= before && nbf >= before - 301,
        "nbf {nbf} is five minutes back"
    );
    assert!(
        (exp - before - 3600).abs() <= 2,
        "exp {exp} is an hour ahead"
    );

    let graph = claims(&self::token(&emu, GRAPH));
    assert_eq!(graph["aud"], "https://graph.microsoft.com");
    assert_eq!(
        graph["roles"],
        json!(["DelegatedAdminRelationship.ReadWrite.All"])
    );
    // The token works where it belongs, by its full text.
    let sub = f["subscriptions"][0]["subscriptionId"].as_str().unwrap();
    let list = format!("/subscriptions/{sub}/providers/Microsoft.ManagedServices/registrationAssignments?api-version=2022-10-01");
    assert_eq!(get(&emu, &list, &token).status, 200);
}

#[test]
fn user_tokens_carry_the_user_and_mfa() {
    let emu = small();
    let f = emu.fixtures();
    let tokens = device_code_tokens(
        &emu,
        "https://api.partnercenter.microsoft.com/user_impersonation offline_access",
    );
    let refresh_token = tokens["refresh_token"].as_str().unwrap();
    assert!(
        refresh_token.starts_with("emu-rt."),
        "refresh tokens stay opaque"
    );
    let c = claims(tokens["access_token"].as_str().unwrap());
    assert_eq!(c["aud"], "https://api.partnercenter.microsoft.com");
    assert_eq!(c["idtyp"], "user");
    assert_eq!(c["amr"], json!(["pwd", "mfa"]));
    assert_eq!(c["scp"], "user_impersonation");
    assert_eq!(c["upn"], f["user"]["upn"]);
    assert_eq!(c["unique_name"], f["user"]["upn"]);
    assert_eq!(c["oid"], f["user"]["objectId"]);
    assert_eq!(c["appid"], PUBLIC_CLIENT);
    assert_eq!(c["azp"], PUBLIC_CLIENT);
    assert!(c.get("roles").is_none());

    // A refreshed token is the same user's, for the resource now asked.
    let refreshed = refresh(
        &emu,
        refresh_token,
        "DelegatedAdminRelationship.ReadWrite.All",
    );
    let c = claims(refreshed["access_token"].as_str().unwrap());
    assert_eq!(c["aud"], "https://graph.microsoft.com");
    assert_eq!(c["scp"], "DelegatedAdminRelationship.ReadWrite.All");
    assert_eq!(c["upn"], f["user"]["upn"]);
    assert_eq!(c["idtyp"], "user");

    // The standing fault: user tokens without MFA, until it is cleared.
    emu.set_faults(Faults {
        user_tokens_without_mfa: true,
        ..Faults::default()
    });
    let next = refresh(
        &emu,
        refreshed["refresh_token"].as_str().unwrap(),
        "https://api.partnercenter.microsoft.com/user_impersonation",
    );
    assert_eq!(
        claims(next["access_token"].as_str().unwrap())["amr"],
        json!(["pwd"])
    );
    // App tokens are not affected (they carry no amr at all).
    assert!(claims(&token(&emu, PARTNER_CENTER)).get("amr").is_none());
    emu.set_faults(Faults::default());
    let again = refresh(
        &emu,
        next["refresh_token"].as_str().unwrap(),
        "https://api.partnercenter.microsoft.com/user_impersonation",
    );
    assert_eq!(
        claims(again["access_token"].as_str().unwrap())["amr"],
        json!(["pwd", "mfa"])
    );
}

#[test]
fn the_fault_is_set_over_http_too() {
    let emu = small();
    let reply = json_request(
        &emu,
        "POST",
        "/_emulator/faults",
        &[],
        &json!({ "userTokensWithoutMfa": true }),
    );
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json()["userTokensWithoutMfa"], true);
    let tokens = device_code_tokens(&emu, "https://management.azure.com/user_impersonation");
    assert_eq!(
        claims(tokens["access_token"].as_str().unwrap())["amr"],
        json!(["pwd"])
    );
}

#[test]
fn only_issued_token_texts_are_accepted() {
    let emu = start(Config {
        token_lifetime: 3600,
        ..Config::default()
    });
    let token = token(&emu, CUSTOMERS_API);
    assert_eq!(get(&emu, CUSTOMERS_PATH, &token).status, 200);
    // The same claims, re-encoded (a forged token): not issued here.
    let parts: Vec<&str> = token.split('.').collect();
    let mut c = claims(&token);
    c["exp"] = json!(c["exp"].as_i64().unwrap() + 1);
    let forged = format!(
        "{}.{}.{}",
        parts[0],
        base64url_encode(c.to_string().as_bytes()),
        parts[2]
    );
    let reply = get(&emu, CUSTOMERS_PATH, &forged);
    assert_eq!(reply.status, 401);
    assert_eq!(reply.json()["code"], 800001);
    // Every token text is new, even for the same request.
    assert_ne!(token, self::token(&emu, CUSTOMERS_API));
}
