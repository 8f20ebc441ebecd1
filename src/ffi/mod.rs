//! The C ABI: one function per operation, each taking one UTF-8 JSON request and returning one UTF-8 JSON
//! envelope. A thin layer: [`boundary`] guards the call, [`inputs`] maps JSON to the typed API.
//!
//! Ownership: every `char *` returned (except `da_version`'s) is allocated by this library, is never NULL,
//! and must be freed exactly once with `da_string_free`. Input strings are only read during the call.
//! Threads: every function may be called from any number of threads at once.

mod boundary;
mod inputs;

use crate::error::Error;
use crate::identity;
use boundary::{run, Output};
use inputs::*;
use std::ffi::{c_char, CString};

/// The library's version, e.g. `"0.1.0"`: a static string owned by the library. Never free it.
#[no_mangle]
pub extern "C" fn da_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}

/// Free a string this library returned. NULL is a no-op. Passing any other pointer, or freeing twice, is
/// undefined behaviour.
///
/// # Safety
/// `s` must be NULL or a pointer returned by a `da_*` function of this library and not yet freed.
#[no_mangle]
pub unsafe extern "C" fn da_string_free(s: *mut c_char) {
    if s.is_null() {
        return;
    }
    let _ = std::panic::catch_unwind(|| {
        // SAFETY: per the contract above, `s` came from `CString::into_raw` in this library.
        drop(unsafe { CString::from_raw(s) });
    });
}

/// Get an access token with client credentials or a refresh token (cached per authority, tenant, client,
/// scope and credential until five minutes before expiry).
///
/// Request: `{"auth": {"tenantId","clientId","clientSecret"} | {"tenantId","clientId","refreshToken"[,"clientSecret"]},
/// "resource": "https://management.azure.com" | "scope": "https://management.azure.com/.default",
/// "authority"?, "correlationId"?, "timeoutSeconds"?, "maxRetries"?}`.
/// Result: `{"accessToken","tokenType","expiresOn","expiresIn","scope","refreshToken"}`.
///
/// Returns a JSON envelope the caller frees with `da_string_free`.
#[no_mangle]
pub extern "C" fn da_acquire_token(request_json: *const c_char) -> *mut c_char {
    run(request_json, Output::HoldsTokens, |client, opts, fields| {
        let input: AcquireTokenInput = fields.parse()?;
        let scope = identity::scope_from(input.resource.as_deref(), input.scope.as_deref())?;
        Ok(async move { identity::acquire_token(client, &opts, &scope).await.map(TokenOutput::from) })
    })
}

/// Start a device code sign-in for an admin at a console.
///
/// Request: `{"clientId", "tenantId"? (default "organizations"), "resource" | "scope", "authority"?, ...}`.
/// Result: `{"deviceCode","userCode","verificationUri","expiresIn","interval","expiresOn","message"}`: show
/// `message`, then call `da_poll_device_code` every `interval` seconds.
///
/// Returns a JSON envelope the caller frees with `da_string_free`.
#[no_mangle]
pub extern "C" fn da_start_device_code(request_json: *const c_char) -> *mut c_char {
    run(request_json, Output::HoldsTokens, |client, opts, fields| {
        let input: StartDeviceCodeInput = fields.parse()?;
        let scope = identity::scope_from(input.resource.as_deref(), input.scope.as_deref())?;
        let tenant = input.tenant_id.unwrap_or_else(|| DEFAULT_DEVICE_TENANT.into());
        Ok(async move {
            identity::start_device_code(client, &opts, &tenant, &input.client_id, &scope).await.map(DeviceCodeOutput::from)
        })
    })
}

/// Poll a device code sign-in once.
///
/// Request: `{"clientId", "tenantId"?, "deviceCode", "interval"? (seconds in force), "authority"?, ...}`.
/// Result: `{"status": "pending"|"slow_down"|"completed"|"declined"|"expired", "interval": seconds to wait
/// before the next poll, "token": null | {"accessToken","tokenType","expiresOn","expiresIn","scope","refreshToken"}}`.
///
/// Returns a JSON envelope the caller frees with `da_string_free`.
#[no_mangle]
pub extern "C" fn da_poll_device_code(request_json: *const c_char) -> *mut c_char {
    run(request_json, Output::HoldsTokens, |client, opts, fields| {
        let input: PollDeviceCodeInput = fields.parse()?;
        let tenant = input.tenant_id.unwrap_or_else(|| DEFAULT_DEVICE_TENANT.into());
        Ok(async move {
            identity::poll_device_code(client, &opts, &tenant, &input.client_id, &input.device_code, input.interval.unwrap_or(5))
                .await
                .map(DevicePollOutput::from)
        })
    })
}

/// List delegated admin customers (Partner Customer Delegated Administration API).
///
/// Request: `{"auth", "endpoint"?, "select"?: [fields], "filter"?: OData, "orderBy"?: "field [asc|desc]"
/// (organizationDisplayName, dapEnabled, startDateTime, lastSignInDateTime), "top"?: 1..300, "skip"?,
/// "count"?: bool, "allPages"?: bool, ...}`.
/// Result: `{"customers": [{"id","customerTenantId","organizationDisplayName","partnerAgentCount",
/// "partnerSignInCount","globalAdminSignInCount","dapEnabled","startDateTime","endDateTime",
/// "lastSignInDateTime"}], "count": n | null, "nextLink": string | null}`.
///
/// Returns a JSON envelope the caller frees with `da_string_free`.
#[no_mangle]
pub extern "C" fn da_list_delegated_admin_customers(request_json: *const c_char) -> *mut c_char {
    run(request_json, Output::Plain, |client, opts, fields| {
        let req: crate::customers::ListCustomersRequest = fields.parse::<ListCustomersInput>()?.try_into()?;
        Ok(async move { crate::customers::list(client, &opts, &req).await })
    })
}

/// Remove the DAP relationship with one customer (Partner Center `PATCH /v1/customers/{id}` with
/// `AllowDelegatedAccess: false`). Idempotent.
///
/// Request: `{"auth", "endpoint"?, "customerTenantId": GUID, ...}`.
/// Result: `{"customerTenantId","allowDelegatedAccess":false,"customer": the service's Customer | null}`.
///
/// Returns a JSON envelope the caller frees with `da_string_free`.
#[no_mangle]
pub extern "C" fn da_remove_dap_relationship(request_json: *const c_char) -> *mut c_char {
    run(request_json, Output::Plain, |client, opts, fields| {
        let input: RemoveDapInput = fields.parse()?;
        let id = crate::validate::guid("customerTenantId", &input.customer_tenant_id)?;
        Ok(async move { crate::partner_center::remove_dap_relationship(client, &opts, id).await })
    })
}

/// Update a delegated admin (GDAP) relationship through CloudCockpit.
///
/// Request: `{"auth", "endpoint"?, "tenantDomain" (X-Tenant), "customerId": GUID, "relationshipId",
/// "providerInstanceId": GUID, "autoExtendEnabled": bool, ...}`.
/// Result: `{"customerId","relationshipId","autoExtendEnabled","relationship": the service's answer | null}`.
///
/// Returns a JSON envelope the caller frees with `da_string_free`.
#[no_mangle]
pub extern "C" fn da_update_delegated_admin_relationship(request_json: *const c_char) -> *mut c_char {
    run(request_json, Output::Plain, |client, opts, fields| {
        let req: crate::cloudcockpit::UpdateRelationshipRequest = fields.parse::<UpdateRelationshipInput>()?.try_into()?;
        Ok(async move { crate::cloudcockpit::update_delegated_admin_relationship(client, &opts, &req).await })
    })
}

/// List the Azure Lighthouse registration assignments of a subscription or resource group (every page).
///
/// Request: `{"auth", "endpoint"?, "scope": "/subscriptions/{guid}[/resourceGroups/{name}]",
/// "includeDefinition"?: bool, "filter"?: ARM $filter, ...}`.
/// Result: `{"assignments": [{"id","type","name","properties":{"registrationDefinitionId",
/// "provisioningState","registrationDefinition"?}}]}`.
///
/// Returns a JSON envelope the caller frees with `da_string_free`.
#[no_mangle]
pub extern "C" fn da_list_lighthouse_assignments(request_json: *const c_char) -> *mut c_char {
    run(request_json, Output::Plain, |client, opts, fields| {
        let (scope, include_definition, filter) = fields.parse::<ListAssignmentsInput>()?.into_parts()?;
        Ok(async move {
            let assignments = crate::lighthouse::list_assignments(client, &opts, &scope, include_definition, filter.as_deref()).await?;
            Ok::<_, Error>(serde_json::json!({ "assignments": assignments }))
        })
    })
}

/// Remove one Azure Lighthouse registration assignment (a long-running delete).
///
/// Request: `{"auth", "endpoint"?, "assignmentId": full resource id | "scope" + "assignmentName",
/// "wait"?: bool (poll until it finishes, within timeoutSeconds), ...}`.
/// Result: `{"assignmentId","status": "deleted"|"accepted"|"notFound","operationUrl": string | null}`.
///
/// Returns a JSON envelope the caller frees with `da_string_free`.
#[no_mangle]
pub extern "C" fn da_remove_lighthouse_assignment(request_json: *const c_char) -> *mut c_char {
    run(request_json, Output::Plain, |client, opts, fields| {
        let (id, wait) = fields.parse::<RemoveAssignmentInput>()?.into_parts()?;
        Ok(async move { crate::lighthouse::remove_assignment(client, &opts, &id, wait).await })
    })
}
