//! The Lighthouse part of `GET /_emulator/fixtures`, as it is now: every subscription with its assignments
//! (who manages each, whether it holds a standing Owner, its eligible authorizations), the totals, the
//! assignment ids by kind (so that tests pick what they need instead of guessing), and ARM's limits as
//! configured.

use std::collections::{BTreeMap, HashSet};

use serde_json::{json, Value};

use super::model::{Assignment, Role};
use super::ArmStore;
use crate::config::Config;
use crate::control::delete_buckets::GLOBAL_FACTOR;

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

/// How much of the Lighthouse world the fixtures describe.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Detail {
    /// Every assignment of every subscription, and the assignment ids by kind.
    Full,
    /// Subscriptions and totals only (`?lighthouse=summary`): a few hundred bytes per subscription however
    /// many assignments there are, for worlds of tens of thousands of assignments.
    Summary,
}

/// `subscriptions`: each seeded subscription with the assignments it holds now (deleted ones are gone).
pub fn subscriptions(store: &ArmStore, detail: Detail) -> Vec<Value> {
    store
        .subscriptions()
        .iter()
        .map(|s| {
            let held = store.of_subscription(&s.id);
            let mut json = json!({
                "subscriptionId": s.id,
                "tenantId": s.tenant_id,
                "displayName": s.display_name,
                "resourceGroups": s.resource_groups,
                "assignmentCount": held.len(),
            });
            if detail == Detail::Full {
                json["assignments"] = held.iter().map(assignment).collect();
            }
            json
        })
        .collect()
}

/// `lighthouse`: the totals over every assignment there is now, the ids by kind (full detail only) and
/// ARM's limits.
pub fn lighthouse(store: &ArmStore, config: &Config, detail: Detail) -> Value {
    let all: Vec<&Assignment> = store.all().collect();
    let partner = |a: &Assignment| store.is_partners(&a.definition);
    let ids = |keep: &dyn Fn(&Assignment) -> bool| -> Vec<String> {
        all.iter().filter(|a| keep(a)).map(|a| a.id()).collect()
    };
    let count = |keep: &dyn Fn(&Assignment) -> bool| all.iter().filter(|a| keep(a)).count();
    let mut per_tenant: BTreeMap<&str, usize> = BTreeMap::new();
    for a in &all {
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
    let customers: HashSet<_> = all.iter().map(|a| a.definition.managee_tenant_id).collect();
    let standing_owner = |a: &Assignment| a.definition.holds_standing(Role::Owner);
    let eligible = |a: &Assignment| !a.definition.eligible.is_empty();
    let removable = |a: &Assignment| a.definition.removable_by_managing_tenant();
    let bucket = config.arm_delete_bucket;
    let refill = config.arm_delete_refill_per_second;
    let mut json = json!({
        "subscriptionCount": store.subscriptions().len(),
        "visibleSubscriptionCount": store.partner_subscriptions().count(),
        "assignmentsPerSubscription": config.assignments_per_subscription,
        "assignmentCount": all.len(),
        "partnerAssignments": count(&partner),
        "otherTenantAssignments": count(&|a| !partner(a)),
        "standingOwner": count(&standing_owner),
        "partnerStandingOwner": count(&|a| partner(a) && standing_owner(a)),
        "withEligibleAuthorizations": count(&eligible),
        "partnerWithoutDeleteRole": count(&|a| partner(a) && !removable(a)),
        "partnerRemovable": count(&|a| partner(a) && removable(a)),
        "customersWithDelegations": customers.len(),
        "managingTenants": managing_tenants,
        "deleteBucket": {
            "enabled": bucket > 0,
            "capacity": bucket,
            "refillPerSecond": refill,
            "globalCapacity": bucket * GLOBAL_FACTOR,
            "globalRefillPerSecond": refill * GLOBAL_FACTOR,
        },
        "checkDeletePermission": config.arm_check_delete_permission,
    });
    if detail == Detail::Full {
        json["assignmentIds"] = json!({
            "otherManagingTenant": ids(&|a| !partner(a)),
            "standingOwner": ids(&standing_owner),
            "partnerStandingOwner": ids(&|a| partner(a) && standing_owner(a)),
            "eligible": ids(&eligible),
            "partnerWithoutDeleteRole": ids(&|a| partner(a) && !removable(a)),
            "partnerRemovable": ids(&|a| partner(a) && removable(a)),
        });
    }
    json
}
