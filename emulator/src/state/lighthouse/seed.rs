//! The seeded Lighthouse world: `subscriptions` subscriptions of delegated admin customers, each with
//! `assignments_per_subscription` registration assignments (the last one at its resource group), most managed
//! by the partner, some by a second managing tenant, with a mix of standing, privileged and just-in-time
//! authorizations. A pure function of the seed (a generator of its own) and the customers.

use std::sync::Arc;

use super::model::{
    Assignment, AssignmentState, Authorization, Definition, EligibleAuthorization, ManagingTenant,
    MfaProvider, Principal, Role, Scope, Subscription,
};
use super::SeededLighthouse;
use crate::config::Config;
use crate::rng::SeededRng;
use crate::state::customers::Customer;
use crate::state::seed::days_ago;
use crate::timefmt::Ticks;

/// `managedByTenantName` of the partner's definitions.
pub const PARTNER_NAME: &str = "Contoso Partner";
/// The second managing tenant (another MSP holding delegations over some of the same subscriptions).
pub const OTHER_MSP_TENANT_ID: &str = "3c9a1f4e-2b7d-4e58-a6c1-9d0e8f7b6a52";
pub const OTHER_MSP_NAME: &str = "Fabrikam Managed Services";
/// The maximum activation of every eligible authorization (the spec's default).
const MAXIMUM_ACTIVATION: &str = "PT8H";
/// What a User Access Administrator authorization may assign (to managed identities).
const DELEGATED_ROLES: &[Role] = &[Role::Contributor];

/// Chances, per assignment of the subscriptions after the first, of each trait.
const OTHER_MSP: f64 = 0.15;
const NO_DELETE_ROLE: f64 = 0.08;
const STANDING_OWNER: f64 = 0.08;
const USER_ACCESS_ADMIN: f64 = 0.05;
const ELIGIBLE: f64 = 0.25;
const MFA_NONE: f64 = 0.2;
const APPROVER: f64 = 0.5;

/// The groups of one managing tenant its authorizations name.
struct Groups {
    operators: Principal,
    admins: Principal,
    privileged: Principal,
    approvers: Principal,
    access_managers: Principal,
}

impl Groups {
    fn seed(rng: &mut SeededRng, names: [&'static str; 5]) -> Groups {
        let mut next = |display_name| Principal {
            id: rng.guid(),
            display_name,
        };
        Groups {
            operators: next(names[0]),
            admins: next(names[1]),
            privileged: next(names[2]),
            approvers: next(names[3]),
            access_managers: next(names[4]),
        }
    }
}

/// What one definition grants.
#[derive(Clone, Copy, Debug, Default)]
struct Traits {
    other_msp: bool,
    contributor: bool,
    delete_role: bool,
    owner: bool,
    user_access_admin: bool,
    /// 0, 1 (Contributor) or 2 (Contributor and Owner) eligible authorizations.
    eligible: u8,
    mfa_azure: bool,
    approver: bool,
}

impl Traits {
    /// The same number of draws for every assignment, so one trait never shifts another's sequence.
    fn draw(rng: &mut SeededRng) -> Traits {
        let other_msp = rng.chance(OTHER_MSP);
        let contributor = rng.chance(0.5);
        let delete_role = !rng.chance(NO_DELETE_ROLE);
        let owner = rng.chance(STANDING_OWNER);
        let user_access_admin = rng.chance(USER_ACCESS_ADMIN);
        let eligible = rng.chance(ELIGIBLE);
        let both = rng.chance(0.5);
        let mfa_azure = !rng.chance(MFA_NONE);
        let approver = rng.chance(APPROVER);
        Traits {
            other_msp,
            contributor,
            delete_role,
            owner,
            user_access_admin,
            eligible: if eligible { 1 + u8::from(both) } else { 0 },
            mfa_azure,
            approver,
        }
    }

    /// The first subscription is plain (the partner's, Reader or Contributor plus the delete role) so that
    /// a small test has one predictable subscription; the second shows every kind at least once; slot 0 of
    /// every subscription is the partner's, so each subscription is visible to the partner at first.
    fn adjust(mut self, n: usize, slot: usize, at_resource_group: bool) -> Traits {
        if n == 1 {
            return Traits {
                contributor: slot.is_multiple_of(2),
                delete_role: true,
                ..Traits::default()
            };
        }
        if slot == 0 {
            self.other_msp = false;
        }
        if n == 2 {
            match (slot, at_resource_group) {
                (_, true) => {
                    self.other_msp = false;
                    self.eligible = 2;
                    self.mfa_azure = true;
                    self.approver = true;
                }
                (1, false) => self.other_msp = true,
                (2, false) => {
                    self.other_msp = false;
                    self.owner = true;
                }
                _ => {}
            }
        }
        self
    }
}

/// The customer subscription `n` (from 1) belongs to: one each, except that every fifth subscription
/// belongs to the customer of the one before it (a customer with two delegated subscriptions).
fn customer_index(n: usize, customers: usize) -> usize {
    (n - 1 - n / 5) % customers
}

struct Seeder<'a> {
    rng: SeededRng,
    now: Ticks,
    partner: (Arc<ManagingTenant>, Groups),
    other: (Arc<ManagingTenant>, Groups),
    customers: &'a [Customer],
}

pub fn seed_lighthouse(config: &Config, customers: &[Customer], now: Ticks) -> SeededLighthouse {
    let mut rng = SeededRng::new(config.seed ^ 0x119D_7405_E0A5_5160);
    let partner = Arc::new(ManagingTenant {
        id: config.partner_tenant_id.clone(),
        name: PARTNER_NAME.to_string(),
    });
    let other = Arc::new(ManagingTenant {
        id: OTHER_MSP_TENANT_ID.to_string(),
        name: OTHER_MSP_NAME.to_string(),
    });
    let partner_groups = Groups::seed(
        &mut rng,
        [
            "Contoso Partner Operators",
            "Contoso Partner Admins",
            "Contoso Partner Privileged Engineers",
            "Contoso Partner Approvers",
            "Contoso Partner Access Managers",
        ],
    );
    let other_groups = Groups::seed(
        &mut rng,
        [
            "Fabrikam Engineers",
            "Fabrikam Admins",
            "Fabrikam Privileged Engineers",
            "Fabrikam Approvers",
            "Fabrikam Access Managers",
        ],
    );
    let mut seeder = Seeder {
        rng,
        now,
        partner: (partner.clone(), partner_groups),
        other: (other.clone(), other_groups),
        customers,
    };
    let per_subscription = config.assignments_per_subscription;
    let mut subscriptions = Vec::with_capacity(config.subscriptions);
    let mut assignments = Vec::with_capacity(config.subscriptions * per_subscription);
    for n in 1..=config.subscriptions {
        let subscription = seeder.subscription(n);
        let managee_name: Arc<str> = match customers.len() {
            0 => format!("Customer tenant {n}").into(),
            len => Arc::from(&*customers[customer_index(n, len)].name),
        };
        for slot in 0..per_subscription {
            let at_resource_group = per_subscription >= 2 && slot == per_subscription - 1;
            assignments.push(seeder.assignment(
                &subscription,
                &managee_name,
                n,
                slot,
                at_resource_group,
            ));
        }
        subscriptions.push(subscription);
    }
    SeededLighthouse {
        subscriptions,
        assignments,
        managing_tenants: vec![partner, other],
    }
}

impl Seeder<'_> {
    fn subscription(&mut self, n: usize) -> Subscription {
        let id = self.rng.guid();
        let (tenant_id, name) = match self.customers.len() {
            0 => (self.rng.guid(), format!("Customer tenant {n}")),
            len => {
                let c = &self.customers[customer_index(n, len)];
                (c.id, c.name.to_string())
            }
        };
        Subscription {
            id,
            resource_groups: vec![format!("rg-delegated-{n}")],
            tenant_id,
            display_name: format!("{name} - Azure subscription {n}"),
        }
    }

    fn assignment(
        &mut self,
        subscription: &Subscription,
        managee_name: &Arc<str>,
        n: usize,
        slot: usize,
        at_resource_group: bool,
    ) -> Assignment {
        let traits = Traits::draw(&mut self.rng).adjust(n, slot, at_resource_group);
        let (managed_by, groups) = match traits.other_msp {
            true => (&self.other.0, &self.other.1),
            false => (&self.partner.0, &self.partner.1),
        };
        let definition = Definition {
            id: self.rng.guid(),
            name: format!("{} managed services {n}.{}", managed_by.name, slot + 1),
            authorizations: authorizations(groups, traits),
            eligible: eligible(groups, traits),
            managee_tenant_id: subscription.tenant_id,
            managee_tenant_name: managee_name.clone(),
            managed_by: managed_by.clone(),
        };
        Assignment {
            name: self.rng.guid(),
            scope: Scope {
                subscription: subscription.id,
                resource_group: at_resource_group.then(|| subscription.resource_groups[0].clone()),
            },
            definition,
            state: AssignmentState::Succeeded,
            created: days_ago(&mut self.rng, self.now, 100, 900),
        }
    }
}

fn standing(principal: Principal, role: Role) -> Authorization {
    Authorization {
        principal,
        role,
        delegated_roles: &[],
    }
}

fn authorizations(groups: &Groups, traits: Traits) -> Vec<Authorization> {
    let base = match traits.contributor {
        true => Role::Contributor,
        false => Role::Reader,
    };
    let mut list = vec![standing(groups.operators, base)];
    if traits.delete_role {
        list.push(standing(groups.admins, Role::RegistrationAssignmentDelete));
    }
    if traits.owner {
        list.push(standing(groups.admins, Role::Owner));
    }
    if traits.user_access_admin {
        list.push(Authorization {
            principal: groups.access_managers,
            role: Role::UserAccessAdministrator,
            delegated_roles: DELEGATED_ROLES,
        });
    }
    list
}

fn eligible(groups: &Groups, traits: Traits) -> Vec<EligibleAuthorization> {
    let jit = |role| EligibleAuthorization {
        principal: groups.privileged,
        role,
        mfa: match traits.mfa_azure {
            true => MfaProvider::Azure,
            false => MfaProvider::None,
        },
        maximum_activation: MAXIMUM_ACTIVATION,
        approver: traits.approver.then_some(groups.approvers),
    };
    [Role::Contributor, Role::Owner]
        .into_iter()
        .take(usize::from(traits.eligible))
        .map(jit)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::customer_index;

    #[test]
    fn every_fifth_subscription_shares_the_previous_customer() {
        let owners: Vec<usize> = (1..=11).map(|n| customer_index(n, 100)).collect();
        assert_eq!(owners, [0, 1, 2, 3, 3, 4, 5, 6, 7, 7, 8]);
        assert_eq!(customer_index(3, 2), 0, "wraps around the customers");
        assert_eq!(customer_index(1, 1), 0);
    }
}
