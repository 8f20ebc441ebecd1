//! Microsoft Graph's GDAP API (`tenantRelationships/delegatedAdminRelationships` and
//! `delegatedAdminCustomers`), v1.0: list and read relationships ([`relationships`]), turn auto-extend on
//! or off and remove the Global Administrator role ([`change`]), terminate ([`terminate`]), list a
//! relationship's access assignments ([`assignments`]) and the customers GDAP reaches ([`customers`]).
//!
//! Identifiers are parsed once, at the edge: a relationship id is a [`RelationshipId`] (`<guid>-<guid>`), a
//! tenant a `Uuid`. Graph's items are typed where the library judges them (status, roles, end date) and
//! keep every other field as Graph wrote it (`extra`), so a reseller relationship loses nothing.

pub mod assignments;
pub mod change;
pub mod customers;
pub mod relationships;
pub mod terminate;

pub use assignments::{list_access_assignments, AccessAssignment};
pub use change::{
    check_auto_extend, remove_global_admin_role, set_auto_extend, AutoExtend, AutoExtendResult,
    GlobalAdminRemoval, RemovalStatus,
};
pub use customers::{list_customers, GdapCustomer, ListGdapCustomersRequest};
pub use relationships::{
    for_each_relationship_page, get_relationship, list_relationships, FetchedRelationship,
    ListRelationshipsRequest,
};
pub use terminate::{terminate_relationship, Termination};

use crate::call::Call;
use crate::error::{Error, ErrorKind, Result};
use crate::paging::{read_capped, CappedVec, ListingGuard};
use crate::pipeline::Request;
use crate::service::{Hosted, Service};
use crate::validate;
use chrono::{DateTime, Utc};
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use url::Url;
use uuid::Uuid;

/// Microsoft Graph, per cloud (US Government L4; DoD tenants use `dod-graph.microsoft.us` through a custom
/// cloud).
pub static SERVICE: Service = Service {
    id: "graph",
    name: "Microsoft Graph",
    correlation_header: "client-request-id",
    read_error: crate::service_error::by_status,
    public: Some(Hosted {
        endpoint: "https://graph.microsoft.com",
        scope: "https://graph.microsoft.com/.default",
    }),
    us_government: Some(Hosted {
        endpoint: "https://graph.microsoft.us",
        scope: "https://graph.microsoft.us/.default",
    }),
    china: Some(Hosted {
        endpoint: "https://microsoftgraph.chinacloudapi.cn",
        scope: "https://microsoftgraph.chinacloudapi.cn/.default",
    }),
};

/// The Global Administrator role's definition id (the same in every tenant).
pub const GLOBAL_ADMINISTRATOR: Uuid = Uuid::from_u128(0x62e90394_69f5_4237_9190_012177145e10);

/// Graph's largest page for these lists (`$top`).
pub const MAX_TOP: u16 = 300;

/// Items accepted in one page: far above Graph's 300 (see [`crate::customers::MAX_PAGE_ITEMS`]).
pub const MAX_PAGE_ITEMS: usize = 10_000;

const RELATIONSHIPS_PATH: &str = "/v1.0/tenantRelationships/delegatedAdminRelationships";
const CUSTOMERS_PATH: &str = "/v1.0/tenantRelationships/delegatedAdminCustomers";

/// A GDAP relationship's id: two GUIDs joined by a hyphen (`<guid>-<guid>`), as Graph writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RelationshipId(pub Uuid, pub Uuid);

impl RelationshipId {
    /// Parse `<guid>-<guid>` (73 characters; any case, surrounding white space ignored).
    pub fn parse(what: &str, text: &str) -> Result<RelationshipId> {
        let t = text.trim();
        let bad = || {
            Error::invalid(format!(
                "{what} `{}` is not a GDAP relationship id (<guid>-<guid>)",
                validate::printable(text)
            ))
        };
        if t.len() != 73 || !t.is_char_boundary(36) || t.as_bytes()[36] != b'-' {
            return Err(bad());
        }
        let (a, b) = (&t[..36], &t[37..]);
        match (Uuid::try_parse(a), Uuid::try_parse(b)) {
            (Ok(a), Ok(b)) => Ok(RelationshipId(a, b)),
            _ => Err(bad()),
        }
    }

    /// The relationship's URL.
    fn url(&self, call: &Call) -> Url {
        call.endpoint.join(&format!("{RELATIONSHIPS_PATH}/{self}"))
    }
}

impl std::fmt::Display for RelationshipId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-{}", self.0, self.1)
    }
}

impl Serialize for RelationshipId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A field that is present, `null` included (absent is `None` through `#[serde(default)]`).
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Option<Value>, D::Error> {
    Value::deserialize(d).map(Some)
}

/// `customer` of a relationship.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RelationshipCustomer {
    #[serde(default)]
    pub tenant_id: Option<String>,
    #[serde(default)]
    pub display_name: Option<String>,
}

/// One role of `accessDetails.unifiedRoles`; any other field of it is kept.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UnifiedRole {
    #[serde(default)]
    pub role_definition_id: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl UnifiedRole {
    pub fn is_global_administrator(&self) -> bool {
        self.role_definition_id
            .as_deref()
            .and_then(|r| Uuid::try_parse(r.trim()).ok())
            == Some(GLOBAL_ADMINISTRATOR)
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccessDetails {
    #[serde(default)]
    pub unified_roles: Vec<UnifiedRole>,
}

impl AccessDetails {
    pub fn holds_global_administrator(&self) -> bool {
        self.unified_roles
            .iter()
            .any(UnifiedRole::is_global_administrator)
    }
}

/// A delegated admin relationship as Graph returns it. Every field is optional (`$select` may leave any
/// out). The fields the library judges are typed; every other one (`@odata.type`, `duration`, the other
/// dates, a reseller relationship's `isPartnerConsentPending` and `indirectProviderTenantId`, anything Graph
/// adds later) is kept in `extra` and written back out as it came.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Relationship {
    #[serde(
        rename = "@odata.etag",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub etag: Option<String>,
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer: Option<RelationshipCustomer>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_details: Option<AccessDetails>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_extend_duration: Option<String>,
    /// `null` while the relationship has not started: kept as Graph wrote it (absent stays absent).
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub end_date_time: Option<Value>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Relationship {
    /// The id, parsed.
    pub fn parsed_id(&self) -> Result<RelationshipId> {
        match &self.id {
            Some(id) => RelationshipId::parse("relationship.id", id),
            None => Err(Error::invalid("relationship has no id")),
        }
    }

    pub fn is_active(&self) -> bool {
        self.status.as_deref() == Some("active")
    }

    /// Whether the roles hold Global Administrator; `None` when the roles are not in this copy.
    pub fn holds_global_administrator(&self) -> Option<bool> {
        self.access_details
            .as_ref()
            .map(AccessDetails::holds_global_administrator)
    }

    pub fn roles_count(&self) -> usize {
        self.access_details
            .as_ref()
            .map_or(0, |a| a.unified_roles.len())
    }

    /// The customer's tenant id, parsed (`None` when missing or not a GUID).
    pub fn customer_tenant_id(&self) -> Option<Uuid> {
        self.customer
            .as_ref()
            .and_then(|c| c.tenant_id.as_deref())
            .and_then(|t| Uuid::try_parse(t.trim()).ok())
    }

    /// `endDateTime`, when it is a readable date.
    pub fn end(&self) -> Option<DateTime<Utc>> {
        match &self.end_date_time {
            Some(Value::String(s)) => crate::customers::parse_time(Some(s)),
            _ => None,
        }
    }
}

/// Which relationship an operation is about: its id, or the relationship as a listing returned it with its
/// id parsed (then its roles and ETag are used as they are where that is safe, and a rule they break is
/// refused before any request).
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    Id(RelationshipId),
    Relationship(RelationshipId, Box<Relationship>),
}

impl Target {
    /// A relationship object: its `id` must be a relationship id.
    pub fn relationship(r: Relationship) -> Result<Target> {
        Ok(Target::Relationship(r.parsed_id()?, Box::new(r)))
    }

    pub fn id(&self) -> RelationshipId {
        match self {
            Target::Id(id) | Target::Relationship(id, _) => *id,
        }
    }
}

/// One page of a Graph list.
#[derive(Deserialize)]
#[serde(bound(deserialize = "T: Deserialize<'de>"))]
pub(crate) struct Page<T> {
    #[serde(default = "CappedVec::default")]
    pub(crate) value: CappedVec<T, MAX_PAGE_ITEMS>,
    #[serde(rename = "@odata.nextLink", default)]
    pub(crate) next_link: Option<String>,
}

/// Every page of a Graph list from `first`, following `@odata.nextLink` exactly as given (on the same
/// origin only). `what` names the items in errors ("relationship"); `id_of` gives an item's id to the
/// guard that ends a listing that stops advancing; `on_page` gets each page's items as they arrive.
pub(crate) async fn for_each_page<T: DeserializeOwned>(
    call: &Call,
    first: Url,
    what: &str,
    id_of: impl Fn(&T) -> Option<&str>,
    mut on_page: impl FnMut(Vec<T>),
) -> Result<()> {
    let mut url = first;
    let mut guard = ListingGuard::new(call.service.name);
    loop {
        guard
            .visit(&url)
            .map_err(|why| call.error(ErrorKind::ServerError, why))?;
        let page: Page<T> = call
            .execute(&Request::new(Method::GET, url), read_capped::<Page<T>>)
            .await?;
        let items = page.value.into_inner();
        let added = guard.count_new(items.iter().map(&id_of));
        on_page(items);
        match page.next_link.filter(|l| !l.is_empty()) {
            Some(_) if added == 0 => {
                return Err(guard.stuck(
                    call,
                    format!("a page listed no {what} that was not listed before, yet linked to another page"),
                ))
            }
            Some(link) => url = call.follow(&link)?,
            None => return Ok(()),
        }
    }
}

/// An OData `$filter` given as is: not blank, no control characters.
pub fn check_filter(filter: Option<&str>) -> Result<()> {
    match filter {
        Some(f) if f.trim().is_empty() || f.chars().any(char::is_control) => Err(Error::invalid(
            "filter is empty or contains control characters",
        )),
        _ => Ok(()),
    }
}

/// `$filter` clauses joined with `and`, each in parentheses when there are several.
pub(crate) fn and_filter(clauses: &[String]) -> Option<String> {
    match clauses {
        [] => None,
        [one] => Some(one.clone()),
        many => Some(
            many.iter()
                .map(|c| format!("({c})"))
                .collect::<Vec<_>>()
                .join(" and "),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relationship_ids() {
        let text = "5e5594d3-6f82-458b-b567-77db4811f0cd-5F0B1C6E-8A3D-4B7E-9C21-0D4E6F8A9B10";
        let id = RelationshipId::parse("id", text).unwrap();
        assert_eq!(id.to_string(), text.to_ascii_lowercase());
        for bad in [
            "",
            "5e5594d3-6f82-458b-b567-77db4811f0cd",
            "5e5594d3-6f82-458b-b567-77db4811f0cd_5f0b1c6e-8a3d-4b7e-9c21-0d4e6f8a9b10",
            "5e5594d3-6f82-458b-b567-77db4811f0cd-5f0b1c6e-8a3d-4b7e-9c21-0d4e6f8a9b1z",
            "../5594d3-6f82-458b-b567-77db4811f0cd-5f0b1c6e-8a3d-4b7e-9c21-0d4e6f8a9b10",
            "5e5594d3-6f82-458b-b567-77db4811f0cd-5f0b1c6e-8a3d-4b7e-9c21-0d4e6f8a9bé",
        ] {
            assert!(RelationshipId::parse("id", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn reseller_fields_are_kept() {
        let item = serde_json::json!({
            "@odata.type": "#microsoft.graph.resellerDelegatedAdminRelationship",
            "@odata.etag": "W/\"x\"",
            "id": "5e5594d3-6f82-458b-b567-77db4811f0cd-5f0b1c6e-8a3d-4b7e-9c21-0d4e6f8a9b10",
            "status": "active",
            "isPartnerConsentPending": true,
            "indirectProviderTenantId": "1b2c3d4e-0000-4000-8000-000000000001",
            "accessDetails": {"unifiedRoles": [{"roleDefinitionId": "62E90394-69F5-4237-9190-012177145E10"}]},
            "endDateTime": null,
        });
        let r: Relationship = serde_json::from_value(item.clone()).unwrap();
        assert_eq!(r.holds_global_administrator(), Some(true));
        assert!(r.is_active());
        assert_eq!(r.end(), None);
        assert_eq!(serde_json::to_value(&r).unwrap(), item);
    }

    #[test]
    fn filters_join() {
        assert_eq!(and_filter(&[]), None);
        assert_eq!(and_filter(&["a eq 1".into()]).as_deref(), Some("a eq 1"));
        assert_eq!(
            and_filter(&["a eq 1".into(), "b or c".into()]).as_deref(),
            Some("(a eq 1) and (b or c)")
        );
    }
}
