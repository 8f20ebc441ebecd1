//! Azure Lighthouse: subscriptions, their registration assignments (each with its registration
//! definition) and the long-running deletes of those assignments.

use std::collections::HashMap;

use serde_json::{json, Value};
use uuid::Uuid;

use crate::timefmt::{format_ticks, Ticks};

pub const PROVIDER: &str = "/providers/Microsoft.ManagedServices";

/// `/subscriptions/{s}` or `/subscriptions/{s}/resourceGroups/{rg}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scope {
    pub subscription: Uuid,
    pub resource_group: Option<String>,
}

impl Scope {
    pub fn path(&self) -> String {
        match &self.resource_group {
            Some(rg) => format!("/subscriptions/{}/resourceGroups/{rg}", self.subscription),
            None => format!("/subscriptions/{}", self.subscription),
        }
    }

    /// Resource group names compare case-insensitively, as in ARM.
    fn matches(&self, other: &Scope) -> bool {
        self.subscription == other.subscription
            && match (&self.resource_group, &other.resource_group) {
                (None, None) => true,
                (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
                _ => false,
            }
    }
}

#[derive(Clone, Debug)]
pub struct Subscription {
    pub id: Uuid,
    pub resource_groups: Vec<String>,
    /// The customer tenant the subscription belongs to (its home tenant).
    pub tenant_id: Uuid,
    pub display_name: String,
}

#[derive(Clone, Debug)]
pub struct Authorization {
    pub principal_id: Uuid,
    pub principal_id_display_name: &'static str,
    pub role_definition_id: &'static str,
}

#[derive(Clone, Debug)]
pub struct Definition {
    pub id: Uuid,
    pub name: String,
    pub description: String,
    pub authorizations: Vec<Authorization>,
    pub managee_tenant_id: Uuid,
    pub managee_tenant_name: String,
    pub managed_by_tenant_id: String,
    pub managed_by_tenant_name: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AssignmentState {
    Succeeded,
    Deleting { operation: Uuid },
}

#[derive(Clone, Debug)]
pub struct Assignment {
    pub name: Uuid,
    pub scope: Scope,
    pub definition: Definition,
    pub state: AssignmentState,
    pub created: Ticks,
}

impl Assignment {
    pub fn id(&self) -> String {
        format!(
            "{}{PROVIDER}/registrationAssignments/{}",
            self.scope.path(),
            self.name
        )
    }

    fn definition_id(&self) -> String {
        format!(
            "/subscriptions/{}{PROVIDER}/registrationDefinitions/{}",
            self.scope.subscription, self.definition.id
        )
    }

    /// The ARM resource; `registrationDefinition` only when expanded.
    pub fn to_json(&self, expand: bool) -> Value {
        let state = match self.state {
            AssignmentState::Succeeded => "Succeeded",
            AssignmentState::Deleting { .. } => "Deleting",
        };
        let system_data = json!({
            "createdByType": "User",
            "createdAt": format_ticks(self.created),
            "lastModifiedByType": "User",
            "lastModifiedAt": format_ticks(self.created),
        });
        let mut properties = json!({
            "registrationDefinitionId": self.definition_id(),
            "provisioningState": state,
        });
        if expand {
            let d = &self.definition;
            let authorizations: Vec<Value> = d
                .authorizations
                .iter()
                .map(|a| {
                    json!({
                        "principalId": a.principal_id,
                        "principalIdDisplayName": a.principal_id_display_name,
                        "roleDefinitionId": a.role_definition_id,
                    })
                })
                .collect();
            properties["registrationDefinition"] = json!({
                "id": self.definition_id(),
                "type": "Microsoft.ManagedServices/registrationDefinitions",
                "name": d.id,
                "systemData": system_data,
                "properties": {
                    "description": d.description,
                    "authorizations": authorizations,
                    "eligibleAuthorizations": [],
                    "registrationDefinitionName": d.name,
                    "provisioningState": "Succeeded",
                    "manageeTenantId": d.managee_tenant_id,
                    "manageeTenantName": d.managee_tenant_name,
                    "managedByTenantId": d.managed_by_tenant_id,
                    "managedByTenantName": d.managed_by_tenant_name,
                },
            });
        }
        json!({
            "id": self.id(),
            "type": "Microsoft.ManagedServices/registrationAssignments",
            "name": self.name,
            "systemData": system_data,
            "properties": properties,
        })
    }
}

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
}

pub enum PollOutcome {
    Running(Operation),
    Done(Operation),
    Unknown,
}

pub struct ArmStore {
    subscriptions: Vec<Subscription>,
    assignments: Vec<Assignment>,
    operations: HashMap<Uuid, Operation>,
    lro_polls: u32,
}

impl ArmStore {
    pub fn new(
        subscriptions: Vec<Subscription>,
        assignments: Vec<Assignment>,
        lro_polls: u32,
    ) -> Self {
        ArmStore {
            subscriptions,
            assignments,
            operations: HashMap::new(),
            lro_polls,
        }
    }

    pub fn subscriptions(&self) -> &[Subscription] {
        &self.subscriptions
    }

    pub fn subscription(&self, id: &Uuid) -> Option<&Subscription> {
        self.subscriptions.iter().find(|s| s.id == *id)
    }

    /// The assignments created exactly at `scope` (a subscription listing does not include its
    /// resource groups' assignments).
    pub fn in_scope<'a>(&'a self, scope: &Scope) -> impl Iterator<Item = &'a Assignment> + use<'a> {
        let scope = scope.clone();
        self.assignments
            .iter()
            .filter(move |a| a.scope.matches(&scope))
    }

    pub fn all(&self) -> &[Assignment] {
        &self.assignments
    }

    pub fn find(&self, scope: &Scope, name: &Uuid) -> Option<&Assignment> {
        self.in_scope(scope).find(|a| a.name == *name)
    }

    /// Starts (or joins) the long-running delete of an assignment.
    pub fn delete(&mut self, scope: &Scope, name: &Uuid, now: Ticks) -> DeleteOutcome {
        let Some(assignment) = self
            .assignments
            .iter_mut()
            .find(|a| a.name == *name && a.scope.matches(scope))
        else {
            return DeleteOutcome::NotFound;
        };
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
        self.assignments.retain(|a| a.name != done.assignment);
        PollOutcome::Done(done)
    }
}
