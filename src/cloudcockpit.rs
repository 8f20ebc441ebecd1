//! CloudCockpit: update a delegated admin (GDAP) relationship
//! (`PATCH /v1/Customers/{customerId}/delegated-admin-relationships/{relationshipId}`).

use crate::call::Call;
use crate::client::Client;
use crate::error::{Error, Result};
use crate::options::CallOptions;
use crate::pipeline::{self, Request};
use crate::service::{Hosted, Service};
use crate::validate;
use reqwest::Method;
use serde::Serialize;
use serde_json::{json, Value};
use uuid::Uuid;

/// CloudCockpit's API (a commercial service: public cloud only).
pub static SERVICE: Service = Service {
    id: "cloudCockpit",
    name: "CloudCockpit",
    correlation_header: "X-Correlation-Id",
    read_error: crate::service_error::by_status,
    public: Some(Hosted {
        endpoint: "https://api.cloudcockpit.com",
        scope: "api://b92a36a4-feb8-4f47-a69c-29a180aa6d0a/.default",
    }),
    us_government: None,
    china: None,
};

/// What to change on one relationship.
#[derive(Debug, Clone, PartialEq)]
pub struct UpdateRelationshipRequest {
    /// The portal domain, sent as `X-Tenant`.
    pub tenant_domain: String,
    pub customer_id: Uuid,
    pub relationship_id: String,
    pub provider_instance_id: Uuid,
    pub auto_extend_enabled: bool,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdatedRelationship {
    pub customer_id: Uuid,
    pub relationship_id: String,
    pub auto_extend_enabled: bool,
    /// The service's answer, when it sent one.
    pub relationship: Option<Value>,
}

pub async fn update_delegated_admin_relationship(
    client: &Client,
    opts: &CallOptions,
    req: &UpdateRelationshipRequest,
) -> Result<UpdatedRelationship> {
    let domain = req.tenant_domain.trim();
    if domain.is_empty()
        || domain.len() > 253
        || !domain
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
    {
        return Err(Error::invalid(format!(
            "tenantDomain `{}` is not a domain name",
            validate::printable(domain)
        )));
    }
    let relationship = validate::path_segment("relationshipId", &req.relationship_id)?;
    let call = Call::new(client, &SERVICE, opts)?;
    let url = call.endpoint.join(&format!(
        "/v1/Customers/{}/delegated-admin-relationships/{relationship}",
        req.customer_id.hyphenated()
    ));
    let request = Request::new(Method::PATCH, url)
        .header("X-Tenant", domain)
        .json(&json!({
            "providerInstanceId": req.provider_instance_id.hyphenated().to_string(),
            "autoExtendEnabled": req.auto_extend_enabled,
        }));
    let body = call
        .execute(&request, |resp| {
            if resp.body.iter().all(u8::is_ascii_whitespace) {
                return Ok(None);
            }
            pipeline::json::<Value>(resp).map(Some)
        })
        .await?;
    Ok(UpdatedRelationship {
        customer_id: req.customer_id,
        relationship_id: req.relationship_id.clone(),
        auto_extend_enabled: req.auto_extend_enabled,
        relationship: body,
    })
}
