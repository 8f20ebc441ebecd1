//! Azure Resource Manager subscriptions: every subscription the credential can see (`GET /subscriptions`,
//! all pages), where Azure Lighthouse delegations are looked for when no list is given.

use crate::call::Call;
use crate::client::Client;
use crate::error::{ErrorKind, Result};
use crate::lighthouse::SERVICE;
use crate::options::CallOptions;
use crate::pipeline::Request;
use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use uuid::Uuid;

/// The stable api-version of `Microsoft.Resources/subscriptions`.
pub const API_VERSION: &str = "2022-12-01";
/// Items accepted in one page.
pub const MAX_PAGE_ITEMS: usize = 10_000;

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

#[derive(Deserialize)]
struct Page {
    #[serde(default)]
    value: crate::paging::CappedVec<Subscription, MAX_PAGE_ITEMS>,
    #[serde(rename = "nextLink", default)]
    next_link: Option<String>,
}

/// Every subscription the credential sees (all pages; a page that adds nothing new while linking on ends
/// the listing with `server_error`).
pub async fn list_subscriptions(client: &Client, opts: &CallOptions) -> Result<Vec<Subscription>> {
    let call = Call::new(client, &SERVICE, opts)?;
    let mut url = call.endpoint.join("/subscriptions");
    url.query_pairs_mut()
        .append_pair("api-version", API_VERSION);
    let mut out = Vec::new();
    let mut guard = crate::paging::ListingGuard::new(call.service.name);
    loop {
        guard
            .visit(&url)
            .map_err(|why| call.error(ErrorKind::ServerError, why))?;
        let page: Page = call
            .execute(&Request::new(Method::GET, url), crate::paging::read_capped)
            .await?;
        let value = page.value.into_inner();
        let added = guard.count_new(value.iter().map(|s| s.subscription_id.as_deref()));
        out.extend(value);
        match page.next_link.filter(|l| !l.is_empty()) {
            Some(_) if added == 0 => {
                return Err(guard.stuck(
                    &call,
                    "a page listed no subscription that was not listed before, yet linked to another page"
                        .into(),
                ))
            }
            Some(link) => url = call.follow(&link)?,
            None => return Ok(out),
        }
    }
}
