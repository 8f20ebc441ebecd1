//! The seeded world: everything here is a pure function of the configuration and the start time.

use uuid::Uuid;

use super::customers::Customer;
use super::gdap::seed::{seed_gdap, SeededGdap};
use super::lighthouse::{
    Assignment, AssignmentState, Authorization, Definition, Scope, Subscription,
};
use super::names::display_name;
use super::relationships::Relationship;
use crate::config::Config;
use crate::rng::SeededRng;
use crate::timefmt::{Ticks, TICKS_PER_DAY};

/// How many inactive DAP customer ids the fixtures list.
pub const INACTIVE_SAMPLE: usize = 20;
/// How many customers get a CloudCockpit relationship.
const RELATIONSHIP_CUSTOMERS: usize = 10;
/// Registration assignments per subscription at subscription scope (plus one at its resource group).
const SUBSCRIPTION_ASSIGNMENTS: usize = 3;

pub const MANAGED_BY_TENANT_NAME: &str = "Contoso Partner";
const CONTRIBUTOR: &str = "b24988ac-6180-42a0-ab88-20f7382dd24c";
const ASSIGNMENT_DELETE_ROLE: &str = "91c1777a-f3dc-4fae-b103-61d183457e46";
const READER: &str = "acdd72a7-3385-48ef-bd42-f606fba81ae7";

#[derive(Clone, Copy, PartialEq, Eq)]
enum DapKind {
    Inactive,
    Active,
    Disabled,
}

pub struct Seeded {
    pub customers: Vec<Customer>,
    /// The first [`INACTIVE_SAMPLE`] inactive DAP customers, in seeding order.
    pub inactive_sample: Vec<Uuid>,
    pub provider_instance_id: Uuid,
    pub relationships: Vec<Relationship>,
    pub subscriptions: Vec<Subscription>,
    pub assignments: Vec<Assignment>,
    /// Microsoft Graph's GDAP relationships (drawn from a generator of their own).
    pub gdap: SeededGdap,
}

pub fn seed(config: &Config, now: Ticks) -> Seeded {
    let mut rng = SeededRng::new(config.seed);
    let customers = seed_customers(&mut rng, config, now);
    let inactive_sample = customers
        .iter()
        .filter(|c| is_inactive(c, now))
        .take(INACTIVE_SAMPLE)
        .map(|c| c.id)
        .collect();
    let provider_instance_id = rng.guid();
    let relationships = seed_relationships(&mut rng, &customers, now);
    let (subscriptions, assignments) = seed_lighthouse(&mut rng, config, &customers, now);
    let gdap = seed_gdap(config, &customers, |c| is_inactive(c, now), now);
    Seeded {
        customers,
        inactive_sample,
        provider_instance_id,
        relationships,
        subscriptions,
        assignments,
        gdap,
    }
}

/// DAP enabled and no partner sign-in for more than 90 days (or never).
pub fn is_inactive(c: &Customer, now: Ticks) -> bool {
    c.dap_enabled && c.last_sign_in.is_none_or(|t| t < now - 90 * TICKS_PER_DAY)
}

/// A moment between `lo` and `hi` (+ up to one day) days before `now`.
fn days_ago(rng: &mut SeededRng, now: Ticks, lo: u64, hi: u64) -> Ticks {
    now - rng.between(lo, hi) as i64 * TICKS_PER_DAY - rng.below(TICKS_PER_DAY as u64) as i64
}

fn seed_customers(rng: &mut SeededRng, config: &Config, now: Ticks) -> Vec<Customer> {
    let inactive = config.inactive_dap_count();
    let mut kinds: Vec<DapKind> = (0..config.customers)
        .map(|i| match i < inactive {
            true => DapKind::Inactive,
            false if rng.chance(0.6) => DapKind::Active,
            false => DapKind::Disabled,
        })
        .collect();
    rng.shuffle(&mut kinds);
    kinds
        .into_iter()
        .enumerate()
        .map(|(index, kind)| seed_customer(rng, index, kind, now))
        .collect()
}

fn seed_customer(rng: &mut SeededRng, index: usize, kind: DapKind, now: Ticks) -> Customer {
    let id = rng.guid();
    let name = display_name(rng, index).into_boxed_str();
    let mut customer = Customer {
        id,
        name,
        partner_agent_count: 0,
        partner_sign_in_count: 0,
        global_admin_sign_in_count: 0,
        dap_enabled: true,
        start: now,
        end: None,
        last_sign_in: None,
        raw: None,
    };
    match kind {
        DapKind::Inactive if rng.below(5) == 0 => {
            customer.start = days_ago(rng, now, 91, 1500);
        }
        DapKind::Inactive => {
            let last = days_ago(rng, now, 91, 900);
            customer.last_sign_in = Some(last);
            customer.start = last
                - rng.between(0, 600) as i64 * TICKS_PER_DAY
                - rng.below(TICKS_PER_DAY as u64) as i64;
        }
        DapKind::Active => {
            customer.last_sign_in = Some(days_ago(rng, now, 0, 59));
            customer.start = days_ago(rng, now, 61, 1500);
            customer.partner_agent_count = rng.below(4) as u32;
            customer.partner_sign_in_count =
                customer.partner_agent_count * rng.between(1, 5) as u32;
            customer.global_admin_sign_in_count = rng.below(3) as u32;
        }
        DapKind::Disabled => {
            let start_days = rng.between(200, 1500);
            customer.dap_enabled = false;
            customer.start = now - start_days as i64 * TICKS_PER_DAY;
            let end = days_ago(rng, now, 1, start_days - 1);
            customer.end = Some(end);
            if rng.chance(0.5) {
                let span = (end - customer.start) as u64;
                customer.last_sign_in = Some(customer.start + rng.below(span) as i64);
            }
        }
    }
    customer
}

fn seed_relationships(
    rng: &mut SeededRng,
    customers: &[Customer],
    now: Ticks,
) -> Vec<Relationship> {
    customers
        .iter()
        .take(RELATIONSHIP_CUSTOMERS)
        .enumerate()
        .map(|(i, c)| {
            let created = days_ago(rng, now, 30, 600);
            Relationship {
                customer_id: c.id,
                relationship_id: format!("{}-{}", rng.guid(), rng.guid()),
                display_name: format!("Emulator GDAP {}", i + 1),
                auto_extend_enabled: false,
                created,
                last_modified: created,
            }
        })
        .collect()
}

fn seed_lighthouse(
    rng: &mut SeededRng,
    config: &Config,
    customers: &[Customer],
    now: Ticks,
) -> (Vec<Subscription>, Vec<Assignment>) {
    let mut subscriptions = Vec::new();
    let mut assignments = Vec::new();
    for n in 1..=config.subscriptions {
        let id = rng.guid();
        let (managee_id, managee_name) = match customers.get((n - 1) % customers.len().max(1)) {
            Some(c) => (c.id, c.name.to_string()),
            None => (rng.guid(), format!("Customer tenant {n}")),
        };
        let subscription = Subscription {
            id,
            resource_groups: vec![format!("rg-delegated-{n}")],
            tenant_id: managee_id,
            display_name: format!("{managee_name} - Azure subscription {n}"),
        };
        for a in 0..=SUBSCRIPTION_ASSIGNMENTS {
            let resource_group =
                (a == SUBSCRIPTION_ASSIGNMENTS).then(|| subscription.resource_groups[0].clone());
            let definition = Definition {
                id: rng.guid(),
                name: format!("{MANAGED_BY_TENANT_NAME} managed services {n}.{}", a + 1),
                description: "Azure Lighthouse delegation seeded by the emulator".to_string(),
                authorizations: vec![
                    Authorization {
                        principal_id: rng.guid(),
                        principal_id_display_name: "Contoso Partner Operators",
                        role_definition_id: if a % 2 == 0 { CONTRIBUTOR } else { READER },
                    },
                    Authorization {
                        principal_id: rng.guid(),
                        principal_id_display_name: "Contoso Partner Admins",
                        role_definition_id: ASSIGNMENT_DELETE_ROLE,
                    },
                ],
                managee_tenant_id: managee_id,
                managee_tenant_name: managee_name.clone(),
                managed_by_tenant_id: config.partner_tenant_id.clone(),
                managed_by_tenant_name: MANAGED_BY_TENANT_NAME.to_string(),
            };
            assignments.push(Assignment {
                name: rng.guid(),
                scope: Scope {
                    subscription: subscription.id,
                    resource_group,
                },
                definition,
                state: AssignmentState::Succeeded,
                created: days_ago(rng, now, 100, 900),
            });
        }
        subscriptions.push(subscription);
    }
    (subscriptions, assignments)
}
