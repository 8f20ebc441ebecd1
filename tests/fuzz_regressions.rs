//! Inputs found by fuzzing (scripts/fuzz.sh, docs/fuzzing.md) and nasty inputs chosen by hand, run through
//! the same entry points as the cargo-fuzz targets (`delegated_admin::fuzzing`), with plain `cargo test`.
//!
//! Each entry point returns `Ok(())` when the code under test accepted or cleanly refused the input and its
//! invariants held; a panic or an `Err` is a bug. The C exports run in validate-only mode: nothing is sent.
//!
//! The tests under "Found by fuzzing" are the crashes the campaign found (docs/fuzzing.md, "Findings"),
//! as found and shortened by hand; they guard the fixes.

use delegated_admin::fuzzing::{self, Checked, Export};

/// One fuzz target's entry point.
type Target = Box<dyn Fn(&[u8]) -> Checked>;
type Parser = fn(&[u8]) -> Checked;

/// Every entry point the fuzz targets use, by target name.
fn targets() -> Vec<(String, Target)> {
    let mut all: Vec<(String, Target)> = Export::ALL
        .iter()
        .map(|&e| {
            let name = format!("ffi_{}", e.name().trim_start_matches("da_"));
            let f: Target = Box::new(move |b: &[u8]| fuzzing::ffi_request(e, b));
            (name, f)
        })
        .collect();
    let parsers: [(&str, Parser); 11] = [
        ("service_error", fuzzing::service_error),
        ("customers_page", fuzzing::customers_page),
        ("assignments_page", fuzzing::assignments_page),
        ("gdap_page", fuzzing::gdap_page),
        ("token_response", fuzzing::token_response),
        ("device_code_response", fuzzing::device_code_response),
        ("retry_after", fuzzing::retry_after),
        ("lro_status", fuzzing::lro_status),
        ("validators", fuzzing::validators),
        ("plan", fuzzing::plan),
        ("journal_lines", fuzzing::journal_lines),
    ];
    for (name, f) in parsers {
        all.push((name.to_string(), Box::new(f)));
    }
    all
}

fn check_all(what: &str, input: &[u8]) {
    for (name, f) in targets() {
        if let Err(e) = f(input) {
            panic!("{name} on {what}: {e}");
        }
    }
}

// ---------------------------------------------------------------------------------------------------------
// Found by fuzzing (docs/fuzzing.md, "Findings").

/// `scrub` (found by ffi_apply_dap_cleanup, ffi_job_poll, ffi_job_start and ffi_acquire_token): the boundary
/// ran `secret::scrub` on the serialised envelope, replacing the secret's text wherever it appeared, so a
/// secret equal to a piece of the envelope's own JSON (`null`, `alse`, `"ok"`, the start of the caller's
/// correlation id) corrupted it. docs/api.md: every returned string is UTF-8 JSON with `ok`, and
/// `error.kind` from the documented list.
#[test]
fn secrets_that_look_like_json_do_not_corrupt_the_envelope() {
    let cases: [(Export, &[u8]); 9] = [
        // As the fuzzer found them:
        // ffi_apply_dap_cleanup: `"code":***`: the envelope was not JSON.
        (
            Export::ApplyDapCleanup,
            br#"{"auth":{"acaessToken":"null"}}"#,
        ),
        // ffi_job_poll: `"kind":"invalid_***t"`: not a documented kind.
        (
            Export::JobPoll,
            br#"{"auth":{"accessToaccessTokken":"reques"}}"#,
        ),
        // ffi_job_start: `"correlationId":"***-781ca87b8380"`: the echoed id was mangled.
        (
            Export::JobStart,
            br#"{"operation": "planDa0C.eanup", "auth": {"accessToken": "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzleanup", "auth": {"tenantId": "53018d99-ac51-4ec8-b86e-c8a61de43717", "cliteInd": "2832473f-ec63-45fb-976f-5d7da454bb91", "refreshToken": "0.AAAA-fake-refresh-token", "clientcrSeet": "fake-secret"}, "planrrelationId": "9b4bf2ca-f374-4d51-9113I1NiJ9.fake.sig"}, "endpmint": "http://127.0.0.1:8787", "correlationId": "9b4bf2ca-f374-4d51-9113-781ca87b8380", "timeoutSeconds": 30, "maxRetries": 2, "inactiveDays": 30}"#,
        ),
        // ffi_acquire_token (`auth` as a bare string): an invalid escape was left behind.
        (Export::AcquireToken, br#"{"auth":"a>                                     \\vu(an"
}"#),
        // Minimised by hand:
        (
            Export::RemoveDapRelationship,
            br#"{"accessToken":"null"}"#,
        ),
        (Export::AcquireToken, br#"{"auth":{"accessToken":"alse"}}"#),
        (Export::JobPoll, br#"{"deviceCode":"\"ok\""}"#),
        (
            Export::ListDelegatedAdminCustomers,
            br#"{"clientSecret":"invalid_request"}"#,
        ),
        (
            Export::PlanDapCleanup,
            br#"{"correlationId":"9b4bf2ca-f374-4d51-9113-781ca87b8380","refreshToken":"9b4bf2ca"}"#,
        ),
    ];
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|(export, input)| fuzzing::ffi_request(*export, input).err())
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// `scrub_json` (found by ffi_acquire_token and ffi_start_device_code in the 60 s campaign, against the
/// fix of `scrub`): a secret that starts with a character JSON escapes (`\n`, `"`, `\\`) is echoed
/// debug-escaped in the error message (`string "\\nabc"` in the JSON text); its JSON-escaped form
/// (`\nabc`) matches one character into that escape, and replacing it leaves a lone backslash before
/// `***`: `\***` is an invalid JSON escape.
#[test]
fn a_secret_starting_with_an_escaped_character_does_not_split_an_escape() {
    let cases: [(Export, &[u8]); 4] = [
        // As the fuzzer found them.
        (Export::AcquireToken, br#"{"auth":"\nnDap~leanup"}"#),
        (Export::StartDeviceCode, br#"{"auth":"\\freshTux"}"#),
        // Shortened by hand.
        (Export::AcquireToken, br#"{"auth":"\nabc"}"#),
        (Export::RemoveDapRelationship, br#"{"auth":"\"abc"}"#),
    ];
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|(export, input)| fuzzing::ffi_request(*export, input).err())
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// `expires_in` (token_response): `TokenResponse::into_token` computed
/// `Utc::now() + chrono::Duration::seconds(expires_in as i64)`, which panicked for an `expires_in` past
/// chrono's range ("`DateTime + TimeDelta` overflowed"), and gave a token that had expired before it was
/// issued for one above i64::MAX. A hostile or broken identity endpoint (or proxy) can send either.
#[test]
fn a_token_response_with_a_huge_expires_in_is_not_a_panic() {
    for body in [
        &br#"{"access_token":"x","expires_in":99999999999999}"#[..],
        br#"{"access_token":"x","expires_in":"9999999999999999"}"#,
        br#"{"access_token":"x","expires_in":18446744073709551615}"#,
    ] {
        assert_eq!(
            fuzzing::token_response(body),
            Ok(()),
            "{}",
            String::from_utf8_lossy(body)
        );
    }
}

/// `expires_in`, device code flavour: `start_device_code` computed the same
/// `now + seconds(expires_in as i64)` from the device code response.
#[test]
fn a_device_code_response_with_a_huge_expires_in_is_not_a_panic() {
    let body = br#"{"device_code":"d","user_code":"u","expires_in":99999999999999}"#;
    assert_eq!(fuzzing::device_code_response(body), Ok(()));
}

/// `retry_after` (retry_after): a `Retry-After` of whole seconds was taken as is (`Duration::from_secs(u64)`,
/// no cap, unlike the fractional form's 86,400 s), and `http::execute` then computed
/// `Instant::now() + wait`, which panicked ("overflow when adding duration to instant"); so did
/// `Throttle::pause_for` on a 429 and the long-running delete's poll (`lighthouse::remove_assignment`).
#[test]
fn a_huge_retry_after_is_not_a_panic() {
    // The first as the fuzzer found it.
    for value in [
        &b"11022222222110222222  "[..],
        b"18446744073709551615",
        b"9223372036854775807",
    ] {
        assert_eq!(
            fuzzing::retry_after(value),
            Ok(()),
            "{}",
            String::from_utf8_lossy(value)
        );
    }
}

// ---------------------------------------------------------------------------------------------------------
// Nasty inputs, through every target

#[test]
fn deep_nesting() {
    for depth in [127, 128, 129, 10_000, 200_000] {
        check_all(&format!("[ x {depth}"), "[".repeat(depth).as_bytes());
        let objects = format!("{}1{}", r#"{"a":"#.repeat(depth), "}".repeat(depth));
        check_all(&format!("{{\"a\": x {depth}"), objects.as_bytes());
        let inside = format!(
            r#"{{"customerTenantId":{}1{}}}"#,
            "[".repeat(depth),
            "]".repeat(depth)
        );
        check_all(&format!("nested field x {depth}"), inside.as_bytes());
    }
}

#[test]
fn huge_and_odd_numbers() {
    for n in [
        "1e309",
        "-1e309",
        "1e-400",
        "18446744073709551616",
        "-9223372036854775809",
        "99999999999999999999999999999999999999",
        "4294967296",
        "-0",
        "0.0000000000000000000001",
        "1.7976931348623157e308",
    ] {
        for field in [
            "timeoutSeconds",
            "maxRetries",
            "top",
            "skip",
            "interval",
            "inactiveDays",
            "concurrency",
            "requestsPerSecond",
            "maxEvents",
            "waitSeconds",
            "expires_in",
            "@odata.count",
            "code",
            "statusCode",
            "format",
        ] {
            check_all(
                &format!("{field}: {n}"),
                format!(r#"{{"{field}":{n}}}"#).as_bytes(),
            );
        }
        check_all(&format!("bare {n}"), n.as_bytes());
    }
}

#[test]
fn lone_surrogates_and_escapes() {
    for s in [
        r#"\ud800"#,
        r#"\udfff"#,
        r#"\ud800\u0041"#,
        r#"\udbff\udfff"#,
        r#"\u0000"#,
        r#"a\u0000b"#,
        r#"\u202e\u0007"#,
    ] {
        for field in [
            "customerTenantId",
            "scope",
            "jobId",
            "orderBy",
            "endpoint",
            "access_token",
            "description",
            "status",
            "planId",
        ] {
            check_all(
                &format!("{field}: {s}"),
                format!(r#"{{"{field}":"{s}"}}"#).as_bytes(),
            );
        }
        check_all(&format!("string {s}"), format!(r#""{s}""#).as_bytes());
    }
}

#[test]
fn nul_and_invalid_utf8() {
    for input in [
        &b"{\"customerTenantId\":\"53018d99\0-ac51-4ec8-b86e-c8a61de43717\"}"[..],
        b"\0{}",
        b"{}\0garbage",
        b"{\"scope\":\"/subscriptions/\xff\xfe\"}",
        b"\xef\xbb\xbf{}",
        b"\xc0\x80",
        b"\xed\xa0\x80",
        b"\x00",
        b"",
    ] {
        check_all(&format!("{input:?}"), input);
    }
}

#[test]
fn one_megabyte_strings() {
    let big = "a".repeat(1 << 20);
    let wide = "\u{10FFFF}é".repeat(1 << 17);
    for s in [&big, &wide] {
        for field in [
            "customerTenantId",
            "relationshipId",
            "filter",
            "assignmentId",
            "jobId",
            "description",
            "message",
            "error_description",
        ] {
            check_all(
                &format!("{field}: 1 MB"),
                format!(r#"{{"{field}":"{s}"}}"#).as_bytes(),
            );
        }
        check_all("raw 1 MB", s.as_bytes());
    }
}

// ---------------------------------------------------------------------------------------------------------
// The harness itself

/// Every tracked seed (fuzz/seeds/<target>/) passes its own target: the documented requests and service
/// bodies the campaign starts from.
#[test]
fn every_seed_passes_its_target() {
    let seeds = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds");
    let mut seen = 0;
    for (name, f) in targets() {
        let dir = seeds.join(&name);
        let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        for entry in entries {
            let path = entry.unwrap().path();
            let bytes = std::fs::read(&path).unwrap();
            if let Err(e) = f(&bytes) {
                panic!("{}: {e}", path.display());
            }
            seen += 1;
        }
    }
    assert!(seen > 100, "only {seen} seeds");
}

/// One export called in validate-only mode on `json` after path neutralisation, its envelope's text.
fn envelope(
    f: extern "C" fn(*const std::ffi::c_char) -> *mut std::ffi::c_char,
    json: &str,
) -> String {
    let input = fuzzing::neutralise_paths(json.as_bytes()).into_owned();
    let c = std::ffi::CString::new(input).unwrap();
    let out = delegated_admin::ffi::validate_only(|| f(c.as_ptr()));
    // SAFETY: returned by the export, NUL-terminated, freed exactly once below.
    let text = unsafe { std::ffi::CStr::from_ptr(out) }
        .to_str()
        .unwrap()
        .to_string();
    unsafe { delegated_admin::ffi::da_string_free(out) };
    text
}

const VALIDATED: &str = r#"{"ok":true,"result":{"validated":true}"#;

/// The documented valid requests are accepted in validate-only mode.
#[test]
fn documented_requests_validate() {
    use delegated_admin::ffi::*;
    let auth = r#""auth":{"accessToken":"eyJ0.fake"}"#;
    let sub = "/subscriptions/53018d99-ac51-4ec8-b86e-c8a61de43717";
    for (f, json) in [
        (
            da_remove_dap_relationship as extern "C" fn(_) -> _,
            format!(r#"{{{auth},"customerTenantId":"53018d99-ac51-4ec8-b86e-c8a61de43717"}}"#),
        ),
        (
            da_list_lighthouse_assignments,
            format!(r#"{{{auth},"scope":"{sub}/resourceGroups/rg-1"}}"#),
        ),
        (
            da_apply_dap_cleanup,
            format!(r#"{{{auth},"plan":{}}}"#, fuzzing::SAMPLE_PLAN),
        ),
        (
            da_job_start,
            format!(r#"{{{auth},"operation":"planDapCleanup","inactiveDays":30}}"#),
        ),
    ] {
        let text = envelope(f, &json);
        assert!(text.starts_with(VALIDATED), "{json} gave {text}");
    }
    // The GDAP exports' seeds are their documented requests: each validates.
    let seeds = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds");
    let gdap: [(extern "C" fn(_) -> _, &str); 7] = [
        (da_list_gdap_relationships, "ffi_list_gdap_relationships"),
        (da_get_gdap_relationship, "ffi_get_gdap_relationship"),
        (da_set_gdap_auto_extend, "ffi_set_gdap_auto_extend"),
        (
            da_remove_gdap_global_admin_role,
            "ffi_remove_gdap_global_admin_role",
        ),
        (
            da_terminate_gdap_relationship,
            "ffi_terminate_gdap_relationship",
        ),
        (
            da_list_gdap_access_assignments,
            "ffi_list_gdap_access_assignments",
        ),
        (da_list_gdap_customers, "ffi_list_gdap_customers"),
    ];
    for (f, target) in gdap {
        let mut valid = 0;
        for entry in std::fs::read_dir(seeds.join(target)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "json") {
                let json = std::fs::read_to_string(&path).unwrap();
                let text = envelope(f, &json);
                assert!(text.starts_with(VALIDATED), "{}: {text}", path.display());
                valid += 1;
            }
        }
        assert!(valid > 0, "{target} has a valid seed");
    }
}

/// Path fields, however spelt, are pointed into the fuzzing directory before the library sees them.
#[test]
fn paths_are_neutralised() {
    for input in [
        &br#"{"planPath":"/etc/passwd"}"#[..],
        br#"{"plan\u0050ath":"/etc/passwd"}"#,
        br#"{"planPath":"x","planPath":"/etc/passwd"}"#,
        br#"{"journalPath":"/tmp/x","reportPath":"/tmp/y","reportCsvPath":"/tmp/z"}"#,
    ] {
        let out = fuzzing::neutralise_paths(input);
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        for (key, value) in v.as_object().unwrap() {
            let path = std::path::Path::new(value.as_str().unwrap());
            assert!(path.starts_with(fuzzing::fuzz_dir()), "{key}: {value}");
        }
    }
    // An even-length path is pointed at the valid plan.json, an odd-length one at a missing file.
    let auth = r#""auth":{"accessToken":"eyJ0.fake"}"#;
    let read = envelope(
        delegated_admin::ffi::da_apply_dap_cleanup,
        &format!(r#"{{{auth},"planPath":"/etc/passwd!"}}"#),
    );
    assert!(read.starts_with(VALIDATED), "{read}");
    let missing = envelope(
        delegated_admin::ffi::da_apply_dap_cleanup,
        &format!(r#"{{{auth},"planPath":"/etc/passwd"}}"#),
    );
    assert!(
        missing.contains(r#""kind":"invalid_request""#) && missing.contains("cannot read plan"),
        "{missing}"
    );
}

/// Checks that once ran inside the operations' async bodies now run before the future exists, so that
/// validate-only mode (and so the fuzzer) sees them: each of these is `invalid_request`, not `validated`.
#[test]
fn validate_only_sees_every_input_check() {
    use delegated_admin::ffi::*;
    type F = extern "C" fn(*const std::ffi::c_char) -> *mut std::ffi::c_char;
    let client = "9b4bf2ca-f374-4d51-9113-781ca87b8380";
    let creds = format!(
        r#""auth":{{"tenantId":"contoso.onmicrosoft.com","clientId":"{client}","clientSecret":"s3cret-value"}}"#
    );
    let plan = r#"{"format":1,"planId":"9b4bf2ca-f374-4d51-9113-781ca87b8380","createdAt":"2026-01-01T00:00:00Z","asOf":"2026-01-01T00:00:00Z","inactiveDays":90,"summary":{"customers":0,"candidates":0,"kept":0},"candidates":[],"kept":[]}"#;
    let cases: Vec<(&str, F, String)> = vec![
        (
            "apply concurrency 0",
            da_apply_dap_cleanup,
            format!(r#"{{{creds},"plan":{plan},"concurrency":0}}"#),
        ),
        (
            "apply negative pace",
            da_apply_dap_cleanup,
            format!(r#"{{{creds},"plan":{plan},"requestsPerSecond":-1}}"#),
        ),
        (
            "device start bad tenant",
            da_start_device_code,
            format!(r#"{{"clientId":"{client}","tenantId":"a/b","resource":"https://x"}}"#),
        ),
        (
            "device poll bad client",
            da_poll_device_code,
            r#"{"clientId":"nope","deviceCode":"abcd-efgh"}"#.to_string(),
        ),
        (
            "token with a bearer token",
            da_acquire_token,
            r#"{"auth":{"accessToken":"tok-value"},"resource":"https://x"}"#.to_string(),
        ),
        (
            "blank lighthouse filter",
            da_list_lighthouse_assignments,
            format!(r#"{{{creds},"scope":"/subscriptions/{client}","filter":"  "}}"#),
        ),
    ];
    for (name, f, request) in cases {
        let c = std::ffi::CString::new(request).unwrap();
        let text = validate_only(|| {
            let out = f(c.as_ptr());
            let text = unsafe { std::ffi::CStr::from_ptr(out) }
                .to_str()
                .unwrap()
                .to_string();
            unsafe { da_string_free(out) };
            text
        });
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["error"]["kind"], "invalid_request", "{name}: {text}");
    }
}
