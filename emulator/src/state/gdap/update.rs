//! The rules of `PATCH delegatedAdminRelationships/{id}` (Microsoft's documentation):
//!
//! - a relationship can be updated while its status is `created`;
//! - `autoExtendDuration` can also be updated while it is `active`;
//! - the Global Administrator role can be removed while it is `active`, as a long-running operation.
//!
//! And the one Partner Center documents: auto-extend (`P180D`) is not available while the relationship
//! holds Global Administrator. What the documentation leaves open is chosen here (see
//! `docs/emulator.md`): a PATCH that changes nothing is answered 200 and changes nothing; a PATCH while
//! an operation runs is refused; the Global Administrator removal travels alone.

use uuid::Uuid;

use super::model::{AutoExtend, Status, GLOBAL_ADMINISTRATOR};
use super::GdapStore;
use crate::timefmt::Ticks;

/// The properties a PATCH sets (already parsed and validated one by one).
#[derive(Clone, Debug, Default)]
pub struct Update {
    pub display_name: Option<String>,
    pub duration_days: Option<u16>,
    /// The customer's index in the customer store.
    pub customer: Option<u32>,
    pub roles: Option<Vec<Uuid>>,
    pub auto_extend: Option<AutoExtend>,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Every value equals the current one: nothing changes (200 with the resource).
    Unchanged,
    /// Applied (200 with the resource; the ETag moved on).
    Updated,
    /// A long-running operation started (202; the index of the operation).
    Started(u32),
}

#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The request cannot be right for this relationship (400).
    Invalid(String),
    /// The relationship's status (or a running operation) does not allow it (409).
    NotAllowed(String),
}

pub const GLOBAL_ADMIN_AUTO_EXTEND: &str = "autoExtendDuration P180D is not allowed while the relationship holds the Microsoft Entra Global Administrator role (62e90394-69f5-4237-9190-012177145e10): remove that role first, or keep autoExtendDuration PT0S.";

fn same_roles(a: &[Uuid], b: &[Uuid]) -> bool {
    let sorted = |roles: &[Uuid]| {
        let mut v = roles.to_vec();
        v.sort_unstable();
        v.dedup();
        v
    };
    sorted(a) == sorted(b)
}

impl GdapStore {
    pub fn update(&mut self, index: u32, update: Update, now: Ticks) -> Result<Outcome, Refusal> {
        let r = self.get(index);
        let name = update
            .display_name
            .filter(|name| name.as_str() != &*r.display_name);
        let duration = update.duration_days.filter(|d| *d != r.duration_days);
        let customer = update.customer.filter(|c| *c != r.customer);
        let roles = update.roles.filter(|roles| !same_roles(roles, &r.roles));
        let auto_extend = update.auto_extend.filter(|a| *a != r.auto_extend);
        if name.is_none()
            && duration.is_none()
            && customer.is_none()
            && roles.is_none()
            && auto_extend.is_none()
        {
            return Ok(Outcome::Unchanged);
        }
        if let Some(op) = r.operation {
            return Err(Refusal::NotAllowed(format!(
                "The long-running operation {} is updating this relationship; wait until it ends.",
                self.operation(op).id
            )));
        }
        let global_admin_after = roles.as_deref().map_or(r.holds_global_admin(), |roles| {
            roles.contains(&GLOBAL_ADMINISTRATOR)
        });
        let auto_extend_after = auto_extend.unwrap_or(r.auto_extend);
        let status = r.status;
        match status {
            Status::Created => {
                if let Some(name) = &name {
                    let taken = (0..self.len() as u32)
                        .any(|i| i != index && &*self.get(i).display_name == name.as_str());
                    if taken {
                        return Err(Refusal::Invalid(format!(
                            "The displayName '{name}' is already used by another delegated admin relationship of the partner."
                        )));
                    }
                }
                if global_admin_after && auto_extend_after == AutoExtend::Days180 {
                    return Err(Refusal::Invalid(GLOBAL_ADMIN_AUTO_EXTEND.to_string()));
                }
                let r = &mut self.relationships[index as usize];
                if let Some(name) = name {
                    r.display_name = name.into_boxed_str();
                }
                if let Some(days) = duration {
                    r.duration_days = days;
                }
                if let Some(customer) = customer {
                    r.customer = customer;
                }
                if let Some(roles) = roles {
                    r.roles = roles.into_boxed_slice();
                }
                if let Some(auto_extend) = auto_extend {
                    r.auto_extend = auto_extend;
                }
                r.version += 1;
                r.modified = now;
                Ok(Outcome::Updated)
            }
            Status::Active => {
                if name.is_some() || duration.is_some() || customer.is_some() {
                    return Err(Refusal::NotAllowed(
                        "The relationship is active: displayName, duration and customer can be updated only while it is created.".to_string(),
                    ));
                }
                if let Some(roles) = roles {
                    if auto_extend.is_some() {
                        return Err(Refusal::Invalid(
                            "Removing the Global Administrator role is a long-running operation: send accessDetails in a PATCH of its own.".to_string(),
                        ));
                    }
                    let without: Vec<Uuid> = r
                        .roles
                        .iter()
                        .filter(|role| **role != GLOBAL_ADMINISTRATOR)
                        .copied()
                        .collect();
                    if !r.holds_global_admin() || !same_roles(&roles, &without) {
                        return Err(Refusal::NotAllowed(
                            "The relationship is active: the only change to accessDetails allowed is removing the Microsoft Entra Global Administrator role (62e90394-69f5-4237-9190-012177145e10) and keeping every other role.".to_string(),
                        ));
                    }
                    return Ok(Outcome::Started(self.start_operation(index, without, now)));
                }
                if global_admin_after && auto_extend_after == AutoExtend::Days180 {
                    return Err(Refusal::Invalid(GLOBAL_ADMIN_AUTO_EXTEND.to_string()));
                }
                let r = &mut self.relationships[index as usize];
                if let Some(auto_extend) = auto_extend {
                    r.auto_extend = auto_extend;
                }
                r.version += 1;
                r.modified = now;
                Ok(Outcome::Updated)
            }
            status => Err(Refusal::NotAllowed(format!(
                "The relationship is {}: it can be updated only while it is created, and its autoExtendDuration while it is created or active.",
                status.name()
            ))),
        }
    }
}
