//! Graph's `$filter` on the GDAP lists: comparisons `property op literal` (`eq ne` on strings, enums
//! and GUIDs; `eq ne lt le gt ge` on dates), combined with `and`, `or`, `not` and parentheses.
//! Properties may be paths (`customer/tenantId`). Enum literals must name a member of the enum. An
//! ordering comparison with null (on either side) is false; `eq null` matches nulls.

use std::cmp::Ordering;

use uuid::Uuid;

use crate::odata::lexer::{lex, Tok, Token};
use crate::timefmt::{parse_datetime, Ticks};

/// What a property holds.
#[derive(Clone, Copy, Debug)]
pub enum Kind {
    Text,
    Guid,
    Date,
    /// An enum: the literal must be one of these members.
    Enum(&'static [&'static str]),
}

/// A filterable property.
#[derive(Clone, Copy, Debug)]
pub struct Property {
    pub name: &'static str,
    pub kind: Kind,
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
    Text(String),
    Guid(Uuid),
    Date(Ticks),
}

/// A property's value on one item.
#[derive(Clone, Copy, Debug)]
pub enum Value<'a> {
    Null,
    Text(&'a str),
    Guid(Uuid),
    Date(Ticks),
}

#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    Or(Box<Expr>, Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    /// `property` indexes the property list the expression was parsed against.
    Compare {
        property: usize,
        op: Op,
        value: Literal,
    },
}

impl Expr {
    /// Whether an item matches; `value` gives the item's value of a property (by index).
    pub fn matches<'a, F: Fn(usize) -> Value<'a>>(&self, value: &F) -> bool {
        match self {
            Expr::Or(a, b) => a.matches(value) || b.matches(value),
            Expr::And(a, b) => a.matches(value) && b.matches(value),
            Expr::Not(e) => !e.matches(value),
            Expr::Compare {
                property,
                op,
                value: literal,
            } => compare(value(*property), *op, literal),
        }
    }
}

fn ordering(value: Value<'_>, literal: &Literal) -> Option<Ordering> {
    match (value, literal) {
        (Value::Text(v), Literal::Text(l)) => Some(v.cmp(l.as_str())),
        (Value::Guid(v), Literal::Guid(l)) => Some(v.cmp(l)),
        (Value::Date(v), Literal::Date(l)) => Some(v.cmp(l)),
        _ => None,
    }
}

fn compare(value: Value<'_>, op: Op, literal: &Literal) -> bool {
    let equal = || match literal {
        Literal::Null => matches!(value, Value::Null),
        _ => ordering(value, literal) == Some(Ordering::Equal),
    };
    let order = || ordering(value, literal);
    match op {
        Op::Eq => equal(),
        Op::Ne => !equal(),
        Op::Lt => order() == Some(Ordering::Less),
        Op::Le => matches!(order(), Some(Ordering::Less | Ordering::Equal)),
        Op::Gt => order() == Some(Ordering::Greater),
        Op::Ge => matches!(order(), Some(Ordering::Greater | Ordering::Equal)),
    }
}

/// Parses `text` against `properties`; the error says what is wrong and where.
pub fn parse(text: &str, properties: &[Property]) -> Result<Expr, String> {
    let invalid = |m: String| format!("Invalid filter clause: {m}");
    let tokens = lex(text).map_err(invalid)?;
    if tokens.is_empty() {
        return Err(invalid("the expression is empty".to_string()));
    }
    let mut parser = Parser {
        tokens,
        at: 0,
        properties,
    };
    let expr = parser.or().map_err(invalid)?;
    match parser.peek() {
        None => Ok(expr),
        Some(t) => Err(invalid(format!(
            "unexpected {} at position {}; expected 'and', 'or' or the end",
            t.describe(),
            t.pos
        ))),
    }
}

struct Parser<'p> {
    tokens: Vec<Token>,
    at: usize,
    properties: &'p [Property],
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn next(&mut self) -> Option<Token> {
        let t = self.tokens.get(self.at).cloned();
        self.at += 1;
        t
    }

    fn peek_keyword(&self, keyword: &str) -> bool {
        matches!(self.peek(), Some(Token { tok: Tok::Word(w), .. }) if w.eq_ignore_ascii_case(keyword))
    }

    fn or(&mut self) -> Result<Expr, String> {
        let mut left = self.and()?;
        while self.peek_keyword("or") {
            self.at += 1;
            left = Expr::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr, String> {
        let mut left = self.unary()?;
        while self.peek_keyword("and") {
            self.at += 1;
            left = Expr::And(Box::new(left), Box::new(self.unary()?));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Expr, String> {
        if self.peek_keyword("not") {
            self.at += 1;
            return Ok(Expr::Not(Box::new(self.unary()?)));
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Expr, String> {
        let token = self
            .next()
            .ok_or("unexpected end of the expression; expected a comparison")?;
        match token.tok {
            Tok::Open => {
                let inner = self.or()?;
                match self.next() {
                    Some(Token {
                        tok: Tok::Close, ..
                    }) => Ok(inner),
                    _ => Err(format!("missing ')' for the '(' at position {}", token.pos)),
                }
            }
            Tok::Word(ref word) => self.comparison(word, token.pos),
            _ => Err(format!(
                "expected a property, 'not' or '(' at position {}, found {}",
                token.pos,
                token.describe()
            )),
        }
    }

    fn comparison(&mut self, word: &str, pos: usize) -> Result<Expr, String> {
        if matches!(self.peek(), Some(Token { tok: Tok::Open, .. })) {
            return Err(format!(
                "the function '{word}' at position {pos} is not supported"
            ));
        }
        let (index, property) = self
            .properties
            .iter()
            .enumerate()
            .find(|(_, p)| p.name.eq_ignore_ascii_case(word))
            .ok_or_else(|| {
                let names: Vec<&str> = self.properties.iter().map(|p| p.name).collect();
                format!(
                    "the property '{word}' at position {pos} cannot be filtered on (filterable: {})",
                    names.join(", ")
                )
            })?;
        let op_token = self.next().ok_or_else(|| {
            format!("expected a comparison operator after '{word}' at position {pos}")
        })?;
        let op = match &op_token.tok {
            Tok::Word(w) => match w.to_ascii_lowercase().as_str() {
                "eq" => Op::Eq,
                "ne" => Op::Ne,
                "lt" => Op::Lt,
                "le" => Op::Le,
                "gt" => Op::Gt,
                "ge" => Op::Ge,
                "in" => {
                    return Err(format!(
                        "the operator 'in' at position {} is not supported",
                        op_token.pos
                    ))
                }
                _ => return Err(bad_operator(word, &op_token)),
            },
            _ => return Err(bad_operator(word, &op_token)),
        };
        if !matches!(property.kind, Kind::Date) && !matches!(op, Op::Eq | Op::Ne) {
            return Err(format!(
                "'{}' at position {pos} can only be compared with eq or ne",
                property.name
            ));
        }
        let value = self.literal(property)?;
        Ok(Expr::Compare {
            property: index,
            op,
            value,
        })
    }

    fn literal(&mut self, property: &Property) -> Result<Literal, String> {
        let name = property.name;
        let token = self.next().ok_or_else(|| {
            format!("unexpected end of the expression; expected a value for {name}")
        })?;
        if matches!(&token.tok, Tok::Word(w) if w.eq_ignore_ascii_case("null")) {
            return Ok(Literal::Null);
        }
        let found = || format!("{} at position {}", token.describe(), token.pos);
        match (property.kind, &token.tok) {
            (Kind::Text, Tok::Str(s)) => Ok(Literal::Text(s.clone())),
            (Kind::Text, _) => Err(format!(
                "{name} must be compared with a quoted string, found {}",
                found()
            )),
            (Kind::Enum(members), Tok::Str(s)) => match members.contains(&s.as_str()) {
                true => Ok(Literal::Text(s.clone())),
                false => Err(format!(
                    "'{s}' is not a member of the {name} enumeration (members: {})",
                    members.join(", ")
                )),
            },
            (Kind::Enum(_), _) => Err(format!(
                "{name} must be compared with a quoted enum member, found {}",
                found()
            )),
            (Kind::Guid, Tok::Str(w) | Tok::Word(w)) => Uuid::try_parse(w)
                .map(Literal::Guid)
                .map_err(|_| format!("{name} must be compared with a GUID, found {}", found())),
            (Kind::Date, Tok::Str(w) | Tok::Word(w)) => {
                parse_datetime(w).map(Literal::Date).ok_or_else(|| {
                    format!(
                        "{name} must be compared with a date-time, found {}",
                        found()
                    )
                })
            }
            (Kind::Guid | Kind::Date, _) => {
                Err(format!("{name} cannot be compared with {}", found()))
            }
        }
    }
}

fn bad_operator(word: &str, token: &Token) -> String {
    format!(
        "expected a comparison operator (eq, ne, lt, le, gt, ge) after '{word}', found {} at position {}",
        token.describe(),
        token.pos
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const STATUS: &[&str] = &["active", "expired"];
    const PROPERTIES: [Property; 3] = [
        Property {
            name: "status",
            kind: Kind::Enum(STATUS),
        },
        Property {
            name: "customer/tenantId",
            kind: Kind::Guid,
        },
        Property {
            name: "endDateTime",
            kind: Kind::Date,
        },
    ];

    fn item<'a>(status: &'a str, end: Option<Ticks>) -> impl Fn(usize) -> Value<'a> {
        move |p| match p {
            0 => Value::Text(status),
            1 => Value::Guid(Uuid::nil()),
            _ => end.map_or(Value::Null, Value::Date),
        }
    }

    #[test]
    fn filters() {
        let e = parse(
            "status eq 'active' and customer/tenantId eq '00000000-0000-0000-0000-000000000000' and endDateTime le 2030-01-01T00:00:00Z",
            &PROPERTIES,
        )
        .unwrap();
        assert!(e.matches(&item("active", Some(0))));
        assert!(!e.matches(&item("expired", Some(0))));
        assert!(!e.matches(&item("active", None)));
        let e = parse(
            "not (status eq 'active') or endDateTime eq null",
            &PROPERTIES,
        )
        .unwrap();
        assert!(e.matches(&item("expired", Some(0))));
        assert!(e.matches(&item("active", None)));
        assert!(!e.matches(&item("active", Some(0))));
    }

    #[test]
    fn errors() {
        let err = |text: &str| parse(text, &PROPERTIES).unwrap_err();
        assert!(err("status eq 'Active'").contains("not a member"));
        assert!(err("status le 'active'").contains("eq or ne"));
        assert!(err("displayName eq 'x'").contains("cannot be filtered"));
        assert!(err("startswith(status,'a')").contains("not supported"));
        assert!(err("status in ('active')").contains("'in'"));
        assert!(err("endDateTime le soon").contains("date-time"));
        assert!(err("(status eq 'active'").contains("missing ')'"));
        assert!(err("").contains("empty"));
    }
}
