//! `GET /subscriptions?api-version=2022-12-01`: the subscriptions the caller can see, which for a partner
//! are the ones delegated to it through Azure Lighthouse (each still holding one of its registration
//! assignments), with every tenant managing something in them, paged by `arm_page_size` with an absolute
//! `nextLink`.

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use super::bad_request;
use crate::http::errors::ApiError;
use crate::http::query::Params;
use crate::state::{lock, AppState};

/// The Microsoft.Resources api-versions of `GET /subscriptions` taken; links carry the newest.
pub const API_VERSIONS: [&str; 6] = [
    "2016-06-01",
    "2019-06-01",
    "2019-11-01",
    "2020-01-01",
    "2021-01-01",
    "2022-12-01",
];
const LINK_API_VERSION: &str = "2022-12-01";

fn check_api_version(params: &Params) -> Result<(), ApiError> {
    match params.get_ignore_case("api-version") {
        None | Some("") => Err(bad_request(
            "MissingApiVersionParameter",
            "The api-version query parameter (?api-version=) is required for all requests.".into(),
        )),
        Some(v) if API_VERSIONS.contains(&v) => Ok(()),
        Some(other) => Err(bad_request(
            "InvalidApiVersionParameter",
            format!(
                "The api-version '{other}' is invalid. The supported versions are '{}'.",
                API_VERSIONS.join(",")
            ),
        )),
    }
}

pub async fn list(
    State(app): State<Arc<AppState>>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let params = Params::parse(query.as_deref());
    check_api_version(&params)?;
    let skip = match params.get_ignore_case("$skipToken") {
        None => 0,
        Some(token) => token.parse::<usize>().map_err(|_| {
            bad_request(
                "InvalidSkipToken",
                format!("The skip token '{token}' is not valid."),
            )
        })?,
    };
    let store = lock(&app.arm);
    // A subscription whose every delegation to the partner was removed is no longer the partner's to see.
    let visible: Vec<_> = store.partner_subscriptions().collect();
    let page_size = match app.config.arm_page_size {
        0 => usize::MAX,
        n => n,
    };
    let value: Vec<Value> = visible
        .iter()
        .skip(skip)
        .take(page_size)
        .map(|s| {
            let managed_by: Vec<Value> = store
                .managers_of(&s.id)
                .into_iter()
                .map(|t| json!({ "tenantId": t.id }))
                .collect();
            json!({
                "id": format!("/subscriptions/{}", s.id),
                "authorizationSource": "RoleBased",
                "managedByTenants": managed_by,
                "subscriptionId": s.id,
                "tenantId": s.tenant_id,
                "displayName": s.display_name,
                "state": "Enabled",
                "subscriptionPolicies": {
                    "locationPlacementId": "Public_2014-09-01",
                    "quotaId": "CSP_2015-05-01",
                    "spendingLimit": "Off",
                },
            })
        })
        .collect();
    let next_skip = skip + value.len();
    let mut body = json!({ "value": value });
    if next_skip < visible.len() {
        body["nextLink"] = json!(format!(
            "{}/subscriptions?api-version={LINK_API_VERSION}&$skipToken={next_skip}",
            app.url
        ));
    }
    Ok(Json(body).into_response())
}
