//! The seeded GDAP world, a pure function of the configuration, the customers and the start time (with
//! a generator of its own, so the other services' seeded data does not change with it).
//!
//! Every customer is either *covered* (its first relationship is active) or not (its relationships are
//! created, approval pending, expired or terminated). Among the inactive DAP customers every other one
//! is covered, so the DAP cleanup meets both kinds; about 80% of the others are. Relationship `i` belongs
//! to customer `i` while there are customers, to a random one after that; with fewer relationships than
//! customers the last customers have none at all. The first active and the first other relationships go
//! through fixed kinds so that every kind the fixtures name exists even in a small world.

use std::ops::Range;

use uuid::Uuid;

use super::model::{
    AccessAssignment, AssignmentStatus, AutoExtend, Relationship, Reseller, Status,
    GLOBAL_ADMINISTRATOR,
};
use crate::config::Config;
use crate::rng::SeededRng;
use crate::state::customers::Customer;
use crate::timefmt::{Ticks, TICKS_PER_DAY};

/// Roles a relationship holds besides Global Administrator (Microsoft Entra built-in role ids).
const ROLES: [Uuid; 12] = [
    Uuid::from_u128(0x88d8e3e3_8f55_4a1e_953a_9b9898b8876b), // Directory Readers
    Uuid::from_u128(0xf2ef992c_3afb_46b9_b7cf_a126ee74c451), // Global Reader
    Uuid::from_u128(0xf023fd81_a637_4b56_95fd_791ac0226033), // Service Support Administrator
    Uuid::from_u128(0xfe930be7_5e62_47db_91af_98c3a49a38b1), // User Administrator
    Uuid::from_u128(0x729827e3_9c14_49f7_bb1b_9608f156bbb8), // Helpdesk Administrator
    Uuid::from_u128(0x194ae4cb_b126_40b2_bd5b_6091b380977d), // Security Administrator
    Uuid::from_u128(0x29232cdf_9323_42fd_ade2_1d097af3e4de), // Exchange Administrator
    Uuid::from_u128(0xf28a1f50_f6e7_4571_818b_6a12f2af6b6c), // SharePoint Administrator
    Uuid::from_u128(0x69091246_20e8_4a56_aa4d_066075b2a7a8), // Teams Administrator
    Uuid::from_u128(0x4d6ac14f_3453_41d0_bef9_a3e0c569773a), // License Administrator
    Uuid::from_u128(0x158c047a_c907_4556_b7ef_446551a6b5f7), // Cloud Application Administrator
    Uuid::from_u128(0x3a2c62db_5318_420d_8d74_23affee5d9d5), // Intune Administrator
];

const DURATIONS: [u16; 5] = [730, 730, 730, 365, 180];

pub struct SeededGdap {
    pub relationships: Vec<Relationship>,
    pub assignments: Vec<AccessAssignment>,
}

/// When an active relationship ends.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ending {
    Within30,
    Within60,
    Later,
}

/// The traits of an active relationship.
#[derive(Clone, Copy)]
struct ActiveKind {
    global_admin: bool,
    ending: Ending,
    auto_extend: bool,
    unused: bool,
    reseller: bool,
}

const fn active(global_admin: bool, ending: Ending, auto_extend: bool, unused: bool) -> ActiveKind {
    ActiveKind {
        global_admin,
        ending,
        auto_extend,
        unused,
        reseller: false,
    }
}

/// The first active relationships, in order (then drawn at random).
const FIRST_ACTIVE: [ActiveKind; 8] = [
    active(true, Ending::Within30, false, false),
    active(false, Ending::Within30, false, false),
    active(false, Ending::Within60, false, false),
    active(false, Ending::Later, true, false),
    active(true, Ending::Later, false, false),
    active(false, Ending::Later, false, true),
    active(false, Ending::Later, false, false),
    ActiveKind {
        global_admin: false,
        ending: Ending::Later,
        auto_extend: true,
        unused: false,
        reseller: true,
    },
];

/// The kinds of the relationships that are not active.
#[derive(Clone, Copy)]
enum OtherKind {
    Expired,
    Created,
    Terminated,
    ApprovalPending { reseller: bool },
}

const FIRST_OTHER: [OtherKind; 5] = [
    OtherKind::Expired,
    OtherKind::Created,
    OtherKind::Terminated,
    OtherKind::ApprovalPending { reseller: true },
    OtherKind::ApprovalPending { reseller: false },
];

fn draw_active(rng: &mut SeededRng) -> ActiveKind {
    let global_admin = rng.chance(0.15);
    let ending = match rng.below(100) {
        0..=9 => Ending::Within30,
        10..=19 => Ending::Within60,
        _ => Ending::Later,
    };
    let auto_extend = !global_admin && ending == Ending::Later && rng.chance(0.45);
    ActiveKind {
        global_admin,
        ending,
        auto_extend,
        unused: rng.chance(0.15),
        reseller: rng.chance(0.05),
    }
}

fn draw_other(rng: &mut SeededRng) -> OtherKind {
    match rng.below(100) {
        0..=34 => OtherKind::Expired,
        35..=59 => OtherKind::Terminated,
        60..=79 => OtherKind::Created,
        _ => OtherKind::ApprovalPending {
            reseller: rng.chance(0.5),
        },
    }
}

/// Some distinct roles of [`ROLES`] (between `lo` and `hi` of them), in the table's order.
fn pick_roles(rng: &mut SeededRng, lo: u64, hi: u64) -> Vec<Uuid> {
    let mut indices: Vec<usize> = (0..ROLES.len()).collect();
    rng.shuffle(&mut indices);
    let mut chosen = indices[..rng.between(lo, hi) as usize].to_vec();
    chosen.sort_unstable();
    chosen.into_iter().map(|i| ROLES[i]).collect()
}

/// Whole days plus a random part of a day, in ticks.
fn days(rng: &mut SeededRng, lo: u64, hi: u64) -> Ticks {
    rng.between(lo, hi) as i64 * TICKS_PER_DAY + rng.below(TICKS_PER_DAY as u64) as i64
}

/// A display name unique among the partner's relationships, at most 50 characters.
fn display_name(n: usize, customer: &Customer) -> Box<str> {
    format!("GDAP {} {}", n + 1, customer.name)
        .chars()
        .take(50)
        .collect::<String>()
        .into_boxed_str()
}

struct Seeder<'a> {
    rng: SeededRng,
    customers: &'a [Customer],
    now: Ticks,
    assignments: Vec<AccessAssignment>,
}

pub fn seed_gdap(
    config: &Config,
    customers: &[Customer],
    is_inactive: impl Fn(&Customer) -> bool,
    now: Ticks,
) -> SeededGdap {
    let mut seeder = Seeder {
        rng: SeededRng::new(config.seed ^ 0x6DA9_6DA9_6DA9_6DA9),
        customers,
        now,
        assignments: Vec::new(),
    };
    let mut inactive_rank = 0usize;
    let covered: Vec<bool> = customers
        .iter()
        .map(|c| {
            if is_inactive(c) {
                inactive_rank += 1;
                inactive_rank % 2 == 1
            } else {
                seeder.rng.chance(0.8)
            }
        })
        .collect();
    let count = config.gdap_relationship_count();
    let (mut actives, mut others) = (0usize, 0usize);
    let mut relationships = Vec::with_capacity(count);
    for n in 0..count {
        let first = n < customers.len();
        let customer = match first {
            true => n,
            false => seeder.rng.below(customers.len() as u64) as usize,
        };
        let is_active = covered[customer] && (first || seeder.rng.chance(0.7));
        let relationship = if is_active {
            let kind = match FIRST_ACTIVE.get(actives) {
                Some(kind) => *kind,
                None => draw_active(&mut seeder.rng),
            };
            actives += 1;
            seeder.active(n, customer, kind)
        } else {
            let kind = match FIRST_OTHER.get(others) {
                Some(kind) => *kind,
                None => draw_other(&mut seeder.rng),
            };
            others += 1;
            seeder.other(n, customer, kind)
        };
        relationships.push(relationship);
    }
    SeededGdap {
        relationships,
        assignments: seeder.assignments,
    }
}

impl Seeder<'_> {
    fn base(&mut self, n: usize, customer: usize, duration_days: u16) -> Relationship {
        let created = self.now - days(&mut self.rng, 1, 30);
        Relationship {
            key: self.rng.guid(),
            customer: customer as u32,
            display_name: display_name(n, &self.customers[customer]),
            duration_days,
            status: Status::Created,
            auto_extend: AutoExtend::Off,
            roles: pick_roles(&mut self.rng, 2, 5).into_boxed_slice(),
            created,
            activated: None,
            end: None,
            modified: created,
            version: 1,
            reseller: None,
            assignments: 0..0,
            operation: None,
            request: None,
        }
    }

    fn reseller(&mut self, consent_pending: bool) -> Option<Box<Reseller>> {
        Some(Box::new(Reseller {
            indirect_provider_tenant_id: self.rng.guid(),
            is_partner_consent_pending: consent_pending,
        }))
    }

    fn active(&mut self, n: usize, customer: usize, kind: ActiveKind) -> Relationship {
        let duration = DURATIONS[self.rng.below(DURATIONS.len() as u64) as usize];
        let mut r = self.base(n, customer, duration);
        let left = match kind.ending {
            Ending::Within30 => days(&mut self.rng, 1, 29),
            Ending::Within60 => days(&mut self.rng, 31, 59),
            Ending::Later => days(&mut self.rng, 61, u64::from(duration) - 2),
        };
        let end = self.now + left;
        let activated = end - i64::from(duration) * TICKS_PER_DAY;
        r.status = Status::Active;
        r.created = activated - days(&mut self.rng, 0, 14);
        r.activated = Some(activated);
        r.end = Some(end);
        r.modified = activated;
        if kind.global_admin {
            let mut roles = r.roles.to_vec();
            roles.push(GLOBAL_ADMINISTRATOR);
            r.roles = roles.into_boxed_slice();
        }
        if kind.auto_extend {
            r.auto_extend = AutoExtend::Days180;
        }
        if kind.reseller {
            r.reseller = self.reseller(false);
        }
        if !kind.unused {
            r.assignments = self.assignments_of(&r);
        }
        r
    }

    /// One or two active assignments: the first with every role of the relationship, the second with
    /// some of them (never Global Administrator).
    fn assignments_of(&mut self, r: &Relationship) -> Range<u32> {
        let start = self.assignments.len() as u32;
        let activated = r.activated.unwrap_or(r.created);
        let count = self.rng.between(1, 2);
        for i in 0..count {
            let roles: Vec<Uuid> = match i {
                0 => r.roles.to_vec(),
                _ => r
                    .roles
                    .iter()
                    .filter(|role| **role != GLOBAL_ADMINISTRATOR)
                    .take(self.rng.between(1, 2) as usize)
                    .copied()
                    .collect(),
            };
            let created = activated + days(&mut self.rng, 0, 2);
            self.assignments.push(AccessAssignment {
                id: self.rng.guid(),
                group: self.rng.guid(),
                roles: roles.into_boxed_slice(),
                status: AssignmentStatus::Active,
                created,
                modified: created,
                version: 1,
            });
        }
        start..self.assignments.len() as u32
    }

    fn other(&mut self, n: usize, customer: usize, kind: OtherKind) -> Relationship {
        let duration = DURATIONS[self.rng.below(DURATIONS.len() as u64) as usize];
        let mut r = self.base(n, customer, duration);
        match kind {
            OtherKind::Created => {}
            OtherKind::ApprovalPending { reseller } => {
                r.status = Status::ApprovalPending;
                if reseller {
                    r.reseller = self.reseller(true);
                }
            }
            OtherKind::Expired => {
                let end = self.now - days(&mut self.rng, 1, 400);
                let activated = end - i64::from(duration) * TICKS_PER_DAY;
                r.status = Status::Expired;
                r.created = activated - days(&mut self.rng, 0, 14);
                r.activated = Some(activated);
                r.end = Some(end);
                r.modified = end;
                if self.rng.chance(0.2) {
                    let mut roles = r.roles.to_vec();
                    roles.push(GLOBAL_ADMINISTRATOR);
                    r.roles = roles.into_boxed_slice();
                }
            }
            OtherKind::Terminated => {
                let end = self.now - days(&mut self.rng, 1, 300);
                let activated = end - days(&mut self.rng, 10, u64::from(duration) - 1);
                r.status = Status::Terminated;
                r.created = activated - days(&mut self.rng, 0, 14);
                r.activated = Some(activated);
                r.end = Some(end);
                r.modified = end;
            }
        }
        r
    }
}
