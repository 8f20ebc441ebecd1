//! The JSON inputs and outputs of each C function, and their conversion to and from the typed API.
//! Inputs refuse unknown fields, so a misspelt option is an error, not a silent no-op.

use crate::cloudcockpit::UpdateRelationshipRequest;
use crate::credentials::Token;
use crate::customers::{ListCustomersRequest, OrderBy, MAX_TOP};
use crate::error::{Error, Result};
use crate::identity::{DeviceCode, DevicePoll, DevicePollStatus};
use crate::lighthouse::{AssignmentId, Scope};
use crate::secret::Secret;
use crate::validate;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct AcquireTokenInput {
    pub resource: Option<String>,
    pub scope: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct StartDeviceCodeInput {
    pub client_id: String,
    pub tenant_id: Option<String>,
    pub resource: Option<String>,
    pub scope: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct PollDeviceCodeInput {
    pub client_id: String,
    pub tenant_id: Option<String>,
    pub device_code: Secret,
    /// The interval in force (from the start or the last poll), so `slow_down` can add to it.
    pub interval: Option<u64>,
}

pub(crate) const DEFAULT_DEVICE_TENANT: &str = "organizations";

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct StartSignInInput {
    pub client_id: String,
    pub tenant_id: Option<String>,
    pub resource: Option<String>,
    pub scope: Option<String>,
    pub login_hint: Option<String>,
    pub prompt: Option<String>,
    /// How long the sign-in waits for the browser (default 300 s).
    pub wait_for_browser_seconds: Option<f64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct ReadinessInput {
    /// Service ids to check (default every service the cloud has).
    #[serde(default)]
    pub services: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct ListCustomersInput {
    #[serde(default)]
    select: Vec<String>,
    filter: Option<String>,
    order_by: Option<String>,
    top: Option<i64>,
    skip: Option<i64>,
    #[serde(default)]
    count: bool,
    #[serde(default)]
    all_pages: bool,
    max_results: Option<i64>,
}

impl TryFrom<ListCustomersInput> for ListCustomersRequest {
    type Error = Error;

    fn try_from(i: ListCustomersInput) -> Result<ListCustomersRequest> {
        let top = match i.top {
            None => None,
            Some(t) if (1..=i64::from(MAX_TOP)).contains(&t) => Some(t as u16),
            Some(t) => {
                return Err(Error::invalid(format!(
                    "top must be between 1 and {MAX_TOP}, not {t}"
                )))
            }
        };
        let skip = match i.skip {
            None => None,
            Some(s) if s >= 0 => Some(s as u64),
            Some(s) => {
                return Err(Error::invalid(format!(
                    "skip must not be negative, not {s}"
                )))
            }
        };
        let max_results = match i.max_results {
            None => None,
            Some(m) if m >= 1 => Some(m as u64),
            Some(m) => {
                return Err(Error::invalid(format!(
                    "maxResults must be at least 1, not {m}"
                )))
            }
        };
        let req = ListCustomersRequest {
            select: i.select,
            filter: i.filter,
            order_by: i.order_by.as_deref().map(OrderBy::parse).transpose()?,
            top,
            skip,
            count: i.count,
            all_pages: i.all_pages,
            max_results,
        };
        req.validate()?;
        Ok(req)
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct RemoveDapInput {
    pub customer_tenant_id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct UpdateRelationshipInput {
    tenant_domain: String,
    customer_id: String,
    relationship_id: String,
    provider_instance_id: String,
    auto_extend_enabled: bool,
}

impl TryFrom<UpdateRelationshipInput> for UpdateRelationshipRequest {
    type Error = Error;

    fn try_from(i: UpdateRelationshipInput) -> Result<UpdateRelationshipRequest> {
        validate::path_segment("relationshipId", &i.relationship_id)?;
        Ok(UpdateRelationshipRequest {
            tenant_domain: i.tenant_domain,
            customer_id: validate::guid("customerId", &i.customer_id)?,
            relationship_id: i.relationship_id,
            provider_instance_id: validate::guid("providerInstanceId", &i.provider_instance_id)?,
            auto_extend_enabled: i.auto_extend_enabled,
        })
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct ListAssignmentsInput {
    scope: String,
    #[serde(default)]
    include_definition: bool,
    filter: Option<String>,
}

impl ListAssignmentsInput {
    pub fn into_parts(self) -> Result<(Scope, bool, Option<String>)> {
        crate::lighthouse::check_filter(self.filter.as_deref())?;
        Ok((
            Scope::parse(&self.scope)?,
            self.include_definition,
            self.filter,
        ))
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct RemoveAssignmentInput {
    assignment_id: Option<String>,
    scope: Option<String>,
    assignment_name: Option<String>,
    #[serde(default)]
    wait: bool,
}

impl RemoveAssignmentInput {
    pub fn into_parts(self) -> Result<(AssignmentId, bool)> {
        let id = match (self.assignment_id, self.scope, self.assignment_name) {
            (Some(id), None, None) => AssignmentId::parse(&id)?,
            (None, Some(scope), Some(name)) => AssignmentId::new(Scope::parse(&scope)?, &name)?,
            _ => {
                return Err(Error::invalid(
                    "give assignmentId, or scope and assignmentName",
                ))
            }
        };
        Ok((id, self.wait))
    }
}

/// A token as the C ABI returns it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TokenOutput {
    access_token: String,
    token_type: String,
    expires_on: DateTime<Utc>,
    expires_in: u64,
    scope: String,
    refresh_token: Option<String>,
}

impl From<Token> for TokenOutput {
    fn from(t: Token) -> TokenOutput {
        TokenOutput {
            access_token: t.access_token.expose().to_string(),
            token_type: t.token_type,
            expires_on: t.expires_on,
            expires_in: t.expires_in,
            scope: t.scope,
            refresh_token: t.refresh_token.map(|r| r.expose().to_string()),
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct DeviceCodeOutput {
    device_code: String,
    user_code: String,
    verification_uri: String,
    expires_in: u64,
    interval: u64,
    expires_on: DateTime<Utc>,
    message: String,
}

impl From<DeviceCode> for DeviceCodeOutput {
    fn from(d: DeviceCode) -> DeviceCodeOutput {
        DeviceCodeOutput {
            device_code: d.device_code.expose().to_string(),
            user_code: d.user_code,
            verification_uri: d.verification_uri,
            expires_in: d.expires_in,
            interval: d.interval,
            expires_on: d.expires_on,
            message: d.message,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct DevicePollOutput {
    status: DevicePollStatus,
    interval: u64,
    token: Option<TokenOutput>,
}

impl From<DevicePoll> for DevicePollOutput {
    fn from(p: DevicePoll) -> DevicePollOutput {
        DevicePollOutput {
            status: p.status,
            interval: p.interval,
            token: p.token.map(TokenOutput::from),
        }
    }
}

// ---------------------------------------------------------------------------------------------------------
// Microsoft Graph GDAP

/// `id` or `relationship` (the object a listing returned), exactly one.
fn gdap_target(
    id: Option<String>,
    relationship: Option<serde_json::Value>,
) -> Result<crate::gdap::Target> {
    match (id, relationship) {
        (Some(id), None) => Ok(crate::gdap::Target::Id(crate::gdap::RelationshipId::parse(
            "id", &id,
        )?)),
        (None, Some(v)) => {
            if !v.is_object() {
                return Err(Error::invalid(
                    "relationship must be a GDAP relationship object (as da_list_gdap_relationships returns it)",
                ));
            }
            let r: crate::gdap::Relationship = serde_json::from_value(v).map_err(|e| {
                Error::invalid(format!(
                    "relationship is not a GDAP relationship as da_list_gdap_relationships returns it: {e}"
                ))
            })?;
            crate::gdap::Target::relationship(r)
        }
        (Some(_), Some(_)) => Err(Error::invalid("give id or relationship, not both")),
        (None, None) => Err(Error::invalid(
            "id (the relationship's id) or relationship (the relationship object) is required",
        )),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct ListGdapRelationshipsInput {
    status: Option<String>,
    customer_tenant_id: Option<String>,
    filter: Option<String>,
    #[serde(default)]
    select: Vec<String>,
    top: Option<i64>,
    expiring_within_days: Option<i64>,
}

impl TryFrom<ListGdapRelationshipsInput> for crate::gdap::ListRelationshipsRequest {
    type Error = Error;

    fn try_from(i: ListGdapRelationshipsInput) -> Result<crate::gdap::ListRelationshipsRequest> {
        let top = match i.top {
            None => None,
            Some(t) if (1..=i64::from(crate::gdap::MAX_TOP)).contains(&t) => Some(t as u16),
            Some(t) => {
                return Err(Error::invalid(format!(
                    "top must be between 1 and {}, not {t}",
                    crate::gdap::MAX_TOP
                )))
            }
        };
        let max_days = crate::gdap::relationships::MAX_EXPIRING_WITHIN_DAYS;
        let expiring_within_days = match i.expiring_within_days {
            None => None,
            Some(d) if (0..=i64::from(max_days)).contains(&d) => Some(d as u32),
            Some(d) => {
                return Err(Error::invalid(format!(
                    "expiringWithinDays must be from 0 to {max_days}, not {d}"
                )))
            }
        };
        let mut req = crate::gdap::ListRelationshipsRequest {
            status: i.status,
            customer_tenant_id: i
                .customer_tenant_id
                .as_deref()
                .map(|t| validate::guid("customerTenantId", t))
                .transpose()?,
            filter: i.filter,
            select: i.select,
            top,
            expiring_within_days,
        };
        req.validate()?;
        Ok(req)
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct GetGdapRelationshipInput {
    id: String,
}

impl GetGdapRelationshipInput {
    pub fn id(&self) -> Result<crate::gdap::RelationshipId> {
        crate::gdap::RelationshipId::parse("id", &self.id)
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct SetGdapAutoExtendInput {
    id: Option<String>,
    relationship: Option<serde_json::Value>,
    auto_extend_duration: String,
}

impl SetGdapAutoExtendInput {
    /// The relationship and the value, with the Global Administrator rule checked on a relationship given.
    pub fn into_parts(self) -> Result<(crate::gdap::Target, crate::gdap::AutoExtend)> {
        let value = crate::gdap::AutoExtend::parse(&self.auto_extend_duration)?;
        let target = gdap_target(self.id, self.relationship)?;
        crate::gdap::check_auto_extend(&target, value)?;
        Ok((target, value))
    }
}

/// The request of `da_remove_gdap_global_admin_role` and of `da_terminate_gdap_relationship`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct GdapWaitInput {
    id: Option<String>,
    relationship: Option<serde_json::Value>,
    #[serde(default)]
    wait: bool,
}

impl GdapWaitInput {
    pub fn into_parts(self) -> Result<(crate::gdap::Target, bool)> {
        Ok((gdap_target(self.id, self.relationship)?, self.wait))
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct ListGdapAccessAssignmentsInput {
    id: Option<String>,
    relationship: Option<serde_json::Value>,
    status: Option<String>,
}

impl ListGdapAccessAssignmentsInput {
    pub fn into_parts(self) -> Result<(crate::gdap::RelationshipId, Option<&'static str>)> {
        let status = self
            .status
            .as_deref()
            .map(crate::gdap::assignments::canonical_status)
            .transpose()?;
        Ok((gdap_target(self.id, self.relationship)?.id(), status))
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct ListGdapCustomersInput {
    customer_tenant_id: Option<String>,
    filter: Option<String>,
    #[serde(default)]
    include_service_management_details: bool,
}

impl TryFrom<ListGdapCustomersInput> for crate::gdap::ListGdapCustomersRequest {
    type Error = Error;

    fn try_from(i: ListGdapCustomersInput) -> Result<crate::gdap::ListGdapCustomersRequest> {
        crate::gdap::check_filter(i.filter.as_deref())?;
        Ok(crate::gdap::ListGdapCustomersRequest {
            customer_tenant_id: i
                .customer_tenant_id
                .as_deref()
                .map(|t| validate::guid("customerTenantId", t))
                .transpose()?,
            filter: i.filter,
            service_management_details: i.include_service_management_details,
        })
    }
}
