//! `$filter` expressions and their evaluation: comparisons (`eq ne lt le gt ge`) of a field with a
//! literal, combined with `and`, `or`, `not`. Comparisons with null follow OData: `eq null` matches
//! nulls, an ordering comparison involving null is false.

use std::cmp::Ordering;

use uuid::Uuid;

use crate::state::customers::{Customer, Field};
use crate::timefmt::Ticks;

pub use super::parser::parse;

#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    Or(Box<Expr>, Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    Compare {
        field: Field,
        op: Op,
        value: Literal,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Literal {
    Null,
    Bool(bool),
    Int(i64),
    Date(Ticks),
    Text(String),
    Guid(Uuid),
}

/// What a field holds, hence which literals it can be compared with.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Bool,
    Int,
    Date,
    Text,
    Guid,
}

pub(super) fn kind(field: Field) -> Kind {
    match field {
        Field::Id | Field::CustomerTenantId => Kind::Guid,
        Field::OrganizationDisplayName => Kind::Text,
        Field::PartnerAgentCount | Field::PartnerSignInCount | Field::GlobalAdminSignInCount => {
            Kind::Int
        }
        Field::DapEnabled => Kind::Bool,
        Field::StartDateTime | Field::EndDateTime | Field::LastSignInDateTime => Kind::Date,
    }
}

impl Op {
    pub(super) fn parse(word: &str) -> Option<Op> {
        Some(match word.to_ascii_lowercase().as_str() {
            "eq" => Op::Eq,
            "ne" => Op::Ne,
            "lt" => Op::Lt,
            "le" => Op::Le,
            "gt" => Op::Gt,
            "ge" => Op::Ge,
            _ => return None,
        })
    }
}

impl Expr {
    pub fn matches(&self, c: &Customer) -> bool {
        match self {
            Expr::Or(a, b) => a.matches(c) || b.matches(c),
            Expr::And(a, b) => a.matches(c) && b.matches(c),
            Expr::Not(e) => !e.matches(c),
            Expr::Compare { field, op, value } => compare(c, *field, *op, value),
        }
    }
}

fn date_of(c: &Customer, field: Field) -> Option<Ticks> {
    match field {
        Field::StartDateTime => Some(c.start),
        Field::EndDateTime => c.end,
        Field::LastSignInDateTime => c.last_sign_in,
        _ => None,
    }
}

/// The ordering of the field's value against the literal; None when either is null.
fn ordering(c: &Customer, field: Field, value: &Literal) -> Option<Ordering> {
    match value {
        Literal::Null => None,
        Literal::Bool(b) => Some(c.dap_enabled.cmp(b)),
        Literal::Int(n) => {
            let v = match field {
                Field::PartnerAgentCount => c.partner_agent_count,
                Field::PartnerSignInCount => c.partner_sign_in_count,
                _ => c.global_admin_sign_in_count,
            };
            Some(i64::from(v).cmp(n))
        }
        Literal::Date(t) => date_of(c, field).map(|v| v.cmp(t)),
        Literal::Text(s) => Some((*c.name).cmp(s.as_str())),
        Literal::Guid(g) => Some(c.id.cmp(g)),
    }
}

fn is_null(c: &Customer, field: Field) -> bool {
    kind(field) == Kind::Date && date_of(c, field).is_none()
}

fn compare(c: &Customer, field: Field, op: Op, value: &Literal) -> bool {
    let equal = || match value {
        Literal::Null => is_null(c, field),
        _ => ordering(c, field, value) == Some(Ordering::Equal),
    };
    match op {
        Op::Eq => equal(),
        Op::Ne => !equal(),
        Op::Lt => ordering(c, field, value) == Some(Ordering::Less),
        Op::Le => matches!(
            ordering(c, field, value),
            Some(Ordering::Less | Ordering::Equal)
        ),
        Op::Gt => ordering(c, field, value) == Some(Ordering::Greater),
        Op::Ge => matches!(
            ordering(c, field, value),
            Some(Ordering::Greater | Ordering::Equal)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn customer(dap: bool, last: Option<Ticks>) -> Customer {
        Customer {
            id: Uuid::nil(),
            name: "Margie's Travel 1".into(),
            partner_agent_count: 0,
            partner_sign_in_count: 0,
            global_admin_sign_in_count: 0,
            dap_enabled: dap,
            start: 0,
            end: None,
            last_sign_in: last,
            raw: None,
        }
    }

    #[test]
    fn precedence_and_nulls() {
        let e = parse("dapEnabled eq true and (lastSignInDateTime lt 2020-01-01T00:00:00Z or lastSignInDateTime eq null)").unwrap();
        assert!(e.matches(&customer(true, None)));
        assert!(!e.matches(&customer(false, None)));
        assert!(e.matches(&customer(true, Some(0))));
        let lt = parse("lastSignInDateTime lt '2020-01-01T00:00:00Z'").unwrap();
        assert!(!lt.matches(&customer(true, None)));
        assert!(parse("not lastSignInDateTime lt 2020-01-01")
            .unwrap()
            .matches(&customer(true, None)));
        assert!(parse("organizationDisplayName eq 'Margie''s Travel 1'")
            .unwrap()
            .matches(&customer(true, None)));
    }

    #[test]
    fn errors_name_the_problem() {
        assert!(parse("dapEnabled eq")
            .unwrap_err()
            .contains("expected a value"));
        assert!(parse("foo eq 1")
            .unwrap_err()
            .contains("unknown field 'foo'"));
        assert!(parse("dapEnabled xx true")
            .unwrap_err()
            .contains("comparison operator"));
        assert!(parse("(dapEnabled eq true")
            .unwrap_err()
            .contains("missing ')'"));
        assert!(parse("dapEnabled eq 'yes'")
            .unwrap_err()
            .contains("true, false or null"));
        assert!(parse("contains(organizationDisplayName,'a')")
            .unwrap_err()
            .contains("not supported"));
        assert!(parse("organizationDisplayName eq 'abc")
            .unwrap_err()
            .contains("unterminated"));
        assert!(parse("dapEnabled eq true true")
            .unwrap_err()
            .contains("unexpected"));
    }
}
