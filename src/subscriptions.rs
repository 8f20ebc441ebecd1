//! Azure Resource Manager subscriptions: every subscription the credential can see (`GET /subscriptions`,
//! all pages), where Azure Lighthouse delegations are looked for when no list is given.

use crate::call::Call;
use crate::client::Client;
use crate::error::Result;
use crate::lighthouse::SERVICE;
use crate::options::CallOptions;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use uuid::Uuid;

/// The stable api-version of `Microsoft.Resources/subscriptions`.
pub const API_VERSION: &str = "2022-12-01";

/// A subscription as ARM lists it; fields the library does not judge are kept in `extra`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Subscription {
    #[serde(default)]
    pub subscription_id: Option<String>,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub tenant_id: Option<String>,
    #[serde(default)]
    pub state: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Subscription {
    /// The subscription id, parsed (`None` when missing or not a GUID).
    pub fn id(&self) -> Option<Uuid> {
        self.subscription_id
            .as_deref()
            .and_then(|s| Uuid::try_parse(s.trim()).ok())
    }
}

/// Every subscription the credential sees (all pages; a page that adds nothing new while linking on ends
/// the listing with `server_error`).
pub async fn list_subscriptions(client: &Client, opts: &CallOptions) -> Result<Vec<Subscription>> {
    let call = Call::new(client, &SERVICE, opts)?;
    let mut url = call.endpoint.join("/subscriptions");
    // Every page: ARM's `nextLink` is followed on the same origin only.
    url.query_pairs_mut()
        .append_pair("api-version", API_VERSION);
    crate::lighthouse::every_page(&call, url, "subscription", |s: &Subscription| {
        s.subscription_id.as_deref()
    })
    .await
}
