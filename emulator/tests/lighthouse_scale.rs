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
        scopes.push(format!(
            "/subscriptions/{id}/resourceGroups/{}",
            rg.as_str().unwrap()
        ));
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
            assert!(a["id"]
                .as_str()
                .unwrap()
                .starts_with(&format!("/subscriptions/{id}")));
            assert!(a["registrationDefinitionId"]
                .as_str()
                .unwrap()
                .starts_with(&format!(
                    "/subscriptions/{id}/{PROVIDER}/registrationDefinitions/"
                )));
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
    assert_eq!(
        l["otherTenantAssignments"],
        count(&|a| a["managedByTenantId"] == OTHER_MSP_TENANT_ID)
    );
    assert_eq!(l["standingOwner"], count(&|a| a["standingOwner"] == true));
    assert_eq!(
        l["partnerStandingOwner"],
        count(&|a| partner(a) && a["standingOwner"] == true)
    );
    assert_eq!(
        l["withEligibleAuthorizations"],
        count(&|a| a["eligibleAuthorizations"] != 0)
    );
    assert_eq!(
        l["partnerWithoutDeleteRole"],
        count(&|a| partner(a) && a["deleteRole"] == false)
    );
    assert_eq!(
        l["partnerRemovable"],
        count(&|a| partner(a) && a["deleteRole"] == true)
    );
    // Mostly the partner's, some another MSP's, and every kind present at this size.
    let others = l["otherTenantAssignments"].as_u64().unwrap();
    assert!(
        (20..=100).contains(&others),
        "{others} of 400 managed by {OTHER_MSP_NAME}"
    );
    for key in [
        "partnerStandingOwner",
        "withEligibleAuthorizations",
        "partnerWithoutDeleteRole",
    ] {
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
        assert_eq!(
            assignments[0]["scope"],
            scope.as_str(),
            "one, at subscription scope"
        );
        assert_eq!(assignments[0]["managedByTenantId"], f["tenantId"]);
    }
    let none = start(at_scale(3, 0));
    let f = none.fixtures();
    assert_eq!(f["lighthouse"]["assignmentCount"], 0);
    assert_eq!(f["lighthouse"]["visibleSubscriptionCount"], 0);
    let t = token(&none, ARM);
    let listed = get(&none, "/subscriptions?api-version=2022-12-01", &t).json();
    assert_eq!(
        array(&listed["value"]).len(),
        0,
        "no delegation, nothing to see"
    );
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
            assert_eq!(
                a["properties"]["registrationDefinitionId"],
                fx["registrationDefinitionId"]
            );
            let d = &a["properties"]["registrationDefinition"];
            assert_eq!(d["id"], fx["registrationDefinitionId"]);
            assert_eq!(
                d["type"],
                "Microsoft.ManagedServices/registrationDefinitions"
            );
            let p = &d["properties"];
            assert_eq!(p["managedByTenantId"], fx["managedByTenantId"]);
            assert_eq!(p["managedByTenantName"], fx["managedByTenantName"]);
            assert_eq!(p["manageeTenantId"], sub["tenantId"]);
            assert_eq!(p["manageeTenantName"], customer["organizationDisplayName"]);
            assert_eq!(p["provisioningState"], "Succeeded");
            let standing = role_ids(&p["authorizations"]);
            assert_eq!(
                standing,
                array(&fx["roleDefinitionIds"])
                    .iter()
                    .map(|r| r.as_str().unwrap())
                    .collect::<Vec<_>>()
            );
            assert!(
                standing[0] == READER || standing[0] == CONTRIBUTOR,
                "{standing:?}"
            );
            assert_eq!(fx["standingOwner"], standing.contains(&OWNER));
            assert_eq!(fx["deleteRole"], standing.contains(&DELETE_ROLE));
            for auth in array(&p["authorizations"]) {
                assert!(auth["principalId"].as_str().unwrap().len() == 36);
                assert!(auth["principalIdDisplayName"].is_string());
                match auth["roleDefinitionId"].as_str().unwrap() {
                    USER_ACCESS_ADMIN => {
                        // Required with User Access Administrator: the roles it may assign.
                        assert_eq!(
                            auth["delegatedRoleDefinitionIds"],
                            serde_json::json!([CONTRIBUTOR])
                        );
                        seen.insert("userAccessAdministrator");
                    }
                    _ => assert!(auth.get("delegatedRoleDefinitionIds").is_none()),
                }
            }
            let eligible = array(&p["eligibleAuthorizations"]);
            assert_eq!(fx["eligibleAuthorizations"], eligible.len());
            assert_eq!(
                role_ids(&p["eligibleAuthorizations"]),
                array(&fx["eligibleRoleDefinitionIds"])
                    .iter()
                    .map(|r| r.as_str().unwrap())
                    .collect::<Vec<_>>()
            );
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
    assert!(second[3]["scope"]
        .as_str()
        .unwrap()
        .contains("/resourceGroups/"));
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
        let first = format!(
            "{list}&$expandRegistrationDefinition=true&$filter={}",
            encode(filter)
        );
        list_all(&emu, &t, &first)
            .iter()
            .map(|a| a["id"].as_str().unwrap().to_string())
            .collect()
    };
    let mine = at_scope(tenant);
    let theirs = at_scope(OTHER_MSP_TENANT_ID);
    assert_eq!((mine.len(), theirs.len()), (2, 1));
    assert_eq!(ids(&format!("managedByTenantId eq '{tenant}'")), mine);
    assert_eq!(
        ids(&format!("managedByTenantId eq '{OTHER_MSP_TENANT_ID}'")),
        theirs
    );
    // `in`, quoted or not (the spec's example does not quote), in any case; pages keep the filter.
    for filter in [
        format!("managedByTenantId in ('{tenant}', '{OTHER_MSP_TENANT_ID}')"),
        format!("managedByTenantId in ({tenant},{OTHER_MSP_TENANT_ID})"),
        format!(
            "managedByTenantId IN ({}, {OTHER_MSP_TENANT_ID})",
            tenant.to_uppercase()
        ),
    ] {
        assert_eq!(ids(&filter), at_scope(""), "{filter}");
    }
    assert_eq!(
        ids(&format!("managedByTenantId in ('{OTHER_MSP_TENANT_ID}')")),
        theirs
    );
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
        if array(&sub["assignments"])
            .iter()
            .any(|a| a["managedByTenantId"] == OTHER_MSP_TENANT_ID)
        {
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
            let accepted = send(
                emu.url(),
                "DELETE",
                &target,
                &[("Authorization", &auth)],
                None,
            );
            assert_eq!(accepted.status, 202);
            assert_eq!(
                get(&emu, accepted.header("Location").unwrap(), &t).status,
                204
            );
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
        all.iter().find(|a| keep(a)).expect("seeded")["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let theirs =
        pick(&|a| a["managedByTenantId"] == OTHER_MSP_TENANT_ID && a["deleteRole"] == true);
    let stuck = pick(&|a| a["managedByTenantId"] == tenant && a["deleteRole"] == false);
    let removable = pick(&|a| a["managedByTenantId"] == tenant && a["deleteRole"] == true);
    let delete = |id: &str| {
        send(
            checked.url(),
            "DELETE",
            &format!("{id}?{V}"),
            &[("Authorization", &auth)],
            None,
        )
    };
    for id in [&theirs, &stuck] {
        let refused = delete(id);
        assert_eq!(refused.status, 403, "{id}");
        let error = &refused.json()["error"];
        assert_eq!(error["code"], "AuthorizationFailed");
        let message = error["message"].as_str().unwrap();
        assert!(
            message.contains(&format!("The client '{oid}'")),
            "{message}"
        );
        assert!(message.contains("'Microsoft.ManagedServices/registrationAssignments/delete'"));
        assert!(message.contains(id.as_str()), "{message}");
        assert_eq!(
            get(&checked, &format!("{id}?{V}"), &t).json()["properties"]["provisioningState"],
            "Succeeded"
        );
    }
    assert_eq!(delete(&removable).status, 202);

    // Off (the default): every delete is accepted, another MSP's too.
    let open = start(at_scale(30, 10));
    let t = token(&open, ARM);
    let reply = send(
        open.url(),
        "DELETE",
        &format!("{theirs}?{V}"),
        &[("Authorization", &format!("Bearer {t}"))],
        None,
    );
    assert_eq!(reply.status, 202);
}

/// Whether a served assignment is of a kind.
type Keep<'a> = dyn Fn(&Value) -> bool + 'a;

/// Every subscription `GET /subscriptions` lists, following `nextLink`; every page at most `page_size`.
fn list_subscriptions(emu: &Emulator, t: &str, page_size: usize) -> (Vec<Value>, usize) {
    let mut items = Vec::new();
    let mut pages = 0;
    let mut next = Some("/subscriptions?api-version=2022-12-01".to_string());
    while let Some(url) = next {
        let reply = get(emu, &url, t);
        assert_eq!(reply.status, 200, "{url}: {}", reply.text());
        let page = reply.json();
        let value = array(&page["value"]);
        assert!(value.len() <= page_size, "{} on one page", value.len());
        next = page["nextLink"].as_str().map(str::to_string);
        if let Some(link) = &next {
            assert!(link.starts_with(emu.url()), "absolute: {link}");
            assert_eq!(value.len(), page_size, "only the last page is short");
        }
        items.extend(value.iter().cloned());
        pages += 1;
    }
    (items, pages)
}

fn strings(v: &Value) -> HashSet<String> {
    array(v)
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn two_thousand_assignments_across_250_subscriptions_are_listed_in_pages_as_the_fixtures_say() {
    const SUBSCRIPTIONS: usize = 250;
    const PER_SUBSCRIPTION: usize = 8;
    const PAGE: usize = 5;
    let emu = start(Config {
        customers: 300,
        subscriptions: SUBSCRIPTIONS,
        assignments_per_subscription: PER_SUBSCRIPTION,
        arm_page_size: PAGE,
        ..Config::default()
    });
    let f = emu.fixtures();
    let t = token(&emu, ARM);
    let tenant = f["tenantId"].as_str().unwrap();
    let l = &f["lighthouse"];
    assert_eq!(l["assignmentCount"], SUBSCRIPTIONS * PER_SUBSCRIPTION);

    // The summary leaves the assignments out and keeps the rest.
    let summary = send(
        emu.url(),
        "GET",
        "/_emulator/fixtures?lighthouse=summary",
        &[],
        None,
    )
    .json();
    assert_eq!(summary, emu.fixtures_summary());
    for (s, full) in array(&summary["subscriptions"])
        .iter()
        .zip(array(&f["subscriptions"]))
    {
        assert!(s.get("assignments").is_none());
        assert_eq!(s["subscriptionId"], full["subscriptionId"]);
        assert_eq!(s["assignmentCount"], PER_SUBSCRIPTION);
        assert_eq!(full["assignmentCount"], PER_SUBSCRIPTION);
    }
    let mut totals = l.clone();
    totals.as_object_mut().unwrap().remove("assignmentIds");
    assert_eq!(summary["lighthouse"], totals);
    let bad = send(
        emu.url(),
        "GET",
        "/_emulator/fixtures?lighthouse=all",
        &[],
        None,
    );
    assert_eq!(bad.status, 400);

    let (subs, pages) = list_subscriptions(&emu, &t, PAGE);
    assert_eq!(pages, SUBSCRIPTIONS.div_ceil(PAGE));
    let listed: HashSet<&str> = subs
        .iter()
        .map(|s| s["subscriptionId"].as_str().unwrap())
        .collect();
    assert_eq!(listed.len(), SUBSCRIPTIONS, "each once");
    assert_eq!(l["visibleSubscriptionCount"], SUBSCRIPTIONS);

    // Every assignment, at subscription scope (two pages of 5 for 7) and at the resource group, expanded.
    let mut served: HashMap<String, Value> = HashMap::new();
    for sub in array(&f["subscriptions"]) {
        assert!(listed.contains(sub["subscriptionId"].as_str().unwrap()));
        served.extend(expanded(&emu, &t, sub));
    }
    assert_eq!(served.len(), SUBSCRIPTIONS * PER_SUBSCRIPTION);
    let fixture_ids: HashSet<String> = array(&f["subscriptions"])
        .iter()
        .flat_map(|s| array(&s["assignments"]))
        .map(|a| a["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(served.keys().cloned().collect::<HashSet<_>>(), fixture_ids);

    // The ids by kind are exactly the served assignments of that kind: the raw data a filter works on.
    let definition = |a: &Value| a["properties"]["registrationDefinition"]["properties"].clone();
    let partner = |a: &Value| definition(a)["managedByTenantId"] == tenant;
    let standing = |a: &Value| role_ids(&definition(a)["authorizations"]).contains(&OWNER);
    let eligible = |a: &Value| !array(&definition(a)["eligibleAuthorizations"]).is_empty();
    let removable = |a: &Value| role_ids(&definition(a)["authorizations"]).contains(&DELETE_ROLE);
    let of_kind = |keep: &dyn Fn(&Value) -> bool| -> HashSet<String> {
        served
            .iter()
            .filter(|(_, a)| keep(a))
            .map(|(id, _)| id.clone())
            .collect()
    };
    let ids = &l["assignmentIds"];
    let kinds: [(&str, &Keep); 6] = [
        ("otherManagingTenant", &|a| !partner(a)),
        ("standingOwner", &standing),
        ("partnerStandingOwner", &|a| partner(a) && standing(a)),
        ("eligible", &eligible),
        ("partnerWithoutDeleteRole", &|a| partner(a) && !removable(a)),
        ("partnerRemovable", &|a| partner(a) && removable(a)),
    ];
    for (kind, keep) in kinds {
        let expected = of_kind(keep);
        assert!(!expected.is_empty(), "{kind}: none seeded at this size");
        assert_eq!(strings(&ids[kind]), expected, "{kind}");
    }
    for id in strings(&ids["otherManagingTenant"]) {
        let d = definition(&served[&id]);
        assert_eq!(d["managedByTenantId"], OTHER_MSP_TENANT_ID);
        assert_eq!(d["managedByTenantName"], OTHER_MSP_NAME);
    }
    for id in strings(&ids["eligible"]) {
        for e in array(&definition(&served[&id])["eligibleAuthorizations"]) {
            let policy = &e["justInTimeAccessPolicy"];
            assert!(policy["multiFactorAuthProvider"].is_string(), "{e}");
            assert_eq!(policy["maximumActivationDuration"], "PT8H");
        }
    }
    assert_eq!(
        strings(&ids["partnerRemovable"]).len() + strings(&ids["partnerWithoutDeleteRole"]).len(),
        l["partnerAssignments"].as_u64().unwrap() as usize
    );

    // The filter on the managing tenant, across pages, gives the partner's share of each subscription.
    let mut filtered = 0;
    for sub in array(&f["subscriptions"]).iter().take(20) {
        let id = sub["subscriptionId"].as_str().unwrap();
        let first = format!(
            "/subscriptions/{id}/{PROVIDER}/registrationAssignments?{V}&$expandRegistrationDefinition=true&$filter={}",
            encode(&format!("managedByTenantId eq '{OTHER_MSP_TENANT_ID}'"))
        );
        for a in list_all(&emu, &t, &first) {
            assert!(strings(&ids["otherManagingTenant"]).contains(a["id"].as_str().unwrap()));
            filtered += 1;
        }
    }
    let expected = array(&f["subscriptions"])
        .iter()
        .take(20)
        .flat_map(|s| array(&s["assignments"]))
        .filter(|a| a["managedByTenantId"] == OTHER_MSP_TENANT_ID)
        .filter(|a| !a["scope"].as_str().unwrap().contains("/resourceGroups/"))
        .count();
    assert_eq!(filtered, expected);
}

fn delete(emu: &Emulator, id: &str, token: &str) -> Reply {
    let auth = format!("Bearer {token}");
    send(
        emu.url(),
        "DELETE",
        &format!("{id}?{V}"),
        &[("Authorization", &auth)],
        None,
    )
}

/// Deletes and polls to the end: the assignment is gone.
fn remove(emu: &Emulator, id: &str, token: &str) {
    let accepted = delete(emu, id, token);
    assert_eq!(accepted.status, 202, "{id}: {}", accepted.text());
    let location = accepted.header("Location").unwrap().to_string();
    assert_eq!(get(emu, &location, token).status, 204, "{id}");
}

#[test]
fn removing_hundreds_counts_each_delete_once_and_a_second_delete_is_204() {
    let emu = start(Config {
        lro_polls: 0,
        ..at_scale(60, 8)
    });
    let f = emu.fixtures();
    let t = token(&emu, ARM);
    let removable: Vec<String> = strings(&f["lighthouse"]["assignmentIds"]["partnerRemovable"])
        .into_iter()
        .collect();
    assert!(removable.len() > 300, "{}", removable.len());
    for id in &removable {
        remove(&emu, id, &t);
    }
    // Gone, and deleting again is ARM's 204 (no such resource), never a second operation.
    for id in &removable {
        let again = delete(&emu, id, &t);
        assert_eq!(again.status, 204, "{id}");
        assert!(
            again
                .header("x-ms-ratelimit-remaining-subscription-deletes")
                .is_none(),
            "no bucket by default"
        );
        assert_eq!(get(&emu, &format!("{id}?{V}"), &t).status, 404);
    }
    let stats = emu.stats();
    assert_eq!(stats["lighthouseDeletes"], removable.len());
    assert_eq!(stats["armDeleteRequests"], 2 * removable.len());
    assert_eq!(stats["armDeleteThrottled"], 0);
    let after = emu.fixtures();
    let l = &after["lighthouse"];
    assert_eq!(l["partnerRemovable"], 0);
    assert_eq!(
        l["assignmentIds"]["partnerRemovable"],
        serde_json::json!([])
    );
    assert_eq!(
        l["assignmentCount"].as_u64().unwrap() as usize,
        60 * 8 - removable.len()
    );
    assert_eq!(
        strings(&l["assignmentIds"]["otherManagingTenant"]),
        strings(&f["lighthouse"]["assignmentIds"]["otherManagingTenant"])
    );
}

/// An ARM token of the system-assigned managed identity: another principal than the app.
fn managed_identity_token(emu: &Emulator) -> String {
    let reply = send(
        emu.url(),
        "GET",
        "/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https%3A%2F%2Fmanagement.azure.com%2F",
        &[("Metadata", "true")],
        None,
    );
    assert_eq!(reply.status, 200, "{}", reply.text());
    reply.json()["access_token"].as_str().unwrap().to_string()
}

#[test]
fn the_delete_bucket_answers_429_with_retry_after_per_subscription_and_principal_and_refills() {
    let emu = start(Config {
        lro_polls: 0,
        arm_delete_bucket: 3,
        arm_delete_refill_per_second: 1,
        ..at_scale(2, 10)
    });
    let f = emu.fixtures();
    let bucket = &f["lighthouse"]["deleteBucket"];
    assert_eq!(bucket["enabled"], true);
    assert_eq!(bucket["capacity"], 3);
    assert_eq!(bucket["refillPerSecond"], 1);
    assert_eq!(bucket["globalCapacity"], 45);
    assert_eq!(bucket["globalRefillPerSecond"], 15);
    let t = token(&emu, ARM);
    let ids = |n: usize| -> Vec<String> {
        array(&f["subscriptions"][n]["assignments"])
            .iter()
            .map(|a| a["id"].as_str().unwrap().to_string())
            .collect()
    };
    let (first, second) = (ids(0), ids(1));

    for (n, id) in first.iter().take(3).enumerate() {
        let accepted = delete(&emu, id, &t);
        assert_eq!(accepted.status, 202);
        let left = (2 - n).to_string();
        assert_eq!(
            accepted.header("x-ms-ratelimit-remaining-subscription-deletes"),
            Some(left.as_str())
        );
        // The global bucket (45, 15 a second) refills between requests: somewhere below full.
        let global = global_left(&accepted);
        assert!((42..=44).contains(&global), "{global}");
    }
    let throttled = delete(&emu, &first[3], &t);
    assert_eq!(throttled.status, 429, "{}", throttled.text());
    let retry_after: u64 = throttled.header("Retry-After").unwrap().parse().unwrap();
    assert_eq!(
        retry_after, 1,
        "one token back within a second at 1 a second"
    );
    assert_eq!(
        throttled.header("x-ms-ratelimit-remaining-subscription-deletes"),
        Some("0")
    );
    let error = &throttled.json()["error"];
    assert_eq!(error["code"], "SubscriptionRequestsThrottled");
    let oid = claims(&t)["oid"].as_str().unwrap().to_string();
    let message = error["message"].as_str().unwrap();
    assert!(
        message.contains(&oid) && message.contains("'delete'"),
        "{message}"
    );
    assert!(
        message.contains(&format!("after '{retry_after}' seconds")),
        "{message}"
    );
    // Refused before anything was done: the assignment is untouched.
    let untouched = get(&emu, &format!("{}?{V}", first[3]), &t).json();
    assert_eq!(untouched["properties"]["provisioningState"], "Succeeded");
    // Any DELETE in that subscription takes a token, even of an assignment that is not there.
    let missing = format!(
        "/subscriptions/{}/{PROVIDER}/registrationAssignments/00000000-0000-0000-0000-000000000001",
        f["subscriptions"][0]["subscriptionId"].as_str().unwrap()
    );
    assert_eq!(delete(&emu, &missing, &t).status, 429);
    // Another subscription has its own bucket, and so has another principal in the same subscription.
    assert_eq!(delete(&emu, &second[0], &t).status, 202);
    let other_principal = managed_identity_token(&emu);
    assert_ne!(claims(&other_principal)["oid"], claims(&t)["oid"]);
    let theirs = delete(&emu, &first[4], &other_principal);
    assert_eq!(theirs.status, 202, "{}", theirs.text());
    assert_eq!(
        theirs.header("x-ms-ratelimit-remaining-subscription-deletes"),
        Some("2")
    );
    assert!(
        global_left(&theirs) <= 44,
        "the subscription's global bucket is shared"
    );

    let stats = emu.stats();
    assert_eq!(stats["armDeleteThrottled"], 2);
    assert_eq!(stats["throttledByService"]["arm"], 2);
    assert_eq!(stats["throttled"], 2);
    assert_eq!(stats["lighthouseDeletes"], 5);
    assert_eq!(stats["armDeleteRequests"], 7);
    assert_eq!(stats["byStatus"]["429"], 2);

    // After Retry-After, a token is back.
    std::thread::sleep(std::time::Duration::from_secs(retry_after));
    let refilled = delete(&emu, &first[3], &t);
    assert_eq!(refilled.status, 202, "{}", refilled.text());
}

fn global_left(reply: &Reply) -> u64 {
    reply
        .header("x-ms-ratelimit-remaining-subscription-global-deletes")
        .expect("the global count")
        .parse()
        .unwrap()
}

#[test]
fn the_delete_bucket_on_is_what_arm_documents() {
    let emu = start(Config {
        arm_delete_bucket: delegated_admin_emulator::ARM_DELETE_BUCKET,
        ..Config::default()
    });
    let f = emu.fixtures();
    let bucket = &f["lighthouse"]["deleteBucket"];
    assert_eq!(
        (
            bucket["capacity"].as_u64(),
            bucket["refillPerSecond"].as_u64()
        ),
        (Some(200), Some(10))
    );
    assert_eq!(
        (
            bucket["globalCapacity"].as_u64(),
            bucket["globalRefillPerSecond"].as_u64()
        ),
        (Some(3000), Some(150))
    );
    let t = token(&emu, ARM);
    let id = f["subscriptions"][0]["assignments"][0]["id"]
        .as_str()
        .unwrap();
    let accepted = delete(&emu, id, &t);
    assert_eq!(accepted.status, 202);
    assert_eq!(
        accepted.header("x-ms-ratelimit-remaining-subscription-deletes"),
        Some("199")
    );
    assert_eq!(
        accepted.header("x-ms-ratelimit-remaining-subscription-global-deletes"),
        Some("2999")
    );
    // Reads take no token and carry no delete count.
    let read = get(&emu, &format!("{id}?{V}"), &t);
    assert_eq!(read.status, 200);
    assert!(read
        .header("x-ms-ratelimit-remaining-subscription-deletes")
        .is_none());
    assert_eq!(emu.stats()["armDeleteRequests"], 1);
}
