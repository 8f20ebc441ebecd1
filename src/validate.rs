//! Validation of identifiers taken from input, and safe path segments.

use crate::error::{Error, Result};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use uuid::Uuid;

/// Parse a GUID field (`what` names it in the error). Accepts the hyphenated form, with or without braces.
pub fn guid(what: &str, text: &str) -> Result<Uuid> {
    let t = text.trim();
    let inner = t
        .strip_prefix('{')
        .and_then(|s| s.strip_suffix('}'))
        .unwrap_or(t);
    if inner.len() != 36 {
        return Err(Error::invalid(format!(
            "{what} `{}` is not a GUID",
            printable(text)
        )));
    }
    Uuid::parse_str(inner)
        .map_err(|_| Error::invalid(format!("{what} `{}` is not a GUID", printable(text))))
}

/// A tenant given as a GUID or a verified domain (`contoso.onmicrosoft.com`), or `organizations`/`common`.
pub fn tenant(what: &str, text: &str) -> Result<String> {
    let t = text.trim();
    if let Ok(id) = guid(what, t) {
        return Ok(id.to_string());
    }
    let is_domain = !t.is_empty()
        && t.len() <= 253
        && t.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !label.starts_with('-')
        });
    if is_domain {
        Ok(t.to_ascii_lowercase())
    } else {
        Err(Error::invalid(format!(
            "{what} `{}` is neither a GUID nor a domain name",
            printable(text)
        )))
    }
}

/// Characters escaped in a path segment: everything but RFC 3986's unreserved set, and `.` too.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'~');

/// Percent-encode one path segment, so that input such as `../x` or `a/b?c` can never change the path.
pub fn path_segment(what: &str, text: &str) -> Result<String> {
    if text.is_empty() {
        return Err(Error::invalid(format!("{what} is empty")));
    }
    if text.len() > 256 {
        return Err(Error::invalid(format!(
            "{what} is longer than 256 characters"
        )));
    }
    if text.chars().any(char::is_control) {
        return Err(Error::invalid(format!(
            "{what} contains control characters"
        )));
    }
    // WHATWG URLs treat `.`, `..`, `%2e` and `%2e%2e` segments as dot segments even when encoded.
    if text.chars().all(|c| c == '.') {
        return Err(Error::invalid(format!("{what} `{text}` is a dot segment")));
    }
    Ok(utf8_percent_encode(text, SEGMENT).to_string())
}

/// Input shown back in an error message: truncated and with control characters escaped.
pub(crate) fn printable(text: &str) -> String {
    let mut out: String = text.chars().take(80).flat_map(char::escape_debug).collect();
    if text.chars().count() > 80 {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guids() {
        assert!(guid("id", "53018d99-ac51-4ec8-b86e-c8a61de43717").is_ok());
        assert!(guid("id", "{53018D99-AC51-4EC8-B86E-C8A61DE43717}").is_ok());
        for bad in [
            "",
            "x",
            "53018d99ac514ec8b86ec8a61de43717",
            "53018d99-ac51-4ec8-b86e-c8a61de4371z",
        ] {
            assert!(guid("id", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn segments_cannot_escape() {
        assert_eq!(path_segment("r", "../x").unwrap(), "%2E%2E%2Fx");
        assert_eq!(path_segment("r", "a b?c#d").unwrap(), "a%20b%3Fc%23d");
        assert!(path_segment("r", "..").is_err());
        assert!(path_segment("r", ".").is_err());
        assert!(path_segment("r", "").is_err());
        assert!(path_segment("r", "a\nb").is_err());
    }

    #[test]
    fn tenants() {
        assert_eq!(
            tenant("t", "Contoso.onmicrosoft.com").unwrap(),
            "contoso.onmicrosoft.com"
        );
        assert!(tenant("t", "organizations").is_ok());
        assert!(tenant("t", "../evil").is_err());
        assert!(tenant("t", "a/b").is_err());
    }
}
