//! The seeded world: everything here is a pure function of the configuration and the start time.

use uuid::Uuid;

use super::customers::Customer;
use super::gdap::seed::{seed_gdap, SeededGdap};
use super::lighthouse::seed::seed_lighthouse;
use super::lighthouse::SeededLighthouse;
use super::names::display_name;
use super::relationships::Relationship;
use crate::config::Config;
use crate::rng::SeededRng;
use crate::timefmt::{Ticks, TICKS_PER_DAY};

/// How many inactive DAP customer ids the fixtures list.
pub const INACTIVE_SAMPLE: usize = 20;
/// How many customers get a CloudCockpit relationship.
const RELATIONSHIP_CUSTOMERS: usize = 10;

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
    /// Azure Lighthouse (drawn from a generator of its own).
    pub lighthouse: SeededLighthouse,
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
    let lighthouse = seed_lighthouse(config, &customers, now);
    let gdap = seed_gdap(config, &customers, |c| is_inactive(c, now), now);
    Seeded {
        customers,
        inactive_sample,
        provider_instance_id,
        relationships,
        lighthouse,
        gdap,
    }
}

/// DAP enabled and no partner sign-in for more than 90 days (or never).
pub fn is_inactive(c: &Customer, now: Ticks) -> bool {
    c.dap_enabled && c.last_sign_in.is_none_or(|t| t < now - 90 * TICKS_PER_DAY)
}

/// A moment between `lo` and `hi` (+ up to one day) days before `now`.
pub(crate) fn days_ago(rng: &mut SeededRng, now: Ticks, lo: u64, hi: u64) -> Ticks {
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
