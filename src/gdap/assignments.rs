//! A relationship's access assignments: which security group holds which of its roles.

use super::{AccessDetails, RelationshipId};
use crate::client::Client;
use crate::error::{Error, Result};
use crate::options::CallOptions;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The statuses Graph documents for an access assignment.
pub const STATUSES: [&str; 5] = ["pending", "active", "deleting", "deleted", "error"];

/// `accessContainer`: the security group the roles are given to.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccessContainer {
    #[serde(default)]
    pub access_container_id: Option<String>,
    #[serde(default)]
    pub access_container_type: Option<String>,
}

/// An access assignment as Graph returns it; fields not typed here are kept in `extra`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccessAssignment {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_container: Option<AccessContainer>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_details: Option<AccessDetails>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Every access assignment of a relationship (every page); `status` keeps only those in that status
/// (`$filter`).
pub async fn list_access_assignments(
    client: &Client,
    opts: &CallOptions,
    id: &RelationshipId,
    status: Option<&str>,
) -> Result<Vec<AccessAssignment>> {
    let status = status.map(canonical_status).transpose()?;
    let call = crate::call::Call::new(client, &super::SERVICE, opts)?;
    let mut url = call.endpoint.join(&format!(
        "{}/{id}/accessAssignments",
        super::RELATIONSHIPS_PATH
    ));
    if let Some(s) = status {
        url.query_pairs_mut()
            .append_pair("$filter", &format!("status eq '{s}'"));
    }
    let mut out = Vec::new();
    super::for_each_page(
        &call,
        url,
        "access assignment",
        |a: &AccessAssignment| a.id.as_deref(),
        |page| out.extend(page),
    )
    .await?;
    Ok(out)
}

/// An assignment status as Graph spells it.
pub fn canonical_status(text: &str) -> Result<&'static str> {
    STATUSES
        .iter()
        .find(|s| s.eq_ignore_ascii_case(text.trim()))
        .copied()
        .ok_or_else(|| {
            Error::invalid(format!(
                "status `{}` is not one of {}",
                crate::validate::printable(text),
                STATUSES.join(", ")
            ))
        })
}
