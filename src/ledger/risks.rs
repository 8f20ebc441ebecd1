//! The risks the ledger flags per customer, each with a code to filter on and a sentence saying why. A risk
//! is judged only from sources that were read in full: when Graph could not be listed, "DAP without GDAP"
//! is not claimed for anyone (the summary marks it not evaluated).

use super::model::{CustomerEntry, RoleKind};
use chrono::{DateTime, Duration, Utc};
use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

/// Relationships or delegations named in a risk's detail; the rest are counted.
const NAMED: usize = 3;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RiskCode {
    /// DAP enabled, and no active GDAP relationship: DAP is the only admin path, and it is being retired.
    DapWithoutGdap,
    /// DAP enabled and no partner sign-in for more than `inactiveDays` (or never, on a relationship older
    /// than that): standing admin access nobody uses.
    DapInactive,
    /// An active GDAP relationship ends within `expiringWithinDays` and will not extend itself.
    GdapExpiringWithoutAutoExtend,
    /// An active GDAP relationship holds Global Administrator.
    GlobalAdminHeld,
    /// An active GDAP relationship without any active access assignment: its roles reach nobody.
    GdapUnused,
    /// A Lighthouse delegation grants Owner as a standing (not just-in-time) authorization.
    LighthouseStandingOwner,
    /// A just-in-time Lighthouse authorization whose activation asks for no MFA.
    LighthouseJitWithoutMfa,
}

/// Where a risk's facts come from: it is judged only when they were read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Needs {
    Dap,
    DapAndGdap,
    Gdap,
    GdapAssignments,
    Lighthouse,
}

impl RiskCode {
    pub const ALL: [RiskCode; 7] = [
        RiskCode::DapWithoutGdap,
        RiskCode::DapInactive,
        RiskCode::GdapExpiringWithoutAutoExtend,
        RiskCode::GlobalAdminHeld,
        RiskCode::GdapUnused,
        RiskCode::LighthouseStandingOwner,
        RiskCode::LighthouseJitWithoutMfa,
    ];

    pub fn code(self) -> &'static str {
        match self {
            RiskCode::DapWithoutGdap => "dap_without_gdap",
            RiskCode::DapInactive => "dap_inactive",
            RiskCode::GdapExpiringWithoutAutoExtend => "gdap_expiring_without_auto_extend",
            RiskCode::GlobalAdminHeld => "global_admin_held",
            RiskCode::GdapUnused => "gdap_unused",
            RiskCode::LighthouseStandingOwner => "lighthouse_standing_owner",
            RiskCode::LighthouseJitWithoutMfa => "lighthouse_jit_without_mfa",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            RiskCode::DapWithoutGdap => "DAP without an active GDAP relationship",
            RiskCode::DapInactive => "DAP unused (no recent partner sign-in)",
            RiskCode::GdapExpiringWithoutAutoExtend => "GDAP ending soon without auto-extend",
            RiskCode::GlobalAdminHeld => "Global Administrator held through GDAP",
            RiskCode::GdapUnused => "Active GDAP with no active access assignment",
            RiskCode::LighthouseStandingOwner => "Standing Owner through Azure Lighthouse",
            RiskCode::LighthouseJitWithoutMfa => "Just-in-time Lighthouse role without MFA",
        }
    }

    pub fn needs(self) -> Needs {
        match self {
            RiskCode::DapWithoutGdap => Needs::DapAndGdap,
            RiskCode::DapInactive => Needs::Dap,
            RiskCode::GdapExpiringWithoutAutoExtend | RiskCode::GlobalAdminHeld => Needs::Gdap,
            RiskCode::GdapUnused => Needs::GdapAssignments,
            RiskCode::LighthouseStandingOwner | RiskCode::LighthouseJitWithoutMfa => {
                Needs::Lighthouse
            }
        }
    }

    pub fn parse(text: &str) -> Option<RiskCode> {
        RiskCode::ALL
            .into_iter()
            .find(|r| r.code().eq_ignore_ascii_case(text.trim()))
    }
}

/// One risk of one customer.
#[derive(Debug, Clone, PartialEq)]
pub struct Risk {
    pub code: RiskCode,
    pub detail: String,
}

impl Serialize for Risk {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_struct("Risk", 2)?;
        m.serialize_field("code", self.code.code())?;
        m.serialize_field("detail", &self.detail)?;
        m.end()
    }
}

/// What the risks are judged against.
#[derive(Debug, Clone)]
pub struct Rules {
    pub as_of: DateTime<Utc>,
    pub expiring_within_days: u32,
    pub inactive_days: u32,
    /// Which sources were read in full.
    pub dap_read: bool,
    pub gdap_read: bool,
    pub lighthouse_read: bool,
}

impl Rules {
    pub fn evaluated(&self, code: RiskCode) -> bool {
        match code.needs() {
            Needs::Dap => self.dap_read,
            Needs::DapAndGdap => self.dap_read && self.gdap_read,
            Needs::Gdap | Needs::GdapAssignments => self.gdap_read,
            Needs::Lighthouse => self.lighthouse_read,
        }
    }
}

fn names<'a>(items: impl Iterator<Item = String> + 'a) -> String {
    let all: Vec<String> = items.collect();
    let shown: Vec<String> = all
        .iter()
        .take(NAMED)
        .map(|n| format!("\"{}\"", crate::validate::printable(n)))
        .collect();
    match all.len().saturating_sub(NAMED) {
        0 => shown.join(", "),
        more => format!("{} and {more} more", shown.join(", ")),
    }
}

/// The risks of one customer.
pub fn evaluate(entry: &CustomerEntry, rules: &Rules) -> Vec<Risk> {
    let mut risks = Vec::new();
    let mut flag = |code: RiskCode, detail: String| {
        if rules.evaluated(code) {
            risks.push(Risk { code, detail });
        }
    };
    let dap_on = entry.dap.as_ref().and_then(|d| d.enabled) == Some(true);
    let active: Vec<_> = entry.active_gdap().collect();

    if dap_on && active.is_empty() {
        let others = entry.gdap.len();
        flag(
            RiskCode::DapWithoutGdap,
            if others == 0 {
                "DAP is enabled and the partner holds no GDAP relationship with this customer"
                    .into()
            } else {
                format!(
                    "DAP is enabled and none of the {others} GDAP relationship{} is active",
                    if others == 1 { "" } else { "s" }
                )
            },
        );
    }
    if let Some(dap) = entry.dap.as_ref().filter(|_| dap_on) {
        let threshold = rules.as_of - Duration::days(i64::from(rules.inactive_days));
        match (dap.last_sign_in, dap.start) {
            (Some(last), _) if last < threshold => flag(
                RiskCode::DapInactive,
                format!(
                    "no partner sign-in for {} days (last {}; threshold {} days)",
                    dap.days_since_sign_in.unwrap_or_default(),
                    last.date_naive(),
                    rules.inactive_days
                ),
            ),
            (None, Some(start)) if start < threshold => flag(
                RiskCode::DapInactive,
                format!(
                    "no partner sign-in ever, on a DAP relationship since {} (threshold {} days)",
                    start.date_naive(),
                    rules.inactive_days
                ),
            ),
            _ => {}
        }
    }

    let until = rules.as_of + Duration::days(i64::from(rules.expiring_within_days));
    let expiring: Vec<_> = active
        .iter()
        .filter(|r| !r.auto_extends() && r.end.is_some_and(|e| e >= rules.as_of && e <= until))
        .collect();
    if !expiring.is_empty() {
        let soonest = expiring.iter().filter_map(|r| r.days_to_end).min();
        flag(
            RiskCode::GdapExpiringWithoutAutoExtend,
            format!(
                "{} ends within {} days without auto-extend (soonest in {} days)",
                names(
                    expiring
                        .iter()
                        .map(|r| display(r.display_name.as_deref(), &r.id))
                ),
                rules.expiring_within_days,
                soonest.unwrap_or_default()
            ),
        );
    }
    let global: Vec<_> = active
        .iter()
        .filter(|r| r.holds_global_administrator())
        .collect();
    if !global.is_empty() {
        flag(
            RiskCode::GlobalAdminHeld,
            format!(
                "{} grants Global Administrator",
                names(
                    global
                        .iter()
                        .map(|r| display(r.display_name.as_deref(), &r.id))
                )
            ),
        );
    }
    let unused: Vec<_> = active
        .iter()
        .filter(|r| {
            r.listed_assignments()
                .is_some_and(|a| !a.iter().any(|x| x.is_active()))
        })
        .collect();
    if !unused.is_empty() {
        flag(
            RiskCode::GdapUnused,
            format!(
                "{} has no active access assignment: its roles reach no security group",
                names(
                    unused
                        .iter()
                        .map(|r| display(r.display_name.as_deref(), &r.id))
                )
            ),
        );
    }

    let owners: Vec<_> = entry
        .lighthouse
        .iter()
        .filter(|d| d.standing_owner())
        .collect();
    if !owners.is_empty() {
        flag(
            RiskCode::LighthouseStandingOwner,
            format!(
                "{} grants Owner at all times (not just-in-time)",
                names(owners.iter().map(|d| delegation_name(d)))
            ),
        );
    }
    let no_mfa: Vec<String> = entry
        .lighthouse
        .iter()
        .flat_map(|d| {
            d.eligible_authorizations
                .iter()
                .filter(|e| e.without_mfa())
                .map(move |e| {
                    format!(
                        "{} in {}",
                        RoleKind::Azure.label(&e.role),
                        delegation_name(d)
                    )
                })
        })
        .collect();
    if !no_mfa.is_empty() {
        flag(
            RiskCode::LighthouseJitWithoutMfa,
            format!(
                "eligible {} can be activated without MFA",
                names(no_mfa.into_iter())
            ),
        );
    }
    risks
}

fn display(name: Option<&str>, id: &str) -> String {
    name.unwrap_or(id).to_string()
}

fn delegation_name(d: &super::model::Delegation) -> String {
    let what = d
        .registration_definition_name
        .as_deref()
        .or(d.assignment_id.as_deref())
        .unwrap_or("a delegation");
    let by = d
        .managed_by_tenant_name
        .as_deref()
        .or(d.managed_by_tenant_id.as_deref());
    match by {
        Some(by) => format!("{what} (managed by {by})"),
        None => what.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::model::*;
    use super::*;
    use uuid::Uuid;

    fn rules() -> Rules {
        Rules {
            as_of: "2026-01-10T00:00:00Z".parse().unwrap(),
            expiring_within_days: 60,
            inactive_days: 90,
            dap_read: true,
            gdap_read: true,
            lighthouse_read: true,
        }
    }

    fn relationship(status: &str, end: &str, auto: &str, roles: &[Uuid]) -> GdapRelationship {
        GdapRelationship {
            id: "r".into(),
            display_name: Some("=cmd|' /C calc'!A0".into()),
            status: Some(status.into()),
            end: Some(end.parse().unwrap()),
            days_to_end: Some(10),
            auto_extend_duration: Some(auto.into()),
            roles: roles.iter().map(|r| RoleId::Guid(*r)).collect(),
            assignments: Assignments::Listed(Box::new([])),
        }
    }

    fn codes(e: &CustomerEntry, r: &Rules) -> Vec<&'static str> {
        evaluate(e, r).iter().map(|r| r.code.code()).collect()
    }

    #[test]
    fn each_rule() {
        let r = rules();
        let mut e = CustomerEntry::new(Uuid::nil());
        e.dap = Some(DapState {
            enabled: Some(true),
            last_sign_in: Some("2025-01-01T00:00:00Z".parse().unwrap()),
            days_since_sign_in: Some(374),
            ..Default::default()
        });
        assert_eq!(codes(&e, &r), ["dap_without_gdap", "dap_inactive"]);
        e.gdap.push(relationship(
            "active",
            "2026-02-01T00:00:00Z",
            "PT0S",
            &[super::super::roles::GLOBAL_ADMINISTRATOR],
        ));
        assert_eq!(
            codes(&e, &r),
            [
                "dap_inactive",
                "gdap_expiring_without_auto_extend",
                "global_admin_held",
                "gdap_unused"
            ]
        );
        e.gdap[0].auto_extend_duration = Some("P180D".into());
        e.gdap[0].end = Some("2026-05-01T00:00:00Z".parse().unwrap());
        e.gdap[0].roles = Box::new([]);
        e.gdap[0].assignments = Assignments::Failed(Box::new(crate::Error::invalid("x")));
        e.dap.as_mut().unwrap().last_sign_in = Some("2026-01-01T00:00:00Z".parse().unwrap());
        assert!(codes(&e, &r).is_empty());
        // Graph not read: DAP without GDAP is not claimed.
        e.gdap.clear();
        let unread = Rules {
            gdap_read: false,
            ..rules()
        };
        assert!(codes(&e, &unread).is_empty());
        assert_eq!(codes(&e, &r), ["dap_without_gdap"]);
    }
}
