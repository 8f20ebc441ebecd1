//! Which customers' DAP relationships to remove, and why; and why every other customer is kept.

use super::gdap::{self, ActiveGdap, GdapCheck};
use super::progress::JobControl;
use crate::client::Client;
use crate::customers::{self, DelegatedAdminCustomer, ListCustomersRequest, Reading};
use crate::error::{Error, ErrorKind, Result};
use crate::options::{CallOptions, DEFAULT_LISTING_TIMEOUT};
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::HashSet;
use uuid::Uuid;

pub const DEFAULT_INACTIVE_DAYS: u32 = 90;
/// The range of `inactiveDays` the planner accepts, and apply accepts in a plan.
pub const INACTIVE_DAYS_RANGE: std::ops::RangeInclusive<u32> = 1..=3650;
pub const PLAN_FORMAT: u32 = 1;
/// How far `asOf` (and a date from the service) may lie ahead of this machine's clock: clocks disagree by
/// seconds, never by this much.
pub const CLOCK_SKEW: Duration = Duration::minutes(5);

/// The earliest date believed from the service or a plan (DAP did not exist before): `0001-01-01`, the
/// .NET default that some services write for "never", is out of range, not "very long ago".
pub fn earliest_date() -> DateTime<Utc> {
    DateTime::<Utc>::from_timestamp(946_684_800, 0).unwrap_or(DateTime::<Utc>::MIN_UTC)
}

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
    /// Kept: `lastSignInDateTime` or `startDateTime` is present but not a readable date in range (another
    /// format, not a string, a date that does not exist, before 2000 or in the future). The raw value is in
    /// the detail.
    UnreadableDate,
    /// Kept: `dapEnabled` is missing or not a JSON boolean. The raw value is in the detail.
    UnreadableDapEnabled,
    /// Kept: a candidate otherwise, but the partner holds no active GDAP relationship with the customer:
    /// removing DAP would leave no admin access to it (unless `allowWithoutGdap`).
    NoActiveGdap,
    /// Kept: a candidate otherwise, but the GDAP relationships could not be listed (Graph unreachable with
    /// the credential given); the error is in the detail (unless `allowWithoutGdap`).
    GdapUnknown,
}

impl Reason {
    pub fn is_candidate(self) -> bool {
        matches!(self, Reason::InactiveSignIn | Reason::NeverSignedIn)
    }

    /// The reason as it is written in plans and reports (`recent_sign_in`, ...).
    pub fn code(self) -> &'static str {
        match self {
            Reason::InactiveSignIn => "inactive_sign_in",
            Reason::NeverSignedIn => "never_signed_in",
            Reason::NoDap => "no_dap",
            Reason::RecentSignIn => "recent_sign_in",
            Reason::RecentStart => "recent_start",
            Reason::NoDates => "no_dates",
            Reason::Excluded => "excluded",
            Reason::NotIncluded => "not_included",
            Reason::InvalidId => "invalid_id",
            Reason::UnreadableDate => "unreadable_date",
            Reason::UnreadableDapEnabled => "unreadable_dap_enabled",
            Reason::NoActiveGdap => "no_active_gdap",
            Reason::GdapUnknown => "gdap_unknown",
        }
    }
}

/// One customer of a plan. The service's values are kept as it wrote them (any JSON type).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlanEntry {
    pub customer_tenant_id: String,
    #[serde(default)]
    pub organization_display_name: Option<String>,
    #[serde(default)]
    pub dap_enabled: Option<Value>,
    #[serde(default)]
    pub last_sign_in_date_time: Option<Value>,
    #[serde(default)]
    pub start_date_time: Option<Value>,
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

/// A reviewed, saved and later applied list of DAP relationships to remove. Plain JSON: a person may edit
/// it, so apply trusts nothing in it but the candidates' ids, and judges each of them again (see
/// [`Criteria::of_plan`] and the recheck).
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
    /// Whether a candidate may be removed without an active GDAP relationship with its customer; apply's
    /// recheck follows the plan. A plan without the field (written before GDAP was checked) is read as
    /// `false`: the safe reading.
    #[serde(default)]
    pub allow_without_gdap: bool,
    /// What the planner found about GDAP (absent in a plan written before GDAP was checked, or built
    /// without it by [`plan_from_customers`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gdap: Option<GdapCheck>,
    pub summary: PlanSummary,
    pub candidates: Vec<PlanEntry>,
    pub kept: Vec<PlanEntry>,
}

/// What to plan for.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PlanRequest {
    /// The moment inactivity is measured from; default now. Never later than now (beyond [`CLOCK_SKEW`]).
    pub as_of: Option<DateTime<Utc>>,
    /// More than this many days without a partner sign-in makes a candidate; default 90.
    pub inactive_days: Option<u32>,
    /// Only these customers may be candidates.
    pub include: Option<Vec<Uuid>>,
    /// These customers are never candidates.
    pub exclude: Vec<Uuid>,
    /// Let a candidate be one even when the partner holds no active GDAP relationship with its customer
    /// (then Graph is not asked at all).
    pub allow_without_gdap: bool,
}

/// The rules, resolved and checked: the planner's, and apply's (from the plan) for the recheck.
#[derive(Debug, Clone)]
pub struct Criteria {
    pub as_of: DateTime<Utc>,
    pub inactive_days: u32,
    pub include: Option<HashSet<Uuid>>,
    pub exclude: HashSet<Uuid>,
    /// A candidate needs no active GDAP relationship.
    pub allow_without_gdap: bool,
    /// `as_of - inactive_days`.
    threshold: DateTime<Utc>,
    /// The latest date believed from the service: this machine's clock when the criteria were made, plus
    /// [`CLOCK_SKEW`].
    latest: DateTime<Utc>,
}

impl Criteria {
    /// The planner's criteria. An `asOf` in the future, before 2000, or an `inactiveDays` out of range is
    /// refused.
    pub fn new(req: &PlanRequest) -> Result<Criteria> {
        Criteria::build(
            req.as_of.unwrap_or_else(Utc::now),
            req.inactive_days.unwrap_or(DEFAULT_INACTIVE_DAYS),
            req.include.as_ref().map(|i| i.iter().copied().collect()),
            req.exclude.iter().copied().collect(),
            req.allow_without_gdap,
            "",
        )
    }

    /// Apply's criteria, read from a plan file as untrusted input: the same checks as the planner's, and
    /// the include and exclude lists must be GUIDs. Never panics, whatever the plan holds.
    pub fn of_plan(plan: &Plan) -> Result<Criteria> {
        let ids = |what: &str, list: &[String]| -> Result<HashSet<Uuid>> {
            list.iter()
                .map(|i| crate::validate::guid(&format!("the plan's {what}"), i))
                .collect()
        };
        Criteria::build(
            plan.as_of,
            plan.inactive_days,
            plan.include
                .as_deref()
                .map(|i| ids("include", i))
                .transpose()?,
            ids("exclude", &plan.exclude)?,
            plan.allow_without_gdap,
            "the plan's ",
        )
    }

    fn build(
        as_of: DateTime<Utc>,
        inactive_days: u32,
        include: Option<HashSet<Uuid>>,
        exclude: HashSet<Uuid>,
        allow_without_gdap: bool,
        whose: &str,
    ) -> Result<Criteria> {
        if !INACTIVE_DAYS_RANGE.contains(&inactive_days) {
            return Err(Error::invalid(format!(
                "{whose}inactiveDays must be from {} to {}, not {inactive_days}",
                INACTIVE_DAYS_RANGE.start(),
                INACTIVE_DAYS_RANGE.end()
            )));
        }
        let now = Utc::now();
        let latest = now.checked_add_signed(CLOCK_SKEW).unwrap_or(now);
        if as_of > latest {
            return Err(Error::invalid(format!(
                "{whose}asOf {} is later than now ({}): a plan is about who has been inactive, not who will be",
                as_of.to_rfc3339_opts(SecondsFormat::Secs, true),
                now.to_rfc3339_opts(SecondsFormat::Secs, true)
            )));
        }
        let threshold = as_of
            .checked_sub_signed(Duration::days(i64::from(inactive_days)))
            .filter(|t| *t >= earliest_date())
            .ok_or_else(|| {
                Error::invalid(format!(
                    "{whose}asOf {} minus {inactive_days} days is before {}: no DAP relationship is that old",
                    as_of.to_rfc3339_opts(SecondsFormat::Secs, true),
                    earliest_date().date_naive()
                ))
            })?;
        Ok(Criteria {
            as_of,
            inactive_days,
            include,
            exclude,
            allow_without_gdap,
            threshold,
            latest,
        })
    }

    /// A date of the service, judged: readable and in range, or why not.
    fn date(
        &self,
        field: &str,
        reading: Reading<DateTime<Utc>>,
    ) -> Result<Option<DateTime<Utc>>, String> {
        match reading {
            Reading::Absent => Ok(None),
            Reading::Valid(t) if t < earliest_date() || t > self.latest => Err(format!(
                "{field} {} is out of range (before {} or in the future); kept to be safe",
                t.to_rfc3339_opts(SecondsFormat::Secs, true),
                earliest_date().date_naive()
            )),
            Reading::Valid(t) => Ok(Some(t)),
            Reading::Unreadable(raw) => Err(format!(
                "{field} {raw} is not an RFC 3339 / ISO 8601 date-time; kept to be safe"
            )),
        }
    }

    /// Classify one customer. Only a customer whose every judged field was read is ever a candidate.
    pub fn classify(&self, c: &DelegatedAdminCustomer) -> (Reason, String) {
        let n = self.inactive_days;
        let fmt = |t: DateTime<Utc>| t.to_rfc3339_opts(SecondsFormat::Secs, true);
        let days = |t: DateTime<Utc>| (self.as_of - t).num_days();
        let as_of = fmt(self.as_of);
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
        match c.dap_enabled() {
            Reading::Valid(true) => {}
            Reading::Valid(false) => {
                return (
                    Reason::NoDap,
                    "no DAP relationship (dapEnabled is false)".into(),
                )
            }
            Reading::Absent => {
                return (
                    Reason::UnreadableDapEnabled,
                    "dapEnabled is missing; kept to be safe".into(),
                )
            }
            Reading::Unreadable(raw) => {
                return (
                    Reason::UnreadableDapEnabled,
                    format!("dapEnabled {raw} is not a JSON boolean; kept to be safe"),
                )
            }
        }
        let last = self.date("lastSignInDateTime", c.last_sign_in());
        let start = self.date("startDateTime", c.start());
        let (last, start) = match (last, start) {
            (Ok(l), Ok(s)) => (l, s),
            (Err(why), _) | (_, Err(why)) => return (Reason::UnreadableDate, why),
        };
        match (last, start) {
            (Some(t), _) if t < self.threshold => (
                Reason::InactiveSignIn,
                format!("last partner sign-in {} is {} days before {as_of}, more than {n}", fmt(t), days(t)),
            ),
            (Some(t), _) => (
                Reason::RecentSignIn,
                format!("last partner sign-in {} is {} days before {as_of}, within {n}", fmt(t), days(t)),
            ),
            (None, Some(s)) if s < self.threshold => (
                Reason::NeverSignedIn,
                format!("no partner sign-in, and the DAP relationship started {} ({} days before {as_of}, more than {n})", fmt(s), days(s)),
            ),
            (None, Some(s)) => (
                Reason::RecentStart,
                format!("no partner sign-in, but the DAP relationship started {} ({} days before {as_of}, within {n})", fmt(s), days(s)),
            ),
            (None, None) => (
                Reason::NoDates,
                "no sign-in date and no start date to judge by; kept to be safe".into(),
            ),
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

/// Check a plan read from a file before anything is sent: its format, its criteria ([`Criteria::of_plan`]),
/// and its candidates (GUIDs, each once, each with a removal reason). Returns the criteria the recheck
/// judges by and the candidates' ids, in order.
pub fn validate_for_apply(plan: &Plan) -> Result<(Criteria, Vec<Uuid>)> {
    if plan.format != PLAN_FORMAT {
        return Err(Error::invalid(format!(
            "plan format {} is not supported (expected {PLAN_FORMAT})",
            plan.format
        )));
    }
    let criteria = Criteria::of_plan(plan)?;
    let mut seen = HashSet::new();
    let mut ids = Vec::with_capacity(plan.candidates.len());
    for c in &plan.candidates {
        let id = crate::validate::guid("plan candidate customerTenantId", &c.customer_tenant_id)?;
        if !seen.insert(id) {
            return Err(Error::invalid(format!("plan lists candidate {id} twice")));
        }
        if !c.reason.is_candidate() {
            return Err(Error::invalid(format!(
                "plan candidate {id} has reason {}, which is not a removal reason",
                c.reason.code()
            )));
        }
        ids.push(id);
    }
    Ok((criteria, ids))
}

/// Build a plan from customers already listed (pure: no I/O). GDAP is not judged here (`gdap` is absent):
/// pass the plan to [`hold_without_gdap`] with what a listing found.
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
        allow_without_gdap: criteria.allow_without_gdap,
        gdap: None,
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

/// Judge the plan's candidates by GDAP: with `found`, a candidate whose customer has an active relationship
/// stays one and its detail names the relationships; one without is kept as [`Reason::NoActiveGdap`]. With
/// an error (the relationships could not be listed), every candidate is kept as [`Reason::GdapUnknown`]
/// with the error in its detail. Records what happened in `plan.gdap`.
pub fn hold_without_gdap(plan: &mut Plan, found: std::result::Result<&ActiveGdap, &Error>) {
    let candidates = std::mem::take(&mut plan.candidates);
    let mut held = 0u64;
    for mut entry in candidates {
        let verdict = match found {
            Ok(active) => Uuid::parse_str(&entry.customer_tenant_id)
                .ok()
                .and_then(|id| active.describe(&id))
                .ok_or(Reason::NoActiveGdap),
            Err(_) => Err(Reason::GdapUnknown),
        };
        match verdict {
            Ok(named) => {
                entry.detail = gdap::covered_detail(&entry.detail, &named);
                plan.candidates.push(entry);
            }
            Err(reason) => {
                entry.detail = match found {
                    Err(e) => gdap::unknown_detail(&entry.detail, e),
                    Ok(_) => gdap::uncovered_detail(&entry.detail),
                };
                entry.reason = reason;
                held += 1;
                plan.summary.candidates -= 1;
                plan.summary.kept += 1;
                plan.kept.push(entry);
            }
        }
    }
    plan.gdap = Some(GdapCheck {
        required: true,
        checked: found.is_ok(),
        relationships: found.map_or(0, ActiveGdap::relationships),
        held,
        error: found.err().cloned(),
    });
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
/// `opts.timeout` bounds the whole listing (default [`DEFAULT_LISTING_TIMEOUT`]).
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
    let mut opts = opts.clone();
    opts.timeout = Some(opts.timeout_or(DEFAULT_LISTING_TIMEOUT));
    let listed = customers::for_each_page(client, &opts, &request, |page| {
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
    check_gdap(client, &opts, &criteria, &mut out, control).await?;
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

/// The GDAP rule on a planned list: unless the plan allows it, list the active GDAP relationships once (all
/// pages) and hold every candidate without one; any error of that listing holds every candidate and is
/// written in the plan. A cancel stops it like the customers' listing.
async fn check_gdap(
    client: &Client,
    opts: &CallOptions,
    criteria: &Criteria,
    out: &mut Plan,
    control: &JobControl,
) -> Result<()> {
    if criteria.allow_without_gdap {
        out.gdap = Some(GdapCheck::not_required());
        return Ok(());
    }
    if out.candidates.is_empty() {
        out.gdap = Some(GdapCheck {
            required: true,
            ..GdapCheck::not_required()
        });
        return Ok(());
    }
    control.update(|p| p.phase = "listingGdap".into());
    control.event(
        format!(
            "listing the active GDAP relationships (Microsoft Graph) for {} candidates",
            out.candidates.len()
        ),
        None,
        None,
    );
    let customers: HashSet<Uuid> = out
        .candidates
        .iter()
        .filter_map(|c| Uuid::parse_str(&c.customer_tenant_id).ok())
        .collect();
    let listed = gdap::list_active(client, opts, &customers, control, || {});
    let found = tokio::select! {
        found = listed => found,
        _ = control.cancelled() => {
            control.update(|p| p.phase = "finished".into());
            return Err(Error::new(
                ErrorKind::Conflict,
                "the plan was cancelled while the GDAP relationships were listed; no plan was made",
            ));
        }
    };
    hold_without_gdap(out, found.as_ref());
    let check = out.gdap.as_ref().map_or(0, |g| g.held);
    control.event(
        match &found {
            Ok(_) => format!("GDAP: {check} candidates held without an active GDAP relationship"),
            Err(e) => {
                format!("GDAP: the relationships could not be listed ({e}); every candidate held")
            }
        },
        None,
        None,
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn customer(
        id: &str,
        dap: bool,
        last: Option<&str>,
        start: Option<&str>,
    ) -> DelegatedAdminCustomer {
        DelegatedAdminCustomer {
            customer_tenant_id: Some(id.into()),
            dap_enabled: Some(Value::Bool(dap)),
            last_sign_in_date_time: last.map(|l| Value::String(l.into())),
            start_date_time: start.map(|s| Value::String(s.into())),
            ..Default::default()
        }
    }

    #[test]
    fn nothing_unreadable_is_ever_a_candidate() {
        let req = PlanRequest {
            as_of: Some("2026-11-23T00:00:00Z".parse().unwrap()),
            ..Default::default()
        };
        let c = Criteria::new(&req).unwrap();
        let id = "53018d99-ac51-4ec8-b86e-c8a61de43717";
        let old = Some("2020-01-01T00:00:00Z");
        let with = |f: &dyn Fn(&mut DelegatedAdminCustomer)| {
            let mut cust = customer(id, true, old, old);
            f(&mut cust);
            c.classify(&cust)
        };
        for (what, raw) in [
            ("another format", json!("01/02/2020")),
            ("empty", json!("")),
            ("a number", json!(1_577_836_800)),
            ("no such day", json!("2020-02-30T00:00:00Z")),
            ("year 1", json!("0001-01-01T00:00:00Z")),
            ("the future", json!("2999-01-01T00:00:00Z")),
            ("padded", json!(" 2020-01-01T00:00:00Z")),
        ] {
            let (reason, detail) = with(&|cu| cu.last_sign_in_date_time = Some(raw.clone()));
            assert_eq!(reason, Reason::UnreadableDate, "{what}: {detail}");
            assert!(detail.contains("lastSignInDateTime"), "{detail}");
            let (reason, _) = with(&|cu| {
                cu.last_sign_in_date_time = None;
                cu.start_date_time = Some(raw.clone());
            });
            assert_eq!(reason, Reason::UnreadableDate, "start {what}");
            // An unreadable start date keeps the customer even when the sign-in alone would decide.
            let (reason, _) = with(&|cu| cu.start_date_time = Some(raw.clone()));
            assert_eq!(
                reason,
                Reason::UnreadableDate,
                "start {what} beside a sign-in"
            );
        }
        let (reason, detail) = with(&|cu| cu.dap_enabled = Some(json!("true")));
        assert_eq!(reason, Reason::UnreadableDapEnabled);
        assert!(
            detail.contains("\"true\""),
            "the raw value is shown: {detail}"
        );
        assert_eq!(
            with(&|cu| cu.dap_enabled = None).0,
            Reason::UnreadableDapEnabled
        );
        assert_eq!(with(&|_| {}).0, Reason::InactiveSignIn, "the control case");
    }

    #[test]
    fn criteria_refuse_the_future_and_arithmetic_that_would_overflow() {
        let future = PlanRequest {
            as_of: Some(Utc::now() + Duration::days(2)),
            ..Default::default()
        };
        assert!(Criteria::new(&future)
            .unwrap_err()
            .message
            .contains("later than now"));
        let ancient = PlanRequest {
            as_of: Some(DateTime::<Utc>::MIN_UTC),
            ..Default::default()
        };
        assert!(
            Criteria::new(&ancient).is_err(),
            "no panic on the minimum date"
        );
        for days in [0, 3651, u32::MAX] {
            let r = PlanRequest {
                inactive_days: Some(days),
                ..Default::default()
            };
            assert!(Criteria::new(&r).is_err(), "{days}");
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
    fn gdap_holds_candidates_without_an_active_relationship() {
        let (a, b, c) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        let old = Some("2020-01-01T00:00:00Z");
        let customers = || {
            vec![
                customer(&a.to_string(), true, old, None),
                customer(&b.to_string(), true, old, None),
                customer(&c.to_string(), false, old, None),
            ]
        };
        let mut found = ActiveGdap::default();
        found.add(
            vec![serde_json::from_value(json!({
                "id": format!("{}-{}", Uuid::new_v4(), Uuid::new_v4()),
                "displayName": "GDAP a",
                "status": "active",
                "customer": {"tenantId": a.to_string()},
                "accessDetails": {"unifiedRoles": [{"roleDefinitionId": Uuid::new_v4()}]},
            }))
            .unwrap()],
            None,
        );
        let mut p = plan_from_customers(customers(), &PlanRequest::default()).unwrap();
        assert!(p.gdap.is_none() && !p.allow_without_gdap);
        hold_without_gdap(&mut p, Ok(&found));
        assert_eq!(p.candidates.len(), 1);
        assert_eq!(p.candidates[0].customer_tenant_id, a.to_string());
        assert!(p.candidates[0]
            .detail
            .contains("\"GDAP a\" (no end date, 1 role)"));
        let held = p
            .kept
            .iter()
            .find(|k| k.customer_tenant_id == b.to_string())
            .unwrap();
        assert_eq!(held.reason, Reason::NoActiveGdap);
        assert!(
            held.detail.starts_with("last partner sign-in"),
            "{}",
            held.detail
        );
        assert_eq!(
            p.summary,
            PlanSummary {
                customers: 3,
                candidates: 1,
                kept: 2
            }
        );
        let g = p.gdap.clone().unwrap();
        assert!(g.required && g.checked && g.error.is_none());
        assert_eq!((g.relationships, g.held), (1, 1));

        let mut p = plan_from_customers(customers(), &PlanRequest::default()).unwrap();
        let e = Error::new(ErrorKind::Unauthorized, "no token for Graph");
        hold_without_gdap(&mut p, Err(&e));
        assert!(p.candidates.is_empty());
        assert_eq!(p.summary.kept, 3);
        assert!(p
            .kept
            .iter()
            .filter(|k| k.reason == Reason::GdapUnknown)
            .all(|k| k.detail.contains("no token for Graph")));
        let g = p.gdap.unwrap();
        assert!(!g.checked && g.held == 2 && g.error == Some(e));
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
