//! Azure Lighthouse: subscriptions, their registration assignments (each with its registration
//! definition), the long-running deletes of those assignments, and who manages what.

pub mod fixtures;
pub mod model;
pub mod seed;

use std::collections::HashMap;
use std::sync::Arc;

use uuid::Uuid;

pub use model::{
    Assignment, AssignmentState, Definition, ManagingTenant, Scope, Subscription, PROVIDER,
};

use crate::timefmt::Ticks;

#[derive(Clone, Debug)]
pub struct Operation {
    pub id: Uuid,
    pub subscription: Uuid,
    pub assignment: Uuid,
    pub polls: u32,
    pub started: Ticks,
    pub ended: Option<Ticks>,
}

pub enum DeleteOutcome {
    /// The delete runs (or already ran) as this operation.
    Accepted(Uuid),
    /// Nothing to delete.
    NotFound,
    /// A delete of this assignment is still running (answered 409).
    InProgress(Uuid),
    /// The partner may not remove this delegation (another tenant manages it, or its definition does not
    /// authorize the Managed Services Registration Assignment Delete Role).
    Forbidden,
}

pub enum PollOutcome {
    Running(Operation),
    Done(Operation),
    Unknown,
}

/// What the seed hands the store.
pub struct SeededLighthouse {
    pub subscriptions: Vec<Subscription>,
    pub assignments: Vec<Assignment>,
    /// The partner first, then the other managing tenants.
    pub managing_tenants: Vec<Arc<ManagingTenant>>,
}

pub struct ArmStore {
    subscriptions: Vec<Subscription>,
    /// Subscription id -> index in `subscriptions` (and in `assignments`).
    index: HashMap<Uuid, usize>,
    /// Per subscription (in the order of `subscriptions`), its assignments at every scope in seeding order:
    /// a listing, a delete or a completed poll touches one subscription's, never every assignment.
    assignments: Vec<Vec<Assignment>>,
    managing_tenants: Vec<Arc<ManagingTenant>>,
    operations: HashMap<Uuid, Operation>,
    lro_polls: u32,
}

impl ArmStore {
    pub fn new(seeded: SeededLighthouse, lro_polls: u32) -> Self {
        let index: HashMap<Uuid, usize> = seeded
            .subscriptions
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id, i))
            .collect();
        let mut assignments: Vec<Vec<Assignment>> = vec![Vec::new(); seeded.subscriptions.len()];
        for a in seeded.assignments {
            if let Some(&i) = index.get(&a.scope.subscription) {
                assignments[i].push(a);
            }
        }
        ArmStore {
            subscriptions: seeded.subscriptions,
            index,
            assignments,
            managing_tenants: seeded.managing_tenants,
            operations: HashMap::new(),
            lro_polls,
        }
    }

    pub fn subscriptions(&self) -> &[Subscription] {
        &self.subscriptions
    }

    pub fn subscription(&self, id: &Uuid) -> Option<&Subscription> {
        self.index.get(id).map(|i| &self.subscriptions[*i])
    }

    /// The partner first, then the other managing tenants seeded.
    pub fn managing_tenants(&self) -> &[Arc<ManagingTenant>] {
        &self.managing_tenants
    }

    /// Whether the partner (the first managing tenant) manages this definition.
    pub fn is_partners(&self, definition: &Definition) -> bool {
        self.managing_tenants
            .first()
            .is_some_and(|p| p.id == definition.managed_by.id)
    }

    /// The assignments of one subscription now (at its scope and its resource groups'), in seeding order.
    pub fn of_subscription(&self, id: &Uuid) -> &[Assignment] {
        self.index
            .get(id)
            .map(|i| self.assignments[*i].as_slice())
            .unwrap_or_default()
    }

    /// Whether the partner still holds a delegation in the subscription (so that it can see it).
    pub fn visible_to_partner(&self, id: &Uuid) -> bool {
        self.of_subscription(id)
            .iter()
            .any(|a| self.is_partners(&a.definition))
    }

    /// The subscriptions the partner can see, in seeding order.
    pub fn partner_subscriptions(&self) -> impl Iterator<Item = &Subscription> + '_ {
        self.subscriptions
            .iter()
            .filter(|s| self.visible_to_partner(&s.id))
    }

    /// The tenants managing something in the subscription now, in the order of `managing_tenants`.
    pub fn managers_of(&self, id: &Uuid) -> Vec<&ManagingTenant> {
        let here = self.of_subscription(id);
        self.managing_tenants
            .iter()
            .filter(|t| here.iter().any(|a| a.definition.managed_by.id == t.id))
            .map(|t| &**t)
            .collect()
    }

    /// The assignments created exactly at `scope` (a subscription listing does not include its
    /// resource groups' assignments).
    pub fn in_scope<'a>(&'a self, scope: &Scope) -> impl Iterator<Item = &'a Assignment> + use<'a> {
        let scope = scope.clone();
        self.of_subscription(&scope.subscription)
            .iter()
            .filter(move |a| a.scope.matches(&scope))
    }

    /// Every assignment there is now, subscription by subscription.
    pub fn all(&self) -> impl Iterator<Item = &Assignment> + '_ {
        self.assignments.iter().flatten()
    }

    pub fn find(&self, scope: &Scope, name: &Uuid) -> Option<&Assignment> {
        self.in_scope(scope).find(|a| a.name == *name)
    }

    /// Starts (or joins) the long-running delete of an assignment. With `check_permission`, the partner may
    /// only remove its own delegations whose definition authorizes the delete role.
    pub fn delete(
        &mut self,
        scope: &Scope,
        name: &Uuid,
        now: Ticks,
        check_permission: bool,
    ) -> DeleteOutcome {
        let Some(&at) = self.index.get(&scope.subscription) else {
            return DeleteOutcome::NotFound;
        };
        let Some(index) = self.assignments[at]
            .iter()
            .position(|a| a.name == *name && a.scope.matches(scope))
        else {
            return DeleteOutcome::NotFound;
        };
        let definition = &self.assignments[at][index].definition;
        if check_permission
            && !(self.is_partners(definition) && definition.removable_by_managing_tenant())
        {
            return DeleteOutcome::Forbidden;
        }
        let assignment = &mut self.assignments[at][index];
        if let AssignmentState::Deleting { operation } = assignment.state {
            // ARM refuses a second operation on a resource while one runs.
            return DeleteOutcome::InProgress(operation);
        }
        let operation = Operation {
            id: Uuid::new_v4(),
            subscription: scope.subscription,
            assignment: assignment.name,
            polls: 0,
            started: now,
            ended: None,
        };
        assignment.state = AssignmentState::Deleting {
            operation: operation.id,
        };
        let id = operation.id;
        self.operations.insert(id, operation);
        DeleteOutcome::Accepted(id)
    }

    /// A GET of an assignment being deleted counts as one poll of its delete (for deletes answered
    /// without a monitor URL).
    pub fn poll_by_reading(
        &mut self,
        scope: &Scope,
        name: &Uuid,
        never_complete: bool,
        now: Ticks,
    ) {
        let operation = match self.find(scope, name).map(|a| a.state) {
            Some(AssignmentState::Deleting { operation }) => operation,
            _ => return,
        };
        let subscription = scope.subscription;
        self.poll(&subscription, &operation, never_complete, now);
    }

    /// One poll of an operation: the first `lro_polls` polls see it running, the next one completes
    /// it (removing the assignment) unless `never_complete` is set.
    pub fn poll(
        &mut self,
        subscription: &Uuid,
        id: &Uuid,
        never_complete: bool,
        now: Ticks,
    ) -> PollOutcome {
        let Some(op) = self
            .operations
            .get_mut(id)
            .filter(|op| op.subscription == *subscription)
        else {
            return PollOutcome::Unknown;
        };
        if op.ended.is_some() {
            return PollOutcome::Done(op.clone());
        }
        if never_complete || op.polls < self.lro_polls {
            op.polls += 1;
            return PollOutcome::Running(op.clone());
        }
        op.ended = Some(now);
        let done = op.clone();
        if let Some(&at) = self.index.get(&done.subscription) {
            self.assignments[at].retain(|a| a.name != done.assignment);
        }
        PollOutcome::Done(done)
    }
}
