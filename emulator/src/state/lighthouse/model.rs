//! Azure Lighthouse resources as Microsoft.ManagedServices 2022-10-01 serves them: scopes, subscriptions,
//! registration assignments and their registration definitions (authorizations, eligible authorizations).

use std::sync::Arc;

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
    pub fn matches(&self, other: &Scope) -> bool {
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

/// A tenant that manages delegated resources (`managedByTenantId`, `managedByTenantName`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ManagingTenant {
    pub id: String,
    pub name: String,
}

/// The Azure built-in roles the seeded definitions authorize.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Reader,
    Contributor,
    /// Not accepted by ARM in a Lighthouse authorization; seeded anyway as the risk a ledger must flag.
    Owner,
    /// Accepted only with `delegatedRoleDefinitionIds` (the roles it may assign to managed identities).
    UserAccessAdministrator,
    /// "Managed Services Registration Assignment Delete Role": lets the managing tenant remove the delegation.
    RegistrationAssignmentDelete,
}

impl Role {
    /// The role definition id (a GUID), as `roleDefinitionId` carries it.
    pub fn id(self) -> &'static str {
        match self {
            Role::Reader => "acdd72a7-3385-48ef-bd42-f606fba81ae7",
            Role::Contributor => "b24988ac-6180-42a0-ab88-20f7382dd24c",
            Role::Owner => "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
            Role::UserAccessAdministrator => "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
            Role::RegistrationAssignmentDelete => "91c1777a-f3dc-4fae-b103-61d183457e46",
        }
    }
}

/// A group (or user, or service principal) of the managing tenant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Principal {
    pub id: Uuid,
    pub display_name: &'static str,
}

impl Principal {
    fn to_json(self) -> Value {
        json!({ "principalId": self.id, "principalIdDisplayName": self.display_name })
    }
}

/// A standing authorization: the principal holds the role on the delegated scope at all times.
#[derive(Clone, Debug)]
pub struct Authorization {
    pub principal: Principal,
    pub role: Role,
    /// The roles a User Access Administrator may assign (`delegatedRoleDefinitionIds`); empty otherwise.
    pub delegated_roles: &'static [Role],
}

impl Authorization {
    fn to_json(&self) -> Value {
        let mut json = self.principal.to_json();
        json["roleDefinitionId"] = json!(self.role.id());
        if !self.delegated_roles.is_empty() {
            let ids: Vec<&str> = self.delegated_roles.iter().map(|r| r.id()).collect();
            json["delegatedRoleDefinitionIds"] = json!(ids);
        }
        json
    }
}

/// `justInTimeAccessPolicy.multiFactorAuthProvider`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MfaProvider {
    Azure,
    None,
}

/// An eligible (just-in-time) authorization: the principal may activate the role for at most
/// `maximum_activation`, with MFA when the provider is Azure, approved by `approver` when there is one.
#[derive(Clone, Debug)]
pub struct EligibleAuthorization {
    pub principal: Principal,
    pub role: Role,
    pub mfa: MfaProvider,
    /// ISO 8601 duration, `PT8H` (the spec's default).
    pub maximum_activation: &'static str,
    pub approver: Option<Principal>,
}

impl EligibleAuthorization {
    fn to_json(&self) -> Value {
        let mut policy = json!({
            "multiFactorAuthProvider": match self.mfa {
                MfaProvider::Azure => "Azure",
                MfaProvider::None => "None",
            },
            "maximumActivationDuration": self.maximum_activation,
        });
        if let Some(approver) = self.approver {
            policy["managedByTenantApprovers"] = json!([approver.to_json()]);
        }
        let mut json = self.principal.to_json();
        json["roleDefinitionId"] = json!(self.role.id());
        json["justInTimeAccessPolicy"] = policy;
        json
    }
}

#[derive(Clone, Debug)]
pub struct Definition {
    pub id: Uuid,
    pub name: String,
    pub authorizations: Vec<Authorization>,
    pub eligible: Vec<EligibleAuthorization>,
    pub managee_tenant_id: Uuid,
    pub managee_tenant_name: Arc<str>,
    pub managed_by: Arc<ManagingTenant>,
}

impl Definition {
    /// Whether a standing authorization grants `role`.
    pub fn holds_standing(&self, role: Role) -> bool {
        self.authorizations.iter().any(|a| a.role == role)
    }

    /// Whether the managing tenant may remove the delegation itself (Lighthouse needs the Managed Services
    /// Registration Assignment Delete Role among the authorizations; without it only the customer can).
    pub fn removable_by_managing_tenant(&self) -> bool {
        self.holds_standing(Role::RegistrationAssignmentDelete)
    }
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

    pub fn definition_id(&self) -> String {
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
                .map(Authorization::to_json)
                .collect();
            let eligible: Vec<Value> = d
                .eligible
                .iter()
                .map(EligibleAuthorization::to_json)
                .collect();
            properties["registrationDefinition"] = json!({
                "id": self.definition_id(),
                "type": "Microsoft.ManagedServices/registrationDefinitions",
                "name": d.id,
                "systemData": system_data,
                "properties": {
                    "description": format!("Azure Lighthouse delegation to {}", d.managed_by.name),
                    "authorizations": authorizations,
                    "eligibleAuthorizations": eligible,
                    "registrationDefinitionName": d.name,
                    "provisioningState": "Succeeded",
                    "manageeTenantId": d.managee_tenant_id,
                    "manageeTenantName": &*d.managee_tenant_name,
                    "managedByTenantId": d.managed_by.id,
                    "managedByTenantName": d.managed_by.name,
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
