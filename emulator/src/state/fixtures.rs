//! `GET /_emulator/fixtures`: what tests need to know about the seeded world (current state).

use serde_json::{json, Value};

use super::{lock, read, AppState};
use crate::timefmt::format_ticks;

pub fn fixtures(app: &AppState) -> Value {
    let relationships: Vec<Value> = read(&app.relationships)
        .all()
        .iter()
        .map(|r| {
            json!({
                "customerId": r.customer_id,
                "relationshipId": r.relationship_id,
                "providerInstanceId": app.provider_instance_id,
                "autoExtendEnabled": r.auto_extend_enabled,
            })
        })
        .collect();
    let arm = lock(&app.arm);
    let subscriptions: Vec<Value> = arm
        .subscriptions()
        .iter()
        .map(|s| {
            let assignments: Vec<Value> = arm
                .all()
                .iter()
                .filter(|a| a.scope.subscription == s.id)
                .map(|a| json!({ "id": a.id(), "name": a.name, "scope": a.scope.path() }))
                .collect();
            json!({
                "subscriptionId": s.id,
                "resourceGroups": s.resource_groups,
                "assignments": assignments,
            })
        })
        .collect();
    let c = &app.config;
    json!({
        "url": app.url,
        "clientId": c.client_id,
        "clientSecret": c.client_secret,
        "tenantId": c.partner_tenant_id,
        "tenantDomain": c.tenant_domain,
        "providerInstanceId": app.provider_instance_id,
        "customerCount": c.customers,
        "inactiveDapCount": c.inactive_dap_count(),
        "now": format_ticks(app.now),
        "inactiveDapCustomerIds": app.inactive_sample,
        "relationships": relationships,
        "subscriptions": subscriptions,
    })
}
