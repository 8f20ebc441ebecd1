//! The ledger's totals: customers, risks, DAP, relationships by status, Lighthouse, and the active
//! relationships' end dates by month (the chart of the HTML page).

use super::model::{
    CustomerEntry, DapCounts, Delegation, LighthouseCounts, MonthCount, RelationshipCounts,
    RiskCount, Summary,
};
use super::risks::{RiskCode, Rules};
use chrono::{Datelike, Duration};
use std::collections::{BTreeMap, HashSet};

/// `unattributed`: the delegations no customer could be told for (counted under Lighthouse).
pub fn summarize(entries: &[CustomerEntry], unattributed: &[Delegation], rules: &Rules) -> Summary {
    let mut risks: BTreeMap<RiskCode, u64> = BTreeMap::new();
    let mut dap = DapCounts::default();
    let mut rel = RelationshipCounts::default();
    let mut lh = LighthouseCounts::default();
    let mut months: BTreeMap<(i32, u32), MonthCount> = BTreeMap::new();
    let mut subscriptions = HashSet::new();
    let mut managing = HashSet::new();
    let until = rules.as_of + Duration::days(i64::from(rules.expiring_within_days));
    let mut with_risks = 0;
    for e in entries {
        if !e.risks.is_empty() {
            with_risks += 1;
        }
        let mut seen = HashSet::new();
        for r in &e.risks {
            if seen.insert(r.code) {
                *risks.entry(r.code).or_default() += 1;
            }
        }
        if let Some(d) = &e.dap {
            dap.listed += 1;
            match d.enabled {
                Some(true) => dap.enabled += 1,
                Some(false) => dap.disabled += 1,
                None => dap.unreadable += 1,
            }
        }
        for r in &e.gdap {
            rel.total += 1;
            let status = r.status.as_deref().unwrap_or("unknown").to_string();
            *rel.by_status.entry(status).or_default() += 1;
            if let Some(a) = r.listed_assignments() {
                rel.access_assignments += a.len() as u64;
            }
            if !r.is_active() {
                continue;
            }
            rel.active += 1;
            if r.holds_global_administrator() {
                rel.active_with_global_administrator += 1;
            }
            if !r.auto_extends() {
                rel.active_without_auto_extend += 1;
            }
            if let Some(end) = r.end {
                if end >= rules.as_of && end <= until {
                    rel.active_expiring += 1;
                }
                let m = months
                    .entry((end.year(), end.month()))
                    .or_insert_with(|| MonthCount {
                        month: format!("{:04}-{:02}", end.year(), end.month()),
                        relationships: 0,
                        auto_extend: 0,
                        no_auto_extend: 0,
                    });
                m.relationships += 1;
                if r.auto_extends() {
                    m.auto_extend += 1;
                } else {
                    m.no_auto_extend += 1;
                }
            }
        }
        count_delegations(&e.lighthouse, &mut lh, &mut subscriptions, &mut managing);
    }
    count_delegations(unattributed, &mut lh, &mut subscriptions, &mut managing);
    lh.subscriptions = subscriptions.len() as u64;
    lh.managing_tenants = managing.len() as u64;
    Summary {
        customers: entries.len() as u64,
        customers_with_risks: with_risks,
        risks: RiskCode::ALL
            .iter()
            .map(|c| RiskCount {
                code: c.code(),
                label: c.label(),
                customers: risks.get(c).copied().unwrap_or(0),
                evaluated: rules.evaluated(*c),
            })
            .collect(),
        dap,
        relationships: rel,
        lighthouse: lh,
        gdap_end_dates_by_month: months.into_values().collect(),
    }
}

fn count_delegations(
    delegations: &[Delegation],
    lh: &mut LighthouseCounts,
    subscriptions: &mut HashSet<uuid::Uuid>,
    managing: &mut HashSet<String>,
) {
    for d in delegations {
        lh.delegations += 1;
        subscriptions.insert(d.subscription_id);
        if let Some(m) = d.managed_by_tenant_id.as_deref() {
            managing.insert(m.to_ascii_lowercase());
        }
        if d.standing_owner() {
            lh.standing_owner += 1;
        }
        lh.eligible_authorizations += d.eligible_authorizations.len() as u64;
    }
}
