//! ETags as Graph writes them: `W/"<base64 of '"<hex>"'>"`, e.g. `W/"JyIwMTAwMDAwMi0wMDAwLTAyMDAtMDAwMC0wMDAwMDAwMDAwMDEiJw=="`.
//! Derived from what the resource is, its index and its version, so they are deterministic and change
//! with every version.

use crate::base64;

/// What kind of resource an ETag belongs to (distinct ETags for distinct resources).
#[derive(Clone, Copy, Debug)]
pub enum Kind {
    Relationship = 1,
    Assignment = 2,
    Operation = 3,
    Customer = 4,
}

pub fn etag(kind: Kind, index: u32, version: u32) -> String {
    let inner = format!(
        "'\"{:02x}{index:06x}-0000-0200-0000-{version:012x}\"'",
        kind as u8
    );
    format!("W/\"{}\"", base64::encode(inner.as_bytes()))
}

/// Whether an `If-Match` value matches the current ETag: `*`, or one of a comma-separated list of
/// entity tags, weak or strong (Graph's ETags are weak, and a client may drop the `W/`).
pub fn if_match(header: &str, current: &str) -> bool {
    let opaque = |tag: &str| {
        let tag = tag.trim();
        tag.strip_prefix("W/").unwrap_or(tag).to_string()
    };
    let current = opaque(current);
    header
        .split(',')
        .any(|tag| tag.trim() == "*" || opaque(tag) == current)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags() {
        let a = etag(Kind::Relationship, 2, 1);
        assert!(a.starts_with("W/\"JyI") && a.ends_with("Jw==\""), "{a}");
        assert_ne!(a, etag(Kind::Relationship, 2, 2));
        assert_ne!(a, etag(Kind::Assignment, 2, 1));
        assert!(if_match(&a, &a));
        assert!(if_match(a.trim_start_matches("W/"), &a));
        assert!(if_match("*", &a));
        assert!(if_match(&format!("W/\"x\", {a}"), &a));
        assert!(!if_match(&etag(Kind::Relationship, 2, 2), &a));
    }
}
