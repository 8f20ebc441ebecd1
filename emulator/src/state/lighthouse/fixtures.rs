//! The Lighthouse part of `GET /_emulator/fixtures`, as it is now: every subscription with its assignments
//! (who manages each, whether it holds a standing Owner, its eligible authorizations), and the totals.

use std::collections::{BTreeMap, HashSet};

use serde_json::{json, Value};

use super::model::{Assignment, Role};
use super::ArmStore;

fn role_ids(roles: impl Iterator<Item = Role>) -> Vec<&'static str> {
    roles.map(Role::id).collect()
}

fn assignment(a: &Assignment) -> Value {
    let d = &a.definition;
    json!({
        "id": a.id(),
        "name": a.name,
        "scope": a.scope.path(),
        "registrationDefinitionId": a.definition_id(),
        "managedByTenantId": d.managed_by.id,
        "managedByTenantName": d.managed_by.name,
        "manageeTenantId": d.managee_tenant_id,
        "roleDefinitionIds": role_ids(d.authorizations.iter().map(|x| x.role)),
        "standingOwner": d.holds_standing(Role::Owner),
        "deleteRole": d.removable_by_managing_tenant(),
        "eligibleAuthorizations": d.eligible.len(),
        "eligibleRoleDefinitionIds": role_ids(d.eligible.iter().map(|x| x.role)),
    })
}

/// `subscriptions`: each seeded subscription with the assignments it holds now (deleted ones are gone).
pub fn subscriptions(store: &ArmStore) -> Vec<Value> {
    let by_subscription = store.by_subscription();
    store
        .subscriptions()
        .iter()
        .map(|s| {
            let assignments: Vec<Value> = by_subscription
                .get(&s.id)
                .into_iter()
                .flatten()
                .map(|a| assignment(a))
                .collect();
            json!({
                "subscriptionId": s.id,
                "tenantId": s.tenant_id,
                "displayName": s.display_name,
                "resourceGroups": s.resource_groups,
                "assignments": assignments,
            })
        })
        .collect()
}

/// `lighthouse`: the totals over every assignment there is now.
pub fn totals(store: &ArmStore, assignments_per_subscription: usize) -> Value {
    let all = store.all();
    let count = |keep: &dyn Fn(&Assignment) -> bool| all.iter().filter(|a| keep(a)).count();
    let mut per_tenant: BTreeMap<&str, usize> = BTreeMap::new();
    for a in all {
        *per_tenant.entry(&a.definition.managed_by.id).or_default() += 1;
    }
    let managing_tenants: Vec<Value> = store
        .managing_tenants()
        .iter()
        .map(|t| {
            json!({
                "tenantId": t.id,
                "name": t.name,
                "assignments": per_tenant.get(t.id.as_str()).copied().unwrap_or(0),
            })
        })
        .collect();
    let partner = |a: &Assignment| store.is_partners(&a.definition);
    let customers: HashSet<_> = all.iter().map(|a| a.definition.managee_tenant_id).collect();
    json!({
        "subscriptionCount": store.subscriptions().len(),
        "visibleSubscriptionCount": store.partner_subscriptions().len(),
        "assignmentsPerSubscription": assignments_per_subscription,
        "assignmentCount": all.len(),
        "partnerAssignments": count(&partner),
        "otherTenantAssignments": count(&|a| !partner(a)),
        "standingOwner": count(&|a| a.definition.holds_standing(Role::Owner)),
        "partnerStandingOwner": count(&|a| partner(a) && a.definition.holds_standing(Role::Owner)),
        "withEligibleAuthorizations": count(&|a| !a.definition.eligible.is_empty()),
        "partnerWithoutDeleteRole": count(&|a| partner(a) && !a.definition.removable_by_managing_tenant()),
        "partnerRemovable": count(&|a| partner(a) && a.definition.removable_by_managing_tenant()),
        "customersWithDelegations": customers.len(),
        "managingTenants": managing_tenants,
    })
}
