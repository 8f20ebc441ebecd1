//! What the ledger holds, compactly (10,000 customers with their relationships, access assignments and
//! delegations take a few megabytes), and how it is written as JSON: role ids with their names, dates as
//! RFC 3339, day counts already worked out against the ledger's `asOf`.

use super::risks::{Risk, RiskCode};
use super::roles;
use crate::error::Error;
use chrono::{DateTime, SecondsFormat, Utc};
use serde::ser::{SerializeMap, SerializeStruct};
use serde::{Serialize, Serializer};
use std::collections::BTreeMap;
use uuid::Uuid;

/// The version of the ledger's JSON shape.
pub const LEDGER_VERSION: u32 = 1;

/// A role as a service wrote it: a GUID (named when known), or text that is not one (kept as written).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoleId {
    Guid(Uuid),
    Other(Box<str>),
}

impl RoleId {
    pub fn parse(text: &str) -> RoleId {
        match roles::parse_role_id(text) {
            Some(g) => RoleId::Guid(g),
            None => RoleId::Other(text.into()),
        }
    }

    pub fn is(&self, id: &Uuid) -> bool {
        matches!(self, RoleId::Guid(g) if g == id)
    }

    fn text(&self) -> String {
        match self {
            RoleId::Guid(g) => g.to_string(),
            RoleId::Other(t) => t.to_string(),
        }
    }
}

/// Which catalogue names a role: Microsoft Entra (GDAP) or Azure (Lighthouse).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoleKind {
    Entra,
    Azure,
}

impl RoleKind {
    pub fn name_of(self, role: &RoleId) -> Option<&'static str> {
        match role {
            RoleId::Guid(g) => match self {
                RoleKind::Entra => roles::entra_name(g),
                RoleKind::Azure => roles::azure_name(g),
            },
            RoleId::Other(_) => None,
        }
    }

    /// A role's name, else its id: for CSV cells and details.
    pub fn label(self, role: &RoleId) -> String {
        self.name_of(role)
            .map(str::to_string)
            .unwrap_or_else(|| role.text())
    }
}

/// `[{"id","name"}]` for a list of roles.
struct Roles<'a>(RoleKind, &'a [RoleId]);

impl Serialize for Roles<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.1.iter().map(|r| RoleView(self.0, r)))
    }
}

struct RoleView<'a>(RoleKind, &'a RoleId);

impl Serialize for RoleView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(2))?;
        m.serialize_entry("id", &self.1.text())?;
        m.serialize_entry("name", &self.0.name_of(self.1))?;
        m.end()
    }
}

fn date(t: &Option<DateTime<Utc>>) -> Option<String> {
    t.map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true))
}

/// DAP as the delegated admin customers listing shows it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DapState {
    /// `dapEnabled`; `None` when missing or not a JSON boolean (see `unreadable`).
    pub enabled: Option<bool>,
    pub last_sign_in: Option<DateTime<Utc>>,
    pub start: Option<DateTime<Utc>>,
    /// Whole days from the last partner sign-in to the ledger's `asOf`.
    pub days_since_sign_in: Option<i64>,
    /// What could not be read (`dapEnabled` not a boolean, a date in another format), raw values included.
    pub unreadable: Option<Box<str>>,
}

impl Serialize for DapState {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_struct("DapState", 5)?;
        m.serialize_field("enabled", &self.enabled)?;
        m.serialize_field("lastSignInDateTime", &date(&self.last_sign_in))?;
        m.serialize_field("startDateTime", &date(&self.start))?;
        m.serialize_field("daysSinceSignIn", &self.days_since_sign_in)?;
        m.serialize_field("unreadable", &self.unreadable)?;
        m.end()
    }
}

/// An access assignment of a GDAP relationship: which security group holds which of its roles.
#[derive(Debug, Clone, PartialEq)]
pub struct AccessAssignment {
    pub id: Option<Box<str>>,
    pub status: Option<Box<str>>,
    /// `accessContainer.accessContainerId` (a security group of the partner's tenant).
    pub security_group_id: Option<Box<str>>,
    pub roles: Box<[RoleId]>,
}

impl AccessAssignment {
    pub fn is_active(&self) -> bool {
        self.status.as_deref() == Some("active")
    }
}

impl Serialize for AccessAssignment {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_struct("AccessAssignment", 4)?;
        m.serialize_field("id", &self.id)?;
        m.serialize_field("status", &self.status)?;
        m.serialize_field("securityGroupId", &self.security_group_id)?;
        m.serialize_field("roles", &Roles(RoleKind::Entra, &self.roles))?;
        m.end()
    }
}

/// The access assignments of a relationship, as far as they are known.
#[derive(Debug, Clone, PartialEq)]
pub enum Assignments {
    /// Not listed: the relationship is not active (only active relationships' assignments are listed).
    NotListed,
    /// Every assignment but deleted ones.
    Listed(Box<[AccessAssignment]>),
    /// The listing failed: the error, for the relationship's entry.
    Failed(Box<Error>),
}

/// A GDAP relationship with one customer.
#[derive(Debug, Clone, PartialEq)]
pub struct GdapRelationship {
    pub id: Box<str>,
    pub display_name: Option<Box<str>>,
    pub status: Option<Box<str>>,
    pub end: Option<DateTime<Utc>>,
    /// Whole days from the ledger's `asOf` to the end (negative once ended).
    pub days_to_end: Option<i64>,
    pub auto_extend_duration: Option<Box<str>>,
    pub roles: Box<[RoleId]>,
    pub assignments: Assignments,
}

impl GdapRelationship {
    pub fn is_active(&self) -> bool {
        self.status.as_deref() == Some("active")
    }

    /// `autoExtendDuration` is a duration other than zero (`P180D`); `PT0S`, `P0D` or none is off.
    pub fn auto_extends(&self) -> bool {
        self.auto_extend_duration
            .as_deref()
            .is_some_and(|d| !matches!(d.trim(), "" | "PT0S" | "P0D" | "PT0H" | "PT0M"))
    }

    pub fn holds_global_administrator(&self) -> bool {
        self.roles
            .iter()
            .any(|r| r.is(&roles::GLOBAL_ADMINISTRATOR))
    }

    /// The assignments listed, when they were.
    pub fn listed_assignments(&self) -> Option<&[AccessAssignment]> {
        match &self.assignments {
            Assignments::Listed(a) => Some(a),
            _ => None,
        }
    }
}

impl Serialize for GdapRelationship {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_struct("GdapRelationship", 11)?;
        m.serialize_field("id", &self.id)?;
        m.serialize_field("displayName", &self.display_name)?;
        m.serialize_field("status", &self.status)?;
        m.serialize_field("endDateTime", &date(&self.end))?;
        m.serialize_field("daysToEnd", &self.days_to_end)?;
        m.serialize_field("autoExtendDuration", &self.auto_extend_duration)?;
        m.serialize_field("autoExtend", &self.auto_extends())?;
        m.serialize_field("globalAdministrator", &self.holds_global_administrator())?;
        m.serialize_field("roles", &Roles(RoleKind::Entra, &self.roles))?;
        let (listed, error) = match &self.assignments {
            Assignments::NotListed => (None, None),
            Assignments::Listed(a) => (Some(&**a), None),
            Assignments::Failed(e) => (None, Some(&**e)),
        };
        m.serialize_field("accessAssignments", &listed)?;
        m.serialize_field("accessAssignmentsError", &error)?;
        m.end()
    }
}

/// A standing Lighthouse authorization: the principal holds the role at all times.
#[derive(Debug, Clone, PartialEq)]
pub struct Authorization {
    pub principal_id: Option<Box<str>>,
    pub principal_name: Option<Box<str>>,
    pub role: RoleId,
    /// The roles a User Access Administrator may assign to managed identities.
    pub delegated_roles: Box<[RoleId]>,
}

impl Serialize for Authorization {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_struct("Authorization", 5)?;
        m.serialize_field("principalId", &self.principal_id)?;
        m.serialize_field("principalIdDisplayName", &self.principal_name)?;
        m.serialize_field("roleDefinitionId", &self.role.text())?;
        m.serialize_field("roleName", &RoleKind::Azure.name_of(&self.role))?;
        m.serialize_field(
            "delegatedRoles",
            &Roles(RoleKind::Azure, &self.delegated_roles),
        )?;
        m.end()
    }
}

/// An eligible (just-in-time) Lighthouse authorization: the principal may activate the role.
#[derive(Debug, Clone, PartialEq)]
pub struct EligibleAuthorization {
    pub principal_id: Option<Box<str>>,
    pub principal_name: Option<Box<str>>,
    pub role: RoleId,
    /// `justInTimeAccessPolicy.multiFactorAuthProvider`: `Azure` or `None`.
    pub mfa_provider: Option<Box<str>>,
    pub maximum_activation_duration: Option<Box<str>>,
    /// Approvers named by `managedByTenantApprovers`.
    pub approvers: u32,
}

impl EligibleAuthorization {
    /// The policy asks for no MFA on activation (`None`).
    pub fn without_mfa(&self) -> bool {
        self.mfa_provider
            .as_deref()
            .is_some_and(|p| p.eq_ignore_ascii_case("None"))
    }
}

impl Serialize for EligibleAuthorization {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_struct("EligibleAuthorization", 7)?;
        m.serialize_field("principalId", &self.principal_id)?;
        m.serialize_field("principalIdDisplayName", &self.principal_name)?;
        m.serialize_field("roleDefinitionId", &self.role.text())?;
        m.serialize_field("roleName", &RoleKind::Azure.name_of(&self.role))?;
        m.serialize_field("multiFactorAuthProvider", &self.mfa_provider)?;
        m.serialize_field(
            "maximumActivationDuration",
            &self.maximum_activation_duration,
        )?;
        m.serialize_field("approvers", &self.approvers)?;
        m.end()
    }
}

/// One Azure Lighthouse registration assignment: a subscription delegated to a managing tenant.
#[derive(Debug, Clone, PartialEq)]
pub struct Delegation {
    pub subscription_id: Uuid,
    pub subscription_name: Option<Box<str>>,
    pub assignment_id: Option<Box<str>>,
    pub registration_definition_id: Option<Box<str>>,
    pub registration_definition_name: Option<Box<str>>,
    pub managed_by_tenant_id: Option<Box<str>>,
    pub managed_by_tenant_name: Option<Box<str>>,
    pub provisioning_state: Option<Box<str>>,
    pub authorizations: Box<[Authorization]>,
    pub eligible_authorizations: Box<[EligibleAuthorization]>,
}

impl Delegation {
    pub fn standing_owner(&self) -> bool {
        self.authorizations.iter().any(|a| a.role.is(&roles::OWNER))
    }
}

impl Serialize for Delegation {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_struct("Delegation", 11)?;
        m.serialize_field("subscriptionId", &self.subscription_id)?;
        m.serialize_field("subscriptionName", &self.subscription_name)?;
        m.serialize_field("assignmentId", &self.assignment_id)?;
        m.serialize_field("registrationDefinitionId", &self.registration_definition_id)?;
        m.serialize_field(
            "registrationDefinitionName",
            &self.registration_definition_name,
        )?;
        m.serialize_field("managedByTenantId", &self.managed_by_tenant_id)?;
        m.serialize_field("managedByTenantName", &self.managed_by_tenant_name)?;
        m.serialize_field("provisioningState", &self.provisioning_state)?;
        m.serialize_field("standingOwner", &self.standing_owner())?;
        m.serialize_field("authorizations", &self.authorizations)?;
        m.serialize_field("eligibleAuthorizations", &self.eligible_authorizations)?;
        m.end()
    }
}

/// Every access path the partner (or a managing tenant) holds to one customer tenant.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerEntry {
    pub tenant_id: Uuid,
    /// The delegated admin customers listing's name, else a GDAP relationship's or a delegation's.
    pub display_name: Option<Box<str>>,
    /// `None`: the customer is not in the delegated admin customers listing (or it could not be read).
    pub dap: Option<DapState>,
    pub gdap: Vec<GdapRelationship>,
    pub lighthouse: Vec<Delegation>,
    pub risks: Vec<Risk>,
}

impl CustomerEntry {
    pub fn new(tenant_id: Uuid) -> CustomerEntry {
        CustomerEntry {
            tenant_id,
            display_name: None,
            dap: None,
            gdap: Vec::new(),
            lighthouse: Vec::new(),
            risks: Vec::new(),
        }
    }

    pub fn has_risk(&self, code: RiskCode) -> bool {
        self.risks.iter().any(|r| r.code == code)
    }

    pub fn active_gdap(&self) -> impl Iterator<Item = &GdapRelationship> {
        self.gdap.iter().filter(|r| r.is_active())
    }
}

impl Serialize for CustomerEntry {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_struct("CustomerEntry", 6)?;
        m.serialize_field("customerTenantId", &self.tenant_id)?;
        m.serialize_field("displayName", &self.display_name)?;
        m.serialize_field("dap", &self.dap)?;
        m.serialize_field("gdapRelationships", &self.gdap)?;
        m.serialize_field("lighthouseDelegations", &self.lighthouse)?;
        m.serialize_field("risks", &self.risks)?;
        m.end()
    }
}

/// How one source went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum SourceStatus {
    /// Read in full.
    Ok,
    /// Read, but some of its listings failed (some relationships' assignments, some subscriptions).
    Partial,
    /// Could not be read at all: its part of the ledger is missing, and its risks are not judged.
    Failed,
    /// Not read (not asked, or no credential or endpoint for its service): `detail` says why.
    Skipped,
}

/// One source of the ledger: what was read, how it went, and the first error when it failed.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SourceReport {
    /// `delegatedAdminCustomers`, `gdapRelationships`, `gdapAccessAssignments`, `subscriptions`,
    /// `lighthouseAssignments`.
    pub source: &'static str,
    /// The service id: `customerAdmin`, `graph`, `resourceManager`.
    pub service: &'static str,
    pub status: SourceStatus,
    /// Items read (customers, relationships, assignments, subscriptions, delegations).
    pub items: u64,
    /// Listings of this source that failed (per relationship, per subscription).
    pub failures: u64,
    /// Why it was skipped, or what else is worth knowing (items without a usable id, a given list).
    pub detail: Option<String>,
    pub error: Option<Error>,
}

impl SourceReport {
    pub fn new(source: &'static str, service: &'static str) -> SourceReport {
        SourceReport {
            source,
            service,
            status: SourceStatus::Ok,
            items: 0,
            failures: 0,
            detail: None,
            error: None,
        }
    }

    pub fn skipped(source: &'static str, service: &'static str, why: String) -> SourceReport {
        SourceReport {
            status: SourceStatus::Skipped,
            detail: Some(why),
            ..SourceReport::new(source, service)
        }
    }

    pub fn failed(mut self, error: Error) -> SourceReport {
        self.status = SourceStatus::Failed;
        self.error = Some(error);
        self
    }

    /// Whether what it holds can be trusted to be everything (ok), as far as it goes.
    pub fn read(&self) -> bool {
        self.status == SourceStatus::Ok
    }

    pub fn add_detail(&mut self, text: String) {
        self.detail = Some(match self.detail.take() {
            Some(d) => format!("{d}; {text}"),
            None => text,
        });
    }
}

/// A count per risk, with the risk's words.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RiskCount {
    pub code: &'static str,
    pub label: &'static str,
    pub customers: u64,
    /// Whether the risk was judged (its sources were read).
    pub evaluated: bool,
}

/// Active relationships ending in one month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MonthCount {
    /// `YYYY-MM`.
    pub month: String,
    pub relationships: u64,
    pub auto_extend: u64,
    pub no_auto_extend: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DapCounts {
    pub listed: u64,
    pub enabled: u64,
    pub disabled: u64,
    pub unreadable: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RelationshipCounts {
    pub total: u64,
    pub by_status: BTreeMap<String, u64>,
    pub active: u64,
    pub active_with_global_administrator: u64,
    pub active_without_auto_extend: u64,
    /// Active, ending within `expiringWithinDays`.
    pub active_expiring: u64,
    pub access_assignments: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LighthouseCounts {
    pub subscriptions: u64,
    pub delegations: u64,
    pub managing_tenants: u64,
    pub standing_owner: u64,
    pub eligible_authorizations: u64,
}

/// The ledger's totals.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub customers: u64,
    pub customers_with_risks: u64,
    pub risks: Vec<RiskCount>,
    pub dap: DapCounts,
    pub relationships: RelationshipCounts,
    pub lighthouse: LighthouseCounts,
    /// Active relationships by the month their end date falls in (UTC), oldest first.
    pub gdap_end_dates_by_month: Vec<MonthCount>,
}

/// The access ledger: per customer tenant, every access path, with its risks.
#[derive(Debug, Clone, PartialEq)]
pub struct Ledger {
    pub generated_at: DateTime<Utc>,
    /// The moment day counts and "ends within" are measured from.
    pub as_of: DateTime<Utc>,
    pub expiring_within_days: u32,
    pub inactive_days: u32,
    pub sources: Vec<SourceReport>,
    pub summary: Summary,
    /// By display name, then tenant id.
    pub customers: Vec<CustomerEntry>,
    /// Delegations whose customer tenant could not be told (neither the definition nor the subscription
    /// names it).
    pub unattributed_delegations: Vec<Delegation>,
}

impl Ledger {
    /// Every source read in full (a source skipped by request or for want of a credential counts as read:
    /// `sources` says so).
    pub fn complete(&self) -> bool {
        self.sources
            .iter()
            .all(|s| matches!(s.status, SourceStatus::Ok | SourceStatus::Skipped))
    }

    /// The ledger without its customers (what a call returns once the whole ledger went to a file).
    pub fn head(&self) -> LedgerView<'_> {
        LedgerView {
            ledger: self,
            customers: false,
        }
    }

    pub fn full(&self) -> LedgerView<'_> {
        LedgerView {
            ledger: self,
            customers: true,
        }
    }
}

/// The ledger as JSON, with or without its per-customer entries.
pub struct LedgerView<'a> {
    ledger: &'a Ledger,
    customers: bool,
}

impl Serialize for LedgerView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let l = self.ledger;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("version", &LEDGER_VERSION)?;
        m.serialize_entry(
            "generatedAt",
            &l.generated_at.to_rfc3339_opts(SecondsFormat::Secs, true),
        )?;
        m.serialize_entry("asOf", &l.as_of.to_rfc3339_opts(SecondsFormat::Secs, true))?;
        m.serialize_entry("expiringWithinDays", &l.expiring_within_days)?;
        m.serialize_entry("inactiveDays", &l.inactive_days)?;
        m.serialize_entry("complete", &l.complete())?;
        m.serialize_entry("sources", &l.sources)?;
        m.serialize_entry("summary", &l.summary)?;
        if self.customers {
            m.serialize_entry("customers", &l.customers)?;
            m.serialize_entry("unattributedDelegations", &l.unattributed_delegations)?;
        }
        m.end()
    }
}
