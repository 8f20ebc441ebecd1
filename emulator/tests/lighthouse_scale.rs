//! Azure Lighthouse at scale: `assignments_per_subscription`, the variety of the seeded definitions (two
//! managing tenants; Reader, Contributor, the delete role, standing Owner, User Access Administrator;
//! just-in-time eligible authorizations), their fixtures and totals, the `$filter` on the managing tenant,
//! the subscriptions list, and the optional permission check of a delete.

mod common;

use std::collections::{HashMap, HashSet};

use common::*;
use delegated_admin_emulator::{Config, Emulator, OTHER_MSP_NAME, OTHER_MSP_TENANT_ID};
use serde_json::Value;

const PROVIDER: &str = "providers/Microsoft.ManagedServices";
const V: &str = "api-version=2022-10-01";
const OWNER: &str = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635";
const READER: &str = "acdd72a7-3385-48ef-bd42-f606fba81ae7";
const CONTRIBUTOR: &str = "b24988ac-6180-42a0-ab88-20f7382dd24c";
const DELETE_ROLE: &str = "91c1777a-f3dc-4fae-b103-61d183457e46";
const USER_ACCESS_ADMIN: &str = "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9";

fn at_scale(subscriptions: usize, per_subscription: usize) -> Config {
    Config {
        customers: 300,
        subscriptions,
        assignments_per_subscription: per_subscription,
        arm_page_size: 0,
        ..Config::default()
    }
}

fn array(v: &Value) -> &Vec<Value> {
    v.as_array().unwrap_or_else(|| panic!("not an array: {v}"))
}

/// Every assignment at the scope, following `nextLink`.
fn list_all(emu: &Emulator, t: &str, first: &str) -> Vec<Value> {
    let mut items = Vec::new();
    let mut next = Some(first.to_string());
    while let Some(url) = next {
        let reply = get(emu, &url, t);
        assert_eq!(reply.status, 200, "{url}: {}", reply.text());
        let page = reply.json();
        items.extend(array(&page["value"]).iter().cloned());
        next = page["nextLink"].as_str().map(str::to_string);
    }
    items
}

/// The expanded assignments of one subscription (its scope and its resource group), by id.
fn expanded(emu: &Emulator, t: &str, sub: &Value) -> HashMap<String, Value> {
    let id = sub["subscriptionId"].as_str().unwrap();
    let mut scopes = vec![format!("/subscriptions/{id}")];
    for rg in array(&sub["resourceGroups"]) {
        scopes.push(format!("/subscriptions/{id}/resourceGroups/{}", rg.as_str().unwrap()));
    }
    scopes
        .iter()
        .flat_map(|scope| {
            list_all(
                emu,
                t,
                &format!("{scope}/{PROVIDER}/registrationAssignments?{V}&$expandRegistrationDefinition=true"),
            )
        })
        .map(|a| (a["id"].as_str().unwrap().to_string(), a))
        .collect()
}

fn role_ids(list: &Value) -> Vec<&str> {
    array(list)
        .iter()
        .map(|a| a["roleDefinitionId"].as_str().unwrap())
        .collect()
}

#[test]
fn seeds_the_configured_number_of_assignments_deterministically() {
    let emu = start(at_scale(40, 10));
    let f = emu.fixtures();
    let subs = array(&f["subscriptions"]);
    assert_eq!(subs.len(), 40);
    let mut total = 0;
    for sub in subs {
        let id = sub["subscriptionId"].as_str().unwrap();
        let assignments = array(&sub["assignments"]);
        assert_eq!(assignments.len(), 10);
        let at_rg: Vec<&Value> = assignments
            .iter()
            .filter(|a| a["scope"].as_str().unwrap().contains("/resourceGroups/"))
            .collect();
        assert_eq!(at_rg.len(), 1, "the last one at the resource group");
        assert_eq!(assignments.last().unwrap()["id"], at_rg[0]["id"]);
        for a in assignments {
            assert!(a["id"].as_str().unwrap().starts_with(&format!("/subscriptions/{id}")));
            assert!(a["registrationDefinitionId"]
                .as_str()
                .unwrap()
                .starts_with(&format!("/subscriptions/{id}/{PROVIDER}/registrationDefinitions/")));
            assert_eq!(a["manageeTenantId"], sub["tenantId"]);
        }
        total += assignments.len();
    }
    let l = &f["lighthouse"];
    assert_eq!(total, 400);
    assert_eq!(l["assignmentCount"], 400);
    assert_eq!(l["subscriptionCount"], 40);
    assert_eq!(l["visibleSubscriptionCount"], 40);
    assert_eq!(l["assignmentsPerSubscription"], 10);

    // The totals are the per-assignment fields counted.
    let all: Vec<&Value> = subs.iter().flat_map(|s| array(&s["assignments"])).collect();
    let count = |keep: &dyn Fn(&Value) -> bool| all.iter().filter(|a| keep(a)).count();
    let tenant = f["tenantId"].as_str().unwrap();
    let partner = |a: &Value| a["managedByTenantId"] == tenant;
    assert_eq!(l["partnerAssignments"], count(&partner));
    assert_eq!(l["otherTenantAssignments"], count(&|a| a["managedByTenantId"] == OTHER_MSP_TENANT_ID));
    assert_eq!(l["standingOwner"], count(&|a| a["standingOwner"] == true));
    assert_eq!(l["partnerStandingOwner"], count(&|a| partner(a) && a["standingOwner"] == true));
    assert_eq!(l["withEligibleAuthorizations"], count(&|a| a["eligibleAuthorizations"] != 0));
    assert_eq!(l["partnerWithoutDeleteRole"], count(&|a| partner(a) && a["deleteRole"] == false));
    assert_eq!(l["partnerRemovable"], count(&|a| partner(a) && a["deleteRole"] == true));
    // Mostly the partner's, some another MSP's, and every kind present at this size.
    let others = l["otherTenantAssignments"].as_u64().unwrap();
    assert!((20..=100).contains(&others), "{others} of 400 managed by {OTHER_MSP_NAME}");
    for key in ["partnerStandingOwner", "withEligibleAuthorizations", "partnerWithoutDeleteRole"] {
        assert!(l[key].as_u64().unwrap() > 0, "{key}: {l}");
    }
    let tenants = array(&l["managingTenants"]);
    assert_eq!(tenants[0]["tenantId"], tenant);
    assert_eq!(tenants[0]["name"], "Contoso Partner");
    assert_eq!(tenants[1]["tenantId"], OTHER_MSP_TENANT_ID);
    assert_eq!(tenants[1]["name"], OTHER_MSP_NAME);
    assert_eq!(
        tenants[0]["assignments"].as_u64().unwrap() + tenants[1]["assignments"].as_u64().unwrap(),
        400
    );
    // Every fifth subscription belongs to the customer of the one before it.
    assert_eq!(subs[4]["tenantId"], subs[3]["tenantId"]);
    assert_ne!(subs[3]["tenantId"], subs[2]["tenantId"]);
    assert_eq!(l["customersWithDelegations"], 32);

    // The same seed, the same world; another seed, another.
    let again = start(at_scale(40, 10)).fixtures();
    assert_eq!(again["subscriptions"], f["subscriptions"]);
    let other = start(Config {
        seed: 2,
        ..at_scale(40, 10)
    })
    .fixtures();
    assert_ne!(other["subscriptions"], f["subscriptions"]);
}

#[test]
fn one_or_no_assignment_per_subscription() {
    let one = start(at_scale(3, 1));
    let f = one.fixtures();
    for sub in array(&f["subscriptions"]) {
        let assignments = array(&sub["assignments"]);
        assert_eq!(assignments.len(), 1);
        let scope = format!("/subscriptions/{}", sub["subscriptionId"].as_str().unwrap());
        assert_eq!(assignments[0]["scope"], scope.as_str(), "one, at subscription scope");
        assert_eq!(assignments[0]["managedByTenantId"], f["tenantId"]);
    }
    let none = start(at_scale(3, 0));
    let f = none.fixtures();
    assert_eq!(f["lighthouse"]["assignmentCount"], 0);
    assert_eq!(f["lighthouse"]["visibleSubscriptionCount"], 0);
    let t = token(&none, ARM);
    let listed = get(&none, "/subscriptions?api-version=2022-12-01", &t).json();
    assert_eq!(array(&listed["value"]).len(), 0, "no delegation, nothing to see");
}

#[test]
fn definitions_carry_what_the_fixtures_say_in_the_2022_10_01_shape() {
    let emu = start(at_scale(30, 10));
    let f = emu.fixtures();
    let t = token(&emu, ARM);
    let tenant = f["tenantId"].as_str().unwrap();
    let mut seen: HashSet<&str> = HashSet::new();
    for sub in array(&f["subscriptions"]) {
        let served = expanded(&emu, &t, sub);
        let customer = emu
            .customer(sub["tenantId"].as_str().unwrap())
            .expect("the subscription's tenant is a seeded customer");
        for fx in array(&sub["assignments"]) {
            let a = &served[fx["id"].as_str().unwrap()];
            assert_eq!(a["properties"]["registrationDefinitionId"], fx["registrationDefinitionId"]);
            let d = &a["properties"]["registrationDefinition"];
            assert_eq!(d["id"], fx["registrationDefinitionId"]);
            assert_eq!(d["type"], "Microsoft.ManagedServices/registrationDefinitions");
            let p = &d["properties"];
            assert_eq!(p["managedByTenantId"], fx["managedByTenantId"]);
            assert_eq!(p["managedByTenantName"], fx["managedByTenantName"]);
            assert_eq!(p["manageeTenantId"], sub["tenantId"]);
            assert_eq!(p["manageeTenantName"], customer["organizationDisplayName"]);
            assert_eq!(p["provisioningState"], "Succeeded");
            let standing = role_ids(&p["authorizations"]);
            assert_eq!(standing, array(&fx["roleDefinitionIds"]).iter().map(|r| r.as_str().unwrap()).collect::<Vec<_>>());
            assert!(standing[0] == READER || standing[0] == CONTRIBUTOR, "{standing:?}");
            assert_eq!(fx["standingOwner"], standing.contains(&OWNER));
            assert_eq!(fx["deleteRole"], standing.contains(&DELETE_ROLE));
            for auth in array(&p["authorizations"]) {
                assert!(auth["principalId"].as_str().unwrap().len() == 36);
                assert!(auth["principalIdDisplayName"].is_string());
                match auth["roleDefinitionId"].as_str().unwrap() {
                    USER_ACCESS_ADMIN => {
                        // Required with User Access Administrator: the roles it may assign.
                        assert_eq!(auth["delegatedRoleDefinitionIds"], serde_json::json!([CONTRIBUTOR]));
                        seen.insert("userAccessAdministrator");
                    }
                    _ => assert!(auth.get("delegatedRoleDefinitionIds").is_none()),
                }
            }
            let eligible = array(&p["eligibleAuthorizations"]);
            assert_eq!(fx["eligibleAuthorizations"], eligible.len());
            assert_eq!(role_ids(&p["eligibleAuthorizations"]), array(&fx["eligibleRoleDefinitionIds"]).iter().map(|r| r.as_str().unwrap()).collect::<Vec<_>>());
            for e in eligible {
                assert!(e["principalId"].is_string() && e["principalIdDisplayName"].is_string());
                let policy = &e["justInTimeAccessPolicy"];
                assert_eq!(policy["maximumActivationDuration"], "PT8H");
                match policy["multiFactorAuthProvider"].as_str().unwrap() {
                    "Azure" => seen.insert("mfaAzure"),
                    "None" => seen.insert("mfaNone"),
                    other => panic!("multiFactorAuthProvider {other}"),
                };
                match policy.get("managedByTenantApprovers") {
                    Some(approvers) => {
                        let approver = &array(approvers)[0];
                        assert!(approver["principalId"].is_string());
                        assert!(approver["principalIdDisplayName"].is_string());
                        seen.insert("approvers");
                    }
                    None => {
                        seen.insert("noApprovers");
                    }
                }
                if e["roleDefinitionId"] == OWNER {
                    seen.insert("eligibleOwner");
                }
            }
            if fx["managedByTenantId"] != tenant {
                seen.insert("otherMsp");
                assert_eq!(p["managedByTenantName"], OTHER_MSP_NAME);
            }
            if fx["standingOwner"] == true {
                seen.insert("standingOwner");
            }
            if fx["deleteRole"] == false {
                seen.insert("noDeleteRole");
            }
        }
    }
    for kind in [
        "otherMsp",
        "standingOwner",
        "noDeleteRole",
        "userAccessAdministrator",
        "mfaAzure",
        "mfaNone",
        "approvers",
        "noApprovers",
        "eligibleOwner",
    ] {
        assert!(seen.contains(kind), "{kind} not seeded: {seen:?}");
    }
    // Definitions differ per assignment.
    let definitions: HashSet<&str> = array(&f["subscriptions"])
        .iter()
        .flat_map(|s| array(&s["assignments"]))
        .map(|a| a["registrationDefinitionId"].as_str().unwrap())
        .collect();
    assert_eq!(definitions.len(), 300);
}

#[test]
fn the_default_world_keeps_its_first_subscription_plain_and_shows_every_kind_in_the_second() {
    let emu = small();
    let f = emu.fixtures();
    let tenant = &f["tenantId"];
    let subs = array(&f["subscriptions"]);
    assert_eq!(subs.len(), 3);
    for a in array(&subs[0]["assignments"]) {
        assert_eq!(&a["managedByTenantId"], tenant);
        assert_eq!(a["standingOwner"], false);
        assert_eq!(a["deleteRole"], true);
        assert_eq!(a["eligibleAuthorizations"], 0);
    }
    let second = array(&subs[1]["assignments"]);
    assert_eq!(&second[0]["managedByTenantId"], tenant);
    assert_eq!(second[1]["managedByTenantId"], OTHER_MSP_TENANT_ID);
    assert_eq!(&second[2]["managedByTenantId"], tenant);
    assert_eq!(second[2]["standingOwner"], true);
    assert_eq!(&second[3]["managedByTenantId"], tenant);
    assert!(second[3]["scope"].as_str().unwrap().contains("/resourceGroups/"));
    assert_eq!(second[3]["eligibleAuthorizations"], 2);
}

#[test]
fn filters_on_the_managing_tenant_with_eq_and_in() {
    let emu = small();
    let f = emu.fixtures();
    let t = token(&emu, ARM);
    let tenant = f["tenantId"].as_str().unwrap();
    let sub = &f["subscriptions"][1];
    let id = sub["subscriptionId"].as_str().unwrap();
    let list = format!("/subscriptions/{id}/{PROVIDER}/registrationAssignments?{V}");
    let at_scope = |managed_by: &str| -> Vec<String> {
        array(&sub["assignments"])
            .iter()
            .filter(|a| !a["scope"].as_str().unwrap().contains("/resourceGroups/"))
            .filter(|a| managed_by.is_empty() || a["managedByTenantId"] == managed_by)
            .map(|a| a["id"].as_str().unwrap().to_string())
            .collect()
    };
    let ids = |filter: &str| -> Vec<String> {
        let first = format!("{list}&$expandRegistrationDefinition=true&$filter={}", encode(filter));
        list_all(&emu, &t, &first)
            .iter()
            .map(|a| a["id"].as_str().unwrap().to_string())
            .collect()
    };
    let mine = at_scope(tenant);
    let theirs = at_scope(OTHER_MSP_TENANT_ID);
    assert_eq!((mine.len(), theirs.len()), (2, 1));
    assert_eq!(ids(&format!("managedByTenantId eq '{tenant}'")), mine);
    assert_eq!(ids(&format!("managedByTenantId eq '{OTHER_MSP_TENANT_ID}'")), theirs);
    // `in`, quoted or not (the spec's example does not quote), in any case; pages keep the filter.
    for filter in [
        format!("managedByTenantId in ('{tenant}', '{OTHER_MSP_TENANT_ID}')"),
        format!("managedByTenantId in ({tenant},{OTHER_MSP_TENANT_ID})"),
        format!("managedByTenantId IN ({}, {OTHER_MSP_TENANT_ID})", tenant.to_uppercase()),
    ] {
        assert_eq!(ids(&filter), at_scope(""), "{filter}");
    }
    assert_eq!(ids(&format!("managedByTenantId in ('{OTHER_MSP_TENANT_ID}')")), theirs);
    assert!(ids("managedByTenantId in ('00000000-0000-0000-0000-000000000001')").is_empty());
    for bad in [
        format!("managedByTenantId in '{tenant}'"),
        format!("managedByTenantId in ('{tenant}', 'x')"),
        format!("manageeTenantId eq '{tenant}'"),
    ] {
        let reply = get(&emu, &format!("{list}&$filter={}", encode(&bad)), &t);
        assert_eq!(reply.status, 400, "{bad}");
        assert_eq!(reply.json()["error"]["code"], "InvalidQueryParameterValue");
    }
}

#[test]
fn subscriptions_name_the_customer_and_every_managing_tenant() {
    let emu = start(Config {
        lro_polls: 0,
        arm_page_size: 0,
        ..Config::default()
    });
    let f = emu.fixtures();
    let t = token(&emu, ARM);
    let tenant = f["tenantId"].as_str().unwrap();
    let list = |emu: &Emulator| get(emu, "/subscriptions?api-version=2022-12-01", &t).json();
    let listed = list(&emu);
    let by_id: HashMap<&str, &Value> = array(&listed["value"])
        .iter()
        .map(|s| (s["subscriptionId"].as_str().unwrap(), s))
        .collect();
    for sub in array(&f["subscriptions"]) {
        let s = by_id[sub["subscriptionId"].as_str().unwrap()];
        assert_eq!(s["tenantId"], sub["tenantId"]);
        assert!(emu.customer(s["tenantId"].as_str().unwrap()).is_some());
        let mut expected = vec![tenant];
        if array(&sub["assignments"]).iter().any(|a| a["managedByTenantId"] == OTHER_MSP_TENANT_ID) {
            expected.push(OTHER_MSP_TENANT_ID);
        }
        let managed_by: Vec<&str> = array(&s["managedByTenants"])
            .iter()
            .map(|m| m["tenantId"].as_str().unwrap())
            .collect();
        assert_eq!(managed_by, expected, "the partner first");
    }
    // Once the partner's own delegations are gone, another MSP's left behind does not keep it visible.
    let second = &f["subscriptions"][1];
    let auth = format!("Bearer {t}");
    for a in array(&second["assignments"]) {
        if a["managedByTenantId"] == tenant {
            let target = format!("{}?{V}", a["id"].as_str().unwrap());
            let accepted = send(emu.url(), "DELETE", &target, &[("Authorization", &auth)], None);
            assert_eq!(accepted.status, 202);
            assert_eq!(get(&emu, accepted.header("Location").unwrap(), &t).status, 204);
        }
    }
    let left = &emu.fixtures()["subscriptions"][1]["assignments"];
    assert_eq!(array(left).len(), 1);
    assert_eq!(left[0]["managedByTenantId"], OTHER_MSP_TENANT_ID);
    let listed = list(&emu);
    assert!(array(&listed["value"])
        .iter()
        .all(|s| s["subscriptionId"] != second["subscriptionId"]));
    assert_eq!(emu.fixtures()["lighthouse"]["visibleSubscriptionCount"], 2);
}

#[test]
fn deletes_are_checked_against_the_delete_role_when_asked() {
    let checked = start(Config {
        arm_check_delete_permission: true,
        lro_polls: 0,
        ..at_scale(30, 10)
    });
    let f = checked.fixtures();
    let t = token(&checked, ARM);
    let oid = claims(&t)["oid"].as_str().unwrap().to_string();
    let auth = format!("Bearer {t}");
    let tenant = f["tenantId"].as_str().unwrap();
    let all: Vec<&Value> = array(&f["subscriptions"])
        .iter()
        .flat_map(|s| array(&s["assignments"]))
        .collect();
    let pick = |keep: &dyn Fn(&Value) -> bool| -> String {
        all.iter().find(|a| keep(a)).expect("seeded")["id"].as_str().unwrap().to_string()
    };
    let theirs = pick(&|a| a["managedByTenantId"] == OTHER_MSP_TENANT_ID && a["deleteRole"] == true);
    let stuck = pick(&|a| a["managedByTenantId"] == tenant && a["deleteRole"] == false);
    let removable = pick(&|a| a["managedByTenantId"] == tenant && a["deleteRole"] == true);
    let delete = |id: &str| send(checked.url(), "DELETE", &format!("{id}?{V}"), &[("Authorization", &auth)], None);
    for id in [&theirs, &stuck] {
        let refused = delete(id);
        assert_eq!(refused.status, 403, "{id}");
        let error = &refused.json()["error"];
        assert_eq!(error["code"], "AuthorizationFailed");
        let message = error["message"].as_str().unwrap();
        assert!(message.contains(&format!("The client '{oid}'")), "{message}");
        assert!(message.contains("'Microsoft.ManagedServices/registrationAssignments/delete'"));
        assert!(message.contains(id.as_str()), "{message}");
        assert_eq!(get(&checked, &format!("{id}?{V}"), &t).json()["properties"]["provisioningState"], "Succeeded");
    }
    assert_eq!(delete(&removable).status, 202);

    // Off (the default): every delete is accepted, another MSP's too.
    let open = start(at_scale(30, 10));
    let t = token(&open, ARM);
    let reply = send(open.url(), "DELETE", &format!("{theirs}?{V}"), &[("Authorization", &format!("Bearer {t}"))], None);
    assert_eq!(reply.status, 202);
}
