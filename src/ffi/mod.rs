//! The C ABI: one function per operation, each taking one UTF-8 JSON request and returning one UTF-8 JSON
//! envelope. A thin layer: [`boundary`] guards the call, [`inputs`] maps JSON to the typed API.
//!
//! Ownership: every `char *` returned (except `da_version`'s) is allocated by this library, is never NULL,
//! and must be freed exactly once with `da_string_free`. Input strings are only read during the call.
//! Threads: every function may be called from any number of threads at once.

mod actions;
mod auth;
mod boundary;
mod cleanup;
mod context;

#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub use boundary::validate_only;
pub use context::clear_credentials;
mod inputs;
mod jobs;
mod ledger;
mod signin;

use crate::cleanup::JobControl;
use crate::error::{Error, Result};
use crate::identity;
use boundary::{guarded, run, Fields, Output, Reply};
use inputs::*;
use std::ffi::{c_char, CString};
use std::sync::Arc;

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
    run(request_json, Output::HoldsTokens, |c, fields| {
        let input: AcquireTokenInput = fields.parse()?;
        let scope = identity::scope_from(input.resource.as_deref(), input.scope.as_deref())?;
        identity::check_exchangeable(&c.client)?;
        Ok(async move {
            identity::acquire_token(&c.client, &c.opts, &scope)
                .await
                .map(TokenOutput::from)
        })
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
    run(request_json, Output::HoldsTokens, |c, fields| {
        let input: StartDeviceCodeInput = fields.parse()?;
        identity::check_device_ids(input.tenant_id.as_deref(), &input.client_id)?;
        let scope = identity::scope_from(input.resource.as_deref(), input.scope.as_deref())?;
        let tenant = input
            .tenant_id
            .unwrap_or_else(|| DEFAULT_DEVICE_TENANT.into());
        Ok(async move {
            identity::start_device_code(&c.client, &c.opts, &tenant, &input.client_id, &scope)
                .await
                .map(DeviceCodeOutput::from)
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
    run(request_json, Output::HoldsTokens, |c, fields| {
        let input: PollDeviceCodeInput = fields.parse()?;
        identity::check_device_ids(input.tenant_id.as_deref(), &input.client_id)?;
        let tenant = input
            .tenant_id
            .unwrap_or_else(|| DEFAULT_DEVICE_TENANT.into());
        Ok(async move {
            identity::poll_device_code(
                &c.client,
                &c.opts,
                &tenant,
                &input.client_id,
                &input.device_code,
                input.interval.unwrap_or(5),
            )
            .await
            .map(DevicePollOutput::from)
        })
    })
}

/// Start an interactive browser sign-in (authorization code with PKCE, loopback redirect), for admins whose
/// Conditional Access blocks the device code flow.
///
/// Request: `{"clientId", "tenantId"? (default "organizations"), "resource" | "scope", "loginHint"?,
/// "prompt"? ("login"|"select_account"|"consent"|"none"), "waitForBrowserSeconds"? (default 300), "authority"?,
/// "cloud"?, ...}`.
/// Result: `{"sessionId","authorizeUrl","redirectUri","expiresOn"}`: open `authorizeUrl` in a browser on this
/// machine (the redirect comes back to `http://localhost:<port>/`), then call
/// `da_poll_interactive_sign_in`.
///
/// Returns a JSON envelope the caller frees with `da_string_free`.
#[no_mangle]
pub extern "C" fn da_start_interactive_sign_in(request_json: *const c_char) -> *mut c_char {
    run(request_json, Output::Plain, |c, fields| {
        let input: StartSignInInput = fields.parse()?;
        identity::check_device_ids(input.tenant_id.as_deref(), &input.client_id)?;
        let scope = identity::scope_from(input.resource.as_deref(), input.scope.as_deref())?;
        let wait = input.wait_for_browser_seconds.unwrap_or(300.0);
        if !(wait.is_finite() && (1.0..=3600.0).contains(&wait)) {
            return Err(Error::invalid(
                "waitForBrowserSeconds must be from 1 to 3600",
            ));
        }
        let req = crate::interactive::SignInRequest {
            tenant: input
                .tenant_id
                .unwrap_or_else(|| DEFAULT_DEVICE_TENANT.into()),
            client_id: input.client_id,
            scope,
            login_hint: input.login_hint,
            prompt: input.prompt,
            timeout: std::time::Duration::from_secs_f64(wait),
        };
        Ok(async move {
            // The session's listener is a task of the library's runtime: it outlives this call.
            let session = crate::interactive::start(&c.client, &c.opts, req).await?;
            let (url, redirect, expires) = (
                session.authorize_url.clone(),
                session.redirect_uri.clone(),
                session.expires_on,
            );
            let id = signin::keep(session)?;
            Ok::<_, Error>(serde_json::json!({
                "sessionId": id, "authorizeUrl": url, "redirectUri": redirect, "expiresOn": expires,
            }))
        })
    })
}

/// Poll an interactive sign-in.
///
/// Request: `{"sessionId", "waitSeconds"? (wait up to this long for it to end; default 0)}`.
/// Result: `{"sessionId","status": "pending"|"completed"|"declined"|"expired"|"failed", "token"?: {"accessToken",
/// "tokenType","expiresOn","expiresIn","scope","refreshToken"}, "reason"? (declined), "error"? (failed)}`. Once
/// it reports an end, the sign-in is released.
///
/// Returns a JSON envelope the caller frees with `da_string_free`.
#[no_mangle]
pub extern "C" fn da_poll_interactive_sign_in(request_json: *const c_char) -> *mut c_char {
    guarded(request_json, Output::HoldsTokens, |_, fields: Fields| {
        Ok(Reply::Result(signin::poll(fields.parse()?)?))
    })
}

/// Cancel an interactive sign-in: its listener closes. Request: `{"sessionId"}`. Result:
/// `{"sessionId","cancelled":true}`.
///
/// Returns a JSON envelope the caller frees with `da_string_free`.
#[no_mangle]
pub extern "C" fn da_cancel_interactive_sign_in(request_json: *const c_char) -> *mut c_char {
    guarded(request_json, Output::Plain, |_, fields: Fields| {
        Ok(Reply::Result(signin::cancel(fields.parse()?)?))
    })
}

/// Check a credential: for each service (of the cloud), whether a token can be had, its audience, expiry,
/// whether it is a user's and carries MFA (`amr`; unknown for an app-only token), and a cheap read of the
/// service. No token is ever returned.
///
/// Request: `{"auth", "cloud"?, "endpoint"?/"endpoints"?, "services"?: ["customerAdmin"|"partnerCenter"|
/// "cloudCockpit"|"resourceManager"|"graph"], ...}`.
/// Result: `{"credential","cloud","ready","warnings":[...],"services":[{"service","name","endpoint","scope",
/// "token": null | {"audience","expiresOn","identity": "app"|"user"|"unknown","mfa": true|false|null,"mfaNote",
/// "tenantId","appId","permissions"},"tokenError","probe": null | {"request","reachable","ok","status","error"},
/// "ready"}]}`.
///
/// Returns a JSON envelope the caller frees with `da_string_free`.
#[no_mangle]
pub extern "C" fn da_check_readiness(request_json: *const c_char) -> *mut c_char {
    run(request_json, Output::Plain, |c, fields| {
        let input: ReadinessInput = fields.parse()?;
        c.client.require_credential()?;
        let services = input
            .services
            .iter()
            .map(|id| {
                crate::catalog::by_id(id).ok_or_else(|| {
                    Error::invalid(format!(
                        "services names `{}`, which is not one of {}",
                        crate::validate::printable(id),
                        crate::catalog::ids()
                    ))
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(async move { crate::readiness::check(&c.client, &c.opts, &services).await })
    })
}

/// List delegated admin customers (Partner Customer Delegated Administration API).
///
/// Request: `{"auth", "endpoint"?, "select"?: [fields], "filter"?: OData, "orderBy"?: "field [asc|desc]"
/// (organizationDisplayName, dapEnabled, startDateTime, lastSignInDateTime), "top"?: 1..300, "skip"?,
/// "count"?: bool, "allPages"?: bool, "maxResults"?: n (with allPages: stop paging once n customers are
/// listed, and return at most n), ...}`.
/// Result: `{"customers": [{"id","customerTenantId","organizationDisplayName","partnerAgentCount",
/// "partnerSignInCount","globalAdminSignInCount","dapEnabled","startDateTime","endDateTime",
/// "lastSignInDateTime"}], "count": n | null, "nextLink": string | null}`.
///
/// Returns a JSON envelope the caller frees with `da_string_free`.
#[no_mangle]
pub extern "C" fn da_list_delegated_admin_customers(request_json: *const c_char) -> *mut c_char {
    run(request_json, Output::Plain, |c, fields| {
        let req: crate::customers::ListCustomersRequest =
            fields.parse::<ListCustomersInput>()?.try_into()?;
        c.client.require_credential()?;
        Ok(async move { crate::customers::list(&c.client, &c.opts, &req).await })
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
    run(request_json, Output::Plain, |c, fields| {
        let input: RemoveDapInput = fields.parse()?;
        let id = crate::validate::guid("customerTenantId", &input.customer_tenant_id)?;
        c.client.require_credential()?;
        Ok(
            async move { crate::partner_center::remove_dap_relationship(&c.client, &c.opts, id).await },
        )
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
pub extern "C" fn da_update_delegated_admin_relationship(
    request_json: *const c_char,
) -> *mut c_char {
    run(request_json, Output::Plain, |c, fields| {
        let req: crate::cloudcockpit::UpdateRelationshipRequest =
            fields.parse::<UpdateRelationshipInput>()?.try_into()?;
        Ok(async move {
            crate::cloudcockpit::update_delegated_admin_relationship(&c.client, &c.opts, &req).await
        })
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
    run(request_json, Output::Plain, |c, fields| {
        let (scope, include_definition, filter) =
            fields.parse::<ListAssignmentsInput>()?.into_parts()?;
        Ok(async move {
            let assignments = crate::lighthouse::list_assignments(
                &c.client,
                &c.opts,
                &scope,
                include_definition,
                filter.as_deref(),
            )
            .await?;
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
    run(request_json, Output::Plain, |c, fields| {
        let (id, wait) = fields.parse::<RemoveAssignmentInput>()?.into_parts()?;
        c.client.require_credential()?;
        Ok(async move { crate::lighthouse::remove_assignment(&c.client, &c.opts, &id, wait).await })
    })
}

/// List GDAP relationships (Microsoft Graph `tenantRelationships/delegatedAdminRelationships`), every page
/// (`@odata.nextLink` followed as given, on the same host only). See `da_job_start` for progress and cancel.
///
/// Request: `{"auth", "endpoint"?, "status"?: "active"|"created"|"approvalPending"|"expired"|"terminated"|...
/// (`$filter status eq`), "customerTenantId"?: GUID (`$filter customer/tenantId eq`), "filter"?: OData (joined
/// with `and`), "select"?: [id, displayName, duration, customer, accessDetails, status, autoExtendDuration,
/// createdDateTime, lastModifiedDateTime, activatedDateTime, endDateTime], "top"?: page size 1..300 (default
/// 300), "expiringWithinDays"?: 0..730 (keep those whose endDateTime is from now to now + N days), ...}`.
/// Result: `{"relationships": [{"@odata.type","@odata.etag","id","displayName","duration","customer":
/// {"tenantId","displayName"},"accessDetails":{"unifiedRoles":[{"roleDefinitionId"}]},"status",
/// "autoExtendDuration","createdDateTime","lastModifiedDateTime","activatedDateTime","endDateTime", and any
/// other field Graph sent (a reseller relationship's isPartnerConsentPending, indirectProviderTenantId)}]}`.
///
/// Returns a JSON envelope the caller frees with `da_string_free`.
#[no_mangle]
pub extern "C" fn da_list_gdap_relationships(request_json: *const c_char) -> *mut c_char {
    run(request_json, Output::Plain, |c, fields| {
        let req: crate::gdap::ListRelationshipsRequest =
            fields.parse::<ListGdapRelationshipsInput>()?.try_into()?;
        c.client.require_credential()?;
        Ok(async move {
            let relationships = crate::gdap::list_relationships(&c.client, &c.opts, &req).await?;
            Ok::<_, Error>(serde_json::json!({ "relationships": relationships }))
        })
    })
}

/// Read one GDAP relationship and its ETag.
///
/// Request: `{"auth", "endpoint"?, "id": "<guid>-<guid>", ...}`.
/// Result: `{"id","etag": the ETag to send back as If-Match, verbatim,"relationship": the relationship as
/// da_list_gdap_relationships returns it}`. An unknown id is `not_found`.
///
/// Returns a JSON envelope the caller frees with `da_string_free`.
#[no_mangle]
pub extern "C" fn da_get_gdap_relationship(request_json: *const c_char) -> *mut c_char {
    run(request_json, Output::Plain, |c, fields| {
        let id = fields.parse::<GetGdapRelationshipInput>()?.id()?;
        c.client.require_credential()?;
        Ok(async move { crate::gdap::get_relationship(&c.client, &c.opts, &id).await })
    })
}

/// Turn a GDAP relationship's auto-extend on (`P180D`) or off (`PT0S`): `PATCH` with `If-Match`.
///
/// Request: `{"auth", "endpoint"?, "id": "<guid>-<guid>" | "relationship": the object da_list_gdap_relationships
/// returned, "autoExtendDuration": "P180D"|"PT0S", ...}`. A relationship given with its roles and
/// `@odata.etag` is changed without reading it first; an id is read first.
/// Result: `{"id","autoExtendDuration","etag": the new ETag,"relationship": as Graph returned it,
/// "preconditionRetries": 0|1}`.
/// Errors: `P180D` on a relationship that holds Global Administrator is `invalid_request` with code
/// `globalAdministratorNotExtendable`, sent nothing when the relationship was given (only the read when an id
/// was); a 412 (the relationship changed since it was read) is answered by reading it again and retrying
/// once, then `conflict` (status 412, code `resourceModified`); a status that forbids the change is
/// `conflict` (409, `notAllowed`).
///
/// Returns a JSON envelope the caller frees with `da_string_free`.
#[no_mangle]
pub extern "C" fn da_set_gdap_auto_extend(request_json: *const c_char) -> *mut c_char {
    run(request_json, Output::Plain, |c, fields| {
        let (target, value) = fields.parse::<SetGdapAutoExtendInput>()?.into_parts()?;
        c.client.require_credential()?;
        Ok(async move { crate::gdap::set_auto_extend(&c.client, &c.opts, &target, value).await })
    })
}

/// Remove the Global Administrator role from a GDAP relationship: `PATCH accessDetails` with every other
/// role and `If-Match`; Graph runs it as a long-running operation (202 + `Location` + `Retry-After`). See
/// `da_job_start` for progress and cancel while waiting.
///
/// Request: `{"auth", "endpoint"?, "id" | "relationship", "wait"?: bool (poll the operation until it ends,
/// within timeoutSeconds), ...}`. The relationship is always read first, so that the roles sent are exactly
/// its current ones without Global Administrator.
/// Result: `{"id","status": "removed"|"accepted"|"notHeld","operationId","operationUrl","operation": the
/// operation as last read (with wait) | null,"remainingRoles","preconditionRetries"}`. `notHeld`: the
/// relationship does not hold the role, nothing was sent but the read.
/// Errors: the operation ending `failed` is `server_error` with the operation's `error.code` (e.g.
/// `roleRemovalFailed`) and message; Global Administrator as the only role is `invalid_request` (code
/// `globalAdministratorOnlyRole`: terminate instead); 412 as `da_set_gdap_auto_extend`; a status that
/// forbids the change, or an operation already running, is `conflict`; the deadline passing while it
/// runs is `timeout` (the operation goes on at Graph).
///
/// Returns a JSON envelope the caller frees with `da_string_free`.
#[no_mangle]
pub extern "C" fn da_remove_gdap_global_admin_role(request_json: *const c_char) -> *mut c_char {
    run(request_json, Output::Plain, |c, fields| {
        let (target, wait) = fields.parse::<GdapWaitInput>()?.into_parts()?;
        crate::gdap::change::check_removal(&target)?;
        c.client.require_credential()?;
        Ok(
            async move {
                crate::gdap::remove_global_admin_role(&c.client, &c.opts, &target, wait).await
            },
        )
    })
}

/// Terminate a GDAP relationship: `POST .../{id}/requests` with `{"action":"terminate"}`. See `da_job_start`
/// for progress and cancel while waiting.
///
/// Request: `{"auth", "endpoint"?, "id" | "relationship", "wait"?: bool (read the request until it
/// succeeds, within timeoutSeconds), ...}`.
/// Result: `{"id","requestId","status": the request's status, "created"|"pending"|"succeeded","requestUrl",
/// "request": the request as Graph last returned it}`.
/// Errors: a relationship that is not active (already terminating, terminated, expired, created, ...) is
/// `conflict` (409, `notAllowed`); a request that ends `failed` is `server_error`.
///
/// Returns a JSON envelope the caller frees with `da_string_free`.
#[no_mangle]
pub extern "C" fn da_terminate_gdap_relationship(request_json: *const c_char) -> *mut c_char {
    run(request_json, Output::Plain, |c, fields| {
        let (target, wait) = fields.parse::<GdapWaitInput>()?.into_parts()?;
        c.client.require_credential()?;
        let id = target.id();
        Ok(async move { crate::gdap::terminate_relationship(&c.client, &c.opts, &id, wait).await })
    })
}

/// List a GDAP relationship's access assignments (every page): which security group holds which roles.
///
/// Request: `{"auth", "endpoint"?, "id" | "relationship", "status"?: "pending"|"active"|"deleting"|"deleted"|"error",
/// ...}`.
/// Result: `{"assignments": [{"@odata.etag","id","status","createdDateTime","lastModifiedDateTime",
/// "accessContainer":{"accessContainerId","accessContainerType"},"accessDetails":{"unifiedRoles":[{"roleDefinitionId"}]}}]}`.
///
/// Returns a JSON envelope the caller frees with `da_string_free`.
#[no_mangle]
pub extern "C" fn da_list_gdap_access_assignments(request_json: *const c_char) -> *mut c_char {
    run(request_json, Output::Plain, |c, fields| {
        let (id, status) = fields
            .parse::<ListGdapAccessAssignmentsInput>()?
            .into_parts()?;
        c.client.require_credential()?;
        Ok(async move {
            let assignments =
                crate::gdap::list_access_assignments(&c.client, &c.opts, &id, status).await?;
            Ok::<_, Error>(serde_json::json!({ "assignments": assignments }))
        })
    })
}

/// List Graph's delegatedAdminCustomers (the customers the partner holds an active GDAP relationship with),
/// every page, optionally with each one's serviceManagementDetails.
///
/// Request: `{"auth", "endpoint"?, "customerTenantId"?: GUID (only that customer; an empty list when no
/// active relationship reaches it), "filter"?: OData, "includeServiceManagementDetails"?: bool (one more
/// request per customer), ...}`.
/// Result: `{"customers": [{"@odata.etag","id","tenantId","displayName","serviceManagementDetails"?:
/// [{"id","serviceName","serviceManagementUrl"}]}]}`.
///
/// Returns a JSON envelope the caller frees with `da_string_free`.
#[no_mangle]
pub extern "C" fn da_list_gdap_customers(request_json: *const c_char) -> *mut c_char {
    run(request_json, Output::Plain, |c, fields| {
        let req: crate::gdap::ListGdapCustomersRequest =
            fields.parse::<ListGdapCustomersInput>()?.try_into()?;
        c.client.require_credential()?;
        Ok(async move {
            let customers = crate::gdap::list_customers(&c.client, &c.opts, &req).await?;
            Ok::<_, Error>(serde_json::json!({ "customers": customers }))
        })
    })
}

/// Plan a DAP cleanup: list every delegated admin customer and classify each, then hold the candidates whose
/// customer has no active GDAP relationship (blocking; see `da_job_start` for progress and cancel).
///
/// Request: `{"auth", "endpoint"?, "inactiveDays"? (default 90, 1..3650), "asOf"? (RFC 3339, default now;
/// never later than now), "include"?: [GUID], "exclude"?: [GUID], "allowWithoutGdap"?: bool (default false:
/// a candidate needs an active GDAP relationship with its customer; true asks Graph nothing), "planPath"? (also write the plan there;
/// checked before the listing: an absent or regular file in a writable folder), "summaryOnly"? (return the
/// plan without its candidates and kept arrays, for large tenants with planPath), "timeoutSeconds"? (the
/// whole listing, default 1800), ...}`.
/// Result: the plan: `{"format","planId","createdAt","asOf","inactiveDays","include","exclude",
/// "allowWithoutGdap","gdap":{"required","checked","relationships","held","error"},
/// "summary":{"customers","candidates","kept"}, "candidates":[entry], "kept":[entry]}` with entry
/// `{"customerTenantId","organizationDisplayName","dapEnabled","lastSignInDateTime","startDateTime","reason","detail"}`.
/// Only a customer whose dapEnabled is a JSON boolean and whose dates are readable RFC 3339 / ISO 8601 dates
/// between 2000 and now is ever a candidate; any other is kept as unreadable_date or unreadable_dap_enabled
/// with the raw value in its detail. The active GDAP relationships are listed once (Microsoft Graph, every
/// page, only when there are candidates): a candidate whose customer has none is kept as no_active_gdap;
/// when they cannot be listed, every candidate is kept as gdap_unknown and `gdap.error` says why. A
/// candidate's detail names its active relationships. A listing that loops, stops advancing or sends a
/// page of over 10,000 items ends with server_error.
///
/// Returns a JSON envelope the caller frees with `da_string_free`.
#[no_mangle]
pub extern "C" fn da_plan_dap_cleanup(request_json: *const c_char) -> *mut c_char {
    run(request_json, Output::Plain, |c, fields| {
        cleanup::plan(c, fields.parse()?, Arc::new(JobControl::new()))
    })
}

/// Apply a DAP cleanup plan (blocking; see `da_job_start` for progress and cancel).
///
/// Request: `{"auth", "endpoint"?, "plan": plan | "planPath", "journalPath"? (resume: the same plan and
/// journal again acts on nothing twice), "reportPath"?, "reportCsvPath"?, "concurrency"? (default 4),
/// "requestsPerSecond"? (default 8; 0 = unpaced), "recheck"? (default true), "listingTimeoutSeconds"? (the
/// recheck's whole listing, default 1800), "summaryOnly"? (return the report without its outcomes array, for
/// large tenants with reportPath/reportCsvPath), "partnerCenterEndpoint"? and "partnerCenterAuth"? (for the
/// removals, when they differ from the listing's endpoint and auth), ...}`.
///
/// Safety: the plan is untrusted input: its format, asOf (not in the future), inactiveDays, include, exclude
/// and candidate ids are checked before any request (invalid_request), and every candidate is judged again
/// with the plan's criteria against the live listing; one the classification would keep now is skipped with
/// that reasonCode. Unless the plan's allowWithoutGdap, the active GDAP relationships are listed once more: a
/// candidate whose customer has none now is skipped (no_active_gdap); when they cannot be listed, the
/// candidates are skipped as gdap_unknown with the error and not journaled (a resume tries again). The journal is locked (`<journalPath>.lock`) for the whole run: a second apply on it gets
/// conflict and sends nothing. A journal without its header, or of another plan, is refused; a torn last
/// line is ignored and counted. journalPath, reportPath and reportCsvPath are checked before any request
/// (absent or regular files in writable folders, all different, not the plan file). A report that cannot be
/// written after the run gives `{"ok":false,"error":{"kind":"io",...},"result":<report>}`.
///
/// Result: the report: `{"planId","startedAt","finishedAt","stoppedEarly","stopReason","counts":{"customers",
/// "candidates","removed","failed","skipped","skippedCandidates","fromJournal"},"requests","throttlePauses",
/// "journal": null | {"path","unreadableLines","tornLastLine","foreignRecords"},
/// "outcomes":[{"customerTenantId","organizationDisplayName","outcome":"removed"|"failed"|"skipped","stage",
/// "reason","reasonCode","error","correlationId","at"}]}`.
///
/// Returns a JSON envelope the caller frees with `da_string_free`.
#[no_mangle]
pub extern "C" fn da_apply_dap_cleanup(request_json: *const c_char) -> *mut c_char {
    run(request_json, Output::Plain, |c, fields| {
        cleanup::apply(c, fields.parse()?, Arc::new(JobControl::new()))
    })
}

/// Plan any action of the engine (blocking; see `da_job_start` with operation `plan` for progress and cancel).
///
/// Request: `{"auth", "endpoint"?, "action", ...}` with `action`:
/// - `"removeDap"` (aliases `dapCleanup`, `planDapCleanup`): the request of `da_plan_dap_cleanup`; the
///   result is its plan.
/// - `"gdapLifecycle"`: `"asOf"?` (default now, never later), `"expiringWithinDays"?` (1..730, default
///   60), `"allowGlobalAdminRemoval"?` (default false), `"terminateCustomers"?: [GUID]`,
///   `"terminateUnused"?` (default false: list each active relationship's access assignments and propose
///   terminating those without an active one), `"excludeCustomers"?: [GUID]`.
/// - `"removeLighthouseAssignment"`: `"subscriptions"?: [GUID]` (default: every subscription the
///   credential sees, `GET /subscriptions`), `"managedByTenantIds"?: [GUID]`,
///   `"registrationDefinitionIds"?: [GUID or id]` (at least one of the two filters).
///
/// Besides: `"planPath"?` (also write the plan there; checked first), `"summaryOnly"?`.
/// Result (actions other than removeDap): `{"format":1,"action","planId","createdAt","criteria",
/// "summary":{"targets","candidates","kept","byReason"},"problems":[{"scope","error"}],"candidates":[entry],
/// "kept":[entry]}`, entry = the target's fields + `"reason"` (a code) + `"detail"` (words). GDAP entries:
/// `{"relationshipId","displayName","customerTenantId","customerDisplayName","status","endDateTime",
/// "autoExtendDuration","holdsGlobalAdministrator","decision"}` with decision `enable_auto_extend`,
/// `remove_global_admin_then_auto_extend`, `terminate` or `report_only`. Lighthouse entries:
/// `{"assignmentId","subscriptionId","registrationDefinitionId","registrationDefinitionName",
/// "managedByTenantId","managedByTenantName"}`.
///
/// Returns a JSON envelope the caller frees with `da_string_free`.
#[no_mangle]
pub extern "C" fn da_plan(request_json: *const c_char) -> *mut c_char {
    run(request_json, Output::Plain, |c, fields| {
        actions::plan(c, fields, Arc::new(JobControl::new()))
    })
}

/// Apply a plan of any action (blocking; see `da_job_start` with operation `apply`).
///
/// Request: `{"auth", "endpoint"?, "action"? (default the plan's; a DAP cleanup plan has none and is
/// removeDap), "plan": plan | "planPath", "journalPath"?, "reportPath"?, "reportCsvPath"?,
/// "concurrency"? (default 8), "requestsPerSecond"? (default none), "recheck"? (default true),
/// "summaryOnly"?, "deleteBucket"? (removeLighthouseAssignment: ARM's delete bucket, default 200) and
/// "deleteRefillPerSecond"? (default 10)}`; for removeDap, the request of `da_apply_dap_cleanup`.
///
/// Safety: the plan's format, action, criteria and candidate keys are checked before any request; every
/// candidate is judged again against the live service with the plan's criteria (GDAP: the relationships
/// listed once; Lighthouse: each subscription's assignments listed once), and acted on only when the
/// decision is unchanged (else skipped: `decision_changed`, `filter_no_longer_matches`, `already_done`,
/// `not_found`). The journal is locked for the run (`conflict` for a second one) and makes a resume act on
/// nothing twice.
/// Result: the report `{"action","planId","startedAt","finishedAt","stoppedEarly","stopReason",
/// "counts":{"targets","candidates","done"|"removed","failed","skipped","skippedCandidates","fromJournal"},
/// "requests","throttlePauses","journal","outcomes":[target fields + {"outcome","stage","reason",
/// "reasonCode","error","correlationId","at"}]}`; outcome `done` (GDAP) or `removed` (Lighthouse, DAP).
///
/// Returns a JSON envelope the caller frees with `da_string_free`.
#[no_mangle]
pub extern "C" fn da_apply(request_json: *const c_char) -> *mut c_char {
    run(request_json, Output::Plain, |c, fields| {
        actions::apply(c, fields, Arc::new(JobControl::new()))
    })
}

/// Build the access ledger: per customer tenant, its DAP state and last partner sign-in (the delegated admin
/// customers listing), every GDAP relationship (status, end date, auto-extend, roles, Global Administrator,
/// and for active ones their access assignments' security groups and roles) and the Azure Lighthouse
/// delegations found (subscription, managing tenant, definition, standing and eligible authorizations),
/// with the risks flagged (blocking; see `da_job_start` with operation `accessLedger` for progress and
/// cancel).
///
/// Request: `{"auth", "endpoint"?/"endpoints"?, "expiringWithinDays"? (0..730, default 60),
/// "inactiveDays"? (1..3650, default 90), "subscriptions"?: [GUID] (default: every subscription the
/// credential sees, ARM `GET /subscriptions`), "lighthouse"?: bool (default: read when the cloud has
/// Resource Manager and the credential a token for it, else skipped and said so; true: required; false:
/// never), "concurrency"? (listings in flight, 1..64, default 8), "format"?: "json" (default) | "csv" |
/// "html", "outputPath"? (write the ledger there instead of returning it; checked before any request: an
/// absent or regular file in a writable folder), ...}`.
/// Result without outputPath, format json: `{"version","generatedAt","asOf","expiringWithinDays",
/// "inactiveDays","complete","sources":[{"source","service","status": "ok"|"partial"|"failed"|"skipped",
/// "items","failures","detail","error"}],"summary":{"customers","customersWithRisks","risks":[{"code",
/// "label","customers","evaluated"}],"dap","relationships","lighthouse","gdapEndDatesByMonth":[{"month",
/// "relationships","autoExtend","noAutoExtend"}]},"customers":[{"customerTenantId","displayName","dap",
/// "gdapRelationships","lighthouseDelegations","risks":[{"code","detail"}]}],"unattributedDelegations"}`.
/// With outputPath, or format csv/html: the same without `customers` and `unattributedDelegations`, plus
/// `"output":{"format","path","bytes"}` and, without outputPath, `"content"` (the CSV or HTML text). A
/// source that fails is in `sources` (`complete` false) and its risks are not judged; when no source can
/// be read at all the call fails with the first failure's kind. A file that cannot be written gives
/// `{"ok":false,"error":{"kind":"io",...},"result":<the ledger's head>}`.
///
/// Returns a JSON envelope the caller frees with `da_string_free`.
#[no_mangle]
pub extern "C" fn da_access_ledger(request_json: *const c_char) -> *mut c_char {
    run(request_json, Output::Plain, |c, fields| {
        ledger::access_ledger(c, fields.parse()?, Arc::new(JobControl::new()))
    })
}

/// The operations `da_job_start` runs.
const JOB_OPERATIONS: [&str; 10] = [
    "plan",
    "apply",
    "planDapCleanup",
    "applyDapCleanup",
    "listCustomers",
    "removeLighthouseAssignment",
    "listGdapRelationships",
    "removeGdapGlobalAdminRole",
    "terminateGdapRelationship",
    "accessLedger",
];

/// Start a long-running operation as a job and return at once.
///
/// Request: the operation's own request plus `"operation"`: `"plan"` (the request of `da_plan`), `"apply"`
/// (of `da_apply`), `"planDapCleanup"` (the request of
/// `da_plan_dap_cleanup`), `"applyDapCleanup"` (of `da_apply_dap_cleanup`), `"listCustomers"` (of
/// `da_list_delegated_admin_customers`; progress counts the customers listed, a cancel ends it with a
/// `conflict` error and no customers), `"removeLighthouseAssignment"` (of `da_remove_lighthouse_assignment`;
/// a cancel stops waiting for ARM and ends it with a `conflict` error), `"listGdapRelationships"` (of
/// `da_list_gdap_relationships`; progress counts `relationshipsListed`, a cancel ends it with a `conflict`
/// error and no relationships), `"removeGdapGlobalAdminRole"` (of `da_remove_gdap_global_admin_role`) or
/// `"terminateGdapRelationship"` (of `da_terminate_gdap_relationship`): a cancel of either stops waiting
/// for Graph (what Graph accepted goes on there) and ends it with a `conflict` error, or `"accessLedger"` (of
/// `da_access_ledger`; progress counts `customersListed`, `relationshipsListed`, and `done` of `total`
/// access assignment and subscription listings; a cancel ends it with a `conflict` error and no ledger).
/// Result: `{"jobId"}`. Then poll with `da_job_poll`, cancel with `da_job_cancel`, take the outcome with
/// `da_job_result`, and release it with `da_job_free`. Nothing is ever called back.
///
/// Returns a JSON envelope the caller frees with `da_string_free`.
#[no_mangle]
pub extern "C" fn da_job_start(request_json: *const c_char) -> *mut c_char {
    guarded(request_json, Output::Plain, |c, fields| {
        let (operation, fields) = fields.take_string("operation")?;
        let control = Arc::new(JobControl::new());
        let correlation_id = c.opts.correlation_id;
        let secrets = c.secrets.clone();
        let id = match operation.as_str() {
            "plan" => {
                let work = actions::plan(c, fields, control.clone())?;
                if boundary::is_validate_only() {
                    return Ok(Reply::Result(serde_json::json!({ "validated": true })));
                }
                jobs::spawn("plan", control, correlation_id, secrets, work)?
            }
            "apply" => {
                let work = actions::apply(c, fields, control.clone())?;
                if boundary::is_validate_only() {
                    return Ok(Reply::Result(serde_json::json!({ "validated": true })));
                }
                jobs::spawn("apply", control, correlation_id, secrets, work)?
            }
            "planDapCleanup" => {
                let work = cleanup::plan(c, fields.parse()?, control.clone())?;
                if boundary::is_validate_only() {
                    return Ok(Reply::Result(serde_json::json!({ "validated": true })));
                }
                jobs::spawn("planDapCleanup", control, correlation_id, secrets, work)?
            }
            "applyDapCleanup" => {
                let work = cleanup::apply(c, fields.parse()?, control.clone())?;
                if boundary::is_validate_only() {
                    return Ok(Reply::Result(serde_json::json!({ "validated": true })));
                }
                jobs::spawn("applyDapCleanup", control, correlation_id, secrets, work)?
            }
            "listCustomers" => {
                c.client.require_credential()?;
                let req: crate::customers::ListCustomersRequest =
                    fields.parse::<ListCustomersInput>()?.try_into()?;
                if boundary::is_validate_only() {
                    return Ok(Reply::Result(serde_json::json!({ "validated": true })));
                }
                let work = jobs::list_customers(c.client, c.opts, req, control.clone());
                jobs::spawn("listCustomers", control, correlation_id, secrets, work)?
            }
            "removeLighthouseAssignment" => {
                c.client.require_credential()?;
                let (id, wait) = fields.parse::<RemoveAssignmentInput>()?.into_parts()?;
                if boundary::is_validate_only() {
                    return Ok(Reply::Result(serde_json::json!({ "validated": true })));
                }
                let work =
                    jobs::remove_lighthouse_assignment(c.client, c.opts, id, wait, control.clone());
                jobs::spawn(
                    "removeLighthouseAssignment",
                    control,
                    correlation_id,
                    secrets,
                    work,
                )?
            }
            "listGdapRelationships" => {
                c.client.require_credential()?;
                let req: crate::gdap::ListRelationshipsRequest =
                    fields.parse::<ListGdapRelationshipsInput>()?.try_into()?;
                if boundary::is_validate_only() {
                    return Ok(Reply::Result(serde_json::json!({ "validated": true })));
                }
                let work = jobs::list_gdap_relationships(c.client, c.opts, req, control.clone());
                jobs::spawn(
                    "listGdapRelationships",
                    control,
                    correlation_id,
                    secrets,
                    work,
                )?
            }
            "removeGdapGlobalAdminRole" => {
                c.client.require_credential()?;
                let (target, wait) = fields.parse::<GdapWaitInput>()?.into_parts()?;
                crate::gdap::change::check_removal(&target)?;
                if boundary::is_validate_only() {
                    return Ok(Reply::Result(serde_json::json!({ "validated": true })));
                }
                let work = jobs::gdap_wait(
                    jobs::GdapChange::RemoveGlobalAdmin,
                    c.client,
                    c.opts,
                    target,
                    wait,
                    control.clone(),
                );
                jobs::spawn(
                    "removeGdapGlobalAdminRole",
                    control,
                    correlation_id,
                    secrets,
                    work,
                )?
            }
            "terminateGdapRelationship" => {
                c.client.require_credential()?;
                let (target, wait) = fields.parse::<GdapWaitInput>()?.into_parts()?;
                if boundary::is_validate_only() {
                    return Ok(Reply::Result(serde_json::json!({ "validated": true })));
                }
                let work = jobs::gdap_wait(
                    jobs::GdapChange::Terminate,
                    c.client,
                    c.opts,
                    target,
                    wait,
                    control.clone(),
                );
                jobs::spawn(
                    "terminateGdapRelationship",
                    control,
                    correlation_id,
                    secrets,
                    work,
                )?
            }
            "accessLedger" => {
                let work = ledger::access_ledger(c, fields.parse()?, control.clone())?;
                if boundary::is_validate_only() {
                    return Ok(Reply::Result(serde_json::json!({ "validated": true })));
                }
                jobs::spawn("accessLedger", control, correlation_id, secrets, work)?
            }
            other => {
                return Err(Error::invalid(format!(
                    "operation `{}` is not one of {}",
                    crate::validate::printable(other),
                    JOB_OPERATIONS.join(", ")
                )))
            }
        };
        Ok(Reply::Result(serde_json::json!({ "jobId": id })))
    })
}

fn job_call(
    request_json: *const c_char,
    f: impl FnOnce(jobs::JobInput) -> Result<serde_json::Value>,
) -> *mut c_char {
    guarded(request_json, Output::Plain, |_, fields: Fields| {
        Ok(Reply::Result(f(fields.parse()?)?))
    })
}

fn to_value(v: impl serde::Serialize) -> Result<serde_json::Value> {
    serde_json::to_value(v).map_err(|e| Error::internal(e.to_string()))
}

/// Poll a job: its state and progress, and the events since the last poll.
///
/// Request: `{"jobId", "maxEvents"? (default 1000)}`.
/// Result: `{"jobId","operation","state": "running"|"cancelling"|"succeeded"|"failed"|"cancelled",
/// "elapsedSeconds","progress":{"phase","customersListed","total","done","removed","failed","skipped",
/// "inFlight","throttlePauses"},"events":[{"at","message","customerTenantId"?,"outcome"?}],"droppedEvents"}`.
///
/// Returns a JSON envelope the caller frees with `da_string_free`.
#[no_mangle]
pub extern "C" fn da_job_poll(request_json: *const c_char) -> *mut c_char {
    job_call(request_json, |input| to_value(jobs::poll(input)?))
}

/// Ask a job to stop: no new customer is started, requests in flight are abandoned (the journal records
/// them as started; a resume settles them), and the job ends with a report. Request: `{"jobId"}`.
///
/// Returns a JSON envelope the caller frees with `da_string_free`.
#[no_mangle]
pub extern "C" fn da_job_cancel(request_json: *const c_char) -> *mut c_char {
    job_call(request_json, |input| to_value(jobs::cancel(input)?))
}

/// A finished job's own envelope (its result or its error). While it runs: a `conflict` error, unless
/// `waitSeconds` is given and it finishes within them. Request: `{"jobId", "waitSeconds"?}`.
///
/// Returns a JSON envelope the caller frees with `da_string_free`.
#[no_mangle]
pub extern "C" fn da_job_result(request_json: *const c_char) -> *mut c_char {
    guarded(request_json, Output::Plain, |c, fields| {
        let input: jobs::JobInput = fields.parse()?;
        Ok(Reply::Envelope(jobs::result(
            &input,
            c.opts.correlation_id,
        )?))
    })
}

/// Release a job (cancelling it if it still runs). Request: `{"jobId"}`. Result: `{"jobId","freed":true}`.
///
/// Returns a JSON envelope the caller frees with `da_string_free`.
#[no_mangle]
pub extern "C" fn da_job_free(request_json: *const c_char) -> *mut c_char {
    job_call(request_json, jobs::free)
}
