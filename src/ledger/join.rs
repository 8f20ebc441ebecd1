//! Joining the sources per customer tenant: the DAP listing's customer, its GDAP relationships and the
//! Lighthouse delegations that reach it, one entry each, with its risks judged.

use super::collect::Collected;
use super::model::{CustomerEntry, Delegation};
use super::risks::{evaluate, Rules};
use std::collections::HashMap;
use uuid::Uuid;

/// The entries (by display name, then tenant id) and the delegations whose customer cannot be told.
pub fn join(collected: Collected, rules: &Rules) -> (Vec<CustomerEntry>, Vec<Delegation>) {
    let Collected {
        dap,
        gdap,
        delegations,
        ..
    } = collected;
    let mut entries: HashMap<Uuid, CustomerEntry> =
        HashMap::with_capacity(dap.len().max(gdap.len()));
    for d in dap {
        let e = entries
            .entry(d.tenant_id)
            .or_insert_with(|| CustomerEntry::new(d.tenant_id));
        // The listing names each customer once; should it repeat one, the first stays.
        if e.dap.is_none() {
            e.dap = Some(d.state);
            e.display_name = d.name.or(e.display_name.take());
        }
    }
    for g in gdap {
        let e = entries
            .entry(g.tenant_id)
            .or_insert_with(|| CustomerEntry::new(g.tenant_id));
        if e.display_name.is_none() {
            e.display_name = g.customer_name;
        }
        e.gdap.push(g.relationship);
    }
    let mut unattributed = Vec::new();
    for l in delegations {
        match l.tenant_id {
            Some(t) => {
                let e = entries.entry(t).or_insert_with(|| CustomerEntry::new(t));
                if e.display_name.is_none() {
                    e.display_name = l.tenant_name;
                }
                e.lighthouse.push(l.delegation);
            }
            None => unattributed.push(l.delegation),
        }
    }
    let mut list: Vec<CustomerEntry> = entries.into_values().collect();
    for e in &mut list {
        e.gdap
            .sort_by(|a, b| (!a.is_active(), a.end, &a.id).cmp(&(!b.is_active(), b.end, &b.id)));
        e.risks = evaluate(e, rules);
    }
    list.sort_by_cached_key(|e| {
        (
            e.display_name
                .as_deref()
                .map(str::to_lowercase)
                .unwrap_or_default(),
            e.tenant_id,
        )
    });
    (list, unattributed)
}
