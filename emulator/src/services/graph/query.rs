//! Graph's query options on the GDAP lists (`$select`, `$filter`, `$top`, `$count`, `$skiptoken`) and
//! paging: a page ends where `$top` (or the configured page size) says; `@odata.nextLink` repeats the
//! options and adds an opaque `$skiptoken` that only this list, with these options, accepts.

use super::filter::{self, Expr, Property};
use crate::base64;
use crate::config::MAX_GDAP_PAGE_SIZE;
use crate::http::query::{encode, Params};

/// What one list accepts.
pub struct ListSpec {
    /// Tells skip tokens of different lists apart.
    pub kind: u8,
    pub selectable: &'static [&'static str],
    /// Empty: `$filter` is not supported.
    pub filterable: &'static [Property],
}

#[derive(Debug)]
pub struct ListQuery {
    pub filter: Option<Expr>,
    /// `$select`ed properties, as the resource spells them.
    pub select: Option<Vec<String>>,
    pub top: Option<usize>,
    pub count: bool,
    /// Where the page starts (from `$skiptoken`).
    pub start: usize,
    /// The options as given (canonical name, value), `$skiptoken` aside, for the nextLink.
    given: Vec<(&'static str, String)>,
    fingerprint: u64,
}

const SUPPORTED: [&str; 5] = ["$select", "$filter", "$top", "$count", "$skiptoken"];
/// OData options Graph knows but these lists do not take here.
const UNSUPPORTED: [&str; 6] = [
    "$expand", "$orderby", "$skip", "$search", "$format", "$apply",
];

/// FNV-1a, to bind a skip token to a list and its options.
fn fnv(parts: &[&str]) -> u64 {
    let mut hash = 0xcbf2_9ce4_8422_2325u64;
    for part in parts {
        for byte in part.bytes().chain([0u8]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}

impl ListQuery {
    /// `scope` names the collection (e.g. the relationship whose assignments are listed).
    pub fn parse(params: &Params, spec: &ListSpec, scope: &str) -> Result<ListQuery, String> {
        let mut query = ListQuery {
            filter: None,
            select: None,
            top: None,
            count: false,
            start: 0,
            given: Vec::new(),
            fingerprint: 0,
        };
        let mut skiptoken = None;
        let mut seen: Vec<&'static str> = Vec::new();
        for (name, value) in params.iter().filter(|(n, _)| n.starts_with('$')) {
            if let Some(unsupported) = UNSUPPORTED.iter().find(|o| o.eq_ignore_ascii_case(name)) {
                return Err(format!(
                    "The query option '{unsupported}' is not supported on this collection."
                ));
            }
            let Some(canonical) = SUPPORTED.iter().find(|o| o.eq_ignore_ascii_case(name)) else {
                return Err(format!("The query parameter '{name}' is not supported."));
            };
            if seen.contains(canonical) {
                return Err(format!(
                    "The query option '{canonical}' is specified more than once."
                ));
            }
            seen.push(canonical);
            match *canonical {
                "$select" => query.select = Some(parse_select(value, spec.selectable)?),
                "$filter" if spec.filterable.is_empty() => {
                    return Err(
                        "The query option '$filter' is not supported on this collection."
                            .to_string(),
                    )
                }
                "$filter" => query.filter = Some(filter::parse(value, spec.filterable)?),
                "$top" => query.top = Some(parse_top(value)?),
                "$count" => query.count = parse_count(value)?,
                _ => {
                    skiptoken = Some(value.to_string());
                    continue;
                }
            }
            query.given.push((canonical, value.to_string()));
        }
        let mut parts: Vec<&str> = vec![scope];
        for (name, value) in &query.given {
            parts.push(name);
            parts.push(value);
        }
        query.fingerprint = fnv(&parts);
        if let Some(token) = skiptoken {
            query.start = read_token(&token, spec.kind, query.fingerprint).ok_or_else(|| {
                "The $skiptoken is not valid for this request: follow @odata.nextLink as given."
                    .to_string()
            })?;
        }
        Ok(query)
    }

    /// The absolute URL of the page starting at `start` (`base` is the collection's URL).
    pub fn next_link(&self, base: &str, kind: u8, start: usize) -> String {
        let mut link = format!("{base}?");
        for (name, value) in &self.given {
            link.push_str(&format!("{name}={}&", encode(value)));
        }
        link.push_str("$skiptoken=");
        link.push_str(&write_token(kind, start, self.fingerprint));
        link
    }
}

fn write_token(kind: u8, start: usize, fingerprint: u64) -> String {
    let mut bytes = vec![b'G', kind];
    bytes.extend_from_slice(&(start as u32).to_le_bytes());
    bytes.extend_from_slice(&fingerprint.to_le_bytes());
    base64::encode_url(&bytes)
}

fn read_token(token: &str, kind: u8, fingerprint: u64) -> Option<usize> {
    let bytes = base64::decode_url(token)?;
    if bytes.len() != 14 || bytes[0] != b'G' || bytes[1] != kind {
        return None;
    }
    let start = u32::from_le_bytes(bytes[2..6].try_into().ok()?);
    let print = u64::from_le_bytes(bytes[6..14].try_into().ok()?);
    (print == fingerprint).then_some(start as usize)
}

fn parse_select(value: &str, selectable: &[&str]) -> Result<Vec<String>, String> {
    value
        .split(',')
        .map(str::trim)
        .map(|name| {
            selectable
                .iter()
                .find(|s| s.eq_ignore_ascii_case(name))
                .map(|s| s.to_string())
                .ok_or_else(|| match name.is_empty() {
                    true => "$select has an empty property name.".to_string(),
                    false => format!(
                        "Could not find a property named '{name}' to $select (properties: {}).",
                        selectable.join(", ")
                    ),
                })
        })
        .collect()
}

fn parse_top(value: &str) -> Result<usize, String> {
    let top: i64 = value
        .trim()
        .parse()
        .map_err(|_| format!("Invalid $top value '{value}': an integer is expected."))?;
    if !(1..=MAX_GDAP_PAGE_SIZE as i64).contains(&top) {
        return Err(format!(
            "Invalid $top value {top}: $top supports 1 to {MAX_GDAP_PAGE_SIZE} objects."
        ));
    }
    Ok(top as usize)
}

fn parse_count(value: &str) -> Result<bool, String> {
    match value.trim().to_ascii_lowercase().as_str() {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(format!(
            "Invalid $count value '{value}': true or false is expected."
        )),
    }
}

/// One page of a list: the matching items from `start`, at most `size`.
pub struct Page {
    pub items: Vec<u32>,
    /// Where the next page starts (the next match), when there is one.
    pub next: Option<usize>,
    /// Every match, when `$count` asked for it.
    pub total: Option<usize>,
}

/// Scans items `0..len` (counting matches before `start` only for `$count`).
pub fn page(
    len: usize,
    start: usize,
    size: usize,
    count: bool,
    matches: impl Fn(u32) -> bool,
) -> Page {
    let mut items = Vec::with_capacity(size.min(len.saturating_sub(start)));
    let mut next = None;
    let mut total = 0usize;
    let begin = if count { 0 } else { start.min(len) };
    for i in begin..len {
        if !matches(i as u32) {
            continue;
        }
        total += 1;
        if i < start {
            continue;
        }
        if items.len() < size {
            items.push(i as u32);
        } else if next.is_none() {
            next = Some(i);
            if !count {
                break;
            }
        }
    }
    Page {
        items,
        next,
        total: count.then_some(total),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: ListSpec = ListSpec {
        kind: 9,
        selectable: &["id", "displayName"],
        filterable: &[],
    };

    #[test]
    fn tokens_bind_to_the_list_and_options() {
        let q = ListQuery::parse(
            &Params::parse(Some("$top=2&$select=displayName")),
            &SPEC,
            "x",
        )
        .unwrap();
        let link = q.next_link("http://h/c", SPEC.kind, 7);
        let query = link.split_once('?').unwrap().1;
        let again = ListQuery::parse(&Params::parse(Some(query)), &SPEC, "x").unwrap();
        assert_eq!(again.start, 7);
        assert_eq!(again.top, Some(2));
        assert!(ListQuery::parse(&Params::parse(Some(query)), &SPEC, "y").is_err());
        let tampered = query.replace("$top=2", "$top=3");
        assert!(ListQuery::parse(&Params::parse(Some(&tampered)), &SPEC, "x").is_err());
        assert!(ListQuery::parse(&Params::parse(Some("$skiptoken=abc")), &SPEC, "x").is_err());
    }

    #[test]
    fn options() {
        let parse = |q: &str| ListQuery::parse(&Params::parse(Some(q)), &SPEC, "x");
        assert!(parse("$top=0").is_err());
        assert!(parse("$top=301").is_err());
        assert_eq!(parse("$TOP=300").unwrap().top, Some(300));
        assert!(parse("$select=nope").is_err());
        assert_eq!(
            parse("$select=DISPLAYNAME").unwrap().select.unwrap(),
            vec!["displayName"]
        );
        assert!(parse("$filter=id eq 'x'").is_err());
        assert!(parse("$orderby=id").is_err());
        assert!(parse("$top=1&$top=2").is_err());
        assert!(parse("$count=maybe").is_err());
        assert!(parse("api-version=1").is_ok());
    }

    #[test]
    fn pages() {
        let even = |i: u32| i.is_multiple_of(2);
        let p = page(10, 0, 2, true, even);
        assert_eq!(p.items, vec![0, 2]);
        assert_eq!(p.next, Some(4));
        assert_eq!(p.total, Some(5));
        let p = page(10, 6, 2, false, even);
        assert_eq!(p.items, vec![6, 8]);
        assert_eq!(p.next, None);
        assert_eq!(p.total, None);
    }
}
