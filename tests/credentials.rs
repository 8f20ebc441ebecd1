//! Every credential end to end through the C ABI against the emulator, with its failure modes: managed identity
//! (App Service / Automation, the older MSI form, the instance metadata service, user-assigned by client id,
//! object id and resource id), certificates (PEM, PFX with a password, PS256 and RS256, a ready-made assertion,
//! an expired certificate, a wrong password, a key that does not match, an unregistered certificate), national
//! clouds (each service's token carries that cloud's audience), interactive browser sign-in (PKCE with the
//! redirect driven by an HTTP client), and the readiness check (app or user token, MFA, probes). No secret of any
//! of them appears in any envelope.
//!
//! Managed identity reads the process environment, so those cases run in child processes started with their
//! environment (setting variables in a multi-threaded test process would race).

mod common;
use common::*;
use delegated_admin::ffi::{
    da_cancel_interactive_sign_in, da_check_readiness, da_poll_interactive_sign_in,
    da_start_interactive_sign_in,
};
use delegated_admin_emulator::Cloud;
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::path::PathBuf;
use std::sync::OnceLock;

fn call_by_name(name: &str) -> Export {
    match name {
        "da_list_delegated_admin_customers" => da_list_delegated_admin_customers,
        "da_acquire_token" => da_acquire_token,
        "da_check_readiness" => da_check_readiness,
        "da_list_lighthouse_assignments" => da_list_lighthouse_assignments,
        other => panic!("no export {other} in this test"),
    }
}

/// Not a test of its own: the body of the child processes. Calls the export named in `DA_CHILD_EXPORT` with
/// `DA_CHILD_REQUEST` and prints the envelope text.
#[test]
#[ignore = "run only as a child process"]
fn child_call() {
    let (Ok(export), Ok(request)) = (
        std::env::var("DA_CHILD_EXPORT"),
        std::env::var("DA_CHILD_REQUEST"),
    ) else {
        return;
    };
    let request: Value = serde_json::from_str(&request).unwrap();
    println!("ENVELOPE {}", call_text(call_by_name(&export), &request));
}

/// Run `export` with `request` in a child process whose environment is exactly ours minus every managed
/// identity variable, plus `env`. Returns the envelope's text.
fn in_child(export: &str, request: &Value, env: &[(&str, &str)]) -> String {
    let mut cmd = std::process::Command::new(std::env::current_exe().unwrap());
    cmd.args([
        "--exact",
        "child_call",
        "--ignored",
        "--nocapture",
        "--test-threads=1",
    ])
    .env("DA_CHILD_EXPORT", export)
    .env("DA_CHILD_REQUEST", request.to_string());
    for name in [
        "IDENTITY_ENDPOINT",
        "IDENTITY_HEADER",
        "MSI_ENDPOINT",
        "MSI_SECRET",
        "AZURE_POD_IDENTITY_AUTHORITY_HOST",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
    ] {
        cmd.env_remove(name);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    stdout
        .lines()
        .find_map(|l| {
            l.find("ENVELOPE ")
                .map(|at| l[at + "ENVELOPE ".len()..].to_string())
        })
        .unwrap_or_else(|| panic!("the child printed no envelope: {stdout}"))
}

fn parsed(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

/// A request with the emulator's endpoint and authority and `auth` as given.
fn with_auth(emu: &Emulator, auth: Value, extra: Value) -> Value {
    let mut r = json!({
        "endpoint": emu.url(), "authority": emu.url(), "auth": auth, "maxRetries": 1, "timeoutSeconds": 20,
    });
    merge(&mut r, extra);
    r
}

/// The claims of a JWT (the emulator's tokens are JWT-shaped).
fn claims(token: &str) -> Value {
    use base64::Engine;
    let payload = token.split('.').nth(1).unwrap();
    serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .unwrap(),
    )
    .unwrap()
}

// ---------------------------------------------------------------------------------------------------------
// Managed identity

#[test]
fn managed_identity_from_app_service_automation_and_its_failures() {
    let emu = start();
    let fx = emu.fixtures();
    let mi = &fx["managedIdentity"];
    let endpoint = mi["appService"]["endpoint"].as_str().unwrap();
    let header = mi["appService"]["identityHeader"].as_str().unwrap();
    let env = [("IDENTITY_ENDPOINT", endpoint), ("IDENTITY_HEADER", header)];
    let list = |auth: Value, env: &[(&str, &str)]| {
        in_child(
            "da_list_delegated_admin_customers",
            &with_auth(&emu, auth, json!({ "top": 2 })),
            env,
        )
    };
    // System-assigned, then user-assigned by each of its ids.
    let text = list(json!({ "managedIdentity": true }), &env);
    assert_eq!(parsed(&text)["ok"], true, "{text}");
    let user = &mi["userAssigned"];
    for id in [
        json!({ "clientId": user["clientId"] }),
        json!({ "objectId": user["objectId"] }),
        json!({ "resourceId": user["resourceId"] }),
    ] {
        let text = list(json!({ "managedIdentity": id }), &env);
        assert_eq!(parsed(&text)["ok"], true, "{id}: {text}");
    }
    // A wrong identity header: unauthorized, and the header value is in no envelope.
    let text = list(
        json!({ "managedIdentity": true }),
        &[
            ("IDENTITY_ENDPOINT", endpoint),
            ("IDENTITY_HEADER", "not-the-identity-header-4711"),
        ],
    );
    let e = parsed(&text);
    assert_eq!(e["ok"], false, "{text}");
    assert_eq!(e["error"]["kind"], "unauthorized", "{text}");
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("IDENTITY_ENDPOINT"),
        "{text}"
    );
    assert!(!text.contains("not-the-identity-header-4711"), "{text}");
    assert!(!text.contains(header), "{text}");
    // An identity the host does not have.
    let text = list(
        json!({ "managedIdentity": { "clientId": "11111111-2222-4333-8444-555555555555" } }),
        &env,
    );
    assert_eq!(parsed(&text)["error"]["kind"], "invalid_request", "{text}");
    // The endpoint down (a closed port): network, naming the endpoint, quickly.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let down = format!("http://{}/msi/token", closed.local_addr().unwrap());
    drop(closed);
    let text = list(
        json!({ "managedIdentity": true }),
        &[("IDENTITY_ENDPOINT", &down), ("IDENTITY_HEADER", header)],
    );
    assert_eq!(parsed(&text)["error"]["kind"], "network", "{text}");
    // The service unavailable: a server error after the retries.
    set_faults(&emu, json!({ "managedIdentityUnavailable": true }));
    let text = list(json!({ "managedIdentity": true }), &env);
    assert_eq!(parsed(&text)["error"]["kind"], "server_error", "{text}");
    clear_faults(&emu);
    assert!(emu.stats()["managedIdentityRequests"].as_u64().unwrap() >= 5);
}

#[test]
fn managed_identity_through_the_older_msi_endpoint_reads_its_dates() {
    let emu = start();
    let fx = emu.fixtures();
    let msi = &fx["managedIdentity"]["msi"];
    let env = [
        ("MSI_ENDPOINT", msi["endpoint"].as_str().unwrap()),
        ("MSI_SECRET", msi["secret"].as_str().unwrap()),
    ];
    for linux in [false, true] {
        if linux {
            set_faults(&emu, json!({ "msiLinuxDates": true }));
        }
        let text = in_child(
            "da_acquire_token",
            &with_auth(
                &emu,
                json!({ "managedIdentity": true }),
                json!({ "resource": "https://management.azure.com" }),
            ),
            &env,
        );
        let t = parsed(&text);
        assert_eq!(t["ok"], true, "{text}");
        // The token lives the emulator's hour (not the 60 s of an unreadable expiry).
        let left = t["result"]["expiresIn"].as_u64().unwrap();
        assert!((3000..=3600).contains(&left), "{text}");
        assert_eq!(
            claims(t["result"]["accessToken"].as_str().unwrap())["idtyp"],
            "app"
        );
    }
    // The older form takes a user-assigned identity by client id only: refused before sending.
    let text = in_child(
        "da_acquire_token",
        &with_auth(
            &emu,
            json!({ "managedIdentity": { "objectId": fx["managedIdentity"]["userAssigned"]["objectId"] } }),
            json!({ "resource": "https://management.azure.com" }),
        ),
        &env,
    );
    assert_eq!(parsed(&text)["error"]["kind"], "invalid_request", "{text}");
    assert!(!text.contains(msi["secret"].as_str().unwrap()));
}

#[test]
fn managed_identity_from_the_instance_metadata_service_at_an_override() {
    let emu = start();
    let fx = emu.fixtures();
    let host = fx["managedIdentity"]["imds"]["host"].as_str().unwrap();
    // Through the auth's imdsEndpoint, then through AZURE_POD_IDENTITY_AUTHORITY_HOST.
    let text = in_child(
        "da_list_lighthouse_assignments",
        &with_auth(
            &emu,
            json!({ "managedIdentity": true, "imdsEndpoint": host }),
            json!({ "scope": format!("/subscriptions/{}", fx["subscriptions"][0]["subscriptionId"].as_str().unwrap()) }),
        ),
        &[],
    );
    assert_eq!(parsed(&text)["ok"], true, "{text}");
    let text = in_child(
        "da_acquire_token",
        &with_auth(
            &emu,
            json!({ "managedIdentity": { "clientId": fx["managedIdentity"]["userAssigned"]["clientId"] } }),
            json!({ "resource": "https://graph.microsoft.com" }),
        ),
        &[("AZURE_POD_IDENTITY_AUTHORITY_HOST", host)],
    );
    let t = parsed(&text);
    assert_eq!(t["ok"], true, "{text}");
    assert_eq!(
        claims(t["result"]["accessToken"].as_str().unwrap())["aud"],
        "https://graph.microsoft.com"
    );
    // Bad managed identity shapes are refused before anything is sent.
    for bad in [
        json!({ "managedIdentity": false }),
        json!({ "managedIdentity": { "clientId": "x" } }),
        json!({ "managedIdentity": { "resourceId": "/subscriptions/x" } }),
        json!({ "managedIdentity": true, "clientSecret": "s" }),
    ] {
        let e = err(
            da_list_delegated_admin_customers,
            &with_auth(&emu, bad.clone(), json!({})),
        );
        assert_eq!(e["kind"], "invalid_request", "{bad}: {e}");
    }
}

// ---------------------------------------------------------------------------------------------------------
// Certificates

struct TestCertificate {
    cert_pem: String,
    key_pem: String,
    key_der: Vec<u8>,
    cert_der: Vec<u8>,
}

fn make_certificate(from: (i32, u8, u8), to: (i32, u8, u8)) -> TestCertificate {
    let key = rcgen::KeyPair::generate_rsa_for(&rcgen::PKCS_RSA_SHA256, rcgen::RsaKeySize::_2048)
        .expect("an RSA key");
    let mut params =
        rcgen::CertificateParams::new(vec!["delegated-admin-test".to_string()]).unwrap();
    params.not_before = rcgen::date_time_ymd(from.0, from.1, from.2);
    params.not_after = rcgen::date_time_ymd(to.0, to.1, to.2);
    let cert = params.self_signed(&key).unwrap();
    TestCertificate {
        cert_pem: cert.pem(),
        key_pem: key.serialize_pem(),
        key_der: key.serialize_der(),
        cert_der: cert.der().to_vec(),
    }
}

/// RSA key generation is slow: each kind is made once per test binary.
fn valid() -> &'static TestCertificate {
    static C: OnceLock<TestCertificate> = OnceLock::new();
    C.get_or_init(|| make_certificate((2020, 1, 1), (2099, 12, 31)))
}

fn other() -> &'static TestCertificate {
    static C: OnceLock<TestCertificate> = OnceLock::new();
    C.get_or_init(|| make_certificate((2020, 1, 1), (2099, 12, 31)))
}

fn expired() -> &'static TestCertificate {
    static C: OnceLock<TestCertificate> = OnceLock::new();
    C.get_or_init(|| make_certificate((2020, 1, 1), (2021, 1, 1)))
}

const PFX_PASSWORD: &str = "pfx-password-never-shown-5521";

fn write_files(dir: &std::path::Path, c: &TestCertificate, name: &str) -> (PathBuf, PathBuf) {
    let pem = dir.join(format!("{name}.pem"));
    std::fs::write(&pem, format!("{}{}", c.cert_pem, c.key_pem)).unwrap();
    let pfx = dir.join(format!("{name}.pfx"));
    let chain = p12_keystore::PrivateKeyChain::new(
        &c.key_der,
        [1u8, 2, 3, 4],
        [p12_keystore::Certificate::from_der(&c.cert_der).unwrap()],
    );
    let mut store = p12_keystore::KeyStore::new();
    store.add_entry("test", p12_keystore::KeyStoreEntry::PrivateKeyChain(chain));
    std::fs::write(&pfx, store.writer(PFX_PASSWORD).write().unwrap()).unwrap();
    (pem, pfx)
}

#[test]
fn certificate_credentials_pem_pfx_ps256_rs256_and_a_ready_assertion() {
    let emu = start();
    let fx = emu.fixtures();
    emu.register_certificate(&valid().cert_pem).unwrap();
    let dir = temp_dir("certificates");
    let (pem, pfx) = write_files(&dir, valid(), "valid");
    let app = |extra: Value| {
        let mut a = json!({ "tenantId": fx["tenantId"], "clientId": fx["clientId"] });
        merge(&mut a, extra);
        a
    };
    let cases = [
        app(json!({ "certificatePath": pem.to_str() })),
        app(json!({ "certificatePath": pem.to_str(), "signatureAlgorithm": "RS256" })),
        app(json!({ "certificatePath": pfx.to_str(), "certificatePassword": PFX_PASSWORD })),
        app(json!({ "certificatePem": format!("{}{}", valid().cert_pem, valid().key_pem) })),
    ];
    for auth in cases {
        let text = call_text(
            da_list_delegated_admin_customers,
            &with_auth(&emu, auth.clone(), json!({ "top": 1 })),
        );
        assert_eq!(parsed(&text)["ok"], true, "{auth}: {text}");
        assert!(
            !text.contains(PFX_PASSWORD) && !text.contains("PRIVATE KEY"),
            "{text}"
        );
    }
    // A client assertion made elsewhere (here by the library's own signer, as PowerShell makes one).
    let cert = delegated_admin::credentials::Certificate::from_file(
        &pem,
        None,
        delegated_admin::credentials::SignatureAlgorithm::Ps256,
    )
    .unwrap();
    let assertion = cert
        .sign_assertion(
            fx["clientId"].as_str().unwrap(),
            fx["tokenEndpoint"].as_str().unwrap(),
        )
        .unwrap();
    let text = call_text(
        da_list_delegated_admin_customers,
        &with_auth(
            &emu,
            app(json!({ "clientAssertion": assertion.expose() })),
            json!({ "top": 1 }),
        ),
    );
    assert_eq!(parsed(&text)["ok"], true, "{text}");
    // The refresh token grant of a confidential client with a certificate works the same way: see the
    // interactive test, whose refresh token is redeemed with one.
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn certificate_failures_are_clear_and_mostly_refused_before_sending() {
    let emu = start();
    let fx = emu.fixtures();
    emu.register_certificate(&valid().cert_pem).unwrap();
    let dir = temp_dir("bad-certificates");
    let (pem, pfx) = write_files(&dir, valid(), "valid");
    let (expired_pem, _) = write_files(&dir, expired(), "expired");
    let (other_pem, _) = write_files(&dir, other(), "other");
    // A key that is not the certificate's.
    let mismatched = dir.join("mismatched.pem");
    std::fs::write(
        &mismatched,
        format!("{}{}", valid().cert_pem, other().key_pem),
    )
    .unwrap();
    let app = |extra: Value| {
        let mut a = json!({ "tenantId": fx["tenantId"], "clientId": fx["clientId"] });
        merge(&mut a, extra);
        a
    };
    let refused = [
        (
            app(
                json!({ "certificatePath": pfx.to_str(), "certificatePassword": "wrong-password-3319" }),
            ),
            "wrong password",
        ),
        (
            app(json!({ "certificatePath": pfx.to_str() })),
            "wrong password",
        ),
        (
            app(json!({ "certificatePath": expired_pem.to_str() })),
            "expired",
        ),
        (
            app(json!({ "certificatePath": mismatched.to_str() })),
            "does not belong",
        ),
        (
            app(json!({ "certificatePath": dir.join("missing.pem").to_str() })),
            "cannot read",
        ),
        (
            app(json!({ "certificatePath": pem.to_str(), "signatureAlgorithm": "HS256" })),
            "PS256 or RS256",
        ),
        (
            app(json!({ "certificatePath": pem.to_str(), "clientSecret": "s3cret-value" })),
            "one of",
        ),
        (
            app(
                json!({ "certificatePem": "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n" }),
            ),
            "",
        ),
    ];
    for (auth, says) in refused {
        let before = count_requests(&emu);
        let text = call_text(
            da_list_delegated_admin_customers,
            &with_auth(&emu, auth.clone(), json!({})),
        );
        let e = parsed(&text);
        assert_eq!(e["error"]["kind"], "invalid_request", "{auth}: {text}");
        assert!(
            e["error"]["message"].as_str().unwrap().contains(says),
            "{says}: {text}"
        );
        assert_eq!(count_requests(&emu), before, "nothing sent: {text}");
        assert!(
            !text.contains("wrong-password-3319")
                && !text.contains(PFX_PASSWORD)
                && !text.contains("s3cret-value"),
            "{text}"
        );
    }
    // A client assertion the identity platform cannot read: refused there, and never echoed.
    let bad_assertion = "eyJhbGciOiJQUzI1NiJ9.bm90LWEtcmVhbC1hc3NlcnRpb24.c2lnbmF0dXJlLXNlY3JldA";
    let text = call_text(
        da_list_delegated_admin_customers,
        &with_auth(
            &emu,
            app(json!({ "clientAssertion": bad_assertion })),
            json!({}),
        ),
    );
    assert_eq!(
        parsed(&text)["error"]["status"],
        400,
        "the identity platform refused it: {text}"
    );
    assert!(
        !text.contains(bad_assertion) && !text.contains("c2lnbmF0dXJlLXNlY3JldA"),
        "{text}"
    );
    // A certificate the app does not have: the identity platform refuses it.
    let text = call_text(
        da_list_delegated_admin_customers,
        &with_auth(
            &emu,
            app(json!({ "certificatePath": other_pem.to_str() })),
            json!({}),
        ),
    );
    let e = parsed(&text);
    assert_eq!(e["error"]["kind"], "unauthorized", "{text}");
    assert!(
        e["error"]["code"].as_str().unwrap().contains("700027"),
        "{text}"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

// ---------------------------------------------------------------------------------------------------------
// National clouds

#[test]
fn every_service_gets_a_token_for_its_own_cloud() {
    for (cloud, name) in [
        (Cloud::Public, "public"),
        (Cloud::UsGovernment, "usGovernment"),
        (Cloud::China, "china"),
    ] {
        let emu = start_with(Config {
            cloud,
            ..Config::default()
        });
        let fx = emu.fixtures();
        let ready = ok(da_check_readiness, &request(&emu, json!({ "cloud": name })));
        let services = ready["services"].as_array().unwrap();
        for s in services {
            let id = s["service"].as_str().unwrap();
            let expected = &fx["audiences"][id];
            if expected.is_null() {
                // Not in this cloud: refused by the library before anything is sent, naming the service.
                assert!(s["token"].is_null(), "{name} {id}: {s}");
                assert_eq!(
                    s["tokenError"]["kind"], "invalid_request",
                    "{name} {id}: {s}"
                );
                assert!(s["tokenError"]["message"]
                    .as_str()
                    .unwrap()
                    .contains(s["name"].as_str().unwrap()));
            } else {
                assert_eq!(&s["token"]["audience"], expected, "{name} {id}: {s}");
                if id != "cloudCockpit" {
                    assert_eq!(s["probe"]["ok"], true, "{name} {id}: {s}");
                }
            }
        }
        // The commercial cloud's scopes at a national cloud's identity platform: refused, not a wrong token.
        if name != "public" {
            let e = err(
                da_list_lighthouse_assignments,
                &request(
                    &emu,
                    json!({ "scope": format!("/subscriptions/{}", fx["subscriptions"][0]["subscriptionId"].as_str().unwrap()) }),
                ),
            );
            assert_eq!(e["kind"], "invalid_request", "{name}: {e}");
            assert!(e["code"].as_str().unwrap().contains("70011"), "{e}");
        }
    }
    // A service a cloud lacks, asked directly: invalid_request naming it, nothing sent.
    let emu = start_with(Config {
        cloud: Cloud::UsGovernment,
        ..Config::default()
    });
    let before = count_requests(&emu);
    let e = err(
        da_list_delegated_admin_customers,
        &request(&emu, json!({ "cloud": "usGovernment" })),
    );
    assert_eq!(e["kind"], "invalid_request");
    assert!(
        e["message"].as_str().unwrap().contains("US Government"),
        "{e}"
    );
    assert_eq!(count_requests(&emu), before);
}

// ---------------------------------------------------------------------------------------------------------
// Interactive sign-in

/// A plain GET (no redirects followed): the status and the Location header.
fn get(url: &str) -> (u16, Option<String>) {
    let rest = url.strip_prefix("http://").unwrap();
    let (host, path) = rest.split_at(rest.find('/').unwrap());
    let host = host.replace("localhost", "127.0.0.1");
    let mut s = std::net::TcpStream::connect(&host).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut text = String::new();
    s.read_to_string(&mut text).unwrap();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let location = text
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("location:"))
        .map(|l| l[9..].trim().to_string());
    (status, location)
}

#[test]
fn interactive_sign_in_with_pkce_and_a_loopback_redirect() {
    let emu = start();
    let fx = emu.fixtures();
    let start_req = json!({
        "authority": emu.url(), "clientId": fx["clientId"], "tenantId": fx["tenantId"],
        "resource": "https://api.partnercenter.microsoft.com", "waitForBrowserSeconds": 60,
    });
    let started = ok(da_start_interactive_sign_in, &start_req);
    let url = started["authorizeUrl"].as_str().unwrap();
    assert!(
        url.contains("code_challenge_method=S256") && url.contains("code_challenge="),
        "{url}"
    );
    assert!(started["redirectUri"]
        .as_str()
        .unwrap()
        .starts_with("http://localhost:"));
    let session = started["sessionId"].clone();
    let pending = ok(
        da_poll_interactive_sign_in,
        &json!({ "sessionId": session }),
    );
    assert_eq!(pending["status"], "pending");
    // The "browser": the emulator signs the user in and redirects to the loopback listener.
    let (status, location) = get(url);
    assert_eq!(status, 302);
    let location = location.unwrap();
    // A stray request with another state is ignored; the real redirect completes the sign-in.
    let stray = location.replace("state=", "state=x");
    assert_eq!(get(&stray).0, 404);
    assert_eq!(get(&location).0, 200);
    let done = ok(
        da_poll_interactive_sign_in,
        &json!({ "sessionId": session, "waitSeconds": 20 }),
    );
    assert_eq!(done["status"], "completed", "{done}");
    let token = done["token"]["accessToken"].as_str().unwrap();
    let c = claims(token);
    assert_eq!(c["idtyp"], "user");
    assert_eq!(c["aud"], "https://api.partnercenter.microsoft.com");
    let refresh = done["token"]["refreshToken"].as_str().unwrap().to_string();
    // Released once its end is reported.
    let e = err(
        da_poll_interactive_sign_in,
        &json!({ "sessionId": session }),
    );
    assert_eq!(e["kind"], "not_found");

    // The refresh token it gave is a user credential: readiness says user, with MFA.
    let ready = ok(
        da_check_readiness,
        &with_auth(
            &emu,
            json!({ "tenantId": fx["tenantId"], "clientId": fx["clientId"], "refreshToken": refresh }),
            json!({ "services": ["partnerCenter", "graph"] }),
        ),
    );
    for s in ready["services"].as_array().unwrap() {
        assert_eq!(s["token"]["identity"], "user", "{s}");
        assert_eq!(s["token"]["mfa"], true, "{s}");
    }
    assert!(ready["warnings"].as_array().unwrap().is_empty(), "{ready}");

    // Declined at the authorize page: the session ends declined with the reason.
    set_faults(&emu, json!({ "authorizeDenied": true }));
    let started = ok(da_start_interactive_sign_in, &start_req);
    let (_, location) = get(started["authorizeUrl"].as_str().unwrap());
    assert_eq!(get(&location.unwrap()).0, 200);
    let done = ok(
        da_poll_interactive_sign_in,
        &json!({ "sessionId": started["sessionId"], "waitSeconds": 20 }),
    );
    assert_eq!(done["status"], "declined", "{done}");
    assert!(
        done["reason"].as_str().unwrap().contains("access_denied"),
        "{done}"
    );
    clear_faults(&emu);

    // Cancelled: the listener closes.
    let started = ok(da_start_interactive_sign_in, &start_req);
    let redirect = started["redirectUri"]
        .as_str()
        .unwrap()
        .replace("localhost", "127.0.0.1");
    ok(
        da_cancel_interactive_sign_in,
        &json!({ "sessionId": started["sessionId"] }),
    );
    std::thread::sleep(std::time::Duration::from_millis(100));
    let port = redirect.trim_end_matches('/').rsplit(':').next().unwrap();
    assert!(
        std::net::TcpStream::connect(format!("127.0.0.1:{port}")).is_err(),
        "the listener is closed"
    );
    // Bad input is refused before anything is sent.
    for bad in [
        json!({ "clientId": "x", "resource": "https://graph.microsoft.com" }),
        json!({ "clientId": fx["clientId"], "resource": "https://graph.microsoft.com", "prompt": "sometimes" }),
        json!({ "clientId": fx["clientId"], "resource": "https://graph.microsoft.com", "waitForBrowserSeconds": 0 }),
    ] {
        assert_eq!(
            err(da_start_interactive_sign_in, &bad)["kind"],
            "invalid_request",
            "{bad}"
        );
    }
}

// ---------------------------------------------------------------------------------------------------------
// Readiness

#[test]
fn readiness_tells_app_tokens_user_tokens_without_mfa_and_unreachable_services() {
    let emu = start();
    let fx = emu.fixtures();
    // App-only (client secret): ready everywhere, MFA unknowable, a warning about Partner Center's App+User rule.
    let ready = ok(da_check_readiness, &request(&emu, json!({})));
    assert_eq!(ready["credential"], "clientSecret");
    for s in ready["services"].as_array().unwrap() {
        assert_eq!(s["token"]["identity"], "app", "{s}");
        assert!(s["token"]["mfa"].is_null());
        assert_eq!(s["ready"], true, "{s}");
    }
    assert!(
        ready["warnings"].to_string().contains("App+User"),
        "{ready}"
    );
    let text = call_text(da_check_readiness, &request(&emu, json!({})));
    assert!(
        !text.contains("\"accessToken\""),
        "no token is ever returned: {text}"
    );
    assert!(!text.contains(fx["clientSecret"].as_str().unwrap()));

    // A user's token without MFA.
    set_faults(&emu, json!({ "userTokensWithoutMfa": true }));
    let started = ok(
        da_start_interactive_sign_in,
        &json!({ "authority": emu.url(), "clientId": fx["clientId"], "tenantId": fx["tenantId"],
                 "resource": "https://api.partnercenter.microsoft.com" }),
    );
    let (_, location) = get(started["authorizeUrl"].as_str().unwrap());
    get(&location.unwrap());
    let done = ok(
        da_poll_interactive_sign_in,
        &json!({ "sessionId": started["sessionId"], "waitSeconds": 20 }),
    );
    let refresh = done["token"]["refreshToken"].as_str().unwrap();
    let ready = ok(
        da_check_readiness,
        &with_auth(
            &emu,
            json!({ "tenantId": fx["tenantId"], "clientId": fx["clientId"], "refreshToken": refresh }),
            json!({ "services": ["partnerCenter"] }),
        ),
    );
    assert_eq!(ready["services"][0]["token"]["mfa"], false, "{ready}");
    assert!(ready["warnings"].to_string().contains("no MFA"), "{ready}");
    clear_faults(&emu);

    // An opaque brought token: claims unknown, and the service refuses it.
    let ready = ok(
        da_check_readiness,
        &with_auth(
            &emu,
            json!({ "accessToken": "opaque-token-123" }),
            json!({ "services": ["graph"] }),
        ),
    );
    let s = &ready["services"][0];
    assert_eq!(s["token"]["identity"], "unknown", "{s}");
    assert_eq!(s["probe"]["reachable"], true);
    assert_eq!(s["probe"]["ok"], false);
    assert_eq!(s["ready"], false);
    assert_eq!(ready["ready"], false);
    let e = err(
        da_check_readiness,
        &request(&emu, json!({ "services": ["nope"] })),
    );
    assert_eq!(e["kind"], "invalid_request");
}
