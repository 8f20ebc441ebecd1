//! Certificate credentials: client assertions signed with the key of a certificate registered on the app,
//! checked as the identity platform checks them. Certificates come from rcgen; assertions are signed here
//! with aws-lc-rs, as the library does.

mod common;

use std::sync::OnceLock;

use aws_lc_rs::digest::{digest, SHA1_FOR_LEGACY_USE_ONLY, SHA256};
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{RsaKeyPair, RSA_PKCS1_SHA256, RSA_PSS_SHA256};
use common::*;
use delegated_admin_emulator::{Config, Emulator};
use serde_json::{json, Value};

const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

struct TestCertificate {
    key: RsaKeyPair,
    pem: String,
    der: Vec<u8>,
}

fn make_certificate(from: (i32, u8, u8), to: (i32, u8, u8)) -> TestCertificate {
    let key = rcgen::KeyPair::generate_rsa_for(&rcgen::PKCS_RSA_SHA256, rcgen::RsaKeySize::_2048)
        .expect("an RSA key");
    let mut params =
        rcgen::CertificateParams::new(vec!["delegated-admin-test".to_string()]).unwrap();
    params.not_before = rcgen::date_time_ymd(from.0, from.1, from.2);
    params.not_after = rcgen::date_time_ymd(to.0, to.1, to.2);
    let certificate = params.self_signed(&key).unwrap();
    TestCertificate {
        key: RsaKeyPair::from_pkcs8(&key.serialize_der()).unwrap(),
        pem: certificate.pem(),
        der: certificate.der().to_vec(),
    }
}

/// RSA key generation is slow: each kind is made once per test binary.
fn valid() -> &'static TestCertificate {
    static C: OnceLock<TestCertificate> = OnceLock::new();
    C.get_or_init(|| make_certificate((2020, 1, 1), (2099, 12, 31)))
}

fn unregistered() -> &'static TestCertificate {
    static C: OnceLock<TestCertificate> = OnceLock::new();
    C.get_or_init(|| make_certificate((2020, 1, 1), (2099, 12, 31)))
}

fn expired() -> &'static TestCertificate {
    static C: OnceLock<TestCertificate> = OnceLock::new();
    C.get_or_init(|| make_certificate((2020, 1, 1), (2021, 1, 1)))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Alg {
    Ps256,
    Rs256,
}

fn header_for(certificate: &TestCertificate, alg: Alg) -> Value {
    match alg {
        Alg::Ps256 => json!({
            "alg": "PS256", "typ": "JWT",
            "x5t#S256": base64url_encode(digest(&SHA256, &certificate.der).as_ref()),
        }),
        Alg::Rs256 => json!({
            "alg": "RS256", "typ": "JWT",
            "x5t": base64url_encode(digest(&SHA1_FOR_LEGACY_USE_ONLY, &certificate.der).as_ref()),
        }),
    }
}

/// Signs `header.claims` with `key` (PS256 or RS256 by the header's `alg`, PS256 otherwise).
fn sign(key: &RsaKeyPair, header: &Value, claims: &Value) -> String {
    let input = format!(
        "{}.{}",
        base64url_encode(header.to_string().as_bytes()),
        base64url_encode(claims.to_string().as_bytes())
    );
    let mut signature = vec![0u8; key.public_modulus_len()];
    let padding = match header["alg"].as_str() {
        Some("RS256") => &RSA_PKCS1_SHA256,
        _ => &RSA_PSS_SHA256,
    };
    key.sign(
        padding,
        &SystemRandom::new(),
        input.as_bytes(),
        &mut signature,
    )
    .unwrap();
    format!("{input}.{}", base64url_encode(&signature))
}

/// The claims the documentation asks for: aud the token endpoint, iss = sub = client id, jti, nbf, exp.
fn good_claims(emu: &Emulator) -> Value {
    let f = emu.fixtures();
    let now = now_epoch();
    json!({
        "aud": f["tokenEndpoint"],
        "iss": f["clientId"],
        "sub": f["clientId"],
        "jti": uuid::Uuid::new_v4().to_string(),
        "nbf": now,
        "iat": now,
        "exp": now + 600,
    })
}

fn assertion(emu: &Emulator, certificate: &TestCertificate, alg: Alg) -> String {
    sign(
        &certificate.key,
        &header_for(certificate, alg),
        &good_claims(emu),
    )
}

fn with_assertion(emu: &Emulator, assertion: &str) -> Reply {
    let f = emu.fixtures();
    form(
        emu,
        &token_path(emu),
        &[
            ("grant_type", "client_credentials"),
            ("client_id", f["clientId"].as_str().unwrap()),
            ("client_assertion_type", JWT_BEARER),
            ("client_assertion", assertion),
            ("scope", ARM),
        ],
    )
}

fn registered() -> Emulator {
    let emu = small();
    emu.register_certificate(&valid().pem).unwrap();
    emu.register_certificate(&expired().pem).unwrap();
    emu
}

fn assert_refused(reply: &Reply, status: u16, error: &str, code: u64, text: &str) {
    assert_eq!(reply.status, status, "{}", reply.text());
    let body = reply.json();
    assert_eq!(body["error"], error, "{body}");
    assert_eq!(body["error_codes"], json!([code]), "{body}");
    let description = body["error_description"].as_str().unwrap();
    assert!(
        description.starts_with(&format!("AADSTS{code}: ")),
        "{description}"
    );
    assert!(description.contains(text), "{description}");
}

#[test]
fn certificates_register_over_http_and_show_their_thumbprints() {
    let emu = small();
    let c = valid();
    let reply = json_request(
        &emu,
        "POST",
        "/_emulator/certificates",
        &[],
        &json!({ "certificate": c.pem }),
    );
    assert_eq!(reply.status, 200, "{}", reply.text());
    let registered = reply.json();
    let sha1 = digest(&SHA1_FOR_LEGACY_USE_ONLY, &c.der);
    let hex: String = sha1.as_ref().iter().map(|b| format!("{b:02X}")).collect();
    assert_eq!(registered["thumbprint"], hex);
    assert_eq!(registered["x5t"], base64url_encode(sha1.as_ref()));
    assert_eq!(
        registered["x5tS256"],
        base64url_encode(digest(&SHA256, &c.der).as_ref())
    );
    assert_eq!(registered["notAfter"], "2099-12-31T00:00:00Z");
    assert_eq!(registered["clientId"], emu.fixtures()["clientId"]);
    // Again: nothing new.
    json_request(
        &emu,
        "POST",
        "/_emulator/certificates",
        &[],
        &json!({ "certificate": c.pem }),
    );
    let listed = send(emu.url(), "GET", "/_emulator/certificates", &[], None).json();
    assert_eq!(listed, json!([registered]));
    assert_eq!(emu.fixtures()["certificates"], json!([registered]));

    for bad in [
        json!({ "certificate": "not a PEM" }),
        json!({ "certificate": "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n" }),
        json!({ "pem": c.pem }),
    ] {
        let reply = json_request(&emu, "POST", "/_emulator/certificates", &[], &bad);
        assert_eq!(reply.status, 400, "{bad}: {}", reply.text());
        assert!(reply.json()["error"].is_string());
    }
    // Only RSA keys sign Entra client assertions.
    let ec_key = rcgen::KeyPair::generate().unwrap();
    let ec = rcgen::CertificateParams::new(vec!["ec".to_string()])
        .unwrap()
        .self_signed(&ec_key)
        .unwrap();
    let reply = json_request(
        &emu,
        "POST",
        "/_emulator/certificates",
        &[],
        &json!({ "certificate": ec.pem() }),
    );
    assert_eq!(reply.status, 400);
    assert!(reply.text().contains("not an RSA key"), "{}", reply.text());
}

#[test]
fn signed_assertions_get_tokens() {
    let emu = registered();
    for alg in [Alg::Ps256, Alg::Rs256] {
        let reply = with_assertion(&emu, &assertion(&emu, valid(), alg));
        assert_eq!(reply.status, 200, "{}", reply.text());
        let token = reply.json()["access_token"].as_str().unwrap().to_string();
        let c = claims(&token);
        assert_eq!(c["appid"], emu.fixtures()["clientId"]);
        assert_eq!(c["idtyp"], "app");
        let sub = emu.fixtures()["subscriptions"][0]["subscriptionId"]
            .as_str()
            .unwrap()
            .to_string();
        let list = format!("/subscriptions/{sub}/providers/Microsoft.ManagedServices/registrationAssignments?api-version=2022-10-01");
        assert_eq!(get(&emu, &list, &token).status, 200);
    }
    // The same assertion may be sent again while it is valid (MSAL reuses its assertions).
    let once = assertion(&emu, valid(), Alg::Ps256);
    assert_eq!(with_assertion(&emu, &once).status, 200);
    assert_eq!(with_assertion(&emu, &once).status, 200);
    // The audience may name the tenant by id or as the request's path does.
    let mut claims = good_claims(&emu);
    claims["aud"] = json!(format!("{}/organizations/oauth2/v2.0/token", emu.url()));
    let signed = sign(&valid().key, &header_for(valid(), Alg::Ps256), &claims);
    let f = emu.fixtures();
    let reply = form(
        &emu,
        "/organizations/oauth2/v2.0/token",
        &[
            ("grant_type", "client_credentials"),
            ("client_id", f["clientId"].as_str().unwrap()),
            ("client_assertion_type", JWT_BEARER),
            ("client_assertion", &signed),
            ("scope", GRAPH),
        ],
    );
    assert_eq!(reply.status, 200, "{}", reply.text());
}

#[test]
fn certificates_given_at_start_or_through_the_api() {
    let emu = start(Config {
        client_certificates: vec![valid().pem.clone()],
        ..Config::default()
    });
    assert_eq!(
        with_assertion(&emu, &assertion(&emu, valid(), Alg::Ps256)).status,
        200
    );
    assert_eq!(emu.fixtures()["certificates"].as_array().unwrap().len(), 1);
    let other = small();
    assert_eq!(
        with_assertion(&other, &assertion(&other, valid(), Alg::Ps256)).status,
        401
    );
    let registered = other.register_certificate(&valid().pem).unwrap();
    assert!(registered["thumbprint"].is_string());
    assert_eq!(
        with_assertion(&other, &assertion(&other, valid(), Alg::Ps256)).status,
        200
    );
    assert!(other.register_certificate("garbage").is_err());
    // A configured certificate that cannot be read stops the start.
    let error = Emulator::start(Config {
        client_certificates: vec!["garbage".into()],
        ..Config::default()
    })
    .err()
    .expect("refused");
    assert!(
        error.to_string().contains("client certificate 1"),
        "{error}"
    );
    // And from the command line, a PEM file.
    let path = std::env::temp_dir().join(format!("da-emulator-cert-{}.pem", uuid::Uuid::new_v4()));
    std::fs::write(&path, &valid().pem).unwrap();
    let parsed = delegated_admin_emulator::cli::parse_args([
        "--client-certificate".to_string(),
        path.display().to_string(),
    ]);
    let _ = std::fs::remove_file(&path);
    match parsed.unwrap() {
        delegated_admin_emulator::cli::Command::Run(o) => {
            assert_eq!(o.config.client_certificates, vec![valid().pem.clone()])
        }
        _ => panic!("runs"),
    }
}

#[test]
fn the_key_must_be_registered_valid_and_the_signature_good() {
    let emu = registered();
    let f = emu.fixtures();
    let app = f["clientId"].as_str().unwrap();
    // A certificate the app does not have.
    let reply = with_assertion(&emu, &assertion(&emu, unregistered(), Alg::Ps256));
    let sha256: String = digest(&SHA256, &unregistered().der)
        .as_ref()
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect();
    assert_refused(
        &reply,
        401,
        "invalid_client",
        700027,
        "is not registered on application. [Reason - The key was not found.",
    );
    assert!(reply.text().contains(&sha256), "names the thumbprint");
    assert!(reply.text().contains(app), "names the app");
    let reply = with_assertion(&emu, &assertion(&emu, unregistered(), Alg::Rs256));
    assert_refused(
        &reply,
        401,
        "invalid_client",
        700027,
        "The key was not found.",
    );
    // Signed by another key, naming a registered certificate.
    let forged = sign(
        &unregistered().key,
        &header_for(valid(), Alg::Ps256),
        &good_claims(&emu),
    );
    assert_refused(
        &with_assertion(&emu, &forged),
        401,
        "invalid_client",
        700027,
        "Key was found, but use of the key to verify the signature failed.",
    );
    // PS256 named, PKCS#1 v1.5 signature: the signature does not verify either.
    let mut header = header_for(valid(), Alg::Ps256);
    let rs = sign(
        &valid().key,
        &header_for(valid(), Alg::Rs256),
        &good_claims(&emu),
    );
    let signature = rs.rsplit('.').next().unwrap();
    header["alg"] = json!("PS256");
    let mixed = format!(
        "{}.{}.{signature}",
        base64url_encode(header.to_string().as_bytes()),
        base64url_encode(good_claims(&emu).to_string().as_bytes())
    );
    assert_refused(
        &with_assertion(&emu, &mixed),
        401,
        "invalid_client",
        700027,
        "verify the signature failed",
    );
    // An expired certificate.
    let reply = with_assertion(&emu, &assertion(&emu, expired(), Alg::Ps256));
    assert_refused(
        &reply,
        401,
        "invalid_client",
        700027,
        "[Reason - The key used is expired.",
    );
    assert!(
        reply
            .text()
            .contains("Found key 'Start=01/01/2020 00:00:00, End=01/01/2021 00:00:00'"),
        "{}",
        reply.text()
    );
}

#[test]
fn the_assertion_must_be_well_formed_and_say_the_right_things() {
    let emu = registered();
    let header = header_for(valid(), Alg::Ps256);
    let with_claims = |change: &dyn Fn(&mut Value)| {
        let mut claims = good_claims(&emu);
        change(&mut claims);
        with_assertion(&emu, &sign(&valid().key, &header, &claims))
    };
    assert_refused(
        &with_claims(&|c| {
            c["aud"] = json!("https://login.microsoftonline.com/x/oauth2/v2.0/token")
        }),
        401,
        "invalid_client",
        50012,
        "Client assertion audience claim does not match Realm issuer.",
    );
    assert_refused(
        &with_claims(&|c| c["aud"] = json!([c["aud"].clone()])),
        400,
        "invalid_request",
        50027,
        "JWT token is invalid or malformed.",
    );
    assert_refused(
        &with_claims(&|c| c["iss"] = json!(uuid::Uuid::new_v4().to_string())),
        401,
        "invalid_client",
        700021,
        "Client assertion application identifier doesn't match 'client_id' parameter.",
    );
    assert_refused(
        &with_claims(&|c| c["sub"] = json!("someone")),
        401,
        "invalid_client",
        700021,
        "doesn't match 'client_id'",
    );
    let now = now_epoch();
    assert_refused(
        &with_claims(&|c| c["exp"] = json!(now - 5)),
        401,
        "invalid_client",
        700024,
        "Client assertion is not within its valid time range. Current time: ",
    );
    assert_refused(
        &with_claims(&|c| c["nbf"] = json!(now + 600)),
        401,
        "invalid_client",
        700024,
        "not within its valid time range",
    );
    for claim in ["aud", "iss", "sub", "exp", "jti"] {
        assert_refused(
            &with_claims(&|c| {
                c.as_object_mut().unwrap().remove(claim);
            }),
            400,
            "invalid_request",
            90014,
            &format!("The required field '{claim}' is missing from the credential."),
        );
    }
    // Header problems.
    let mut hs = header.clone();
    hs["alg"] = json!("HS256");
    let hs256 = sign(&valid().key, &hs, &good_claims(&emu));
    assert_refused(
        &with_assertion(&emu, &hs256),
        401,
        "invalid_client",
        5002738,
        "'HS256' is not a supported signature algorithm.",
    );
    let bare = json!({ "alg": "PS256", "typ": "JWT" });
    assert_refused(
        &with_assertion(&emu, &sign(&valid().key, &bare, &good_claims(&emu))),
        401,
        "invalid_client",
        5002723,
        "No certificate SHA-1 thumbprint, certificate SHA-256 thumbprint, nor keyId specified in token header.",
    );
    assert_refused(
        &with_assertion(&emu, "not.a-jwt"),
        400,
        "invalid_request",
        50027,
        "JWT token is invalid or malformed.",
    );
}

#[test]
fn how_the_assertion_is_sent() {
    let emu = registered();
    let f = emu.fixtures();
    let client_id = f["clientId"].as_str().unwrap();
    let signed = assertion(&emu, valid(), Alg::Ps256);
    let send_form = |pairs: &[(&str, &str)]| {
        let mut all = vec![
            ("grant_type", "client_credentials"),
            ("client_id", client_id),
            ("scope", ARM),
        ];
        all.extend_from_slice(pairs);
        form(&emu, &token_path(&emu), &all)
    };
    assert_refused(
        &send_form(&[("client_assertion", &signed)]),
        400,
        "invalid_request",
        900144,
        "'client_assertion_type'",
    );
    assert_refused(
        &send_form(&[
            (
                "client_assertion_type",
                "urn:ietf:params:oauth:client-assertion-type:saml2-bearer",
            ),
            ("client_assertion", &signed),
        ]),
        400,
        "invalid_request",
        70002,
        "is not supported",
    );
    assert_refused(
        &send_form(&[
            ("client_assertion_type", JWT_BEARER),
            ("client_assertion", &signed),
            ("client_secret", f["clientSecret"].as_str().unwrap()),
        ]),
        400,
        "invalid_request",
        9002313,
        "not both",
    );
    assert_refused(
        &send_form(&[]),
        401,
        "invalid_client",
        7000218,
        "'client_assertion' or 'client_secret'",
    );
}

#[test]
fn refresh_tokens_of_a_confidential_client_redeem_with_an_assertion() {
    let emu = registered();
    let f = emu.fixtures();
    let client_id = f["clientId"].as_str().unwrap();
    // An admin signs in to the confidential app (device code), which then refreshes with its certificate.
    let flow = form(
        &emu,
        "/organizations/oauth2/v2.0/devicecode",
        &[
            ("client_id", client_id),
            (
                "scope",
                "https://api.partnercenter.microsoft.com/user_impersonation offline_access",
            ),
        ],
    )
    .json();
    assert!(emu.approve_device_code(flow["user_code"].as_str().unwrap()));
    let tokens = form(
        &emu,
        "/organizations/oauth2/v2.0/token",
        &[
            ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
            ("client_id", client_id),
            ("device_code", flow["device_code"].as_str().unwrap()),
        ],
    )
    .json();
    let refresh_token = tokens["refresh_token"].as_str().unwrap().to_string();
    let redeem = |assertion: &str| {
        form(
            &emu,
            &token_path(&emu),
            &[
                ("grant_type", "refresh_token"),
                ("client_id", client_id),
                ("refresh_token", &refresh_token),
                ("client_assertion_type", JWT_BEARER),
                ("client_assertion", assertion),
            ],
        )
    };
    // A bad assertion is refused before the refresh token is used up.
    let reply = redeem(&assertion(&emu, unregistered(), Alg::Ps256));
    assert_refused(
        &reply,
        401,
        "invalid_client",
        700027,
        "The key was not found.",
    );
    let reply = redeem(&assertion(&emu, valid(), Alg::Rs256));
    assert_eq!(reply.status, 200, "{}", reply.text());
    let c = claims(reply.json()["access_token"].as_str().unwrap());
    assert_eq!(c["idtyp"], "user");
    assert_eq!(c["appid"], client_id);
    assert_eq!(c["aud"], "https://api.partnercenter.microsoft.com");
}
