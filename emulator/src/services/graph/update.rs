//! The body of `PATCH delegatedAdminRelationships/{id}`: the properties a partner sets
//! (`displayName`, `duration`, `customer`, `accessDetails`, `autoExtendDuration`), each checked on its
//! own. Read-only and unknown properties are refused; `@odata.*` annotations are ignored.

use serde_json::{Map, Value};
use uuid::Uuid;

use super::invalid_request;
use crate::http::errors::ApiError;
use crate::state::customers::CustomerStore;
use crate::state::gdap::model::AutoExtend;
use crate::state::gdap::update::Update;

const READ_ONLY: [&str; 6] = [
    "id",
    "status",
    "createdDateTime",
    "lastModifiedDateTime",
    "activatedDateTime",
    "endDateTime",
];

pub fn parse_update(body: &[u8], customers: &CustomerStore) -> Result<Update, ApiError> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| invalid_request(format!("The request body is not valid JSON: {e}")))?;
    let Value::Object(object) = value else {
        return Err(invalid_request(
            "The request body must be a delegatedAdminRelationship object.",
        ));
    };
    let mut update = Update::default();
    for (key, value) in &object {
        match key.as_str() {
            k if k.starts_with("@odata.") => {}
            "displayName" => update.display_name = Some(display_name(value)?),
            "duration" => update.duration_days = Some(duration(value)?),
            "customer" => update.customer = Some(customer(value, customers)?),
            "accessDetails" => update.roles = Some(access_details(value)?),
            "autoExtendDuration" => update.auto_extend = Some(auto_extend(value)?),
            k if READ_ONLY.contains(&k) => {
                return Err(invalid_request(format!(
                    "The property '{k}' is read-only and cannot be updated."
                )))
            }
            k => {
                return Err(invalid_request(format!(
                    "The property '{k}' does not exist on type 'microsoft.graph.delegatedAdminRelationship'."
                )))
            }
        }
    }
    Ok(update)
}

fn display_name(value: &Value) -> Result<String, ApiError> {
    match value.as_str() {
        Some(name) if !name.trim().is_empty() && name.chars().count() <= 50 => Ok(name.to_string()),
        _ => Err(invalid_request(
            "displayName must be a non-empty string of at most 50 characters.",
        )),
    }
}

/// `P<n>D` (1..=730) or `P1Y`/`P2Y`.
fn duration(value: &Value) -> Result<u16, ApiError> {
    let invalid = || {
        invalid_request(
            "duration must be an ISO 8601 duration between P1D and P2Y (for example P730D).",
        )
    };
    let text = value.as_str().ok_or_else(invalid)?;
    let days = match text.strip_prefix('P') {
        Some(d) if d.ends_with('D') => d.trim_end_matches('D').parse::<u16>().ok(),
        Some("1Y") => Some(365),
        Some("2Y") => Some(730),
        _ => None,
    };
    days.filter(|d| (1..=730).contains(d)).ok_or_else(invalid)
}

fn customer(value: &Value, customers: &CustomerStore) -> Result<u32, ApiError> {
    let tenant = value
        .as_object()
        .and_then(|c| c.get("tenantId"))
        .and_then(Value::as_str)
        .and_then(|t| Uuid::try_parse(t).ok())
        .ok_or_else(|| invalid_request("customer must be an object with a tenantId GUID."))?;
    customers.find(&tenant).ok_or_else(|| {
        invalid_request(format!(
            "The customer tenant '{tenant}' is not a customer of the partner."
        ))
    })
}

fn access_details(value: &Value) -> Result<Vec<Uuid>, ApiError> {
    let invalid = || {
        invalid_request("accessDetails must be {\"unifiedRoles\":[{\"roleDefinitionId\":\"<guid>\"},...]} with at least one role.")
    };
    let roles = value
        .as_object()
        .and_then(|a: &Map<String, Value>| a.get("unifiedRoles"))
        .and_then(Value::as_array)
        .filter(|roles| !roles.is_empty())
        .ok_or_else(invalid)?;
    let mut ids = Vec::with_capacity(roles.len());
    for role in roles {
        let id = role
            .get("roleDefinitionId")
            .and_then(Value::as_str)
            .and_then(|id| Uuid::try_parse(id).ok())
            .ok_or_else(invalid)?;
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    Ok(ids)
}

fn auto_extend(value: &Value) -> Result<AutoExtend, ApiError> {
    value.as_str().and_then(AutoExtend::parse).ok_or_else(|| {
        invalid_request(format!(
            "autoExtendDuration {value} is not supported: the supported values are P0D, PT0S and P180D."
        ))
    })
}
