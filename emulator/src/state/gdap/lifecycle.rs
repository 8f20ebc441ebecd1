//! What happens over time: the long-running removal of Global Administrator (advanced by polls of the
//! operation) and the requests that lock or terminate a relationship (advanced by reads of the request
//! or of its relationship).
//!
//! An operation is `notStarted` when created; its first `lro_polls` polls see it `notStarted` (the first
//! poll, when there are two or more) or `running`; the next poll ends it: `succeeded` (the relationship
//! and its access assignments lose Global Administrator, their ETags move on) or, while the
//! `gdapLroFails` fault is set, `failed` (nothing changes; `data` carries the error).
//!
//! A terminate request moves an active relationship to `terminationRequested` at once; the request is
//! `created`, then `pending` for `terminate_polls` reads, and the next read completes it: the request
//! `succeeded`, the relationship `terminated` (`endDateTime` = then) and its access assignments
//! `deleted`. A `lockForApproval` request moves a created relationship to `approvalPending` at once and
//! is `succeeded` from its first read on.

use serde_json::json;
use uuid::Uuid;

use super::model::{
    Action, AssignmentStatus, Operation, OperationStatus, Request, RequestStatus, Status,
    GLOBAL_ADMINISTRATOR,
};
use super::GdapStore;
use crate::timefmt::Ticks;

/// Why a request cannot be created (409).
#[derive(Debug, PartialEq, Eq)]
pub struct RequestRefused(pub String);

impl GdapStore {
    pub(super) fn start_operation(&mut self, index: u32, roles: Vec<Uuid>, now: Ticks) -> u32 {
        let op = Operation {
            id: self.next_id(),
            relationship: index,
            roles: roles.into_boxed_slice(),
            status: OperationStatus::NotStarted,
            polls: 0,
            created: now,
            modified: now,
        };
        let at = self.operations.len() as u32;
        self.operations.push(op);
        self.relationships[index as usize].operation = Some(at);
        at
    }

    /// One poll of an operation; `fails` = the `gdapLroFails` fault is set.
    pub fn poll_operation(&mut self, op: u32, fails: bool, now: Ticks) {
        let lro_polls = self.lro_polls;
        let o = &mut self.operations[op as usize];
        if o.status.is_final() {
            return;
        }
        o.polls += 1;
        if o.polls <= lro_polls {
            let status = match o.polls == 1 && lro_polls >= 2 {
                true => OperationStatus::NotStarted,
                false => OperationStatus::Running,
            };
            if status != o.status {
                o.status = status;
                o.modified = now;
            }
            return;
        }
        o.modified = now;
        let index = o.relationship;
        if fails {
            o.status = OperationStatus::Failed;
            self.relationships[index as usize].operation = None;
            return;
        }
        o.status = OperationStatus::Succeeded;
        let roles = o.roles.clone();
        let r = &mut self.relationships[index as usize];
        r.operation = None;
        r.roles = roles;
        r.version += 1;
        r.modified = now;
        let range = r.assignments.clone();
        for a in &mut self.assignments[range.start as usize..range.end as usize] {
            if a.roles.contains(&GLOBAL_ADMINISTRATOR) {
                a.roles = a
                    .roles
                    .iter()
                    .filter(|role| **role != GLOBAL_ADMINISTRATOR)
                    .copied()
                    .collect();
                a.version += 1;
                a.modified = now;
            }
        }
    }

    /// The operation's `data`: the relationship's roles as they are asked to become, or the error.
    pub fn operation_data(&self, op: u32) -> String {
        let o = self.operation(op);
        let value = match o.status {
            OperationStatus::Failed => json!({ "error": {
                "code": "roleRemovalFailed",
                "message": "The Global Administrator role could not be removed from the relationship; it keeps its roles. Try again.",
            } }),
            _ => {
                let roles: Vec<_> = o
                    .roles
                    .iter()
                    .map(|id| json!({ "roleDefinitionId": id }))
                    .collect();
                json!({
                    "id": self.id_of(o.relationship),
                    "accessDetails": { "unifiedRoles": roles },
                })
            }
        };
        value.to_string()
    }

    pub fn create_request(
        &mut self,
        index: u32,
        action: Action,
        now: Ticks,
    ) -> Result<u32, RequestRefused> {
        let r = self.get(index);
        let allowed_from = match action {
            Action::Terminate => Status::Active,
            Action::LockForApproval => Status::Created,
        };
        if r.status != allowed_from {
            return Err(RequestRefused(format!(
                "The relationship is {}: the {} action is allowed only while it is {}.",
                r.status.name(),
                action.name(),
                allowed_from.name()
            )));
        }
        if let Some(op) = r.operation {
            return Err(RequestRefused(format!(
                "The long-running operation {} is updating this relationship; wait until it ends.",
                self.operation(op).id
            )));
        }
        let request = Request {
            id: self.next_id(),
            relationship: index,
            action,
            status: RequestStatus::Created,
            reads: 0,
            created: now,
            modified: now,
        };
        let at = self.requests.len() as u32;
        self.requests.push(request);
        let r = &mut self.relationships[index as usize];
        r.status = match action {
            Action::Terminate => Status::TerminationRequested,
            Action::LockForApproval => Status::ApprovalPending,
        };
        r.request = Some(at);
        r.version += 1;
        r.modified = now;
        Ok(at)
    }

    /// A read of a relationship: advances its request in progress, if any.
    pub fn read_relationship(&mut self, index: u32, now: Ticks) {
        if let Some(request) = self.get(index).request {
            self.read_request(request, now);
        }
    }

    /// A read of a request: advances it (and, when it completes, its relationship).
    pub fn read_request(&mut self, request: u32, now: Ticks) {
        let threshold = self.terminate_polls;
        let q = &mut self.requests[request as usize];
        if q.status == RequestStatus::Succeeded {
            return;
        }
        q.reads += 1;
        let threshold = match q.action {
            Action::Terminate => threshold,
            Action::LockForApproval => 0,
        };
        if q.reads <= threshold {
            if q.status != RequestStatus::Pending {
                q.status = RequestStatus::Pending;
                q.modified = now;
            }
            return;
        }
        q.status = RequestStatus::Succeeded;
        q.modified = now;
        let (index, action) = (q.relationship, q.action);
        let r = &mut self.relationships[index as usize];
        r.request = None;
        if action != Action::Terminate {
            return;
        }
        r.status = Status::Terminated;
        r.end = Some(now);
        r.version += 1;
        r.modified = now;
        let range = r.assignments.clone();
        for a in &mut self.assignments[range.start as usize..range.end as usize] {
            a.status = AssignmentStatus::Deleted;
            a.version += 1;
            a.modified = now;
        }
    }
}
