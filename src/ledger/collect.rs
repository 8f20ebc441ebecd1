//! Reading the ledger's sources, each into compact records as its pages arrive: the delegated admin
//! customers (DAP state, last partner sign-in), the GDAP relationships (Microsoft Graph) and the access
//! assignments of the active ones, and the Azure Lighthouse delegations of the subscriptions given or
//! seen (ARM). The three run at once; the per-relationship and per-subscription listings run a bounded
//! number at a time. A source that fails is reported in its [`SourceReport`], never left silently empty.

use super::model::{
    AccessAssignment, Assignments, Authorization, DapState, Delegation, EligibleAuthorization,
    GdapRelationship, RoleId, SourceReport, SourceStatus,
};
use super::{LedgerRequest, LighthouseSource};
use crate::client::Client;
use crate::customers::{self, DelegatedAdminCustomer, ListCustomersRequest, Reading};
use crate::engine::JobControl;
use crate::error::{Error, Result};
use crate::gdap::{self, ListRelationshipsRequest, Relationship, RelationshipId};
use crate::lighthouse::{self, RegistrationAssignment, Scope};
use crate::options::{CallOptions, DEFAULT_LISTING_TIMEOUT};
use chrono::{DateTime, Utc};
use futures_util::stream::{self, StreamExt};
use serde_json::Value;
use uuid::Uuid;

pub const SOURCE_CUSTOMERS: &str = "delegatedAdminCustomers";
pub const SOURCE_RELATIONSHIPS: &str = "gdapRelationships";
pub const SOURCE_ASSIGNMENTS: &str = "gdapAccessAssignments";
pub const SOURCE_SUBSCRIPTIONS: &str = "subscriptions";
pub const SOURCE_LIGHTHOUSE: &str = "lighthouseAssignments";

/// One customer of the delegated admin customers listing.
pub struct DapRecord {
    pub tenant_id: Uuid,
    pub name: Option<Box<str>>,
    pub state: DapState,
}

/// One GDAP relationship and the customer it is with.
pub struct GdapRecord {
    pub tenant_id: Uuid,
    pub customer_name: Option<Box<str>>,
    pub relationship: GdapRelationship,
}

/// One Lighthouse delegation and the customer tenant it reaches, when that can be told.
pub struct DelegationRecord {
    pub tenant_id: Option<Uuid>,
    pub tenant_name: Option<Box<str>>,
    pub delegation: Delegation,
}

/// Everything read, and how each source went.
pub struct Collected {
    pub dap: Vec<DapRecord>,
    pub gdap: Vec<GdapRecord>,
    pub delegations: Vec<DelegationRecord>,
    pub sources: Vec<SourceReport>,
}

impl Collected {
    pub fn source(&self, name: &str) -> Option<&SourceReport> {
        self.sources.iter().find(|s| s.source == name)
    }
}

fn boxed(s: Option<&str>) -> Option<Box<str>> {
    s.map(Into::into)
}

/// Whole days from `from` to `to` (negative when `to` is earlier).
fn days_between(from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
    (to - from).num_days()
}

/// The options of a whole listing (every page): the caller's deadline, else the cleanup's listing default.
fn listing_opts(opts: &CallOptions) -> CallOptions {
    let mut o = opts.clone();
    o.timeout = Some(opts.timeout_or(DEFAULT_LISTING_TIMEOUT));
    o
}

/// Read every source. Never fails for a source's failure (that is in `sources`); the caller decides
/// whether anything usable was read.
pub async fn collect(
    client: &Client,
    opts: &CallOptions,
    req: &LedgerRequest,
    as_of: DateTime<Utc>,
    control: &JobControl,
) -> Collected {
    control.update(|p| p.phase = "collecting".into());
    let ((dap, dap_source), (gdap, gdap_sources), (delegations, lighthouse_sources)) = tokio::join!(
        read_customers(client, opts, as_of, control),
        read_gdap(client, opts, req, as_of, control),
        read_lighthouse(client, opts, req, control),
    );
    let mut sources = vec![dap_source];
    sources.extend(gdap_sources);
    sources.extend(lighthouse_sources);
    Collected {
        dap,
        gdap,
        delegations,
        sources,
    }
}

/// Why a service cannot be asked at all with this client: no endpoint in its cloud.
fn unavailable(client: &Client, service: &'static crate::service::Service) -> Option<String> {
    client
        .endpoint(service)
        .err()
        .map(|e| format!("not read: {}", e.message))
}

// ---------------------------------------------------------------------------------------------------------
// DAP: the delegated admin customers listing

async fn read_customers(
    client: &Client,
    opts: &CallOptions,
    as_of: DateTime<Utc>,
    control: &JobControl,
) -> (Vec<DapRecord>, SourceReport) {
    let service = &customers::SERVICE;
    if let Some(why) = unavailable(client, service) {
        return (
            Vec::new(),
            SourceReport::skipped(SOURCE_CUSTOMERS, service.id, why),
        );
    }
    let mut report = SourceReport::new(SOURCE_CUSTOMERS, service.id);
    let req = ListCustomersRequest {
        select: [
            "customerTenantId",
            "organizationDisplayName",
            "dapEnabled",
            "startDateTime",
            "lastSignInDateTime",
        ]
        .map(String::from)
        .to_vec(),
        all_pages: true,
        ..ListCustomersRequest::default()
    };
    let mut records = Vec::new();
    let mut unusable = 0u64;
    let listed = customers::for_each_page(client, &listing_opts(opts), &req, |page| {
        control.update(|p| p.customers_listed += page.len() as u64);
        for c in page {
            match dap_record(&c, as_of) {
                Some(r) => records.push(r),
                None => unusable += 1,
            }
        }
    })
    .await;
    report.items = records.len() as u64;
    if unusable > 0 {
        report.add_detail(format!(
            "{unusable} customer(s) without a tenant id that is a GUID were left out"
        ));
    }
    match listed {
        Ok(_) => (records, report),
        // Pages read before the failure are dropped: a part of the listing would look like all of it.
        Err(e) => (Vec::new(), report_failure(report, e)),
    }
}

fn report_failure(mut report: SourceReport, e: Error) -> SourceReport {
    report.items = 0;
    report.failed(e)
}

fn dap_record(c: &DelegatedAdminCustomer, as_of: DateTime<Utc>) -> Option<DapRecord> {
    let tenant_id = c.tenant_id().and_then(|t| Uuid::try_parse(t.trim()).ok())?;
    let mut unreadable = Vec::new();
    let enabled = match c.dap_enabled() {
        Reading::Valid(b) => Some(b),
        Reading::Absent => None,
        Reading::Unreadable(raw) => {
            unreadable.push(format!("dapEnabled {raw}"));
            None
        }
    };
    let mut time = |what: &str, r: Reading<DateTime<Utc>>| match r {
        Reading::Valid(t) => Some(t),
        Reading::Absent => None,
        Reading::Unreadable(raw) => {
            unreadable.push(format!("{what} {raw}"));
            None
        }
    };
    let last_sign_in = time("lastSignInDateTime", c.last_sign_in());
    let start = time("startDateTime", c.start());
    Some(DapRecord {
        tenant_id,
        name: boxed(c.organization_display_name.as_deref()),
        state: DapState {
            enabled,
            last_sign_in,
            start,
            days_since_sign_in: last_sign_in.map(|t| days_between(t, as_of)),
            unreadable: (!unreadable.is_empty()).then(|| unreadable.join("; ").into()),
        },
    })
}

// ---------------------------------------------------------------------------------------------------------
// GDAP: relationships, then the access assignments of the active ones

async fn read_gdap(
    client: &Client,
    opts: &CallOptions,
    req: &LedgerRequest,
    as_of: DateTime<Utc>,
    control: &JobControl,
) -> (Vec<GdapRecord>, Vec<SourceReport>) {
    let service = &gdap::SERVICE;
    if let Some(why) = unavailable(client, service) {
        return (
            Vec::new(),
            vec![
                SourceReport::skipped(SOURCE_RELATIONSHIPS, service.id, why.clone()),
                SourceReport::skipped(SOURCE_ASSIGNMENTS, service.id, why),
            ],
        );
    }
    let mut report = SourceReport::new(SOURCE_RELATIONSHIPS, service.id);
    let listing = ListRelationshipsRequest {
        select: [
            "id",
            "displayName",
            "customer",
            "status",
            "endDateTime",
            "autoExtendDuration",
            "accessDetails",
        ]
        .map(String::from)
        .to_vec(),
        ..ListRelationshipsRequest::default()
    };
    let mut records = Vec::new();
    let mut unusable = 0u64;
    let listed = gdap::for_each_relationship_page(client, &listing_opts(opts), &listing, |page| {
        control.update(|p| p.relationships_listed += page.len() as u64);
        for r in page {
            match gdap_record(r, as_of) {
                Some(rec) => records.push(rec),
                None => unusable += 1,
            }
        }
    })
    .await;
    if unusable > 0 {
        report.add_detail(format!(
            "{unusable} relationship(s) without an id or a customer tenant id that is a GUID were left out"
        ));
    }
    if let Err(e) = listed {
        let skipped = SourceReport::skipped(
            SOURCE_ASSIGNMENTS,
            service.id,
            "not read: the relationships could not be listed".into(),
        );
        return (Vec::new(), vec![report_failure(report, e), skipped]);
    }
    report.items = records.len() as u64;
    let assignments = read_assignments(client, opts, req.concurrency, &mut records, control).await;
    (records, vec![report, assignments])
}

fn roles_of(details: Option<&gdap::AccessDetails>) -> Box<[RoleId]> {
    details
        .map(|d| {
            d.unified_roles
                .iter()
                .filter_map(|r| r.role_definition_id.as_deref())
                .map(RoleId::parse)
                .collect()
        })
        .unwrap_or_default()
}

fn gdap_record(r: Relationship, as_of: DateTime<Utc>) -> Option<GdapRecord> {
    let tenant_id = r.customer_tenant_id()?;
    let id = r.id.as_deref()?.trim();
    if id.is_empty() {
        return None;
    }
    let end = r.end();
    Some(GdapRecord {
        tenant_id,
        customer_name: boxed(r.customer.as_ref().and_then(|c| c.display_name.as_deref())),
        relationship: GdapRelationship {
            id: id.into(),
            display_name: boxed(r.display_name.as_deref()),
            status: boxed(r.status.as_deref()),
            end,
            days_to_end: end.map(|e| days_between(as_of, e)),
            auto_extend_duration: boxed(r.auto_extend_duration.as_deref()),
            roles: roles_of(r.access_details.as_ref()),
            assignments: Assignments::NotListed,
        },
    })
}

/// The access assignments of every active relationship, `concurrency` listings at a time; deleted ones
/// are left out.
async fn read_assignments(
    client: &Client,
    opts: &CallOptions,
    concurrency: usize,
    records: &mut [GdapRecord],
    control: &JobControl,
) -> SourceReport {
    let mut report = SourceReport::new(SOURCE_ASSIGNMENTS, gdap::SERVICE.id);
    let active: Vec<usize> = (0..records.len())
        .filter(|i| records[*i].relationship.is_active())
        .collect();
    control.update(|p| p.total += active.len() as u64);
    let jobs: Vec<(usize, Result<RelationshipId>)> = active
        .iter()
        .map(|i| {
            (
                *i,
                RelationshipId::parse("relationship id", &records[*i].relationship.id),
            )
        })
        .collect();
    let found: Vec<(usize, Result<Box<[AccessAssignment]>>)> = stream::iter(jobs)
        .map(|(i, id)| async move {
            let listed = match id {
                Ok(id) => gdap::list_access_assignments(client, opts, &id, None)
                    .await
                    .map(compact_assignments),
                Err(e) => Err(e),
            };
            control.update(|p| p.done += 1);
            (i, listed)
        })
        .buffer_unordered(concurrency.max(1))
        .collect()
        .await;
    for (i, listed) in found {
        records[i].relationship.assignments = match listed {
            Ok(a) => {
                report.items += a.len() as u64;
                Assignments::Listed(a)
            }
            Err(e) => {
                report.failures += 1;
                if report.error.is_none() {
                    report.error = Some(e.clone());
                }
                Assignments::Failed(Box::new(e))
            }
        };
    }
    report.detail = Some(format!(
        "listed for {} active relationship(s)",
        active.len()
    ));
    if report.failures > 0 {
        report.status = if report.failures == active.len() as u64 {
            SourceStatus::Failed
        } else {
            SourceStatus::Partial
        };
    }
    report
}

fn compact_assignments(found: Vec<gdap::AccessAssignment>) -> Box<[AccessAssignment]> {
    found
        .into_iter()
        .filter(|a| a.status.as_deref() != Some("deleted"))
        .map(|a| AccessAssignment {
            id: boxed(a.id.as_deref()),
            status: boxed(a.status.as_deref()),
            security_group_id: boxed(
                a.access_container
                    .as_ref()
                    .and_then(|c| c.access_container_id.as_deref()),
            ),
            roles: roles_of(a.access_details.as_ref()),
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------------------
// Azure Lighthouse: subscriptions, then each one's registration assignments with their definitions

/// A subscription to look in, with what the listing said about it.
struct SubscriptionInfo {
    id: Uuid,
    name: Option<Box<str>>,
    tenant_id: Option<Uuid>,
}

/// Why Lighthouse is not read with this client (auto mode): no ARM endpoint, or a credential of tokens
/// brought per service without one for ARM.
pub fn lighthouse_unavailable(client: &Client) -> Option<String> {
    let service = &lighthouse::SERVICE;
    if let Some(why) = unavailable(client, service) {
        return Some(why);
    }
    let scope = client.scope(service).ok()?;
    let credential = client.credential()?;
    (!credential.serves(&scope)).then(|| {
        "not read: the credential holds no token for Azure Resource Manager (auth.accessTokens has none for resourceManager)".to_string()
    })
}

async fn read_lighthouse(
    client: &Client,
    opts: &CallOptions,
    req: &LedgerRequest,
    control: &JobControl,
) -> (Vec<DelegationRecord>, Vec<SourceReport>) {
    let service = lighthouse::SERVICE.id;
    let skipped = |why: String| {
        (
            Vec::new(),
            vec![
                SourceReport::skipped(SOURCE_SUBSCRIPTIONS, service, why.clone()),
                SourceReport::skipped(SOURCE_LIGHTHOUSE, service, why),
            ],
        )
    };
    match req.lighthouse {
        LighthouseSource::Off => {
            return skipped("not read: the request turned Lighthouse off".into())
        }
        LighthouseSource::Auto => {
            if let Some(why) = lighthouse_unavailable(client) {
                return skipped(why);
            }
        }
        LighthouseSource::On => {}
    }
    let mut subs_report = SourceReport::new(SOURCE_SUBSCRIPTIONS, service);
    let subscriptions: Vec<SubscriptionInfo> = match &req.subscriptions {
        Some(given) => {
            subs_report.add_detail("given in the request".into());
            given
                .iter()
                .map(|id| SubscriptionInfo {
                    id: *id,
                    name: None,
                    tenant_id: None,
                })
                .collect()
        }
        None => match crate::subscriptions::list_subscriptions(client, &listing_opts(opts)).await {
            Ok(found) => {
                let mut unusable = 0;
                let list: Vec<SubscriptionInfo> = found
                    .iter()
                    .filter_map(|s| {
                        let info = s.id().map(|id| SubscriptionInfo {
                            id,
                            name: boxed(s.display_name.as_deref()),
                            tenant_id: s
                                .tenant_id
                                .as_deref()
                                .and_then(|t| Uuid::try_parse(t.trim()).ok()),
                        });
                        if info.is_none() {
                            unusable += 1;
                        }
                        info
                    })
                    .collect();
                if unusable > 0 {
                    subs_report.add_detail(format!(
                        "{unusable} subscription(s) without an id that is a GUID were left out"
                    ));
                }
                list
            }
            Err(e) => {
                let not_read = SourceReport::skipped(
                    SOURCE_LIGHTHOUSE,
                    service,
                    "not read: the subscriptions could not be listed".into(),
                );
                return (Vec::new(), vec![report_failure(subs_report, e), not_read]);
            }
        },
    };
    subs_report.items = subscriptions.len() as u64;
    control.update(|p| p.total += subscriptions.len() as u64);

    let mut report = SourceReport::new(SOURCE_LIGHTHOUSE, service);
    let concurrency = req.concurrency.max(1);
    let found: Vec<(usize, Result<Vec<RegistrationAssignment>>)> = stream::iter(
        subscriptions
            .iter()
            .map(|s| s.id)
            .collect::<Vec<Uuid>>()
            .into_iter()
            .enumerate(),
    )
    .map(|(i, subscription_id)| async move {
        let scope = Scope {
            subscription_id,
            resource_group: None,
        };
        let listed = lighthouse::list_assignments(client, opts, &scope, true, None).await;
        control.update(|p| p.done += 1);
        (i, listed)
    })
    .buffer_unordered(concurrency)
    .collect()
    .await;
    let mut records = Vec::new();
    for (i, listed) in found {
        let s = &subscriptions[i];
        match listed {
            Ok(assignments) => {
                for a in &assignments {
                    records.push(delegation_record(a, s));
                }
            }
            Err(e) => {
                report.failures += 1;
                if report.error.is_none() {
                    report.error = Some(e);
                }
            }
        }
    }
    records.sort_by_key(|r| {
        (
            r.delegation.subscription_id,
            r.delegation.assignment_id.clone(),
        )
    });
    report.items = records.len() as u64;
    report.detail = Some(format!(
        "listed in {} subscription(s), at subscription scope",
        subscriptions.len()
    ));
    if report.failures > 0 {
        report.status = if report.failures == subscriptions.len() as u64 {
            SourceStatus::Failed
        } else {
            SourceStatus::Partial
        };
    }
    (records, vec![subs_report, report])
}

fn text(v: Option<&Value>, key: &str) -> Option<Box<str>> {
    v.and_then(|v| v.get(key))
        .and_then(Value::as_str)
        .map(Into::into)
}

fn items<'a>(v: Option<&'a Value>, key: &str) -> impl Iterator<Item = &'a Value> {
    v.and_then(|v| v.get(key))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
}

fn role(v: &Value) -> RoleId {
    RoleId::parse(
        v.get("roleDefinitionId")
            .and_then(Value::as_str)
            .unwrap_or(""),
    )
}

fn delegation_record(a: &RegistrationAssignment, s: &SubscriptionInfo) -> DelegationRecord {
    let props = a
        .properties
        .registration_definition
        .as_ref()
        .and_then(|d| d.get("properties"));
    let authorizations = items(props, "authorizations")
        .map(|x| Authorization {
            principal_id: text(Some(x), "principalId"),
            principal_name: text(Some(x), "principalIdDisplayName"),
            role: role(x),
            delegated_roles: items(Some(x), "delegatedRoleDefinitionIds")
                .filter_map(Value::as_str)
                .map(RoleId::parse)
                .collect(),
        })
        .collect();
    let eligible = items(props, "eligibleAuthorizations")
        .map(|x| {
            let policy = x.get("justInTimeAccessPolicy");
            EligibleAuthorization {
                principal_id: text(Some(x), "principalId"),
                principal_name: text(Some(x), "principalIdDisplayName"),
                role: role(x),
                mfa_provider: text(policy, "multiFactorAuthProvider"),
                maximum_activation_duration: text(policy, "maximumActivationDuration"),
                approvers: items(policy, "managedByTenantApprovers").count() as u32,
            }
        })
        .collect();
    let managee = text(props, "manageeTenantId").and_then(|t| Uuid::try_parse(t.trim()).ok());
    DelegationRecord {
        tenant_id: managee.or(s.tenant_id),
        tenant_name: text(props, "manageeTenantName"),
        delegation: Delegation {
            subscription_id: s.id,
            subscription_name: s.name.clone(),
            assignment_id: boxed(a.id.as_deref()),
            registration_definition_id: boxed(a.properties.registration_definition_id.as_deref()),
            registration_definition_name: text(props, "registrationDefinitionName"),
            managed_by_tenant_id: text(props, "managedByTenantId"),
            managed_by_tenant_name: text(props, "managedByTenantName"),
            provisioning_state: boxed(a.properties.provisioning_state.as_deref()),
            authorizations,
            eligible_authorizations: eligible,
        },
    }
}
