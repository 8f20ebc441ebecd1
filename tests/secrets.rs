//! No secret ever leaks. Recognisable fake secrets (and the real tokens the emulator issues) go through every
//! operation's success and error paths, the malformed inputs that embed them, the job interface and a whole
//! cleanup with its journal and reports. Every envelope (as raw text), journal, report, `Debug` string of the
//! typed API and the emulator's request log is searched for each secret (raw, JSON-escaped, URL-encoded, and
//! any 16-character window of it); only the outputs that are the requested secret are exempt:
//! `da_acquire_token`'s `accessToken`/`refreshToken`, `da_start_device_code`'s `deviceCode`, and
//! `da_poll_device_code`'s `token`.
//!
//! Not captured: the process's stderr. The library writes nothing to stdout or stderr (there is no logging
//! in `src/`), but a test cannot easily capture its own file descriptor 2 while the harness shares it.
//!
//! Also here: plain `http://` to a non-loopback host is refused for `endpoint` and `authority`, redirects are
//! not followed, and links a service hands back (`@odata.nextLink`, ARM `nextLink`, the long-running
//! delete's operation URL) are followed only on the endpoint's own origin. The emulator writes its links on
//! its own origin (`http://127.0.0.1:PORT`), so it can show a foreign link only when the library is pointed
//! at it as `http://localhost:PORT`; a small scripted server in this file answers with links to a genuinely
//! different listener (and to a foreign https host) as well.

mod common;
use common::*;
use delegated_admin::ffi::{
    da_apply_dap_cleanup, da_job_free, da_job_poll, da_job_result, da_job_start,
    da_plan_dap_cleanup,
};
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const CLIENT_SECRET: &str = "FAKE-CLIENT-SECRET-7d1c9a";
/// A wrong secret with characters JSON and URLs must escape.
const WRONG_SECRET: &str = "FAKE-WRONG-SECRET-\"q\"\\b/é+&=-51e0b2";
const FAKE_REFRESH: &str = "FAKE-REFRESH-TOKEN-3f9e2c0b";
const FAKE_ACCESS: &str = "FAKE-ACCESS-TOKEN-a8b4d0e1";
const FAKE_DEVICE: &str = "FAKE-DEVICE-CODE-c2e7f1a9";
const CUSTOMERS_RESOURCE: &str = "https://api.partnercustomeradministration.microsoft.com";

// ---------------------------------------------------------------------------------------------------------
// The leak detector

#[derive(Default)]
struct Leaks {
    secrets: Vec<String>,
    captured: Vec<(String, String)>,
}

impl Leaks {
    fn new() -> Leaks {
        let mut l = Leaks::default();
        for s in [
            CLIENT_SECRET,
            WRONG_SECRET,
            FAKE_REFRESH,
            FAKE_ACCESS,
            FAKE_DEVICE,
        ] {
            l.secret(s);
        }
        l
    }

    /// Remember a secret learned during the test (a token the emulator issued).
    fn secret(&mut self, s: &str) {
        assert!(s.len() >= 16, "secrets here are long enough to search for");
        if !self.secrets.iter().any(|k| k == s) {
            self.secrets.push(s.to_string());
        }
    }

    fn capture(&mut self, label: impl Into<String>, text: impl Into<String>) {
        self.captured.push((label.into(), text.into()));
    }

    /// Call, capture the raw envelope text, return it parsed.
    fn call(&mut self, label: &str, f: Export, request: &Value) -> Value {
        let text = call_text(f, request);
        let env: Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{label}: not JSON ({e}): {text}"));
        self.capture(label, text);
        env
    }

    fn ok(&mut self, label: &str, f: Export, request: &Value) -> Value {
        let env = self.call(label, f, request);
        assert_eq!(env["ok"], json!(true), "{label}: {env}");
        env["result"].clone()
    }

    fn err(&mut self, label: &str, f: Export, request: &Value, kind: &str) -> Value {
        let env = self.call(label, f, request);
        assert_eq!(env["ok"], json!(false), "{label}: {env}");
        assert_eq!(env["error"]["kind"], kind, "{label}: {env}");
        env["error"].clone()
    }

    /// A call whose result is itself a secret the caller asked for: the envelope is captured with exactly
    /// those fields (JSON pointers) removed, and each removed value is remembered as a secret, so it must
    /// not appear anywhere else, this envelope included.
    fn output(&mut self, label: &str, f: Export, request: &Value, pointers: &[&str]) -> Value {
        let text = call_text(f, request);
        let env: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(env["ok"], json!(true), "{label}: {env}");
        let mut stripped = env.clone();
        for p in pointers {
            let (parent, key) = p.rsplit_once('/').unwrap();
            if let Some(obj) = stripped.pointer_mut(parent).and_then(Value::as_object_mut) {
                if let Some(Value::String(s)) = obj.remove(key) {
                    self.secret(&s);
                }
            }
        }
        self.capture(label, stripped.to_string());
        env["result"].clone()
    }

    fn assert_clean(&self) {
        let mut found = Vec::new();
        for (label, text) in &self.captured {
            let haystack = searchable(text);
            for secret in &self.secrets {
                if let Some(form) = needles(secret).into_iter().find(|n| haystack.contains(n)) {
                    let at = haystack.find(&form).unwrap();
                    let mut from = at.saturating_sub(60);
                    while !haystack.is_char_boundary(from) {
                        from -= 1;
                    }
                    let mut to = (at + form.len() + 60).min(haystack.len());
                    while !haystack.is_char_boundary(to) {
                        to += 1;
                    }
                    found.push(format!(
                        "{label}: `{form}` (of secret `{secret}`) in …{}…",
                        &haystack[from..to]
                    ));
                }
            }
        }
        assert!(
            found.is_empty(),
            "secrets leaked ({} of {} captures checked):\n{}",
            found.len(),
            self.captured.len(),
            found.join("\n")
        );
        assert!(
            !self.captured.is_empty(),
            "the test captured what it meant to"
        );
    }
}

/// The text plus, when it is JSON, every key and string value decoded (so no escape hides a secret).
fn searchable(text: &str) -> String {
    fn walk(v: &Value, out: &mut String) {
        match v {
            Value::String(s) => {
                out.push('\n');
                out.push_str(s);
            }
            Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
            Value::Object(m) => {
                for (k, x) in m {
                    out.push('\n');
                    out.push_str(k);
                    walk(x, out);
                }
            }
            _ => {}
        }
    }
    let mut out = text.to_string();
    for line in std::iter::once(text).chain(text.lines()) {
        if let Ok(v) = serde_json::from_str::<Value>(line) {
            walk(&v, &mut out);
        }
    }
    out
}

/// The forms a secret could take in output: raw, JSON-escaped, form/URL-encoded, and every 16-character
/// window (a truncated echo is a leak too).
fn needles(secret: &str) -> Vec<String> {
    let quoted = serde_json::to_string(secret).unwrap();
    let mut v = vec![
        secret.to_string(),
        quoted[1..quoted.len() - 1].to_string(),
        url::form_urlencoded::byte_serialize(secret.as_bytes()).collect(),
    ];
    let chars: Vec<char> = secret.chars().collect();
    for w in chars.windows(16) {
        v.push(w.iter().collect());
    }
    v
}

fn creds(emu: &Emulator) -> Value {
    let fx = emu.fixtures();
    json!({ "tenantId": fx["tenantId"], "clientId": fx["clientId"], "clientSecret": CLIENT_SECRET })
}

/// A request with the emulator's endpoint and authority, the fake client secret, and `extra`.
fn req(emu: &Emulator, extra: Value) -> Value {
    let mut r = request(emu, json!({ "auth": creds(emu) }));
    merge(&mut r, extra);
    r
}

fn secret_emulator() -> Emulator {
    start_with(Config {
        client_secret: CLIENT_SECRET.into(),
        customers: 60,
        inactive_dap: Some(20),
        ..Config::default()
    })
}

// ---------------------------------------------------------------------------------------------------------
// Every operation, success and error paths

#[test]
fn every_operation_success_and_error_path_keeps_secrets_out() {
    let emu = secret_emulator();
    let fx = emu.fixtures();
    let mut l = Leaks::new();
    let tenant = fx["tenantId"].clone();
    let client = fx["clientId"].clone();

    // --- da_acquire_token
    let t = l.output(
        "acquire: client credentials",
        da_acquire_token,
        &req(&emu, json!({ "resource": CUSTOMERS_RESOURCE })),
        &["/result/accessToken", "/result/refreshToken"],
    );
    let customers_token = t["accessToken"].as_str().unwrap().to_string();
    let arm = l.output(
        "acquire: ARM",
        da_acquire_token,
        &req(&emu, json!({ "resource": "https://management.azure.com" })),
        &["/result/accessToken", "/result/refreshToken"],
    );
    let arm_token = arm["accessToken"].as_str().unwrap().to_string();
    l.err(
        "acquire: wrong secret",
        da_acquire_token,
        &req(
            &emu,
            json!({ "resource": CUSTOMERS_RESOURCE, "auth": { "tenantId": tenant, "clientId": client, "clientSecret": WRONG_SECRET } }),
        ),
        "unauthorized",
    );
    l.err(
        "acquire: unknown refresh token",
        da_acquire_token,
        &req(
            &emu,
            json!({ "resource": CUSTOMERS_RESOURCE, "auth": { "tenantId": tenant, "clientId": client, "refreshToken": FAKE_REFRESH, "clientSecret": CLIENT_SECRET } }),
        ),
        "unauthorized",
    );
    l.err(
        "acquire: with an access token",
        da_acquire_token,
        &req(
            &emu,
            json!({ "resource": CUSTOMERS_RESOURCE, "auth": { "accessToken": FAKE_ACCESS } }),
        ),
        "invalid_request",
    );
    l.err(
        "acquire: scope the identity platform refuses",
        da_acquire_token,
        &req(&emu, json!({ "scope": "not-a-scope" })),
        "invalid_request",
    );

    // --- device code
    let device_req = json!({ "authority": emu.url(), "tenantId": tenant, "clientId": client, "resource": CUSTOMERS_RESOURCE });
    let flow = l.output(
        "device: start",
        da_start_device_code,
        &device_req,
        &["/result/deviceCode"],
    );
    let device_code = flow["deviceCode"].as_str().unwrap().to_string();
    let poll = |code: &str| json!({ "authority": emu.url(), "tenantId": tenant, "clientId": client, "deviceCode": code, "interval": 1 });
    let pending = l.ok(
        "device: poll pending",
        da_poll_device_code,
        &poll(&device_code),
    );
    assert!(
        ["pending", "slow_down"].contains(&pending["status"].as_str().unwrap()),
        "{pending}"
    );
    l.err(
        "device: unknown code",
        da_poll_device_code,
        &poll(FAKE_DEVICE),
        "invalid_request",
    );
    assert!(emu.approve_device_code(flow["userCode"].as_str().unwrap()));
    std::thread::sleep(Duration::from_millis(1100));
    let done = l.output(
        "device: poll completed",
        da_poll_device_code,
        &poll(&device_code),
        &["/result/token/accessToken", "/result/token/refreshToken"],
    );
    assert_eq!(done["status"], "completed", "{done}");
    let issued_refresh = done["token"]["refreshToken"].as_str().unwrap().to_string();
    l.err(
        "device: redeemed twice",
        da_poll_device_code,
        &poll(&device_code),
        "unauthorized",
    );

    // --- delegated admin customers
    l.ok(
        "list: client credentials",
        da_list_delegated_admin_customers,
        &req(&emu, json!({ "top": 5, "count": true })),
    );
    l.ok(
        "list: refresh token",
        da_list_delegated_admin_customers,
        &req(
            &emu,
            json!({ "top": 5, "auth": { "tenantId": tenant, "clientId": client, "refreshToken": issued_refresh } }),
        ),
    );
    l.ok(
        "list: brought token",
        da_list_delegated_admin_customers,
        &req(
            &emu,
            json!({ "top": 5, "auth": { "accessToken": customers_token } }),
        ),
    );
    l.err(
        "list: bad token",
        da_list_delegated_admin_customers,
        &req(&emu, json!({ "auth": { "accessToken": FAKE_ACCESS } })),
        "unauthorized",
    );
    l.err(
        "list: wrong audience",
        da_list_delegated_admin_customers,
        &req(&emu, json!({ "auth": { "accessToken": arm_token } })),
        "forbidden",
    );
    l.err(
        "list: refused filter",
        da_list_delegated_admin_customers,
        &req(&emu, json!({ "filter": "dapEnabled eq eq" })),
        "invalid_request",
    );
    l.err(
        "list: wrong secret",
        da_list_delegated_admin_customers,
        &req(
            &emu,
            json!({ "auth": { "tenantId": tenant, "clientId": client, "clientSecret": WRONG_SECRET } }),
        ),
        "unauthorized",
    );

    // --- Partner Center
    let customer = fx["inactiveDapCustomerIds"][0].clone();
    l.ok(
        "remove DAP",
        da_remove_dap_relationship,
        &req(&emu, json!({ "customerTenantId": customer })),
    );
    l.err(
        "remove DAP: unknown customer",
        da_remove_dap_relationship,
        &req(
            &emu,
            json!({ "customerTenantId": "00000000-0000-4000-8000-000000000000" }),
        ),
        "not_found",
    );
    l.err(
        "remove DAP: bad token",
        da_remove_dap_relationship,
        &req(
            &emu,
            json!({ "customerTenantId": customer, "auth": { "accessToken": FAKE_ACCESS } }),
        ),
        "unauthorized",
    );
    l.err(
        "remove DAP: wrong audience",
        da_remove_dap_relationship,
        &req(
            &emu,
            json!({ "customerTenantId": customer, "auth": { "accessToken": customers_token } }),
        ),
        "forbidden",
    );

    // --- CloudCockpit
    let rel = fx["relationships"][0].clone();
    let update = |extra: Value| {
        let mut r = req(
            &emu,
            json!({ "tenantDomain": fx["tenantDomain"], "customerId": rel["customerId"],
                    "relationshipId": rel["relationshipId"], "providerInstanceId": rel["providerInstanceId"],
                    "autoExtendEnabled": true }),
        );
        merge(&mut r, extra);
        r
    };
    l.ok(
        "update relationship",
        da_update_delegated_admin_relationship,
        &update(json!({})),
    );
    l.err(
        "update relationship: unknown",
        da_update_delegated_admin_relationship,
        &update(json!({ "relationshipId": "no-such-relationship" })),
        "not_found",
    );
    l.err(
        "update relationship: other tenant domain",
        da_update_delegated_admin_relationship,
        &update(json!({ "tenantDomain": "other.example.com" })),
        "forbidden",
    );
    l.err(
        "update relationship: bad token",
        da_update_delegated_admin_relationship,
        &update(json!({ "auth": { "accessToken": FAKE_ACCESS } })),
        "unauthorized",
    );

    // --- Lighthouse
    let sub = fx["subscriptions"][0].clone();
    let scope = format!("/subscriptions/{}", sub["subscriptionId"].as_str().unwrap());
    l.ok(
        "lighthouse list",
        da_list_lighthouse_assignments,
        &req(&emu, json!({ "scope": scope, "includeDefinition": true })),
    );
    l.err(
        "lighthouse list: unknown subscription",
        da_list_lighthouse_assignments,
        &req(
            &emu,
            json!({ "scope": "/subscriptions/00000000-0000-4000-8000-000000000000" }),
        ),
        "not_found",
    );
    l.err(
        "lighthouse list: bad token",
        da_list_lighthouse_assignments,
        &req(
            &emu,
            json!({ "scope": scope, "auth": { "accessToken": FAKE_ACCESS } }),
        ),
        "unauthorized",
    );
    let removed = l.ok(
        "lighthouse remove and wait",
        da_remove_lighthouse_assignment,
        &req(
            &emu,
            json!({ "assignmentId": sub["assignments"][0]["id"], "wait": true }),
        ),
    );
    assert_eq!(removed["status"], "deleted", "{removed}");
    l.ok(
        "lighthouse remove accepted",
        da_remove_lighthouse_assignment,
        &req(&emu, json!({ "assignmentId": sub["assignments"][1]["id"] })),
    );
    l.ok(
        "lighthouse remove: no such assignment",
        da_remove_lighthouse_assignment,
        &req(
            &emu,
            json!({ "scope": scope, "assignmentName": "00000000-0000-4000-8000-000000000000" }),
        ),
    );
    l.err(
        "lighthouse remove: wrong audience",
        da_remove_lighthouse_assignment,
        &req(
            &emu,
            json!({ "assignmentId": sub["assignments"][2]["id"], "auth": { "accessToken": customers_token } }),
        ),
        "forbidden",
    );

    // --- Service errors after retries and timeouts, with secrets in the request.
    set_faults(&emu, json!({ "serverError": 10 }));
    l.err(
        "list: server error after retries",
        da_list_delegated_admin_customers,
        &req(&emu, json!({ "maxRetries": 1 })),
        "server_error",
    );
    set_faults(&emu, json!({ "throttle": 10, "retryAfter": 0 }));
    l.err(
        "remove DAP: throttled",
        da_remove_dap_relationship,
        &req(
            &emu,
            json!({ "customerTenantId": customer, "maxRetries": 1 }),
        ),
        "throttled",
    );
    set_faults(&emu, json!({ "hang": 1 }));
    l.err(
        "list: timeout",
        da_list_delegated_admin_customers,
        &req(&emu, json!({ "timeoutSeconds": 0.5 })),
        "timeout",
    );
    clear_faults(&emu);

    l.capture("emulator request log", emulator_requests_text(&emu));
    l.assert_clean();
}

// ---------------------------------------------------------------------------------------------------------
// Bad input that embeds secrets: refused before anything is sent, without echoing the secret

#[test]
fn invalid_requests_that_embed_secrets_do_not_echo_them() {
    let emu = secret_emulator();
    let fx = emu.fixtures();
    let mut l = Leaks::new();
    let (tenant, client) = (fx["tenantId"].clone(), fx["clientId"].clone());
    let cases: Vec<(&str, Export, Value)> = vec![
        (
            "unknown field named by the secret",
            da_list_delegated_admin_customers,
            req(&emu, json!({ CLIENT_SECRET: true })),
        ),
        (
            "secret as an unknown field's value",
            da_list_delegated_admin_customers,
            req(&emu, json!({ "password": CLIENT_SECRET })),
        ),
        (
            "secret as a customer id",
            da_remove_dap_relationship,
            req(&emu, json!({ "customerTenantId": CLIENT_SECRET })),
        ),
        (
            "token as a customer id",
            da_remove_dap_relationship,
            req(
                &emu,
                json!({ "customerTenantId": FAKE_ACCESS, "auth": { "accessToken": FAKE_ACCESS } }),
            ),
        ),
        (
            "secret as a relationship's provider instance",
            da_update_delegated_admin_relationship,
            req(
                &emu,
                json!({ "tenantDomain": "portal.cloudcockpit.com", "customerId": fx["relationships"][0]["customerId"],
                        "relationshipId": "x", "providerInstanceId": CLIENT_SECRET, "autoExtendEnabled": true }),
            ),
        ),
        (
            "secret as a tenant domain",
            da_update_delegated_admin_relationship,
            req(
                &emu,
                json!({ "tenantDomain": format!("{CLIENT_SECRET}/"), "customerId": fx["relationships"][0]["customerId"],
                        "relationshipId": "x", "providerInstanceId": fx["providerInstanceId"], "autoExtendEnabled": true }),
            ),
        ),
        (
            "secret in a Lighthouse scope",
            da_list_lighthouse_assignments,
            req(
                &emu,
                json!({ "scope": format!("/subscriptions/{CLIENT_SECRET}") }),
            ),
        ),
        (
            "secret as an assignment id",
            da_remove_lighthouse_assignment,
            req(&emu, json!({ "assignmentId": CLIENT_SECRET })),
        ),
        (
            "secret as orderBy",
            da_list_delegated_admin_customers,
            req(&emu, json!({ "orderBy": CLIENT_SECRET })),
        ),
        (
            "secret as a select field",
            da_list_delegated_admin_customers,
            req(&emu, json!({ "select": [CLIENT_SECRET] })),
        ),
        (
            "secret where a number belongs",
            da_list_delegated_admin_customers,
            req(&emu, json!({ "top": CLIENT_SECRET })),
        ),
        (
            "secret where a boolean belongs",
            da_list_delegated_admin_customers,
            req(&emu, json!({ "count": CLIENT_SECRET })),
        ),
        (
            "secret as the endpoint",
            da_list_delegated_admin_customers,
            req(&emu, json!({ "endpoint": CLIENT_SECRET })),
        ),
        (
            "secret in the endpoint's query",
            da_list_delegated_admin_customers,
            req(
                &emu,
                json!({ "endpoint": format!("https://example.com/?key={CLIENT_SECRET}") }),
            ),
        ),
        (
            "secret as the authority",
            da_acquire_token,
            req(
                &emu,
                json!({ "authority": format!("https://login.example.com/{CLIENT_SECRET}"), "resource": CUSTOMERS_RESOURCE }),
            ),
        ),
        (
            "secret where seconds belong",
            da_list_delegated_admin_customers,
            req(&emu, json!({ "timeoutSeconds": CLIENT_SECRET })),
        ),
        (
            "auth with two shapes",
            da_list_delegated_admin_customers,
            req(
                &emu,
                json!({ "auth": { "accessToken": FAKE_ACCESS, "clientSecret": CLIENT_SECRET } }),
            ),
        ),
        (
            "auth with an unknown field holding the secret",
            da_list_delegated_admin_customers,
            req(
                &emu,
                json!({ "auth": { "tenantId": tenant, "clientId": client, "clientSecret": CLIENT_SECRET, "password": CLIENT_SECRET } }),
            ),
        ),
        (
            "auth with the secret as the tenant",
            da_list_delegated_admin_customers,
            req(
                &emu,
                json!({ "auth": { "tenantId": format!("{CLIENT_SECRET}/x"), "clientId": client, "clientSecret": CLIENT_SECRET } }),
            ),
        ),
        (
            "auth with a refresh token and a bad client id",
            da_list_delegated_admin_customers,
            req(
                &emu,
                json!({ "auth": { "tenantId": tenant, "clientId": FAKE_REFRESH, "refreshToken": FAKE_REFRESH } }),
            ),
        ),
        (
            "auth with only a secret",
            da_list_delegated_admin_customers,
            req(&emu, json!({ "auth": { "clientSecret": CLIENT_SECRET } })),
        ),
        (
            "auth token in an array",
            da_list_delegated_admin_customers,
            req(&emu, json!({ "auth": { "accessToken": [FAKE_ACCESS] } })),
        ),
        (
            "auth token in an object",
            da_list_delegated_admin_customers,
            req(
                &emu,
                json!({ "auth": { "accessToken": { "value": FAKE_ACCESS } } }),
            ),
        ),
        (
            "auth as an array",
            da_list_delegated_admin_customers,
            req(&emu, json!({ "auth": [CLIENT_SECRET] })),
        ),
        (
            "client secret misplaced at the top level",
            da_acquire_token,
            req(
                &emu,
                json!({ "clientSecret": CLIENT_SECRET, "resource": CUSTOMERS_RESOURCE }),
            ),
        ),
        (
            "refresh token misplaced at the top level",
            da_list_delegated_admin_customers,
            req(&emu, json!({ "refreshToken": FAKE_REFRESH })),
        ),
        (
            "access token misplaced at the top level",
            da_list_delegated_admin_customers,
            req(&emu, json!({ "accessToken": FAKE_ACCESS })),
        ),
        (
            "device code with a bad client id",
            da_poll_device_code,
            json!({ "authority": emu.url(), "clientId": FAKE_DEVICE, "deviceCode": FAKE_DEVICE }),
        ),
        (
            "device code where a number belongs",
            da_poll_device_code,
            json!({ "authority": emu.url(), "clientId": client, "deviceCode": FAKE_DEVICE, "interval": FAKE_DEVICE }),
        ),
        (
            "plan with the secret as an excluded id",
            da_plan_dap_cleanup,
            req(&emu, json!({ "exclude": [CLIENT_SECRET] })),
        ),
        (
            "plan with the secret as asOf",
            da_plan_dap_cleanup,
            req(&emu, json!({ "asOf": CLIENT_SECRET })),
        ),
        (
            "apply with the secret as the plan",
            da_apply_dap_cleanup,
            req(&emu, json!({ "plan": CLIENT_SECRET })),
        ),
        (
            "apply with the secret as a plan path",
            da_apply_dap_cleanup,
            req(
                &emu,
                json!({ "planPath": format!("/nonexistent/{CLIENT_SECRET}.json") }),
            ),
        ),
        (
            "job with the secret as the operation",
            da_job_start,
            req(&emu, json!({ "operation": CLIENT_SECRET })),
        ),
    ];
    for (name, f, request) in &cases {
        let before = count_requests(&emu);
        l.err(name, *f, request, "invalid_request");
        assert_eq!(count_requests(&emu), before, "{name}: nothing was sent");
    }

    // Not JSON at all, or not UTF-8, with the secret inside.
    let broken = format!("{{\"auth\":{{\"clientSecret\":\"{CLIENT_SECRET}\"");
    for (name, bytes) in [
        ("truncated JSON", broken.clone().into_bytes()),
        (
            "invalid UTF-8",
            [broken.as_bytes(), &b"\xff\"}}"[..]].concat(),
        ),
        (
            "trailing garbage",
            format!("{broken}}}}} {CLIENT_SECRET}").into_bytes(),
        ),
    ] {
        let text = call_raw_text(da_list_delegated_admin_customers, &bytes);
        assert!(text.contains("invalid_request"), "{name}: {text}");
        l.capture(name, text);
    }
    l.capture("emulator request log", emulator_requests_text(&emu));
    l.assert_clean();
}

/// A bare string where the `auth` object belongs (say, a token passed as `-Auth $token`): serde's "invalid
/// type: string \"...\"" message quotes the value, and the boundary only collects secrets from an `auth`
/// *object*, so nothing scrubs it.
#[test]
fn auth_given_as_a_bare_string_is_not_echoed() {
    let emu = secret_emulator();
    let mut l = Leaks::new();
    l.err(
        "auth as a bare token",
        da_list_delegated_admin_customers,
        &req(&emu, json!({ "auth": FAKE_ACCESS })),
        "invalid_request",
    );
    l.err(
        "auth as a bare secret",
        da_acquire_token,
        &req(
            &emu,
            json!({ "auth": CLIENT_SECRET, "resource": CUSTOMERS_RESOURCE }),
        ),
        "invalid_request",
    );
    l.assert_clean();
}

/// `correlationId` is read before the request's secrets are collected, so its "is not a GUID" message
/// escapes the scrubbing.
#[test]
fn a_secret_given_as_the_correlation_id_is_not_echoed() {
    let emu = secret_emulator();
    let mut l = Leaks::new();
    l.err(
        "secret as the correlation id",
        da_list_delegated_admin_customers,
        &req(&emu, json!({ "correlationId": CLIENT_SECRET })),
        "invalid_request",
    );
    l.assert_clean();
}

/// Swapped `clientId` and `clientSecret`: the secret sits in a field that is not a secret field, and the
/// "auth.clientId `...` is not a GUID" message quotes it.
#[test]
fn swapped_client_id_and_secret_are_not_echoed() {
    let emu = secret_emulator();
    let fx = emu.fixtures();
    let mut l = Leaks::new();
    l.err(
        "swapped clientId and clientSecret",
        da_list_delegated_admin_customers,
        &req(
            &emu,
            json!({ "auth": { "tenantId": fx["tenantId"], "clientId": CLIENT_SECRET, "clientSecret": fx["clientId"] } }),
        ),
        "invalid_request",
    );
    l.assert_clean();
}

/// Input echoed in messages goes through `validate::printable` (cut to 80 characters, `escape_debug`)
/// before the envelope is scrubbed, and the scrub matches whole secrets only. A real token (a JWT is
/// 1,000+ characters) placed in a validated field then has its first 80 characters echoed; a secret with a
/// `"` or `\` is echoed in its escaped form.
#[test]
fn a_secret_in_a_validated_field_is_not_echoed_even_in_part() {
    let emu = secret_emulator();
    let fx = emu.fixtures();
    let mut l = Leaks::new();
    let long = format!("FAKE-LONG-ACCESS-TOKEN-{}", "0123456789abcdef".repeat(8));
    l.secret(&long);
    l.err(
        "long token as a customer id",
        da_remove_dap_relationship,
        &req(
            &emu,
            json!({ "customerTenantId": long, "auth": { "accessToken": long } }),
        ),
        "invalid_request",
    );
    l.err(
        "secret with quotes as a tenant domain",
        da_update_delegated_admin_relationship,
        &req(
            &emu,
            json!({ "tenantDomain": WRONG_SECRET, "customerId": fx["relationships"][0]["customerId"],
                    "relationshipId": "x", "providerInstanceId": fx["providerInstanceId"], "autoExtendEnabled": true,
                    "auth": { "tenantId": fx["tenantId"], "clientId": fx["clientId"], "clientSecret": WRONG_SECRET } }),
        ),
        "invalid_request",
    );
    l.assert_clean();
}

// ---------------------------------------------------------------------------------------------------------
// The job interface and a whole cleanup: envelopes, events, journal, reports

#[test]
fn a_whole_cleanup_through_the_job_interface_keeps_secrets_out() {
    let emu = secret_emulator();
    let fx = emu.fixtures();
    let mut l = Leaks::new();
    let dir = temp_dir("cleanup");
    let (plan_path, journal) = (dir.join("plan.json"), dir.join("journal.jsonl"));
    let (report_path, csv_path) = (dir.join("report.json"), dir.join("report.csv"));

    // Plan through a job.
    let started = l.ok(
        "job start: plan",
        da_job_start,
        &req(
            &emu,
            json!({ "operation": "planDapCleanup", "planPath": plan_path.to_str(), "allowWithoutGdap": true }),
        ),
    );
    let job = started["jobId"].as_str().unwrap().to_string();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let s = l.ok("job poll: plan", da_job_poll, &json!({ "jobId": job }));
        if s["state"] != "running" {
            break;
        }
        assert!(Instant::now() < deadline, "{s}");
        std::thread::sleep(Duration::from_millis(20));
    }
    let plan = l.ok(
        "job result: plan",
        da_job_result,
        &json!({ "jobId": job, "waitSeconds": 10 }),
    );
    l.ok("job free: plan", da_job_free, &json!({ "jobId": job }));
    assert_eq!(plan["summary"]["candidates"], 20);

    // Apply through a job, with some removals failing (so error messages reach events, journal and reports).
    set_faults(
        &emu,
        json!({ "pathPrefix": "/v1/customers/", "serverError": 4, "htmlError": 2, "resetMidBody": 2 }),
    );
    let started = l.ok(
        "job start: apply",
        da_job_start,
        &req(
            &emu,
            json!({ "operation": "applyDapCleanup", "planPath": plan_path.to_str(),
                    "journalPath": journal.to_str(), "reportPath": report_path.to_str(),
                    "reportCsvPath": csv_path.to_str(), "concurrency": 2, "requestsPerSecond": 0, "maxRetries": 0 }),
        ),
    );
    let job = started["jobId"].as_str().unwrap().to_string();
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut events = 0;
    loop {
        let s = l.ok("job poll: apply", da_job_poll, &json!({ "jobId": job }));
        events += s["events"].as_array().unwrap().len();
        if s["state"] != "running" {
            break;
        }
        assert!(Instant::now() < deadline, "{s}");
        std::thread::sleep(Duration::from_millis(10));
    }
    let report = l.ok(
        "job result: apply",
        da_job_result,
        &json!({ "jobId": job, "waitSeconds": 10 }),
    );
    l.ok("job free: apply", da_job_free, &json!({ "jobId": job }));
    assert!(events > 0);
    assert!(
        report["counts"]["failed"].as_u64().unwrap() > 0,
        "some removals failed, so error text was written: {}",
        report["counts"]
    );

    // A run stopped by a refused credential (its stop reason quotes the service's answer), blocking.
    clear_faults(&emu);
    let stopped = l.ok(
        "apply: refused token",
        da_apply_dap_cleanup,
        &req(
            &emu,
            json!({ "planPath": plan_path.to_str(), "reportPath": dir.join("stopped.json").to_str(),
                    "reportCsvPath": dir.join("stopped.csv").to_str(), "recheck": false,
                    "auth": { "accessToken": FAKE_ACCESS } }),
        ),
    );
    assert_eq!(stopped["stoppedEarly"], json!(true), "{stopped}");
    // And one with a wrong client secret.
    l.err(
        "apply: wrong secret",
        da_apply_dap_cleanup,
        &req(
            &emu,
            json!({ "planPath": plan_path.to_str(),
                    "auth": { "tenantId": fx["tenantId"], "clientId": fx["clientId"], "clientSecret": WRONG_SECRET } }),
        ),
        "unauthorized",
    );
    // Resume to the end with the journal.
    let resumed = l.ok(
        "apply: resume",
        da_apply_dap_cleanup,
        &req(
            &emu,
            json!({ "planPath": plan_path.to_str(), "journalPath": journal.to_str(),
                    "reportPath": report_path.to_str(), "reportCsvPath": csv_path.to_str(), "requestsPerSecond": 0 }),
        ),
    );
    assert_eq!(resumed["counts"]["removed"], 20, "{}", resumed["counts"]);

    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        if path.extension().is_some_and(|e| e == "lock") {
            assert!(text.is_empty(), "the journal's lock file holds nothing");
            continue;
        }
        assert!(!text.is_empty(), "{}", path.display());
        l.capture(path.display().to_string(), text);
    }
    assert!(
        l.captured.iter().any(|(p, _)| p.ends_with("journal.jsonl")),
        "the journal was read"
    );
    l.capture("emulator request log", emulator_requests_text(&emu));
    l.assert_clean();
    std::fs::remove_dir_all(dir).unwrap();
}

// ---------------------------------------------------------------------------------------------------------
// The typed API's Debug strings

#[test]
fn debug_strings_of_the_typed_api_never_show_a_secret() {
    use delegated_admin::credentials::ClientProof;
    use delegated_admin::endpoint::BaseUrl;
    use delegated_admin::{identity, CallOptions, Client, CredentialSpec, Secret};

    let emu = secret_emulator();
    let fx = emu.fixtures();
    let mut l = Leaks::new();
    let tenant = fx["tenantId"].as_str().unwrap().to_string();
    let client_id = fx["clientId"].as_str().unwrap().to_string();
    let base = BaseUrl::parse("endpoint", emu.url()).unwrap();
    let client_with = |spec: CredentialSpec| {
        Client::builder()
            .endpoint(base.clone())
            .authority(base.clone())
            .credential(spec)
            .build()
            .unwrap()
    };

    let cc = CredentialSpec::ClientCredentials {
        tenant_id: tenant.clone(),
        client_id: client_id.clone(),
        proof: ClientProof::Secret(Secret::new(CLIENT_SECRET)),
    };
    let rt = CredentialSpec::RefreshToken {
        tenant_id: tenant.clone(),
        client_id: client_id.clone(),
        refresh_token: Secret::new(FAKE_REFRESH),
        proof: Some(ClientProof::Secret(Secret::new(CLIENT_SECRET))),
    };
    let at = CredentialSpec::AccessToken(Secret::from(FAKE_ACCESS));
    for (name, spec) in [
        ("client credentials", &cc),
        ("refresh", &rt),
        ("access", &at),
    ] {
        l.capture(format!("Debug CredentialSpec {name}"), format!("{spec:?}"));
        l.capture(
            format!("Debug CredentialSpec {name} pretty"),
            format!("{spec:#?}"),
        );
        let client = client_with(spec.clone());
        l.capture(format!("Debug Client {name}"), format!("{client:#?}"));
    }
    l.capture(
        "Debug CallOptions",
        format!("{:#?}", CallOptions::default()),
    );
    l.capture("Debug Secret", format!("{:?}", Secret::new(WRONG_SECRET)));
    assert_eq!(format!("{:?}", Secret::new(CLIENT_SECRET)), "Secret(***)");

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let client = client_with(cc.clone());
    let opts = CallOptions::default();
    let token = runtime
        .block_on(identity::acquire_token(
            &client,
            &opts,
            "https://management.azure.com/.default",
        ))
        .unwrap();
    l.secret(token.access_token.expose());
    l.capture("Debug Token", format!("{token:?}"));
    l.capture("Debug Token pretty", format!("{token:#?}"));
    l.capture("Debug Client with a cached token", format!("{client:?}"));

    let no_auth = CallOptions::default();
    let flow = runtime
        .block_on(identity::start_device_code(
            &client,
            &no_auth,
            &tenant,
            &client_id,
            "https://management.azure.com/.default",
        ))
        .unwrap();
    l.secret(flow.device_code.expose());
    l.capture("Debug DeviceCode", format!("{flow:#?}"));
    assert!(emu.approve_device_code(&flow.user_code));
    let polled = runtime
        .block_on(identity::poll_device_code(
            &client,
            &no_auth,
            &tenant,
            &client_id,
            &flow.device_code,
            1,
        ))
        .unwrap();
    let t = polled.token.as_ref().expect("approved, so a token");
    l.secret(t.access_token.expose());
    l.secret(t.refresh_token.as_ref().unwrap().expose());
    l.capture("Debug DevicePoll", format!("{polled:#?}"));

    // Errors: a wrong secret, a bad token, a bad device code.
    let wrong = client_with(CredentialSpec::ClientCredentials {
        tenant_id: tenant.clone(),
        client_id: client_id.clone(),
        proof: ClientProof::Secret(Secret::new(WRONG_SECRET)),
    });
    let e = runtime
        .block_on(identity::acquire_token(
            &wrong,
            &CallOptions::default(),
            "https://management.azure.com/.default",
        ))
        .unwrap_err();
    assert_eq!(e.kind, delegated_admin::ErrorKind::Unauthorized);
    l.capture("Debug Error wrong secret", format!("{e:?}"));
    l.capture("Display Error wrong secret", format!("{e}"));
    let e = runtime
        .block_on(delegated_admin::partner_center::remove_dap_relationship(
            &client_with(at.clone()),
            &CallOptions::default(),
            uuid::Uuid::parse_str(fx["inactiveDapCustomerIds"][0].as_str().unwrap()).unwrap(),
        ))
        .unwrap_err();
    assert_eq!(e.kind, delegated_admin::ErrorKind::Unauthorized);
    l.capture("Debug Error bad token", format!("{e:?}"));
    let e = runtime
        .block_on(identity::poll_device_code(
            &client,
            &no_auth,
            &tenant,
            &client_id,
            &Secret::new(FAKE_DEVICE),
            1,
        ))
        .unwrap_err();
    l.capture("Debug Error bad device code", format!("{e:?}"));
    l.capture("Debug Client at the end", format!("{client:?}"));
    l.capture("emulator request log", emulator_requests_text(&emu));
    l.assert_clean();
}

// ---------------------------------------------------------------------------------------------------------
// Transport: https only (http to loopback), no redirects, links only on the same origin

#[test]
fn plain_http_to_a_non_loopback_host_is_refused_for_endpoint_and_authority() {
    let emu = secret_emulator();
    let mut l = Leaks::new();
    let remote = [
        "http://example.com",
        "http://EXAMPLE.com:8080",
        "HTTP://example.com",
        "http://10.0.0.1",
        "http://192.168.1.10:8787",
        "http://127.0.0.2",
        "http://0.0.0.0:8787",
        "http://[::2]",
        "http://[::ffff:10.0.0.1]",
        "http://localhost.example.com",
        "http://127.0.0.1.example.com",
        "ftp://example.com",
        "ws://127.0.0.1:8787",
    ];
    for url in remote {
        for (what, f, extra) in [
            (
                "endpoint",
                da_list_delegated_admin_customers as Export,
                json!({ "endpoint": url }),
            ),
            (
                "endpoint",
                da_remove_dap_relationship,
                json!({ "endpoint": url, "customerTenantId": "00000000-0000-4000-8000-000000000000" }),
            ),
            (
                "authority",
                da_acquire_token,
                json!({ "authority": url, "resource": CUSTOMERS_RESOURCE }),
            ),
            (
                "authority",
                da_list_delegated_admin_customers,
                json!({ "authority": url }),
            ),
            (
                "authority",
                da_start_device_code,
                json!({ "authority": url, "clientId": emu.fixtures()["clientId"], "resource": CUSTOMERS_RESOURCE, "auth": null }),
            ),
        ] {
            let before = count_requests(&emu);
            let e = l.err(
                &format!("{what} {url}"),
                f,
                &req(&emu, extra),
                "invalid_request",
            );
            assert!(e["status"].is_null(), "{url}: nothing was sent: {e}");
            assert!(
                e["message"].as_str().unwrap().contains(what),
                "{url}: names the field: {e}"
            );
            assert_eq!(count_requests(&emu), before);
        }
    }
    // Loopback over plain http is allowed (the emulator), under any of its names.
    let port = emu.url().rsplit(':').next().unwrap().to_string();
    for host in ["127.0.0.1", "localhost", "LOCALHOST"] {
        let url = format!("http://{host}:{port}");
        l.ok(
            &format!("loopback {url}"),
            da_list_delegated_admin_customers,
            &req(&emu, json!({ "endpoint": url, "authority": url, "top": 1 })),
        );
    }
    l.assert_clean();
}

/// A scripted HTTP/1.1 server on loopback: answers each request with `respond(head)` and records the
/// request heads. Stops when dropped (its thread ends within a bounded time anyway).
struct Scripted {
    port: u16,
    heads: Arc<Mutex<Vec<String>>>,
    connections: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Scripted {
    fn start(respond: impl Fn(&str) -> String + Send + 'static) -> Scripted {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let heads = Arc::new(Mutex::new(Vec::new()));
        let connections = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let (h, c, s) = (heads.clone(), connections.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            let until = Instant::now() + Duration::from_secs(60);
            while !s.load(Ordering::Relaxed) && Instant::now() < until {
                let Ok((mut sock, _)) = listener.accept() else {
                    std::thread::sleep(Duration::from_millis(5));
                    continue;
                };
                c.fetch_add(1, Ordering::SeqCst);
                sock.set_nonblocking(false).unwrap();
                sock.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                    match sock.read(&mut chunk) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                }
                let head = String::from_utf8_lossy(&buf).to_string();
                let answer = respond(&head);
                h.lock().unwrap().push(head);
                let _ = sock.write_all(answer.as_bytes());
                let _ = sock.flush();
            }
        });
        Scripted {
            port,
            heads,
            connections,
            stop,
            thread: Some(thread),
        }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

impl Drop for Scripted {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn http_answer(status: &str, headers: &[(&str, String)], body: &str) -> String {
    let mut out = format!(
        "HTTP/1.1 {status}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str("\r\n");
    out.push_str(body);
    out
}

#[test]
fn redirects_are_not_followed_with_the_token() {
    let elsewhere = Scripted::start(|_| http_answer("200 OK", &[], "{\"value\":[]}"));
    let target = format!(
        "{}/CustomerServiceAdminApi/Web/v1/delegatedAdminCustomers",
        elsewhere.url()
    );
    let mut l = Leaks::new();
    for status in [
        "301 Moved Permanently",
        "302 Found",
        "307 Temporary Redirect",
        "308 Permanent Redirect",
    ] {
        let target = target.clone();
        let redirecting =
            Scripted::start(move |_| http_answer(status, &[("Location", target.clone())], ""));
        let e = l.err(
            &format!("redirect {status}"),
            da_list_delegated_admin_customers,
            &json!({ "endpoint": redirecting.url(), "auth": { "accessToken": FAKE_ACCESS }, "maxRetries": 0 }),
            "server_error",
        );
        assert_eq!(e["status"], status[..3].parse::<u16>().unwrap(), "{e}");
        assert_eq!(redirecting.connections(), 1, "{status}: one request");
        assert!(
            redirecting.heads.lock().unwrap()[0]
                .to_ascii_lowercase()
                .contains(&format!(
                    "authorization: bearer {}",
                    FAKE_ACCESS.to_ascii_lowercase()
                )),
            "the endpoint itself got the token"
        );
    }
    assert_eq!(
        elsewhere.connections(),
        0,
        "no redirect was followed, with or without the token"
    );
    l.assert_clean();
}

#[test]
fn links_to_another_origin_are_not_followed() {
    let elsewhere = Scripted::start(|_| http_answer("200 OK", &[], "{\"value\":[]}"));
    let mut l = Leaks::new();
    let foreign = [
        format!("{}/next", elsewhere.url()),
        "https://evil.example.net/CustomerServiceAdminApi/Web/v1/delegatedAdminCustomers?$skip=1"
            .to_string(),
        "http://evil.example.net/next".to_string(),
        "//evil.example.net/next".to_string(),
    ];
    for link in &foreign {
        // Partner Customer Delegated Administration: @odata.nextLink.
        let l1 = link.clone();
        let server = Scripted::start(move |_| {
            http_answer(
                "200 OK",
                &[],
                &json!({ "value": [{ "id": "53018d99-ac51-4ec8-b86e-c8a61de43717" }], "@odata.nextLink": l1 })
                    .to_string(),
            )
        });
        let env = l.call(
            &format!("customers nextLink {link}"),
            da_list_delegated_admin_customers,
            &json!({ "endpoint": server.url(), "auth": { "accessToken": FAKE_ACCESS }, "allPages": true, "maxRetries": 0 }),
        );
        assert_eq!(env["ok"], json!(false), "{link}: {env}");
        if !link.contains("//evil.example.net/next") {
            assert_eq!(env["error"]["kind"], "server_error", "{link}: {env}");
            assert!(
                env["error"]["message"]
                    .as_str()
                    .unwrap()
                    .contains("another host"),
                "{env}"
            );
        }
        assert_eq!(server.connections(), 1, "{link}: the first page only");

        // ARM: nextLink.
        let l2 = link.clone();
        let server = Scripted::start(move |_| {
            http_answer(
                "200 OK",
                &[],
                &json!({ "value": [], "nextLink": l2 }).to_string(),
            )
        });
        let env = l.call(
            &format!("ARM nextLink {link}"),
            da_list_lighthouse_assignments,
            &json!({ "endpoint": server.url(), "auth": { "accessToken": FAKE_ACCESS },
                     "scope": "/subscriptions/53018d99-ac51-4ec8-b86e-c8a61de43717", "maxRetries": 0 }),
        );
        assert_eq!(env["ok"], json!(false), "{link}: {env}");
        assert_eq!(server.connections(), 1, "{link}: the first page only");

        // ARM: the long-running delete's operation URL.
        let l3 = link.clone();
        let server = Scripted::start(move |_| {
            http_answer(
                "202 Accepted",
                &[
                    ("Azure-AsyncOperation", l3.clone()),
                    ("Location", l3.clone()),
                    ("Retry-After", "0".into()),
                ],
                "",
            )
        });
        let env = l.call(
            &format!("ARM operation URL {link}"),
            da_remove_lighthouse_assignment,
            &json!({ "endpoint": server.url(), "auth": { "accessToken": FAKE_ACCESS }, "wait": true, "maxRetries": 0,
                     "assignmentId": "/subscriptions/53018d99-ac51-4ec8-b86e-c8a61de43717/providers/Microsoft.ManagedServices/registrationAssignments/6fc468f5-b399-4e05-a6f1-da8a33da9a6c" }),
        );
        assert_eq!(env["ok"], json!(false), "{link}: {env}");
        assert_eq!(server.connections(), 1, "{link}: the DELETE only");
    }
    assert_eq!(
        elsewhere.connections(),
        0,
        "no link to another origin was followed"
    );
    l.assert_clean();
}

#[test]
fn the_emulators_own_links_are_foreign_when_it_is_addressed_by_another_name() {
    // The emulator writes links on http://127.0.0.1:PORT; addressed as http://localhost:PORT that is
    // another origin, which is as close to a foreign link as the emulator gets.
    let emu = start_with(Config {
        customers: 30,
        ..Config::default()
    });
    let port = emu.url().rsplit(':').next().unwrap().to_string();
    let alias = format!("http://localhost:{port}");
    let fx = emu.fixtures();
    let e = err(
        da_list_delegated_admin_customers,
        &request(
            &emu,
            json!({ "endpoint": alias, "top": 5, "allPages": true }),
        ),
    );
    assert_eq!(e["kind"], "server_error", "{e}");
    assert!(
        e["message"].as_str().unwrap().contains("another host"),
        "{e}"
    );
    let listings = emu
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("delegatedAdminCustomers"))
        .count();
    assert_eq!(listings, 1, "the foreign nextLink was not requested");

    let scope = format!(
        "/subscriptions/{}",
        fx["subscriptions"][0]["subscriptionId"].as_str().unwrap()
    );
    let e = err(
        da_list_lighthouse_assignments,
        &request(&emu, json!({ "endpoint": alias, "scope": scope })),
    );
    assert_eq!(e["kind"], "server_error", "{e}");
    let e = err(
        da_remove_lighthouse_assignment,
        &request(
            &emu,
            json!({ "endpoint": alias, "assignmentId": fx["subscriptions"][0]["assignments"][0]["id"], "wait": true }),
        ),
    );
    assert_eq!(e["kind"], "server_error", "{e}");
    assert_eq!(
        emu.requests()
            .iter()
            .filter(|r| r.path.contains("/operation"))
            .count(),
        0,
        "the operation URL on another origin was not polled"
    );
}

/// A link over plain http to a non-loopback host is refused (good), but as `invalid_request`, which the
/// contract reserves for bad input with nothing sent; the caller's input was fine and the first page was
/// sent. Like a link to another https host it is the service's fault: `server_error`.
#[test]
fn a_plain_http_link_from_a_service_is_a_server_error() {
    for link in ["http://evil.example.net/next", "//evil.example.net/next"] {
        let l1 = link.to_string();
        let server = Scripted::start(move |_| {
            http_answer(
                "200 OK",
                &[],
                &json!({ "value": [], "@odata.nextLink": l1 }).to_string(),
            )
        });
        let e = err(
            da_list_delegated_admin_customers,
            &json!({ "endpoint": server.url(), "auth": { "accessToken": FAKE_ACCESS }, "allPages": true, "top": 1 }),
        );
        assert_eq!(e["kind"], "server_error", "{link}: {e}");
    }
}

/// The detector itself: it must see a secret raw, JSON-escaped, URL-encoded, inside a JSON line, and in part.
#[test]
fn the_leak_detector_sees_every_form_of_a_secret() {
    let cases = [
        format!("plain {CLIENT_SECRET} text"),
        serde_json::to_string(&json!({ "m": WRONG_SECRET })).unwrap(),
        format!(
            "client_secret={}",
            url::form_urlencoded::byte_serialize(WRONG_SECRET.as_bytes()).collect::<String>()
        ),
        "{\"a\":1}\n{\"m\":\"\\u0046AKE-REFRESH-TOKEN-3f9e2c0b\"}".to_string(),
        format!("cut: {}…", &FAKE_ACCESS[..18]),
    ];
    for text in cases {
        let mut l = Leaks::new();
        l.capture("probe", text.clone());
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| l.assert_clean()));
        assert!(caught.is_err(), "the detector missed a secret in {text}");
    }
    let mut l = Leaks::new();
    l.capture("clean", "{\"kind\":\"unauthorized\",\"message\":\"***\"}");
    l.assert_clean();
}
