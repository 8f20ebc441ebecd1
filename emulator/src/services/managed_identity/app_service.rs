//! App Service / Functions / Azure Automation's local token endpoint (`IDENTITY_ENDPOINT`, and the older
//! `MSI_ENDPOINT`): `GET /msi/token?api-version=...&resource=...`.
//!
//! | api-version | secret header | identity parameters | `expires_on` |
//! |---|---|---|---|
//! | `2019-08-01` | `X-IDENTITY-HEADER: <identity_header>` | `client_id`, `principal_id`/`object_id`, `mi_res_id` (one) | epoch seconds, a string |
//! | `2017-09-01` | `Secret: <msi_secret>` | `clientid` | a date: `11/28/2026 6:00:00 PM +00:00` (Windows hosts) or `11/28/2026 18:00:00 +00:00` (Linux hosts, the `msiLinuxDates` fault) |
//!
//! Errors: `{"statusCode":n,"message":"...","correlationId":"<guid>"}` (the shape App Service answers, e.g.
//! 400 "Unable to load the proper Managed Identity."), with `X-CORRELATION-ID`.

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use uuid::Uuid;

use super::{admit, issue, selector, Problem};
use crate::http::query::Params;
use crate::state::directory::IdentitySelector;
use crate::state::AppState;

pub const API_VERSION: &str = "2019-08-01";
pub const LEGACY_API_VERSION: &str = "2017-09-01";

pub async fn token(
    State(app): State<Arc<AppState>>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let params = Params::parse(query.as_deref());
    match answer(&app, &headers, &params) {
        Ok(body) => Json(body).into_response(),
        Err(problem) => error(&app, problem),
    }
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// The 2017-09-01 form's `expires_on`: a UTC date as the host's .NET culture writes it.
fn legacy_date(epoch: i64, linux: bool) -> String {
    let date = DateTime::<Utc>::from_timestamp(epoch, 0).unwrap_or_default();
    let format = match linux {
        true => "%m/%d/%Y %H:%M:%S +00:00",
        false => "%-m/%-d/%Y %-I:%M:%S %p +00:00",
    };
    date.format(format).to_string()
}

fn answer(app: &AppState, headers: &HeaderMap, params: &Params) -> Result<Value, Problem> {
    admit(app)?;
    let legacy = match params.get("api-version") {
        None | Some("") => return Err(Problem::MissingApiVersion),
        Some(API_VERSION) => false,
        Some(LEGACY_API_VERSION) => true,
        Some(other) => return Err(Problem::BadApiVersion(other.to_string())),
    };
    let (name, expected) = match legacy {
        false => ("X-IDENTITY-HEADER", &app.config.identity_header),
        true => ("Secret", &app.config.msi_secret),
    };
    if header(headers, name) != Some(expected.as_str()) {
        return Err(Problem::Header);
    }
    let resource = params
        .get("resource")
        .filter(|r| !r.is_empty())
        .ok_or(Problem::MissingResource)?;
    let selector = match legacy {
        false => selector(
            params,
            &[
                ("client_id", IdentitySelector::ClientId),
                ("principal_id", IdentitySelector::ObjectId),
                ("object_id", IdentitySelector::ObjectId),
                ("mi_res_id", IdentitySelector::ResourceId),
            ],
            &["clientid"],
        )?,
        true => selector(
            params,
            &[("clientid", IdentitySelector::ClientId)],
            &["client_id", "principal_id", "object_id", "mi_res_id"],
        )?,
    };
    let (identity, issued) = issue(app, &selector, resource)?;
    Ok(match legacy {
        false => json!({
            "access_token": issued.token,
            "expires_on": issued.expires_on.to_string(),
            "not_before": issued.not_before.to_string(),
            "resource": resource,
            "token_type": "Bearer",
            "client_id": identity.client_id,
        }),
        true => json!({
            "access_token": issued.token,
            "expires_on": legacy_date(issued.expires_on, app.faults.standing(|f| f.msi_linux_dates)),
            "resource": resource,
            "token_type": "Bearer",
        }),
    })
}

fn error(app: &AppState, problem: Problem) -> Response {
    let (status, message) = match problem {
        Problem::Unavailable => (
            StatusCode::SERVICE_UNAVAILABLE,
            "The managed identity service is temporarily unavailable.".to_string(),
        ),
        Problem::MissingApiVersion => (
            StatusCode::BAD_REQUEST,
            format!("The api-version query parameter is required: {API_VERSION} (with the X-IDENTITY-HEADER header) or {LEGACY_API_VERSION} (with the Secret header)."),
        ),
        Problem::BadApiVersion(v) => (
            StatusCode::BAD_REQUEST,
            format!("The api-version '{v}' is not supported: use {API_VERSION} (with the X-IDENTITY-HEADER header) or {LEGACY_API_VERSION} (with the Secret header)."),
        ),
        Problem::Header => (
            StatusCode::UNAUTHORIZED,
            "The request is not authorized: the identity header (X-IDENTITY-HEADER for api-version 2019-08-01, Secret for 2017-09-01) is missing or wrong.".to_string(),
        ),
        Problem::MissingResource => (
            StatusCode::BAD_REQUEST,
            "The resource query parameter is required.".to_string(),
        ),
        Problem::Unsupported(name) => (
            StatusCode::BAD_REQUEST,
            format!("The query parameter '{name}' is not supported by this api-version (2019-08-01 takes client_id, principal_id/object_id or mi_res_id; 2017-09-01 takes clientid)."),
        ),
        Problem::Ambiguous => (
            StatusCode::BAD_REQUEST,
            "Only one of client_id, principal_id (object_id) and mi_res_id can be given.".to_string(),
        ),
        Problem::UnknownIdentity => (
            StatusCode::BAD_REQUEST,
            "Unable to load the proper Managed Identity.".to_string(),
        ),
        Problem::UnknownResource(resource) => (
            StatusCode::BAD_REQUEST,
            format!(
                "AADSTS500011: The resource principal named {resource} was not found in the tenant named {}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.",
                app.config.partner_tenant_id
            ),
        ),
    };
    let correlation_id = Uuid::new_v4().to_string();
    let body = json!({
        "statusCode": status.as_u16(),
        "message": message,
        "correlationId": correlation_id,
    });
    (status, [("x-correlation-id", correlation_id)], Json(body)).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_dates_as_windows_and_linux_hosts_write_them() {
        let t = DateTime::parse_from_rfc3339("2026-11-28T18:05:09Z")
            .unwrap()
            .timestamp();
        assert_eq!(legacy_date(t, false), "11/28/2026 6:05:09 PM +00:00");
        assert_eq!(legacy_date(t, true), "11/28/2026 18:05:09 +00:00");
        let t = DateTime::parse_from_rfc3339("2020-01-16T05:24:12Z")
            .unwrap()
            .timestamp();
        assert_eq!(legacy_date(t, false), "1/16/2020 5:24:12 AM +00:00");
        assert_eq!(legacy_date(t, true), "01/16/2020 05:24:12 +00:00");
    }
}
