//! Microsoft Graph's GDAP resources, compactly: relationships, their access assignments, long-running
//! operations and requests. 10,000 relationships with their access assignments take about 4 MB.

use std::ops::Range;

use uuid::Uuid;

use crate::timefmt::Ticks;

/// The Microsoft Entra Global Administrator role.
pub const GLOBAL_ADMINISTRATOR: Uuid = Uuid::from_u128(0x62e90394_69f5_4237_9190_012177145e10);

/// `delegatedAdminRelationshipStatus`: the members a relationship here takes (Graph's transient
/// `activating`, `approved`, `expiring` and `terminating` are not emulated).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Active,
    ApprovalPending,
    Created,
    Expired,
    Terminated,
    TerminationRequested,
}

impl Status {
    /// Every member of the enumeration, as the documentation lists them (for `$filter`).
    pub const NAMES: &'static [&'static str] = &[
        "activating",
        "active",
        "approvalPending",
        "approved",
        "created",
        "expired",
        "expiring",
        "terminated",
        "terminating",
        "terminationRequested",
        "unknownFutureValue",
    ];

    pub fn name(self) -> &'static str {
        match self {
            Status::Active => "active",
            Status::ApprovalPending => "approvalPending",
            Status::Created => "created",
            Status::Expired => "expired",
            Status::Terminated => "terminated",
            Status::TerminationRequested => "terminationRequested",
        }
    }
}

/// `autoExtendDuration`: Graph accepts `P0D`, `PT0S` (both: no auto-extension) and `P180D`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AutoExtend {
    Off,
    Days180,
}

impl AutoExtend {
    pub fn parse(text: &str) -> Option<AutoExtend> {
        match text {
            "PT0S" | "P0D" => Some(AutoExtend::Off),
            "P180D" => Some(AutoExtend::Days180),
            _ => None,
        }
    }

    /// As served: `PT0S` (also for a `P0D` that was set) or `P180D`.
    pub fn name(self) -> &'static str {
        match self {
            AutoExtend::Off => "PT0S",
            AutoExtend::Days180 => "P180D",
        }
    }
}

/// What `#microsoft.graph.resellerDelegatedAdminRelationship` adds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reseller {
    pub indirect_provider_tenant_id: Uuid,
    pub is_partner_consent_pending: bool,
}

#[derive(Clone, Debug)]
pub struct Relationship {
    /// The first half of the id; the id is `<key>-<partner tenant id>`.
    pub key: Uuid,
    /// Index of the customer in the customer store (its tenant id and display name).
    pub customer: u32,
    pub display_name: Box<str>,
    pub duration_days: u16,
    pub status: Status,
    pub auto_extend: AutoExtend,
    pub roles: Box<[Uuid]>,
    pub created: Ticks,
    pub activated: Option<Ticks>,
    pub end: Option<Ticks>,
    pub modified: Ticks,
    /// Bumped on every change; the ETag is derived from it.
    pub version: u32,
    pub reseller: Option<Box<Reseller>>,
    /// Its access assignments: a range of the store's assignments.
    pub assignments: Range<u32>,
    /// The long-running operation in progress, if any (index into the store's operations).
    pub operation: Option<u32>,
    /// The terminate request in progress, if any (index into the store's requests).
    pub request: Option<u32>,
}

impl Relationship {
    pub fn holds_global_admin(&self) -> bool {
        self.roles.contains(&GLOBAL_ADMINISTRATOR)
    }

    pub fn duration(&self) -> String {
        format!("P{}D", self.duration_days)
    }
}

/// `delegatedAdminAccessAssignmentStatus`: the members an assignment here takes (`pending`,
/// `deleting` and `error` are not emulated).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AssignmentStatus {
    Active,
    Deleted,
}

impl AssignmentStatus {
    pub const NAMES: &'static [&'static str] = &[
        "pending",
        "active",
        "deleting",
        "deleted",
        "error",
        "unknownFutureValue",
    ];

    pub fn name(self) -> &'static str {
        match self {
            AssignmentStatus::Active => "active",
            AssignmentStatus::Deleted => "deleted",
        }
    }
}

#[derive(Clone, Debug)]
pub struct AccessAssignment {
    pub id: Uuid,
    /// The security group (`accessContainerType: securityGroup`).
    pub group: Uuid,
    pub roles: Box<[Uuid]>,
    pub status: AssignmentStatus,
    pub created: Ticks,
    pub modified: Ticks,
    pub version: u32,
}

/// `longRunningOperationStatus`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OperationStatus {
    NotStarted,
    Running,
    Succeeded,
    Failed,
}

impl OperationStatus {
    pub fn name(self) -> &'static str {
        match self {
            OperationStatus::NotStarted => "notStarted",
            OperationStatus::Running => "running",
            OperationStatus::Succeeded => "succeeded",
            OperationStatus::Failed => "failed",
        }
    }

    pub fn is_final(self) -> bool {
        matches!(self, OperationStatus::Succeeded | OperationStatus::Failed)
    }
}

/// A `delegatedAdminRelationshipOperation`: here always the removal of roles (Global Administrator)
/// from an active relationship (`operationType` `delegatedAdminRelationshipUpdate`).
#[derive(Clone, Debug)]
pub struct Operation {
    pub id: Uuid,
    pub relationship: u32,
    /// The roles the relationship has once the operation succeeds.
    pub roles: Box<[Uuid]>,
    pub status: OperationStatus,
    /// Polls (GETs of the operation) so far.
    pub polls: u32,
    pub created: Ticks,
    pub modified: Ticks,
}

/// `delegatedAdminRelationshipRequestAction` (the two a partner sends).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    LockForApproval,
    Terminate,
}

impl Action {
    pub fn name(self) -> &'static str {
        match self {
            Action::LockForApproval => "lockForApproval",
            Action::Terminate => "terminate",
        }
    }
}

/// `delegatedAdminRelationshipRequestStatus`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RequestStatus {
    Created,
    Pending,
    Succeeded,
}

impl RequestStatus {
    pub fn name(self) -> &'static str {
        match self {
            RequestStatus::Created => "created",
            RequestStatus::Pending => "pending",
            RequestStatus::Succeeded => "succeeded",
        }
    }
}

/// A `delegatedAdminRelationshipRequest`.
#[derive(Clone, Debug)]
pub struct Request {
    pub id: Uuid,
    pub relationship: u32,
    pub action: Action,
    pub status: RequestStatus,
    /// Reads (of the request or of its relationship) so far.
    pub reads: u32,
    pub created: Ticks,
    pub modified: Ticks,
}
