//! The `$filter` parser: `or` binds loosest, then `and`, then `not`; a comparison is `field op literal`,
//! the literal checked against the field's type. Errors name the problem and its position.

use uuid::Uuid;

use super::filter::{kind, Expr, Kind, Literal, Op};
use super::lexer::{lex, Tok, Token};
use crate::state::customers::Field;
use crate::timefmt::parse_datetime;

/// Parses a `$filter` expression; the error names the problem and where it is.
pub fn parse(text: &str) -> Result<Expr, String> {
    let invalid = |m: String| format!("invalid $filter: {m}");
    let tokens = lex(text).map_err(invalid)?;
    if tokens.is_empty() {
        return Err(invalid("the expression is empty".to_string()));
    }
    let mut parser = Parser { tokens, at: 0 };
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

struct Parser {
    tokens: Vec<Token>,
    at: usize,
}

const FILTERABLE: &str = "id, customerTenantId, organizationDisplayName, partnerAgentCount, \
partnerSignInCount, globalAdminSignInCount, dapEnabled, startDateTime, endDateTime, lastSignInDateTime";

impl Parser {
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
                    Some(t) => Err(format!(
                        "expected ')' closing the '(' at position {}, found {} at position {}",
                        token.pos,
                        t.describe(),
                        t.pos
                    )),
                    None => Err(format!("missing ')' for the '(' at position {}", token.pos)),
                }
            }
            Tok::Word(ref word) => self.comparison(word, token.pos),
            _ => Err(format!(
                "expected a field name, 'not' or '(' at position {}, found {}",
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
        let field = Field::parse(word).ok_or_else(|| {
            format!("unknown field '{word}' at position {pos} (fields: {FILTERABLE})")
        })?;
        let op = match self.peek() {
            Some(Token {
                tok: Tok::Word(w), ..
            }) => Op::parse(w),
            _ => None,
        };
        let Some(op) = op else {
            let ends_operand = match self.peek() {
                None
                | Some(Token {
                    tok: Tok::Close, ..
                }) => true,
                Some(Token {
                    tok: Tok::Word(w), ..
                }) => w.eq_ignore_ascii_case("and") || w.eq_ignore_ascii_case("or"),
                _ => false,
            };
            if field == Field::DapEnabled && ends_operand {
                // A bare boolean field: `$filter=dapEnabled`.
                return Ok(Expr::Compare {
                    field,
                    op: Op::Eq,
                    value: Literal::Bool(true),
                });
            }
            return Err(match self.peek() {
                Some(t) => format!(
                    "expected a comparison operator (eq, ne, lt, le, gt, ge) after '{word}', found {} at position {}",
                    t.describe(),
                    t.pos
                ),
                None => format!("expected a comparison operator (eq, ne, lt, le, gt, ge) after '{word}'"),
            });
        };
        self.at += 1;
        let value = self.literal(field)?;
        Ok(Expr::Compare { field, op, value })
    }

    fn literal(&mut self, field: Field) -> Result<Literal, String> {
        let name = field.name();
        let token = self.next().ok_or_else(|| {
            format!("unexpected end of the expression; expected a value for {name}")
        })?;
        if matches!(&token.tok, Tok::Word(w) if w.eq_ignore_ascii_case("null")) {
            return Ok(Literal::Null);
        }
        let (expected, value) = match (kind(field), &token.tok) {
            (Kind::Bool, Tok::Word(w)) => (
                "true, false or null",
                match w.to_ascii_lowercase().as_str() {
                    "true" => Some(Literal::Bool(true)),
                    "false" => Some(Literal::Bool(false)),
                    _ => None,
                },
            ),
            (Kind::Bool, _) => ("true, false or null", None),
            (Kind::Int, Tok::Word(w)) => ("an integer or null", w.parse().ok().map(Literal::Int)),
            (Kind::Int, _) => ("an integer or null", None),
            (Kind::Date, Tok::Word(w) | Tok::Str(w)) => (
                "an RFC 3339 date-time or null",
                parse_datetime(w).map(Literal::Date),
            ),
            (Kind::Date, _) => ("an RFC 3339 date-time or null", None),
            (Kind::Text, Tok::Str(s)) => {
                ("a quoted string or null", Some(Literal::Text(s.clone())))
            }
            (Kind::Text, _) => ("a quoted string or null", None),
            (Kind::Guid, Tok::Word(w) | Tok::Str(w)) => {
                ("a GUID or null", Uuid::parse_str(w).ok().map(Literal::Guid))
            }
            (Kind::Guid, _) => ("a GUID or null", None),
        };
        value.ok_or_else(|| {
            format!(
                "{name} must be compared with {expected}, found {} at position {}",
                token.describe(),
                token.pos
            )
        })
    }
}
