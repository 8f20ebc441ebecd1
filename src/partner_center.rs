//! Partner Center REST: remove a DAP relationship (`PATCH /v1/customers/{customer-tenant-id}` with
//! `AllowDelegatedAccess: false`).

use crate::call::Call;
use crate::client::Client;
use crate::error::Result;
use crate::options::CallOptions;
use crate::pipeline::{self, Request};
use crate::service::{Hosted, Service};
use reqwest::Method;
use serde::Serialize;
use serde_json::{json, Value};
use uuid::Uuid;

/// Partner Center REST. The same host serves the public and US Government clouds; 21Vianet has its own
/// (the token audience there is its host, as in Microsoft's Partner Center PowerShell module).
pub static SERVICE: Service = Service {
    id: "partnerCenter",
    name: "Partner Center",
    correlation_header: "MS-CorrelationId",
    read_error: crate::service_error::by_status,
    public: Some(Hosted {
        endpoint: "https://api.partnercenter.microsoft.com",
        scope: "https://api.partnercenter.microsoft.com/.default",
    }),
    us_government: Some(Hosted {
        endpoint: "https://api.partnercenter.microsoft.com",
        scope: "https://api.partnercenter.microsoft.com/.default",
    }),
    china: Some(Hosted {
        endpoint: "https://partner.partnercenterapi.microsoftonline.cn",
        scope: "https://partner.partnercenterapi.microsoftonline.cn/.default",
    }),
};

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
    let call = Call::new(client, &SERVICE, opts)?;
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
    let customer = call
        .execute(&req, |resp| {
            if resp.body.iter().all(u8::is_ascii_whitespace) {
                return Ok(None);
            }
            pipeline::json::<Value>(resp).map(Some)
        })
        .await?;
    Ok(RemovedDap {
        customer_tenant_id,
        allow_delegated_access: false,
        customer,
    })
}
