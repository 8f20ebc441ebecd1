//! The DAP cleanup's GDAP rule: removing a customer's DAP relationship where the partner holds no active GDAP
//! relationship with that customer leaves the partner without admin access to it, so such a candidate is
//! held (`no_active_gdap`), and so is every candidate when the GDAP relationships cannot be listed
//! (`gdap_unknown`), unless the caller allows it (`allowWithoutGdap`). One listing of the active
//! relationships serves every candidate: never a request per customer.

use super::progress::JobControl;
use crate::client::Client;
use crate::error::{Error, Result};
use crate::gdap::{ListRelationshipsRequest, Relationship};
use crate::options::CallOptions;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// Relationships named in a candidate's detail; the rest are counted.
const NAMED: usize = 3;

/// What the plan found about GDAP.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GdapCheck {
    /// Whether a DAP candidate needs an active GDAP relationship with its customer (`false` with
    /// `allowWithoutGdap`, then nothing is listed).
    pub required: bool,
    /// Whether the active GDAP relationships were listed (not when nothing required it: no candidate, or
    /// `allowWithoutGdap`; not when the listing failed: see `error`).
    pub checked: bool,
    /// Active relationships found with the candidates' customers.
    pub relationships: u64,
    /// Candidates held for want of an active GDAP relationship (`no_active_gdap`) or because the listing
    /// failed (`gdap_unknown`).
    pub held: u64,
    /// Why the relationships could not be listed (Graph unreachable with the credential given, a missing
    /// permission, ...): every candidate was then held as `gdap_unknown`.
    pub error: Option<Error>,
}

impl GdapCheck {
    pub fn not_required() -> GdapCheck {
        GdapCheck {
            required: false,
            checked: false,
            relationships: 0,
            held: 0,
            error: None,
        }
    }
}

/// One active relationship, as a candidate's detail names it.
#[derive(Debug, Clone, PartialEq)]
struct Covering {
    display_name: String,
    end: Option<String>,
    roles: usize,
}

/// The active GDAP relationships of some customers.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ActiveGdap {
    by_customer: HashMap<Uuid, Vec<Covering>>,
    relationships: u64,
}

impl ActiveGdap {
    /// Keep, of `relationships`, the active ones with a customer of `customers` (every customer when
    /// `None`). The status is judged here too: coverage is never assumed from a filter a service may ignore.
    pub fn add(&mut self, relationships: Vec<Relationship>, customers: Option<&HashSet<Uuid>>) {
        for r in relationships {
            if !r.is_active() {
                continue;
            }
            let Some(customer) = r.customer_tenant_id() else {
                continue;
            };
            if customers.is_some_and(|c| !c.contains(&customer)) {
                continue;
            }
            self.relationships += 1;
            self.by_customer
                .entry(customer)
                .or_default()
                .push(Covering {
                    display_name: r
                        .display_name
                        .clone()
                        .or_else(|| r.id.clone())
                        .unwrap_or_default(),
                    end: r.end().map(|e| e.date_naive().to_string()),
                    roles: r.roles_count(),
                });
        }
    }

    pub fn covers(&self, customer: &Uuid) -> bool {
        self.by_customer.contains_key(customer)
    }

    pub fn relationships(&self) -> u64 {
        self.relationships
    }

    /// `active GDAP: "GDAP 3 Contoso" (ends 2027-05-01, 5 roles), ... and 2 more`; `None` without one.
    pub fn describe(&self, customer: &Uuid) -> Option<String> {
        let found = self.by_customer.get(customer)?;
        let named: Vec<String> = found
            .iter()
            .take(NAMED)
            .map(|c| {
                format!(
                    "\"{}\" ({}, {} role{})",
                    crate::validate::printable(&c.display_name),
                    c.end
                        .as_deref()
                        .map_or_else(|| "no end date".to_string(), |e| format!("ends {e}")),
                    c.roles,
                    if c.roles == 1 { "" } else { "s" }
                )
            })
            .collect();
        let more = match found.len().saturating_sub(NAMED) {
            0 => String::new(),
            n => format!(" and {n} more"),
        };
        Some(format!(
            "{} active GDAP relationship{}: {}{more}",
            found.len(),
            if found.len() == 1 { "" } else { "s" },
            named.join(", ")
        ))
    }
}

/// The listing of the active relationships the rule needs: only the fields it reads.
fn listing() -> ListRelationshipsRequest {
    ListRelationshipsRequest {
        status: Some("active".into()),
        select: [
            "id",
            "displayName",
            "customer",
            "status",
            "endDateTime",
            "accessDetails",
        ]
        .map(String::from)
        .to_vec(),
        ..ListRelationshipsRequest::default()
    }
}

/// List the active GDAP relationships once (every page) and keep those with `customers`. `opts.timeout`
/// bounds the whole listing; the pages listed are counted in the progress and in `pages`.
pub(crate) async fn list_active(
    client: &Client,
    opts: &CallOptions,
    customers: &HashSet<Uuid>,
    control: &JobControl,
    mut pages: impl FnMut(),
) -> Result<ActiveGdap> {
    let mut found = ActiveGdap::default();
    crate::gdap::for_each_relationship_page(client, opts, &listing(), |page| {
        let n = page.len() as u64;
        found.add(page, Some(customers));
        control.update(|p| p.relationships_listed += n);
        pages();
    })
    .await?;
    Ok(found)
}

/// A candidate's detail once GDAP was found for it.
pub(crate) fn covered_detail(detail: &str, found: &str) -> String {
    format!("{detail}; {found}")
}

/// A candidate's detail when it is held for want of an active GDAP relationship.
pub(crate) fn uncovered_detail(detail: &str) -> String {
    format!(
        "{detail}; but no active GDAP relationship with this customer was found: removing DAP would leave no admin access to it (set up GDAP first, or pass allowWithoutGdap to remove it anyway)"
    )
}

/// A candidate's detail when the relationships could not be listed.
pub(crate) fn unknown_detail(detail: &str, e: &Error) -> String {
    format!(
        "{detail}; but the GDAP relationships could not be listed ({}: {}), so whether an active one remains is unknown; kept to be safe (fix the Graph access, or pass allowWithoutGdap)",
        e.kind, e.message
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rel(customer: &str, status: &str, name: &str, roles: usize) -> Relationship {
        serde_json::from_value(json!({
            "id": format!("{}-{}", Uuid::new_v4(), Uuid::new_v4()),
            "displayName": name,
            "status": status,
            "customer": {"tenantId": customer},
            "endDateTime": "2027-05-01T10:00:00Z",
            "accessDetails": {"unifiedRoles": (0..roles).map(|_| json!({"roleDefinitionId": Uuid::new_v4()})).collect::<Vec<_>>()},
        }))
        .unwrap()
    }

    #[test]
    fn only_active_relationships_of_the_customers_asked_count() {
        let a = Uuid::new_v4();
        let b = Uuid::new_v4();
        let c = Uuid::new_v4();
        let mut found = ActiveGdap::default();
        let wanted: HashSet<Uuid> = [a, b].into();
        found.add(
            vec![
                rel(&a.to_string(), "active", "GDAP a1", 1),
                rel(&a.to_string(), "active", "GDAP a2", 5),
                rel(&b.to_string(), "terminationRequested", "GDAP b", 2),
                rel(&c.to_string(), "active", "GDAP c", 2),
            ],
            Some(&wanted),
        );
        assert!(found.covers(&a));
        assert!(
            !found.covers(&b),
            "a relationship being terminated is no cover"
        );
        assert!(!found.covers(&c), "not asked");
        assert_eq!(found.relationships(), 2);
        let text = found.describe(&a).unwrap();
        assert_eq!(
            text,
            "2 active GDAP relationships: \"GDAP a1\" (ends 2027-05-01, 1 role), \"GDAP a2\" (ends 2027-05-01, 5 roles)"
        );
        let many: Vec<Relationship> = (0..5)
            .map(|i| rel(&b.to_string(), "active", &format!("n{i}"), 1))
            .collect();
        found.add(many, None);
        assert!(found.describe(&b).unwrap().ends_with("and 2 more"));
    }
}
