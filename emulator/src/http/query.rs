//! Query strings and form bodies (`application/x-www-form-urlencoded`): decoding and encoding.

use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// Left as-is when encoding a value: unreserved characters and a few harmless sub-delimiters, so
/// OData expressions stay readable in nextLinks.
const VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b',')
    .remove(b':')
    .remove(b'*');

/// Decodes one component: `+` is a space, `%XX` a byte; invalid UTF-8 is replaced.
pub fn decode(component: &str) -> String {
    let spaced = component.replace('+', " ");
    percent_decode_str(&spaced).decode_utf8_lossy().into_owned()
}

/// Encodes one component for a query string.
pub fn encode(component: &str) -> String {
    utf8_percent_encode(component, VALUE).to_string()
}

/// Decoded name/value pairs, in order.
#[derive(Clone, Debug, Default)]
pub struct Params(Vec<(String, String)>);

impl Params {
    pub fn parse(raw: Option<&str>) -> Params {
        let pairs = raw
            .unwrap_or("")
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| match p.split_once('=') {
                Some((k, v)) => (decode(k), decode(v)),
                None => (decode(p), String::new()),
            })
            .collect();
        Params(pairs)
    }

    pub fn parse_bytes(body: &[u8]) -> Params {
        Params::parse(Some(&String::from_utf8_lossy(body)))
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// The last value of a parameter, name matched exactly.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.iter()
            .filter(|(k, _)| *k == name)
            .map(|(_, v)| v)
            .last()
    }

    /// The last value of a parameter, name matched case-insensitively.
    pub fn get_ignore_case(&self, name: &str) -> Option<&str> {
        self.iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
            .last()
    }
}
