//! Entry points for fuzzing: the cargo-fuzz targets under `fuzz/` and `tests/fuzz_regressions.rs` call
//! these. Not part of the API (hidden from the docs, may change at any time).
//!
//! Each function hands raw bytes to one crate-private parser (a service's response body, a header, a
//! validator, the journal's line reader, the plan format) or to one C export in validate-only mode, and
//! returns `Ok(())` when the code under test behaved: it accepted the input or refused it cleanly, and
//! every invariant checked here held. `Err` describes a broken invariant. The functions add no panic of
//! their own: a panic is always the code under test panicking.

type Record = crate::engine::journal::Record<crate::cleanup::DapTarget>;
use crate::cleanup::plan::{plan_from_customers, Plan, PlanRequest};
use crate::client::Client;
use crate::customers::{OrderBy, ORDER_BY_FIELDS};
use crate::endpoint::BaseUrl;
use crate::lighthouse::{AssignmentId, Scope};
use crate::options::CallOptions;
use crate::pipeline::{deadline_after, poll_interval, retry, Response};
use crate::service::Service;
use serde_json::Value;
use std::borrow::Cow;
use std::ffi::{c_char, CStr, CString};
use std::time::Duration;

/// What an entry point found: `Err` names the broken invariant.
pub type Checked = Result<(), String>;

// ---------------------------------------------------------------------------------------------------------
// The C ABI, in validate-only mode

/// Every C export that takes a JSON request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Export {
    AcquireToken,
    StartDeviceCode,
    PollDeviceCode,
    ListDelegatedAdminCustomers,
    RemoveDapRelationship,
    UpdateDelegatedAdminRelationship,
    ListLighthouseAssignments,
    RemoveLighthouseAssignment,
    ListGdapRelationships,
    GetGdapRelationship,
    SetGdapAutoExtend,
    RemoveGdapGlobalAdminRole,
    TerminateGdapRelationship,
    ListGdapAccessAssignments,
    ListGdapCustomers,
    PlanDapCleanup,
    ApplyDapCleanup,
    JobStart,
    JobPoll,
    JobCancel,
    JobResult,
    JobFree,
    AccessLedger,
}

type ExportFn = extern "C" fn(*const c_char) -> *mut c_char;

impl Export {
    pub const ALL: [Export; 23] = [
        Export::AcquireToken,
        Export::StartDeviceCode,
        Export::PollDeviceCode,
        Export::ListDelegatedAdminCustomers,
        Export::RemoveDapRelationship,
        Export::UpdateDelegatedAdminRelationship,
        Export::ListLighthouseAssignments,
        Export::RemoveLighthouseAssignment,
        Export::ListGdapRelationships,
        Export::GetGdapRelationship,
        Export::SetGdapAutoExtend,
        Export::RemoveGdapGlobalAdminRole,
        Export::TerminateGdapRelationship,
        Export::ListGdapAccessAssignments,
        Export::ListGdapCustomers,
        Export::PlanDapCleanup,
        Export::ApplyDapCleanup,
        Export::JobStart,
        Export::JobPoll,
        Export::JobCancel,
        Export::JobResult,
        Export::JobFree,
        Export::AccessLedger,
    ];

    /// The C name, e.g. `da_acquire_token`.
    pub fn name(self) -> &'static str {
        match self {
            Export::AcquireToken => "da_acquire_token",
            Export::StartDeviceCode => "da_start_device_code",
            Export::PollDeviceCode => "da_poll_device_code",
            Export::ListDelegatedAdminCustomers => "da_list_delegated_admin_customers",
            Export::RemoveDapRelationship => "da_remove_dap_relationship",
            Export::UpdateDelegatedAdminRelationship => "da_update_delegated_admin_relationship",
            Export::ListLighthouseAssignments => "da_list_lighthouse_assignments",
            Export::RemoveLighthouseAssignment => "da_remove_lighthouse_assignment",
            Export::ListGdapRelationships => "da_list_gdap_relationships",
            Export::GetGdapRelationship => "da_get_gdap_relationship",
            Export::SetGdapAutoExtend => "da_set_gdap_auto_extend",
            Export::RemoveGdapGlobalAdminRole => "da_remove_gdap_global_admin_role",
            Export::TerminateGdapRelationship => "da_terminate_gdap_relationship",
            Export::ListGdapAccessAssignments => "da_list_gdap_access_assignments",
            Export::ListGdapCustomers => "da_list_gdap_customers",
            Export::PlanDapCleanup => "da_plan_dap_cleanup",
            Export::ApplyDapCleanup => "da_apply_dap_cleanup",
            Export::JobStart => "da_job_start",
            Export::JobPoll => "da_job_poll",
            Export::JobCancel => "da_job_cancel",
            Export::JobResult => "da_job_result",
            Export::JobFree => "da_job_free",
            Export::AccessLedger => "da_access_ledger",
        }
    }

    fn function(self) -> ExportFn {
        use crate::ffi::*;
        match self {
            Export::AcquireToken => da_acquire_token,
            Export::StartDeviceCode => da_start_device_code,
            Export::PollDeviceCode => da_poll_device_code,
            Export::ListDelegatedAdminCustomers => da_list_delegated_admin_customers,
            Export::RemoveDapRelationship => da_remove_dap_relationship,
            Export::UpdateDelegatedAdminRelationship => da_update_delegated_admin_relationship,
            Export::ListLighthouseAssignments => da_list_lighthouse_assignments,
            Export::RemoveLighthouseAssignment => da_remove_lighthouse_assignment,
            Export::ListGdapRelationships => da_list_gdap_relationships,
            Export::GetGdapRelationship => da_get_gdap_relationship,
            Export::SetGdapAutoExtend => da_set_gdap_auto_extend,
            Export::RemoveGdapGlobalAdminRole => da_remove_gdap_global_admin_role,
            Export::TerminateGdapRelationship => da_terminate_gdap_relationship,
            Export::ListGdapAccessAssignments => da_list_gdap_access_assignments,
            Export::ListGdapCustomers => da_list_gdap_customers,
            Export::PlanDapCleanup => da_plan_dap_cleanup,
            Export::ApplyDapCleanup => da_apply_dap_cleanup,
            Export::JobStart => da_job_start,
            Export::JobPoll => da_job_poll,
            Export::JobCancel => da_job_cancel,
            Export::JobResult => da_job_result,
            Export::JobFree => da_job_free,
            Export::AccessLedger => da_access_ledger,
        }
    }
}

/// The documented error kinds (docs/api.md, "Envelope").
pub const ERROR_KINDS: [&str; 10] = [
    "invalid_request",
    "unauthorized",
    "forbidden",
    "not_found",
    "conflict",
    "throttled",
    "server_error",
    "network",
    "timeout",
    "internal",
];

/// Call `export` on `bytes` (cut at the first NUL, as C would see them) inside
/// [`validate_only`](crate::ffi::validate_only), and check the envelope: UTF-8 JSON, an object with a
/// boolean `ok`, a GUID `correlationId`; `ok:true` only as `{"validated":true}` (nothing may run for real
/// here); `ok:false` with an `error` whose `kind` is documented, and never `internal` (a panic or a broken
/// invariant). The envelope is freed with `da_string_free`.
///
/// File paths are neutralised first (see [`neutralise_paths`]), so that no input can make the library read
/// or write a file outside this process's fuzzing directory.
pub fn ffi_request(export: Export, bytes: &[u8]) -> Checked {
    let bytes = bytes
        .iter()
        .position(|&b| b == 0)
        .map_or(bytes, |nul| &bytes[..nul]);
    let input = neutralise_paths(bytes);
    let Ok(input) = CString::new(input.into_owned()) else {
        return Err("neutralised input holds a NUL byte".into());
    };
    let out = crate::ffi::validate_only(|| (export.function())(input.as_ptr()));
    if out.is_null() {
        return Err(format!("{} returned NULL", export.name()));
    }
    // SAFETY: `out` is the NUL-terminated string the export just returned, not yet freed.
    let text = unsafe { CStr::from_ptr(out) }.to_bytes().to_vec();
    // SAFETY: returned by a da_* export, freed exactly once.
    unsafe { crate::ffi::da_string_free(out) };
    check_envelope(export, &text)
}

fn check_envelope(export: Export, text: &[u8]) -> Checked {
    let name = export.name();
    let text =
        std::str::from_utf8(text).map_err(|e| format!("{name}: the envelope is not UTF-8: {e}"))?;
    let v: Value = serde_json::from_str(text)
        .map_err(|e| format!("{name}: the envelope is not JSON ({e}): {text}"))?;
    let Some(envelope) = v.as_object() else {
        return Err(format!("{name}: the envelope is not an object: {text}"));
    };
    let correlation = envelope.get("correlationId").and_then(Value::as_str);
    if correlation
        .and_then(|c| uuid::Uuid::parse_str(c).ok())
        .is_none()
    {
        return Err(format!(
            "{name}: the envelope's correlationId is not a GUID: {text}"
        ));
    }
    match envelope.get("ok") {
        Some(Value::Bool(true)) => {
            if envelope.get("result") != Some(&serde_json::json!({ "validated": true })) {
                return Err(format!(
                    "{name}: ok:true in validate-only mode must be {{\"validated\":true}}: {text}"
                ));
            }
        }
        Some(Value::Bool(false)) => {
            let error = envelope.get("error").and_then(Value::as_object);
            let kind = error.and_then(|e| e.get("kind")).and_then(Value::as_str);
            let message = error.and_then(|e| e.get("message")).and_then(Value::as_str);
            match (kind, message) {
                (Some("internal"), _) => {
                    return Err(format!("{name}: an internal error (a bug): {text}"))
                }
                (Some(k), Some(_)) if ERROR_KINDS.contains(&k) => {}
                _ => return Err(format!("{name}: ok:false, no documented kind: {text}")),
            }
            if error.and_then(|e| e.get("correlationId")) != envelope.get("correlationId") {
                return Err(format!(
                    "{name}: the error's correlationId differs from the envelope's: {text}"
                ));
            }
        }
        _ => return Err(format!("{name}: the envelope has no boolean ok: {text}")),
    }
    Ok(())
}

/// The directory neutralised paths point into: `$TMPDIR/delegated-admin-fuzz-{pid}`, holding `plan.json`
/// (a valid plan) and nothing else the library could read.
pub fn fuzz_dir() -> &'static std::path::Path {
    static DIR: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("delegated-admin-fuzz-{}", std::process::id()));
        // Best effort: when it cannot be made, plan reads fail cleanly with invalid_request.
        let _ = std::fs::create_dir_all(&dir);
        let _ = std::fs::write(dir.join("plan.json"), SAMPLE_PLAN);
        dir
    })
}

/// A valid plan with one candidate, for `planPath`.
pub const SAMPLE_PLAN: &str = r#"{"format":1,"planId":"0b7c3f3e-51f6-4c8b-9a39-1c2f8a0a4d11","createdAt":"2026-11-23T10:00:00Z","asOf":"2026-11-23T10:00:00Z","inactiveDays":90,"include":null,"exclude":[],"summary":{"customers":2,"candidates":1,"kept":1},"candidates":[{"customerTenantId":"53018d99-ac51-4ec8-b86e-c8a61de43717","organizationDisplayName":"Contoso","dapEnabled":true,"lastSignInDateTime":"2026-01-02T03:04:05Z","startDateTime":"2021-08-06T21:15:04.3461507Z","reason":"inactive_sign_in","detail":"last partner sign-in 2026-01-02T03:04:05Z is 325 days before 2026-11-23T10:00:00Z, more than 90"}],"kept":[{"customerTenantId":"6fc468f5-b399-4e05-a6f1-da8a33da9a6c","organizationDisplayName":"Fabrikam","dapEnabled":false,"lastSignInDateTime":null,"startDateTime":null,"reason":"no_dap","detail":"no DAP relationship (dapEnabled is not true)"}]}"#;

/// Every top-level string field whose name ends in `Path` (`planPath`, `journalPath`, `reportPath`,
/// `reportCsvPath`, and any future one) is pointed into [`fuzz_dir`]: at `plan.json` when the original
/// value's length is even, at a file that does not exist when it is odd, so that both the read and the
/// "cannot read" path run. Input that is not a JSON object is returned as is (the library refuses it before
/// looking at any field); a rewritten object is serialised again.
pub fn neutralise_paths(bytes: &[u8]) -> Cow<'_, [u8]> {
    // The same parse as the boundary's (UTF-8, then a JSON value), so both see the same fields, including
    // names spelt with escapes (`plan\u0050ath`) and repeated names (the last one wins in both).
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Cow::Borrowed(bytes);
    };
    let Ok(Value::Object(mut map)) = serde_json::from_str::<Value>(text) else {
        return Cow::Borrowed(bytes);
    };
    let mut changed = false;
    for (key, value) in map.iter_mut() {
        if !key.to_ascii_lowercase().ends_with("path") {
            continue;
        }
        if let Value::String(s) = value {
            let file = if s.len() % 2 == 0 {
                "plan.json"
            } else {
                "missing.json"
            };
            *s = fuzz_dir().join(file).to_string_lossy().into_owned();
            changed = true;
        }
    }
    if changed {
        Cow::Owned(Value::Object(map).to_string().into_bytes())
    } else {
        Cow::Borrowed(bytes)
    }
}

// ---------------------------------------------------------------------------------------------------------
// Service responses

/// Longest error message `service_error::parse` keeps: 1024 bytes and an ellipsis.
const MAX_SERVICE_MESSAGE: usize = 1024 + '…'.len_utf8();

/// Any service's error body (`service_error::parse`): the message stays bounded.
pub fn service_error(bytes: &[u8]) -> Checked {
    let e = crate::service_error::parse(bytes);
    match &e.message {
        Some(m) if m.len() > MAX_SERVICE_MESSAGE => Err(format!(
            "service error message of {} bytes, more than {MAX_SERVICE_MESSAGE}",
            m.len()
        )),
        _ => Ok(()),
    }
}

/// A page of `delegatedAdminCustomers` (`customers::Page`): parsed, each customer's dates read, every
/// customer classified by the cleanup planner, and the `@odata.nextLink` followed as the listing would.
pub fn customers_page(bytes: &[u8]) -> Checked {
    let Ok(page) = serde_json::from_slice::<crate::customers::Page>(bytes) else {
        return Ok(());
    };
    let value = page.value.into_inner();
    for c in &value {
        let _ = (c.last_sign_in(), c.start(), c.tenant_id(), c.dap_enabled());
    }
    let n = value.len() as u64;
    let plan = plan_from_customers(value, &PlanRequest::default())
        .map_err(|e| format!("planning a page failed: {e}"))?;
    if plan.summary.customers != n
        || plan.summary.candidates + plan.summary.kept != n
        || plan.candidates.len() as u64 != plan.summary.candidates
    {
        return Err(format!(
            "plan summary {:?} does not add up for {n} customers",
            plan.summary
        ));
    }
    plan_round_trip(&plan)?;
    let _ = page.count;
    match page.next_link {
        Some(link) => follow(&crate::customers::SERVICE, &link),
        None => Ok(()),
    }
}

/// A page of ARM registration assignments (`lighthouse::Page`): parsed, each assignment serialised back
/// (results carry them as is), and `nextLink` followed as the listing would.
pub fn assignments_page(bytes: &[u8]) -> Checked {
    let Ok(page) = serde_json::from_slice::<crate::lighthouse::Page>(bytes) else {
        return Ok(());
    };
    let text =
        serde_json::to_string(&serde_json::json!({ "assignments": page.value.into_inner() }))
            .map_err(|e| format!("assignments do not serialise: {e}"))?;
    if serde_json::from_str::<Value>(&text).is_err() {
        return Err(format!("serialised assignments are not JSON: {text}"));
    }
    match page.next_link.filter(|l| !l.is_empty()) {
        Some(link) => follow(&crate::lighthouse::SERVICE, &link),
        None => Ok(()),
    }
}

/// A page of Graph GDAP relationships (`gdap::Page<Relationship>`), read as the listing reads it
/// (`paging::read_capped`): each relationship judged as the cleanup judges it (status, customer, roles,
/// Global Administrator, end date, id) and serialised back to the same JSON (results carry every field
/// Graph sent), and `@odata.nextLink` followed as the listing would.
pub fn gdap_page(bytes: &[u8]) -> Checked {
    let resp = Response {
        status: 200,
        headers: Default::default(),
        body: bytes.to_vec(),
        oversized: false,
    };
    let Ok(page) =
        crate::paging::read_capped::<crate::gdap::Page<crate::gdap::Relationship>>(&resp)
    else {
        return Ok(());
    };
    let value = page.value.into_inner();
    for r in &value {
        let _ = (r.is_active(), r.end(), r.roles_count(), r.parsed_id());
        if let (Some(ga), Some(details)) = (r.holds_global_administrator(), &r.access_details) {
            let any = details.unified_roles.iter().any(|u| {
                u.role_definition_id.as_deref().is_some_and(|t| {
                    t.trim()
                        .eq_ignore_ascii_case(&crate::gdap::GLOBAL_ADMINISTRATOR.to_string())
                })
            });
            if ga != any {
                return Err(format!("Global Administrator read as {ga} in {details:?}"));
            }
        }
        let written = serde_json::to_value(r)
            .map_err(|e| format!("a relationship does not serialise: {e}"))?;
        match serde_json::from_value::<crate::gdap::Relationship>(written.clone()) {
            Ok(again) if &again == r => {}
            other => {
                return Err(format!(
                    "a relationship changed on a write and read: {written} -> {other:?}"
                ))
            }
        }
    }
    let mut active = crate::cleanup::ActiveGdap::default();
    active.add(value.clone(), None);
    for r in &value {
        if let Some(c) = r.customer_tenant_id() {
            let covered = active.covers(&c);
            if covered != active.describe(&c).is_some() {
                return Err(format!("customer {c}: covers and describe disagree"));
            }
        }
    }
    match page.next_link.filter(|l| !l.is_empty()) {
        Some(link) => follow(&crate::gdap::SERVICE, &link),
        None => Ok(()),
    }
}

/// A link the service handed back, followed by `Call::follow` from the service's default endpoint: when
/// accepted, it is on the endpoint's origin (the bearer token goes nowhere else).
fn follow(service: &'static Service, link: &str) -> Checked {
    let client = Client::builder()
        .access_token(crate::Secret::new("fuzzing-token"))
        .build()
        .map_err(|e| e.to_string())?;
    let opts = CallOptions::default();
    let call = crate::call::Call::new(&client, service, &opts).map_err(|e| e.to_string())?;
    match call.follow(link) {
        Ok(url) if !call.endpoint.same_origin(&url) => Err(format!(
            "link {link:?} was accepted but leads to another origin: {url}"
        )),
        Ok(url) if url.scheme() != "https" => {
            Err(format!("link {link:?} was accepted without https: {url}"))
        }
        _ => Ok(()),
    }
}

/// The identity platform's token response (`identity::TokenResponse`), turned into a token as
/// `request_token` and `poll_device_code` do (`into_token`).
pub fn token_response(bytes: &[u8]) -> Checked {
    let Ok(r) = serde_json::from_slice::<crate::credentials::token_endpoint::TokenResponse>(bytes)
    else {
        return Ok(());
    };
    let before = chrono::Utc::now();
    let token = r.into_token("https://management.azure.com/.default");
    if token.expires_on < before {
        return Err(format!(
            "a token for {} s expires in the past: {}",
            token.expires_in, token.expires_on
        ));
    }
    Ok(())
}

/// The device code response (`identity::DeviceCodeResponse`), turned into a `DeviceCode` as
/// `start_device_code` does (`into_device_code`).
pub fn device_code_response(bytes: &[u8]) -> Checked {
    let Ok(r) = serde_json::from_slice::<crate::identity::DeviceCodeResponse>(bytes) else {
        return Ok(());
    };
    let before = chrono::Utc::now();
    let code = r.into_device_code();
    if code.expires_on < before {
        return Err(format!(
            "a device code for {} s expires in the past: {}",
            code.expires_in, code.expires_on
        ));
    }
    Ok(())
}

/// One `Retry-After`-style header value, as `retry::retry_after` reads it under each of the three names it
/// knows (`Retry-After`, `retry-after-ms`, `x-ms-retry-after-ms`), then used as the library uses it: the
/// retry wait `retry::delay` and its deadline check `http::deadline_after(wait)` (`http::execute`), the
/// shared throttle's pause on a 429 (`Throttle::pause_for`), the envelope's `retryAfterSeconds`
/// (`http::response_error`), and the long-running delete's poll wait `http::poll_interval` with its
/// deadline check (`lighthouse::remove_assignment`). The hint is bounded by `retry::MAX_RETRY_AFTER`, and
/// no wait is shorter than it.
pub fn retry_after(header_value: &[u8]) -> Checked {
    use reqwest::header::{HeaderMap, HeaderName, HeaderValue, RETRY_AFTER};
    let Ok(value) = HeaderValue::from_bytes(header_value) else {
        return Ok(());
    };
    for name in [
        RETRY_AFTER,
        HeaderName::from_static("retry-after-ms"),
        HeaderName::from_static("x-ms-retry-after-ms"),
    ] {
        let mut headers = HeaderMap::new();
        headers.insert(name.clone(), value.clone());
        let hint = retry::retry_after(&headers);
        if let Some(h) = hint.filter(|h| *h > retry::MAX_RETRY_AFTER) {
            return Err(format!(
                "{name}: {value:?} gives a hint of {h:?}, over the cap"
            ));
        }
        let deadline = deadline_after(Duration::from_secs(100));
        for attempt in [0, 3, 20] {
            let wait = retry::delay(attempt, hint, &retry::RetryOptions::default());
            if hint.is_some_and(|h| wait < h) {
                return Err(format!("delay {wait:?} is shorter than the hint {hint:?}"));
            }
            let _ = deadline_after(wait) > deadline;
        }
        if let Some(h) = hint {
            crate::throttle::Throttle::new().pause_for(h);
        }
        let _retry_after_seconds = hint.map(|d| d.as_secs_f64().ceil() as u64);
        let resp = Response {
            status: 202,
            headers,
            body: Vec::new(),
            oversized: false,
        };
        for polls in [0, 1, 50] {
            let wait_for = poll_interval(&resp.headers, polls);
            let _ = deadline_after(wait_for) > deadline;
        }
    }
    Ok(())
}

/// An `Azure-AsyncOperation` status body, read as the long-running delete's poll reads it
/// (`lighthouse::lro_status`): only `Failed` and `Canceled` end it with an error.
pub fn lro_status(bytes: &[u8]) -> Checked {
    use crate::lighthouse::LroStatus;
    match crate::lighthouse::lro_status(bytes) {
        LroStatus::Ended { status, .. }
            if !(status.eq_ignore_ascii_case("Failed")
                || status.eq_ignore_ascii_case("Canceled")) =>
        {
            Err(format!("the status {status:?} ended the operation"))
        }
        _ => Ok(()),
    }
}

// ---------------------------------------------------------------------------------------------------------
// Validators

/// `lighthouse::Scope::parse`: an accepted scope prints as a path that parses to the same scope, and the
/// URL built from it stays under `/subscriptions/{id}` and ends in the provider's path.
pub fn scope(text: &str) -> Checked {
    let Ok(s) = Scope::parse(text) else {
        return Ok(());
    };
    let printed = s.to_string();
    match Scope::parse(&printed) {
        Ok(again) if again == s => {}
        other => {
            return Err(format!(
                "scope {text:?} printed as {printed:?} parses as {other:?}"
            ))
        }
    }
    let url = BaseUrl::from_static("https://management.azure.com").join(&format!(
        "{printed}/providers/Microsoft.ManagedServices/registrationAssignments"
    ));
    let prefix = format!("/subscriptions/{}", s.subscription_id);
    if !url.path().starts_with(&prefix)
        || !url
            .path()
            .ends_with("/providers/Microsoft.ManagedServices/registrationAssignments")
        || url.query().is_some()
        || url.fragment().is_some()
    {
        return Err(format!("scope {text:?} builds the URL {url}"));
    }
    Ok(())
}

/// `lighthouse::AssignmentId::parse`: an accepted id prints as an id that parses to the same id.
pub fn assignment_id(text: &str) -> Checked {
    let Ok(id) = AssignmentId::parse(text) else {
        return Ok(());
    };
    let printed = id.to_string();
    match AssignmentId::parse(&printed) {
        Ok(again) if again == id => Ok(()),
        other => Err(format!(
            "assignment id {text:?} printed as {printed:?} parses as {other:?}"
        )),
    }
}

/// `customers::OrderBy::parse`: an accepted value names a sortable field.
pub fn order_by(text: &str) -> Checked {
    match OrderBy::parse(text) {
        Ok(o) if !ORDER_BY_FIELDS.contains(&o.field) => {
            Err(format!("orderBy {text:?} accepted the field {}", o.field))
        }
        _ => Ok(()),
    }
}

/// `endpoint::BaseUrl::parse`: an accepted URL is https (or http to loopback), prints as a URL that parses
/// to the same, and a joined path stays on its origin.
pub fn base_url(text: &str) -> Checked {
    let Ok(u) = BaseUrl::parse("endpoint", text) else {
        return Ok(());
    };
    match BaseUrl::parse("endpoint", u.as_str()) {
        Ok(again) if again == u => {}
        other => {
            return Err(format!(
                "endpoint {text:?} printed as {:?} parses as {other:?}",
                u.as_str()
            ))
        }
    }
    let joined = u.join("/v1/customers/x");
    if !u.same_origin(&joined) || joined.path() != "/v1/customers/x" {
        return Err(format!("endpoint {text:?} joined gives {joined}"));
    }
    crate::endpoint::check_transport("endpoint", &joined)
        .map_err(|e| format!("endpoint {text:?} was accepted but: {e}"))
}

/// `validate::guid`, `validate::tenant`, `validate::path_segment` and `gdap::RelationshipId::parse`: a
/// tenant is normalised to a value that validates to itself; a path segment is encoded so that it cannot
/// add a segment, a query or a fragment; a relationship id prints as 73 characters of hex digits and
/// hyphens (a path segment as is) that parse to the same id.
pub fn identifiers(text: &str) -> Checked {
    if let Ok(g) = crate::validate::guid("id", text) {
        if crate::validate::guid("id", &g.to_string()) != Ok(g) {
            return Err(format!("guid {text:?} does not round-trip"));
        }
    }
    if let Ok(t) = crate::validate::tenant("tenantId", text) {
        if crate::validate::tenant("tenantId", &t).as_ref() != Ok(&t) {
            return Err(format!("tenant {text:?} normalised to {t:?} is not stable"));
        }
    }
    if let Ok(seg) = crate::validate::path_segment("relationshipId", text) {
        if seg.is_empty()
            || !seg
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'%' | b'-' | b'_' | b'~'))
        {
            return Err(format!("path segment {text:?} encoded as {seg:?}"));
        }
        let url = BaseUrl::from_static("https://api.cloudcockpit.com").join(&format!(
            "/v1/Customers/c/delegated-admin-relationships/{seg}"
        ));
        if url.path_segments().map(Iterator::count) != Some(5) {
            return Err(format!("path segment {text:?} changed the path: {url}"));
        }
    }
    if let Ok(id) = crate::gdap::RelationshipId::parse("id", text) {
        let printed = id.to_string();
        if crate::gdap::RelationshipId::parse("id", &printed).ok() != Some(id)
            || printed.len() != 73
            || !printed.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-')
        {
            return Err(format!("relationship id {text:?} printed as {printed:?}"));
        }
    }
    let _ = crate::identity::scope_from(Some(text), None);
    let _ = crate::identity::scope_from(None, Some(text));
    Ok(())
}

/// The validators, the first byte choosing which: 0 scope, 1 assignment id, 2 orderBy, 3 base URL,
/// 4 GUID/tenant/path segment. The rest must be UTF-8 (every caller hands them a `&str`).
pub fn validators(bytes: &[u8]) -> Checked {
    let Some((&which, rest)) = bytes.split_first() else {
        return Ok(());
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return Ok(());
    };
    match which % 5 {
        0 => scope(text),
        1 => assignment_id(text),
        2 => order_by(text),
        3 => base_url(text),
        _ => identifiers(text),
    }
}

// ---------------------------------------------------------------------------------------------------------
// Cleanup files

/// A plan file (`cleanup::Plan`), as `apply` reads `planPath` or the `plan` field: when accepted, it
/// writes back (as `planPath` is written) to the same plan.
pub fn plan(bytes: &[u8]) -> Checked {
    let Ok(p) = serde_json::from_slice::<Plan>(bytes) else {
        return Ok(());
    };
    plan_round_trip(&p)
}

fn plan_round_trip(p: &Plan) -> Checked {
    let written =
        serde_json::to_vec_pretty(p).map_err(|e| format!("plan does not serialise: {e}"))?;
    match serde_json::from_slice::<Plan>(&written) {
        Ok(again) if &again == p => Ok(()),
        Ok(_) => Err(format!(
            "plan changed on a write and read: {}",
            String::from_utf8_lossy(&written)
        )),
        Err(e) => Err(format!(
            "a written plan does not read back ({e}): {}",
            String::from_utf8_lossy(&written)
        )),
    }
}

/// One journal line, parsed as `Journal::open` parses each line.
pub(crate) fn journal_record(line: &[u8]) -> Option<Record> {
    Record::parse(line)
}

/// A journal file's bytes, read line by line as `Journal::open` reads them (not UTF-8: the open fails;
/// blank lines skipped; each line trimmed and parsed, an unreadable one counted): every record read
/// writes back (as `Journal::append` writes it) to a line that reads as the same record.
pub fn journal_lines(bytes: &[u8]) -> Checked {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Ok(());
    };
    for line in text.split_inclusive('\n') {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let Some(record) = journal_record(line.as_bytes()) else {
            continue;
        };
        let written =
            serde_json::to_vec(&record).map_err(|e| format!("record does not serialise: {e}"))?;
        if written.contains(&b'\n') {
            return Err(format!(
                "a record writes a newline: {}",
                String::from_utf8_lossy(&written)
            ));
        }
        let again = journal_record(&written).ok_or_else(|| {
            format!(
                "a written record does not read back: {}",
                String::from_utf8_lossy(&written)
            )
        })?;
        let (a, b) = (serde_json::to_value(&record), serde_json::to_value(&again));
        if a.as_ref().ok() != b.as_ref().ok() {
            return Err(format!(
                "record changed on a write and read: {}",
                String::from_utf8_lossy(&written)
            ));
        }
    }
    Ok(())
}
