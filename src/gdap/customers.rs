//! Graph's `delegatedAdminCustomers`: the customers the partner holds at least one active GDAP relationship
//! with, and, per customer, its `serviceManagementDetails` (the admin portals to manage it in).

use super::{and_filter, check_filter, CUSTOMERS_PATH, MAX_TOP};
use crate::client::Client;
use crate::error::Result;
use crate::options::CallOptions;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use uuid::Uuid;

/// One admin portal of a customer.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceManagementDetail {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_management_url: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A delegatedAdminCustomer as Graph returns it (`id` is the tenant id); fields not typed here are kept.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GdapCustomer {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// Read only when asked (one more request per customer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_management_details: Option<Vec<ServiceManagementDetail>>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListGdapCustomersRequest {
    /// Only this customer (`tenantId eq`): an empty list when the partner holds no active relationship with it.
    pub customer_tenant_id: Option<Uuid>,
    /// Any further OData `$filter` (`displayName`, `tenantId`, `id`), joined with `and`.
    pub filter: Option<String>,
    /// Also read each customer's `serviceManagementDetails`: one request per customer, one after another
    /// within the call's deadline.
    pub service_management_details: bool,
}

/// Every delegatedAdminCustomer the request selects (every page), with their service management details
/// when asked.
pub async fn list_customers(
    client: &Client,
    opts: &CallOptions,
    req: &ListGdapCustomersRequest,
) -> Result<Vec<GdapCustomer>> {
    check_filter(req.filter.as_deref())?;
    let call = crate::call::Call::new(client, &super::SERVICE, opts)?;
    let mut url = call.endpoint.join(CUSTOMERS_PATH);
    {
        let mut clauses = Vec::new();
        if let Some(f) = &req.filter {
            clauses.push(f.trim().to_string());
        }
        if let Some(t) = req.customer_tenant_id {
            clauses.push(format!("tenantId eq '{t}'"));
        }
        let mut q = url.query_pairs_mut();
        if let Some(f) = and_filter(&clauses) {
            q.append_pair("$filter", &f);
        }
        q.append_pair("$top", &MAX_TOP.to_string());
    }
    let mut customers: Vec<GdapCustomer> = Vec::new();
    super::for_each_page(
        &call,
        url,
        "customer",
        |c: &GdapCustomer| c.id.as_deref().or(c.tenant_id.as_deref()),
        |page| customers.extend(page),
    )
    .await?;
    if req.service_management_details {
        for c in &mut customers {
            // The id goes into the path: only a GUID does (anything else is reported, not followed).
            let Some(id) =
                c.id.as_deref()
                    .or(c.tenant_id.as_deref())
                    .and_then(|t| Uuid::try_parse(t.trim()).ok())
            else {
                continue;
            };
            let details_url = call
                .endpoint
                .join(&format!("{CUSTOMERS_PATH}/{id}/serviceManagementDetails"));
            let mut details = Vec::new();
            super::for_each_page(
                &call,
                details_url,
                "service management detail",
                |d: &ServiceManagementDetail| d.id.as_deref(),
                |page| details.extend(page),
            )
            .await?;
            c.service_management_details = Some(details);
        }
    }
    Ok(customers)
}
