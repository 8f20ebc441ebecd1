//! The ledger as CSV: one row per customer and access path (its DAP relationship, each GDAP relationship,
//! each Lighthouse delegation), RFC 4180 quoting, and every cell that a spreadsheet would run as a formula
//! (starting with `=`, `+`, `-`, `@`, tab or CR) prefixed with `'`. Customer names are the customers' own
//! text: never trusted to be harmless.

use super::model::{CustomerEntry, Delegation, GdapRelationship, Ledger, RoleKind};
use crate::engine::outcome::csv_cell;
use chrono::{DateTime, SecondsFormat, Utc};
use std::collections::BTreeSet;
use std::io::{self, Write};

pub const COLUMNS: [&str; 21] = [
    "customerTenantId",
    "customerName",
    "accessPath",
    "pathId",
    "pathName",
    "status",
    "endDateTime",
    "daysToEnd",
    "autoExtend",
    "lastSignInDateTime",
    "daysSinceSignIn",
    "roles",
    "privilegedRoles",
    "securityGroups",
    "subscriptionId",
    "subscriptionName",
    "managedByTenantId",
    "managedByTenantName",
    "eligibleAuthorizations",
    "customerRisks",
    "customerRiskDetails",
];

fn date(t: Option<DateTime<Utc>>) -> String {
    t.map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true))
        .unwrap_or_default()
}

fn opt(v: Option<&str>) -> String {
    v.unwrap_or_default().to_string()
}

fn num(v: Option<i64>) -> String {
    v.map(|n| n.to_string()).unwrap_or_default()
}

/// The cells every row of a customer shares: who, and its risks.
struct Customer {
    id: String,
    name: String,
    risks: String,
    details: String,
}

fn row(out: &mut dyn Write, c: &Customer, cells: [String; 17]) -> io::Result<()> {
    let mut line = String::with_capacity(256);
    for (i, text) in [c.id.as_str(), c.name.as_str()]
        .into_iter()
        .chain(cells.iter().map(String::as_str))
        .chain([c.risks.as_str(), c.details.as_str()])
        .enumerate()
    {
        if i > 0 {
            line.push(',');
        }
        line.push_str(&cell(text));
    }
    line.push_str("\r\n");
    out.write_all(line.as_bytes())
}

/// A cell: an integer this module wrote (a day count, `-12` for an end past) as it is, anything else
/// through [`csv_cell`].
fn cell(text: &str) -> String {
    if !text.is_empty() && text.parse::<i64>().is_ok() {
        text.to_string()
    } else {
        csv_cell(text)
    }
}

fn gdap_cells(r: &GdapRelationship) -> [String; 17] {
    let roles: Vec<String> = r.roles.iter().map(|x| RoleKind::Entra.label(x)).collect();
    let groups: BTreeSet<&str> = r
        .listed_assignments()
        .into_iter()
        .flatten()
        .filter_map(|a| a.security_group_id.as_deref())
        .collect();
    [
        "gdap".into(),
        r.id.to_string(),
        opt(r.display_name.as_deref()),
        opt(r.status.as_deref()),
        date(r.end),
        num(r.days_to_end),
        r.auto_extends().to_string(),
        String::new(),
        String::new(),
        roles.join("; "),
        if r.holds_global_administrator() {
            "Global Administrator".into()
        } else {
            String::new()
        },
        groups.into_iter().collect::<Vec<_>>().join("; "),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
    ]
}

fn lighthouse_cells(d: &Delegation) -> [String; 17] {
    let roles: Vec<String> = d
        .authorizations
        .iter()
        .map(|a| RoleKind::Azure.label(&a.role))
        .collect();
    let privileged: BTreeSet<String> = d
        .authorizations
        .iter()
        .filter(|a| {
            a.role.is(&super::roles::OWNER) || a.role.is(&super::roles::USER_ACCESS_ADMINISTRATOR)
        })
        .map(|a| RoleKind::Azure.label(&a.role))
        .collect();
    let eligible: Vec<String> = d
        .eligible_authorizations
        .iter()
        .map(|e| {
            format!(
                "{} (MFA: {})",
                RoleKind::Azure.label(&e.role),
                e.mfa_provider.as_deref().unwrap_or("unknown")
            )
        })
        .collect();
    [
        "lighthouse".into(),
        opt(d.assignment_id.as_deref()),
        opt(d.registration_definition_name.as_deref()),
        opt(d.provisioning_state.as_deref()),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        roles.join("; "),
        privileged.into_iter().collect::<Vec<_>>().join("; "),
        String::new(),
        d.subscription_id.to_string(),
        opt(d.subscription_name.as_deref()),
        opt(d.managed_by_tenant_id.as_deref()),
        opt(d.managed_by_tenant_name.as_deref()),
        eligible.join("; "),
    ]
}

fn customer_rows(out: &mut dyn Write, e: &CustomerEntry) -> io::Result<()> {
    let c = Customer {
        id: e.tenant_id.to_string(),
        name: opt(e.display_name.as_deref()),
        risks: e
            .risks
            .iter()
            .map(|r| r.code.code())
            .collect::<Vec<_>>()
            .join(" "),
        details: e
            .risks
            .iter()
            .map(|r| r.detail.as_str())
            .collect::<Vec<_>>()
            .join(" | "),
    };
    if let Some(d) = &e.dap {
        let status = match d.enabled {
            Some(true) => "enabled",
            Some(false) => "disabled",
            None => "unreadable",
        };
        let mut cells: [String; 17] = Default::default();
        cells[0] = "dap".into();
        cells[2] = "delegated admin privileges".into();
        cells[3] = status.into();
        cells[7] = date(d.last_sign_in);
        cells[8] = num(d.days_since_sign_in);
        row(out, &c, cells)?;
    }
    for r in &e.gdap {
        row(out, &c, gdap_cells(r))?;
    }
    for d in &e.lighthouse {
        row(out, &c, lighthouse_cells(d))?;
    }
    Ok(())
}

/// Stream the CSV to `out`: the header, then each customer's rows, then the delegations whose customer
/// is unknown (with an empty customer).
pub fn write_csv(ledger: &Ledger, out: &mut dyn Write) -> io::Result<()> {
    out.write_all(COLUMNS.join(",").as_bytes())?;
    out.write_all(b"\r\n")?;
    for e in &ledger.customers {
        customer_rows(out, e)?;
    }
    let nobody = Customer {
        id: String::new(),
        name: String::new(),
        risks: String::new(),
        details: String::new(),
    };
    for d in &ledger.unattributed_delegations {
        row(out, &nobody, lighthouse_cells(d))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_defuse_formulas_but_keep_numbers() {
        assert_eq!(cell("-12"), "-12");
        assert_eq!(cell("42"), "42");
        assert_eq!(cell("-1+1"), "'-1+1");
        assert_eq!(cell("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(cell("@x"), "'@x");
        assert_eq!(cell("a,\"b\""), "\"a,\"\"b\"\"\"");
    }
}
