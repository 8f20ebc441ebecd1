//! Which customers' DAP relationships to remove, and why; and why every other customer is kept.

use super::progress::JobControl;
use crate::client::Client;
use crate::customers::{self, DelegatedAdminCustomer, ListCustomersRequest};
use crate::error::{Error, ErrorKind, Result};
use crate::options::CallOptions;
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use uuid::Uuid;

pub const DEFAULT_INACTIVE_DAYS: u32 = 90;
pub const PLAN_FORMAT: u32 = 1;

/// Why a customer is a candidate or is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// Candidate: DAP enabled and the last partner sign-in is older than the threshold.
    InactiveSignIn,
    /// Candidate: DAP enabled, never signed in, and the relationship started before the threshold.
    NeverSignedIn,
    /// Kept: no DAP relationship.
    NoDap,
    /// Kept: a partner signed in within the threshold.
    RecentSignIn,
    /// Kept: never signed in, but the relationship is younger than the threshold.
    RecentStart,
    /// Kept: neither a sign-in nor a start date to judge by.
    NoDates,
    /// Kept: on the exclude list.
    Excluded,
    /// Kept: an include list was given and the customer is not on it.
    NotIncluded,
    /// Kept: the service returned a customer without a usable tenant id.
    InvalidId,
}

impl Reason {
    pub fn is_candidate(self) -> bool {
        matches!(self, Reason::InactiveSignIn | Reason::NeverSignedIn)
    }
}

/// One customer of a plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlanEntry {
    pub customer_tenant_id: String,
    #[serde(default)]
    pub organization_display_name: Option<String>,
    #[serde(default)]
    pub dap_enabled: Option<bool>,
    #[serde(default)]
    pub last_sign_in_date_time: Option<String>,
    #[serde(default)]
    pub start_date_time: Option<String>,
    pub reason: Reason,
    /// The reason in words, with the dates and day counts that decided it.
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlanSummary {
    pub customers: u64,
    pub candidates: u64,
    pub kept: u64,
}

/// A reviewed, saved and later applied list of DAP relationships to remove. Plain JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Plan {
    pub format: u32,
    /// Names this plan in journals: a journal belongs to exactly one plan.
    pub plan_id: Uuid,
    pub created_at: DateTime<Utc>,
    pub as_of: DateTime<Utc>,
    pub inactive_days: u32,
    #[serde(default)]
    pub include: Option<Vec<String>>,
    #[serde(default)]
    pub exclude: Vec<String>,
    pub summary: PlanSummary,
    pub candidates: Vec<PlanEntry>,
    pub kept: Vec<PlanEntry>,
}

/// What to plan for.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PlanRequest {
    /// The moment inactivity is measured from; default now.
    pub as_of: Option<DateTime<Utc>>,
    /// More than this many days without a partner sign-in makes a candidate; default 90.
    pub inactive_days: Option<u32>,
    /// Only these customers may be candidates.
    pub include: Option<Vec<Uuid>>,
    /// These customers are never candidates.
    pub exclude: Vec<Uuid>,
}

/// The rules, resolved.
#[derive(Debug, Clone)]
pub struct Criteria {
    pub as_of: DateTime<Utc>,
    pub inactive_days: u32,
    pub include: Option<HashSet<Uuid>>,
    pub exclude: HashSet<Uuid>,
}

impl Criteria {
    pub fn new(req: &PlanRequest) -> Result<Criteria> {
        let inactive_days = req.inactive_days.unwrap_or(DEFAULT_INACTIVE_DAYS);
        if !(1..=3650).contains(&inactive_days) {
            return Err(Error::invalid(format!(
                "inactiveDays must be from 1 to 3650, not {inactive_days}"
            )));
        }
        Ok(Criteria {
            as_of: req.as_of.unwrap_or_else(Utc::now),
            inactive_days,
            include: req.include.as_ref().map(|i| i.iter().copied().collect()),
            exclude: req.exclude.iter().copied().collect(),
        })
    }

    fn threshold(&self) -> DateTime<Utc> {
        self.as_of - Duration::days(i64::from(self.inactive_days))
    }

    /// Classify one customer.
    pub fn classify(&self, c: &DelegatedAdminCustomer) -> (Reason, String) {
        let n = self.inactive_days;
        let days = |t: DateTime<Utc>| (self.as_of - t).num_days();
        let Some(id) = c.tenant_id().and_then(|t| Uuid::parse_str(t).ok()) else {
            return (
                Reason::InvalidId,
                "the service returned no usable customerTenantId".into(),
            );
        };
        if self.exclude.contains(&id) {
            return (Reason::Excluded, "on the exclude list".into());
        }
        if self.include.as_ref().is_some_and(|inc| !inc.contains(&id)) {
            return (Reason::NotIncluded, "not on the include list".into());
        }
        if c.dap_enabled != Some(true) {
            return (
                Reason::NoDap,
                "no DAP relationship (dapEnabled is not true)".into(),
            );
        }
        match (c.last_sign_in(), c.start()) {
            (Some(t), _) if t < self.threshold() => (
                Reason::InactiveSignIn,
                format!("last partner sign-in {} is {} days before {}, more than {n}", t.to_rfc3339_opts(SecondsFormat::Secs, true), days(t), self.as_of.to_rfc3339_opts(SecondsFormat::Secs, true)),
            ),
            (Some(t), _) => (Reason::RecentSignIn, format!("last partner sign-in {} is {} days before {}, within {n}", t.to_rfc3339_opts(SecondsFormat::Secs, true), days(t), self.as_of.to_rfc3339_opts(SecondsFormat::Secs, true))),
            (None, Some(s)) if s < self.threshold() => (
                Reason::NeverSignedIn,
                format!("no partner sign-in, and the DAP relationship started {} ({} days before {}, more than {n})", s.to_rfc3339_opts(SecondsFormat::Secs, true), days(s), self.as_of.to_rfc3339_opts(SecondsFormat::Secs, true)),
            ),
            (None, Some(s)) => (
                Reason::RecentStart,
                format!("no partner sign-in, but the DAP relationship started {} ({} days before {}, within {n})", s.to_rfc3339_opts(SecondsFormat::Secs, true), days(s), self.as_of.to_rfc3339_opts(SecondsFormat::Secs, true)),
            ),
            (None, None) => (Reason::NoDates, "no sign-in date and no start date to judge by; kept to be safe".into()),
        }
    }

    fn entry(&self, c: DelegatedAdminCustomer) -> PlanEntry {
        let (reason, detail) = self.classify(&c);
        PlanEntry {
            customer_tenant_id: c
                .tenant_id()
                .and_then(|t| Uuid::parse_str(t).ok())
                .map_or_else(
                    || c.tenant_id().unwrap_or_default().to_string(),
                    |u| u.to_string(),
                ),
            organization_display_name: c.organization_display_name,
            dap_enabled: c.dap_enabled,
            last_sign_in_date_time: c.last_sign_in_date_time,
            start_date_time: c.start_date_time,
            reason,
            detail,
        }
    }
}

/// Build a plan from customers already listed (pure: no I/O).
pub fn plan_from_customers(
    customers: impl IntoIterator<Item = DelegatedAdminCustomer>,
    req: &PlanRequest,
) -> Result<Plan> {
    let criteria = Criteria::new(req)?;
    let mut plan = empty_plan(&criteria, req);
    for c in customers {
        push(&mut plan, criteria.entry(c));
    }
    Ok(plan)
}

fn empty_plan(criteria: &Criteria, req: &PlanRequest) -> Plan {
    Plan {
        format: PLAN_FORMAT,
        plan_id: Uuid::new_v4(),
        created_at: Utc::now(),
        as_of: criteria.as_of,
        inactive_days: criteria.inactive_days,
        include: req
            .include
            .as_ref()
            .map(|i| i.iter().map(Uuid::to_string).collect()),
        exclude: req.exclude.iter().map(Uuid::to_string).collect(),
        summary: PlanSummary {
            customers: 0,
            candidates: 0,
            kept: 0,
        },
        candidates: Vec::new(),
        kept: Vec::new(),
    }
}

fn push(plan: &mut Plan, entry: PlanEntry) {
    plan.summary.customers += 1;
    if entry.reason.is_candidate() {
        plan.summary.candidates += 1;
        plan.candidates.push(entry);
    } else {
        plan.summary.kept += 1;
        plan.kept.push(entry);
    }
}

/// The fields a plan needs, so that listing 100,000 customers moves as little as it can.
pub(crate) fn listing(filter: Option<&str>) -> ListCustomersRequest {
    ListCustomersRequest {
        select: [
            "customerTenantId",
            "organizationDisplayName",
            "dapEnabled",
            "startDateTime",
            "lastSignInDateTime",
        ]
        .map(String::from)
        .to_vec(),
        filter: filter.map(String::from),
        all_pages: true,
        ..ListCustomersRequest::default()
    }
}

/// List every delegated admin customer and plan. Classifies page by page, keeping only plan entries.
pub async fn plan(
    client: &Client,
    opts: &CallOptions,
    req: &PlanRequest,
    control: &JobControl,
) -> Result<Plan> {
    let criteria = Criteria::new(req)?;
    let mut out = empty_plan(&criteria, req);
    control.update(|p| p.phase = "listing".into());
    control.event("listing delegated admin customers", None, None);
    let mut seen = HashSet::new();
    let request = listing(None);
    let listed = customers::for_each_page(client, opts, &request, |page| {
        let n = page.len() as u64;
        for c in page {
            let entry = criteria.entry(c);
            // A customer listed twice (pages shifting under a concurrent change) is planned once.
            if seen.insert(entry.customer_tenant_id.clone()) {
                push(&mut out, entry);
            }
        }
        control.update(|p| p.customers_listed += n);
    });
    // A cancel stops the listing at once: a partial plan would silently leave customers out.
    tokio::select! {
        listed = listed => { listed?; }
        _ = control.cancelled() => {
            control.update(|p| p.phase = "finished".into());
            return Err(Error::new(
                ErrorKind::Conflict,
                "the plan was cancelled before every customer was listed; no plan was made",
            ));
        }
    }
    out.candidates.shrink_to_fit();
    out.kept.shrink_to_fit();
    control.update(|p| p.phase = "finished".into());
    control.event(
        format!(
            "planned: {} customers, {} candidates, {} kept",
            out.summary.customers, out.summary.candidates, out.summary.kept
        ),
        None,
        None,
    );
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn customer(
        id: &str,
        dap: bool,
        last: Option<&str>,
        start: Option<&str>,
    ) -> DelegatedAdminCustomer {
        DelegatedAdminCustomer {
            customer_tenant_id: Some(id.into()),
            dap_enabled: Some(dap),
            last_sign_in_date_time: last.map(String::from),
            start_date_time: start.map(String::from),
            ..Default::default()
        }
    }

    #[test]
    fn classification_at_the_threshold() {
        let req = PlanRequest {
            as_of: Some("2026-11-23T00:00:00Z".parse().unwrap()),
            ..Default::default()
        };
        let c = Criteria::new(&req).unwrap();
        let id = "53018d99-ac51-4ec8-b86e-c8a61de43717";
        let r = |cust| c.classify(&cust).0;
        assert_eq!(
            r(customer(id, true, Some("2026-08-24T23:59:59Z"), None)),
            Reason::InactiveSignIn,
            "90 days and a second"
        );
        assert_eq!(
            r(customer(id, true, Some("2026-08-25T00:00:00Z"), None)),
            Reason::RecentSignIn,
            "exactly 90 days is not more"
        );
        assert_eq!(
            r(customer(
                id,
                true,
                None,
                Some("2025-01-01T00:00:00.1234567Z")
            )),
            Reason::NeverSignedIn
        );
        assert_eq!(
            r(customer(id, true, None, Some("2026-11-01T00:00:00Z"))),
            Reason::RecentStart
        );
        assert_eq!(r(customer(id, true, None, None)), Reason::NoDates);
        assert_eq!(
            r(customer(id, false, Some("2020-01-01T00:00:00Z"), None)),
            Reason::NoDap
        );
        assert_eq!(
            r(customer("nope", true, Some("2020-01-01T00:00:00Z"), None)),
            Reason::InvalidId
        );
    }

    #[test]
    fn include_and_exclude_lists() {
        let a = Uuid::new_v4();
        let b = Uuid::new_v4();
        let old = Some("2020-01-01T00:00:00Z");
        let customers = || {
            vec![
                customer(&a.to_string(), true, old, None),
                customer(&b.to_string(), true, old, None),
            ]
        };
        let p = plan_from_customers(
            customers(),
            &PlanRequest {
                exclude: vec![a],
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(p.candidates.len(), 1);
        assert_eq!(p.candidates[0].customer_tenant_id, b.to_string());
        assert_eq!(p.kept[0].reason, Reason::Excluded);
        let p = plan_from_customers(
            customers(),
            &PlanRequest {
                include: Some(vec![a]),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(p.candidates.len(), 1);
        assert_eq!(p.candidates[0].customer_tenant_id, a.to_string());
        assert_eq!(p.kept[0].reason, Reason::NotIncluded);
        assert_eq!(
            p.summary,
            PlanSummary {
                customers: 2,
                candidates: 1,
                kept: 1
            }
        );
    }
}
