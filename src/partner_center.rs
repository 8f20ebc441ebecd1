//! Partner Center REST: remove a DAP relationship (`PATCH /v1/customers/{customer-tenant-id}` with
//! `AllowDelegatedAccess: false`).

use crate::client::Client;
use crate::error::Result;
use crate::http::{self, Call, Request, Service};
use crate::options::CallOptions;
use reqwest::Method;
use serde::Serialize;
use serde_json::{json, Value};
use uuid::Uuid;

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RemovedDap {
    pub customer_tenant_id: Uuid,
    pub allow_delegated_access: bool,
    /// The service's Customer resource, when it returned one.
    pub customer: Option<Value>,
}

/// Remove the partner's DAP relationship with one customer. Idempotent: removing it twice is not an error.
pub async fn remove_dap_relationship(
    client: &Client,
    opts: &CallOptions,
    customer_tenant_id: Uuid,
) -> Result<RemovedDap> {
    let call = Call::new(client, opts, Service::PartnerCenter);
    let url = call.endpoint.join(&format!(
        "/v1/customers/{}",
        customer_tenant_id.hyphenated()
    ));
    let req = Request::new(Method::PATCH, url)
        .header("MS-Contract-Version", "v1")
        // One request id for every retry of this call: Partner Center uses it for idempotency.
        .header("MS-RequestId", Uuid::new_v4().to_string())
        .json(
            &json!({ "AllowDelegatedAccess": false, "attributes": { "objectType": "Customer" } }),
        );
    let customer = http::execute(&call, &req, |resp| {
        if resp.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(None);
        }
        http::json::<Value>(resp).map(Some)
    })
    .await?;
    Ok(RemovedDap {
        customer_tenant_id,
        allow_delegated_access: false,
        customer,
    })
}
