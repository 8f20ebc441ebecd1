//! OData query options of the delegated admin customers list: `$select`, `$filter`, `$top`, `$skip`,
//! `$count` and `$orderBy` (names case-insensitive).

pub mod filter;
pub(crate) mod lexer;
mod parser;

use crate::http::query::{encode, Params};
use crate::state::customers::{Field, FieldMask, Order, SortKey};
use filter::Expr;

/// The largest `$top` the service accepts.
pub const MAX_TOP: usize = 300;

#[derive(Debug)]
pub struct ListOptions {
    pub select: FieldMask,
    pub filter: Option<Expr>,
    pub top: Option<usize>,
    pub skip: usize,
    pub count: bool,
    pub order: Option<Order>,
    /// The options as given (canonical name, decoded value), to write the nextLink.
    given: Vec<(&'static str, String)>,
}

const OPTIONS: [&str; 6] = ["$select", "$filter", "$top", "$skip", "$count", "$orderBy"];

impl ListOptions {
    pub fn parse(params: &Params) -> Result<ListOptions, String> {
        let mut options = ListOptions {
            select: FieldMask::ALL,
            filter: None,
            top: None,
            skip: 0,
            count: false,
            order: None,
            given: Vec::new(),
        };
        for (name, value) in params.iter().filter(|(n, _)| n.starts_with('$')) {
            let Some(canonical) = OPTIONS.iter().find(|o| o.eq_ignore_ascii_case(name)) else {
                return Err(format!(
                    "the query option '{name}' is not supported (supported: {})",
                    OPTIONS.join(", ")
                ));
            };
            if options.given.iter().any(|(n, _)| n == canonical) {
                return Err(format!(
                    "the query option '{canonical}' is given more than once"
                ));
            }
            match *canonical {
                "$select" => options.select = parse_select(value)?,
                "$filter" => options.filter = Some(filter::parse(value)?),
                "$top" => options.top = Some(parse_top(value)?),
                "$skip" => options.skip = parse_skip(value)?,
                "$count" => options.count = parse_count(value)?,
                _ => options.order = Some(parse_order(value)?),
            }
            options.given.push((canonical, value.to_string()));
        }
        Ok(options)
    }

    /// The query string of the page starting at `skip`, with every other option as given.
    pub fn query_at(&self, skip: usize) -> String {
        self.given
            .iter()
            .filter(|(name, _)| *name != "$skip")
            .map(|(name, value)| format!("{name}={}", encode(value)))
            .chain(std::iter::once(format!("$skip={skip}")))
            .collect::<Vec<_>>()
            .join("&")
    }
}

fn parse_select(value: &str) -> Result<FieldMask, String> {
    let fields = value
        .split(',')
        .map(str::trim)
        .map(|name| match Field::parse(name) {
            Some(field) => Ok(field),
            None if name.is_empty() => Err("$select has an empty field name".to_string()),
            None => Err(format!("$select names an unknown field '{name}'")),
        })
        .collect::<Result<Vec<Field>, String>>()?;
    Ok(FieldMask::of(&fields))
}

fn parse_top(value: &str) -> Result<usize, String> {
    let top: i64 = value
        .trim()
        .parse()
        .map_err(|_| format!("$top must be an integer, found '{value}'"))?;
    if top < 1 || top > MAX_TOP as i64 {
        return Err(format!("$top must be between 1 and {MAX_TOP}, found {top}"));
    }
    Ok(top as usize)
}

fn parse_skip(value: &str) -> Result<usize, String> {
    value
        .trim()
        .parse()
        .map_err(|_| format!("$skip must be a non-negative integer, found '{value}'"))
}

fn parse_count(value: &str) -> Result<bool, String> {
    match value.trim().to_ascii_lowercase().as_str() {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(format!("$count must be true or false, found '{value}'")),
    }
}

fn parse_order(value: &str) -> Result<Order, String> {
    const ALLOWED: &str = "organizationDisplayName, dapEnabled, startDateTime, lastSignInDateTime";
    if value.contains(',') {
        return Err("$orderBy accepts a single field".to_string());
    }
    let mut words = value.split_whitespace();
    let field = words.next().ok_or("$orderBy is empty")?;
    let key = match Field::parse(field) {
        Some(Field::OrganizationDisplayName) => SortKey::OrganizationDisplayName,
        Some(Field::DapEnabled) => SortKey::DapEnabled,
        Some(Field::StartDateTime) => SortKey::StartDateTime,
        Some(Field::LastSignInDateTime) => SortKey::LastSignInDateTime,
        _ => {
            return Err(format!(
                "$orderBy cannot order by '{field}' (allowed: {ALLOWED})"
            ))
        }
    };
    let descending = match words.next().map(str::to_ascii_lowercase).as_deref() {
        None | Some("asc") => false,
        Some("desc") => true,
        Some(other) => {
            return Err(format!(
                "$orderBy direction must be asc or desc, found '{other}'"
            ))
        }
    };
    if let Some(extra) = words.next() {
        return Err(format!("$orderBy has an unexpected '{extra}'"));
    }
    Ok(Order { key, descending })
}
