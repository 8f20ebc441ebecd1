//! Interactive sign-in: the authorization code flow with PKCE and a loopback redirect, driven here by an
//! HTTP client instead of a browser.

mod common;

use std::collections::HashMap;
use std::time::Duration;

use common::*;
use delegated_admin_emulator::{Cloud, Config, Emulator, Faults};
use serde_json::json;

const CLIENT: &str = "14d82eec-204b-4c2f-b7e8-296a70dab67e";
const REDIRECT: &str = "http://localhost:8400/";
const VERIFIER: &str = "dBjftJeZ4CVP-mJ92K9xkTO2Kyp53jOJtJi4rAVh_9c";
/// base64url(sha256(VERIFIER)), computed independently (Python's hashlib).
const CHALLENGE: &str = "zASGl2DLCiFtn4GXtlynSyCr01VlspKMoyTwMq_2DPY";
const SCOPE: &str =
    "https://graph.microsoft.com/DelegatedAdminRelationship.ReadWrite.All offline_access";

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
                out.push(u8::from_str_radix(hex, 16).unwrap());
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap()
}

/// The redirect's base and its query parameters.
fn location(reply: &Reply) -> (String, HashMap<String, String>) {
    assert_eq!(reply.status, 302, "{}", reply.text());
    let location = reply.header("location").expect("a Location").to_string();
    let (base, query) = location.split_once('?').expect("a query");
    let params = query
        .split('&')
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap();
            (percent_decode(k), percent_decode(v))
        })
        .collect();
    (base.to_string(), params)
}

fn authorize_query(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn standard(extra: &[(&'static str, &'static str)]) -> Vec<(&'static str, &'static str)> {
    let mut pairs = vec![
        ("client_id", CLIENT),
        ("response_type", "code"),
        ("redirect_uri", REDIRECT),
        ("scope", SCOPE),
        ("state", "the-state"),
        ("code_challenge", CHALLENGE),
        ("code_challenge_method", "S256"),
    ];
    for (k, v) in extra {
        match pairs.iter_mut().find(|(n, _)| n == k) {
            Some(pair) => pair.1 = v,
            None => pairs.push((k, v)),
        }
    }
    pairs
}

fn without(
    pairs: Vec<(&'static str, &'static str)>,
    name: &str,
) -> Vec<(&'static str, &'static str)> {
    pairs.into_iter().filter(|(k, _)| *k != name).collect()
}

fn authorize(emu: &Emulator, pairs: &[(&str, &str)]) -> Reply {
    send(
        emu.url(),
        "GET",
        &format!(
            "/organizations/oauth2/v2.0/authorize?{}",
            authorize_query(pairs)
        ),
        &[],
        None,
    )
}

fn code_of(emu: &Emulator, extra: &[(&'static str, &'static str)]) -> String {
    let (base, params) = location(&authorize(emu, &standard(extra)));
    assert_eq!(base, REDIRECT);
    assert_eq!(params["state"], "the-state");
    assert!(params.contains_key("session_state"));
    params["code"].clone()
}

fn redeem(emu: &Emulator, code: &str, pairs: &[(&str, &str)]) -> Reply {
    let mut all = vec![
        ("grant_type", "authorization_code"),
        ("client_id", CLIENT),
        ("code", code),
        ("redirect_uri", REDIRECT),
        ("code_verifier", VERIFIER),
    ];
    for (k, v) in pairs {
        match all.iter_mut().find(|(n, _)| n == k) {
            Some(pair) => pair.1 = v,
            None => all.push((k, v)),
        }
    }
    form(emu, "/organizations/oauth2/v2.0/token", &all)
}

fn assert_token_error(reply: &Reply, error: &str, code: u64, text: &str) {
    assert_eq!(reply.status, 400, "{}", reply.text());
    let body = reply.json();
    assert_eq!(body["error"], error);
    assert_eq!(body["error_codes"], json!([code]));
    let description = body["error_description"].as_str().unwrap();
    assert!(description.contains(text), "{description}");
}

#[test]
fn sign_in_redirects_with_a_code_the_token_endpoint_redeems_once() {
    let emu = small();
    let code = code_of(
        &emu,
        &[
            ("login_hint", "ops@contoso.com"),
            ("prompt", "select_account"),
        ],
    );
    let reply = redeem(&emu, &code, &[]);
    assert_eq!(reply.status, 200, "{}", reply.text());
    let body = reply.json();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(
        body["scope"],
        "https://graph.microsoft.com/DelegatedAdminRelationship.ReadWrite.All"
    );
    let refresh_token = body["refresh_token"].as_str().unwrap().to_string();
    let access = body["access_token"].as_str().unwrap();
    let c = claims(access);
    assert_eq!(c["idtyp"], "user");
    assert_eq!(c["upn"], "ops@contoso.com", "the login_hint user signed in");
    assert_eq!(c["appid"], CLIENT);
    assert_eq!(c["amr"], json!(["pwd", "mfa"]));
    assert_eq!(c["scp"], "DelegatedAdminRelationship.ReadWrite.All");
    assert_eq!(
        get(
            &emu,
            "/v1.0/tenantRelationships/delegatedAdminRelationships?$top=1",
            access
        )
        .status,
        200
    );
    // Codes are single-use.
    assert_token_error(
        &redeem(&emu, &code, &[]),
        "invalid_grant",
        54005,
        "already redeemed",
    );
    // The refresh token is the same user's.
    let refreshed = form(
        &emu,
        "/organizations/oauth2/v2.0/token",
        &[
            ("grant_type", "refresh_token"),
            ("client_id", CLIENT),
            ("refresh_token", &refresh_token),
            ("scope", "https://management.azure.com/user_impersonation"),
        ],
    );
    assert_eq!(refreshed.status, 200, "{}", refreshed.text());
    assert_eq!(
        claims(refreshed.json()["access_token"].as_str().unwrap())["upn"],
        "ops@contoso.com"
    );
    // Without login_hint, the seeded admin signs in.
    let code = code_of(&emu, &[]);
    let c = claims(
        redeem(&emu, &code, &[]).json()["access_token"]
            .as_str()
            .unwrap(),
    );
    assert_eq!(c["upn"], emu.fixtures()["user"]["upn"]);
    assert_eq!(emu.stats()["authorizeRequests"], 2);
}

#[test]
fn redemption_checks_verifier_redirect_client_and_age() {
    let emu = small();
    let code = code_of(&emu, &[]);
    assert_token_error(
        &redeem(&emu, &code, &[("code_verifier", "x-wrong-verifier-x-wrong-verifier-x-wrong-verifier")]),
        "invalid_grant",
        501481,
        "The Code_Verifier does not match the code_challenge supplied in the authorization request.",
    );
    assert_token_error(
        &redeem(&emu, &code, &[("redirect_uri", "http://localhost:8401/")]),
        "invalid_grant",
        500112,
        "'http://localhost:8401/' does not match the reply address 'http://localhost:8400/'",
    );
    assert_token_error(
        &redeem(
            &emu,
            &code,
            &[("client_id", "1950a258-227b-4e31-a9cf-717495945fc2")],
        ),
        "invalid_grant",
        70000,
        "issued to a different client",
    );
    assert_token_error(
        &redeem(&emu, "emu-ac.never-issued", &[]),
        "invalid_grant",
        9002313,
        "malformed or invalid",
    );
    let missing = form(
        &emu,
        "/organizations/oauth2/v2.0/token",
        &[
            ("grant_type", "authorization_code"),
            ("client_id", CLIENT),
            ("code", &code),
            ("redirect_uri", REDIRECT),
        ],
    );
    assert_token_error(&missing, "invalid_request", 900144, "'code_verifier'");
    assert_token_error(
        &redeem(
            &emu,
            &code,
            &[("scope", "https://management.azure.com/.default")],
        ),
        "invalid_grant",
        70000,
        "another resource",
    );
    // Failed attempts leave the code usable.
    assert_eq!(redeem(&emu, &code, &[]).status, 200);

    let short = start(Config {
        auth_code_lifetime: 1,
        ..Config::default()
    });
    let code = code_of(&short, &[]);
    std::thread::sleep(Duration::from_millis(1100));
    assert_token_error(
        &redeem(&short, &code, &[]),
        "invalid_grant",
        70008,
        "expired",
    );
}

#[test]
fn a_confidential_client_proves_itself_when_redeeming() {
    let emu = small();
    let f = emu.fixtures();
    let client = f["clientId"].as_str().unwrap();
    let (_, params) = location(&authorize(
        &emu,
        &standard(&[])
            .into_iter()
            .map(|(k, v)| {
                if k == "client_id" {
                    (k, client)
                } else {
                    (k, v)
                }
            })
            .collect::<Vec<_>>(),
    ));
    let code = params["code"].clone();
    let wrong = redeem(
        &emu,
        &code,
        &[("client_id", client), ("client_secret", "wrong")],
    );
    assert_eq!(wrong.status, 401);
    assert_eq!(wrong.json()["error_codes"], json!([7000215]));
    let right = redeem(
        &emu,
        &code,
        &[
            ("client_id", client),
            ("client_secret", f["clientSecret"].as_str().unwrap()),
        ],
    );
    assert_eq!(right.status, 200, "{}", right.text());
}

/// An error page: 400, HTML, naming the AADSTS code.
fn assert_page(reply: &Reply, code: u32, text: &str) {
    assert_eq!(reply.status, 400, "{}", reply.text());
    assert!(reply.header("location").is_none());
    assert!(reply
        .header("content-type")
        .unwrap()
        .starts_with("text/html"));
    let body = reply.text();
    assert!(body.contains(&format!("AADSTS{code}: ")), "{body}");
    assert!(body.contains(text), "{body}");
}

#[test]
fn errors_before_the_redirect_is_trusted_are_pages() {
    let emu = small();
    for redirect in [
        "https://app.contoso.com/callback",
        "http://localhost.contoso.com:8400/",
        "http://10.0.0.1:8400/",
        "http://localhost:8400/#fragment",
    ] {
        let reply = authorize(&emu, &standard(&[("redirect_uri", redirect)]));
        assert_page(
            &reply,
            50011,
            "does not match the redirect URIs configured for the application",
        );
        assert!(reply.text().contains(CLIENT));
    }
    assert_page(
        &authorize(&emu, &without(standard(&[]), "redirect_uri")),
        900144,
        "'redirect_uri'",
    );
    assert_page(
        &authorize(&emu, &without(standard(&[]), "client_id")),
        900144,
        "'client_id'",
    );
    assert_page(
        &authorize(&emu, &standard(&[("client_id", "my-app")])),
        700016,
        "'my-app' was not found",
    );
    let reply = send(
        emu.url(),
        "GET",
        &format!(
            "/contoso/oauth2/v2.0/authorize?{}",
            authorize_query(&standard(&[]))
        ),
        &[],
        None,
    );
    assert_page(&reply, 90002, "Tenant 'contoso' not found");
    // 127.0.0.1 with any port and a path is fine.
    let reply = authorize(
        &emu,
        &standard(&[("redirect_uri", "http://127.0.0.1:50123/auth/done")]),
    );
    let (base, _) = location(&reply);
    assert_eq!(base, "http://127.0.0.1:50123/auth/done");
}

/// A redirect carrying an error, the state and an AADSTS description.
fn assert_redirected_error(reply: &Reply, error: &str, code: u32, text: &str) {
    let (base, params) = location(reply);
    assert_eq!(base, REDIRECT);
    assert_eq!(params["error"], error, "{params:?}");
    assert_eq!(params["state"], "the-state");
    assert!(!params.contains_key("code"));
    let description = &params["error_description"];
    assert!(
        description.starts_with(&format!("AADSTS{code}: ")),
        "{description}"
    );
    assert!(description.contains(text), "{description}");
}

#[test]
fn later_errors_are_redirected_with_the_state() {
    let emu = small();
    assert_redirected_error(
        &authorize(&emu, &without(standard(&[]), "code_challenge")),
        "invalid_request",
        9002325,
        "Proof Key for Code Exchange is required",
    );
    assert_redirected_error(
        &authorize(&emu, &standard(&[("code_challenge_method", "plain")])),
        "invalid_request",
        9002325,
        "S256",
    );
    assert_redirected_error(
        &authorize(&emu, &without(standard(&[]), "code_challenge_method")),
        "invalid_request",
        9002325,
        "S256",
    );
    assert_redirected_error(
        &authorize(&emu, &standard(&[("code_challenge", "too-short")])),
        "invalid_request",
        501491,
        "Invalid size of Code_Challenge parameter.",
    );
    assert_redirected_error(
        &authorize(
            &emu,
            &standard(&[("scope", "https://outlook.office.com/.default")]),
        ),
        "invalid_scope",
        70011,
        "https://outlook.office.com/.default",
    );
    assert_redirected_error(
        &authorize(&emu, &without(standard(&[]), "scope")),
        "invalid_request",
        900144,
        "'scope'",
    );
    assert_redirected_error(
        &authorize(&emu, &standard(&[("response_type", "token")])),
        "unsupported_response_type",
        700054,
        "'token'",
    );
    assert_redirected_error(
        &authorize(&emu, &standard(&[("response_mode", "form_post")])),
        "invalid_request",
        9002313,
        "'form_post'",
    );
    assert_redirected_error(
        &authorize(&emu, &standard(&[("prompt", "always")])),
        "invalid_request",
        9002313,
        "'always'",
    );
    emu.set_faults(Faults {
        authorize_denied: true,
        ..Faults::default()
    });
    assert_redirected_error(
        &authorize(&emu, &standard(&[])),
        "access_denied",
        65004,
        "User declined to consent to access the app.",
    );
    emu.set_faults(Faults::default());
    assert_eq!(redeem(&emu, &code_of(&emu, &[]), &[]).status, 200);
}

#[test]
fn sign_in_follows_the_cloud() {
    let emu = start(Config {
        cloud: Cloud::UsGovernment,
        ..Config::default()
    });
    assert_redirected_error(
        &authorize(&emu, &standard(&[])),
        "invalid_scope",
        70011,
        "of the public cloud",
    );
    let code = code_of(
        &emu,
        &[(
            "scope",
            "https://graph.microsoft.us/.default offline_access",
        )],
    );
    let reply = redeem(&emu, &code, &[]);
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(
        claims(reply.json()["access_token"].as_str().unwrap())["aud"],
        "https://graph.microsoft.us"
    );
}

#[test]
fn the_request_log_keeps_no_code_or_verifier() {
    let emu = small();
    let code = code_of(&emu, &[]);
    assert_eq!(redeem(&emu, &code, &[]).status, 200);
    let log = serde_json::to_string(&emu.requests()).unwrap();
    assert!(!log.contains(&code));
    assert!(!log.contains(VERIFIER));
    assert!(log.contains("/organizations/oauth2/v2.0/authorize"));
}
