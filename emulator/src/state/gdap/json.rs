//! The JSON of Graph's GDAP resources, as Graph writes them (`@odata.type` and `@odata.etag` first).

use serde_json::{json, Map, Value};
use uuid::Uuid;

use super::etag::{etag, Kind};
use super::GdapStore;
use crate::state::customers::CustomerStore;
use crate::timefmt::format_ticks;

fn roles_json(roles: &[Uuid]) -> Value {
    let roles: Vec<Value> = roles
        .iter()
        .map(|id| json!({ "roleDefinitionId": id }))
        .collect();
    json!({ "unifiedRoles": roles })
}

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// A delegatedAdminRelationship (or resellerDelegatedAdminRelationship).
pub fn relationship(
    store: &GdapStore,
    customers: &CustomerStore,
    index: u32,
) -> Map<String, Value> {
    let r = store.get(index);
    let customer = customers.get(r.customer);
    let odata_type = match r.reseller {
        Some(_) => "#microsoft.graph.resellerDelegatedAdminRelationship",
        None => "#microsoft.graph.delegatedAdminRelationship",
    };
    let mut map = object(json!({
        "@odata.type": odata_type,
        "@odata.etag": store.etag(index),
        "id": store.id_of(index),
        "displayName": &*r.display_name,
        "duration": r.duration(),
        "customer": { "tenantId": customer.id, "displayName": &*customer.name },
        "accessDetails": roles_json(&r.roles),
        "status": r.status.name(),
        "autoExtendDuration": r.auto_extend.name(),
        "createdDateTime": format_ticks(r.created),
        "lastModifiedDateTime": format_ticks(r.modified),
        "activatedDateTime": r.activated.map(format_ticks),
        "endDateTime": r.end.map(format_ticks),
    }));
    if let Some(reseller) = &r.reseller {
        map.insert(
            "isPartnerConsentPending".into(),
            json!(reseller.is_partner_consent_pending),
        );
        map.insert(
            "indirectProviderTenantId".into(),
            json!(reseller.indirect_provider_tenant_id),
        );
    }
    map
}

/// The access assignment at `position` among the relationship's.
pub fn assignment(store: &GdapStore, index: u32, position: usize) -> Map<String, Value> {
    let a = &store.assignments_of(index)[position];
    object(json!({
        "@odata.type": "#microsoft.graph.delegatedAdminAccessAssignment",
        "@odata.etag": store.assignment_etag(index, position),
        "id": a.id,
        "status": a.status.name(),
        "createdDateTime": format_ticks(a.created),
        "lastModifiedDateTime": format_ticks(a.modified),
        "accessContainer": {
            "accessContainerId": a.group,
            "accessContainerType": "securityGroup",
        },
        "accessDetails": roles_json(&a.roles),
    }))
}

/// A delegatedAdminRelationshipOperation. `delegatedAdminRelationshipUpdate` comes after
/// `unknownFutureValue` in its evolvable enum: without `Prefer: include-unknown-enum-members` Graph
/// writes `unknownFutureValue` instead.
pub fn operation(
    store: &GdapStore,
    op: u32,
    include_unknown_enum_members: bool,
) -> Map<String, Value> {
    let o = store.operation(op);
    let operation_type = match include_unknown_enum_members {
        true => "delegatedAdminRelationshipUpdate",
        false => "unknownFutureValue",
    };
    object(json!({
        "@odata.type": "#microsoft.graph.delegatedAdminRelationshipOperation",
        "@odata.etag": etag(Kind::Operation, op, o.polls + 1),
        "id": o.id,
        "operationType": operation_type,
        "data": store.operation_data(op),
        "status": o.status.name(),
        "createdDateTime": format_ticks(o.created),
        "lastModifiedDateTime": format_ticks(o.modified),
    }))
}

/// A delegatedAdminRelationshipRequest.
pub fn request(store: &GdapStore, request: u32) -> Map<String, Value> {
    let q = store.request(request);
    object(json!({
        "@odata.type": "#microsoft.graph.delegatedAdminRelationshipRequest",
        "id": q.id,
        "action": q.action.name(),
        "status": q.status.name(),
        "createdDateTime": format_ticks(q.created),
        "lastModifiedDateTime": format_ticks(q.modified),
    }))
}

/// A delegatedAdminCustomer (Graph's: `id` = `tenantId`).
pub fn customer(customers: &CustomerStore, index: u32) -> Map<String, Value> {
    let c = customers.get(index);
    object(json!({
        "@odata.type": "#microsoft.graph.delegatedAdminCustomer",
        "@odata.etag": etag(Kind::Customer, index, 1),
        "id": c.id,
        "tenantId": c.id,
        "displayName": &*c.name,
    }))
}

/// The services every customer's details list: (id, name, management URL with `{domain}`).
const SERVICES: [(Uuid, &str, &str); 4] = [
    (
        Uuid::from_u128(0xfa5fa04e_13df_4b7c_9e99_92573ba1fa55),
        "Azure Active Directory",
        "https://aad.portal.azure.com/{domain}",
    ),
    (
        Uuid::from_u128(0x5d0273c3_0f0e_4e00_90e8_e792c8860fb5),
        "Microsoft 365 Lighthouse",
        "https://lighthouse.microsoft.com",
    ),
    (
        Uuid::from_u128(0xce0b42f4_bfde_4abe_a5f7_add83f104b23),
        "Teams",
        "https://admin.teams.microsoft.com/?delegatedOrg={domain}",
    ),
    (
        Uuid::from_u128(0x7e1c4a49_3b1f_4c27_b7d4_90c2f7a2e6d1),
        "Exchange",
        "https://admin.exchange.microsoft.com/?delegatedOrg={domain}",
    ),
];

/// A customer's delegatedAdminServiceManagementDetail items (its domain is `customer<n>.onmicrosoft.com`,
/// as Partner Center writes it).
pub fn service_management_details(index: u32) -> Vec<Value> {
    let domain = format!("customer{}.onmicrosoft.com", index + 1);
    SERVICES
        .iter()
        .map(|(id, name, url)| {
            json!({
                "@odata.type": "#microsoft.graph.delegatedAdminServiceManagementDetail",
                "id": id,
                "serviceName": name,
                "serviceManagementUrl": url.replace("{domain}", &domain),
            })
        })
        .collect()
}

/// Keeps the `$select`ed properties (plus `@odata.*` annotations and `id`); `None` keeps everything.
pub fn project(mut map: Map<String, Value>, select: Option<&[String]>) -> Map<String, Value> {
    if let Some(select) = select {
        map.retain(|key, _| {
            key.starts_with("@odata.") || key == "id" || select.iter().any(|s| s == key)
        });
    }
    map
}
