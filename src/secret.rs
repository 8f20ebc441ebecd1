//! A string that is a credential: never printed, wiped from memory when dropped.

use serde::{Deserialize, Deserializer};
use std::fmt;
use zeroize::Zeroizing;

/// A client secret, refresh token, access token or device code.
///
/// `Debug` prints `Secret(***)`; there is no `Display` and no `Serialize`, so a secret cannot reach a log,
/// an error message, a journal or a report by accident. The bytes are zeroized on drop.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(Zeroizing::new(value.into()))
    }

    /// The secret's text, for the one place that must send it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Secret, D::Error> {
        // From a serde_json::Value this moves the parsed String in without a copy.
        String::deserialize(deserializer).map(Secret::new)
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Secret {
        Secret::new(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Secret {
        Secret::new(value)
    }
}

/// Replace every secret in `text` with `***`: the last line of defence for text that leaves the library
/// (envelopes, journals, reports). Each secret is looked for raw, JSON-escaped and debug-escaped-then-JSON-
/// escaped (how an echoed value appears in an error inside an envelope), and so is any truncation of it of
/// at least 12 characters (a value shown shortened). Secrets shorter than 4 characters are left alone.
pub fn scrub(mut text: String, secrets: &[Secret]) -> String {
    for s in secrets {
        let raw = s.expose();
        if raw.chars().count() < 4 {
            continue;
        }
        let json_inner = |t: &str| {
            let quoted = serde_json::Value::String(t.to_string()).to_string();
            quoted[1..quoted.len() - 1].to_string()
        };
        let debug: String = raw.chars().flat_map(char::escape_debug).collect();
        for form in [raw.to_string(), json_inner(raw), json_inner(&debug)] {
            text = replace_with_truncations(text, &form);
        }
    }
    text
}

/// Replace `secret` and every truncation of it that keeps at least its first 12 characters.
fn replace_with_truncations(text: String, secret: &str) -> String {
    const HEAD_CHARS: usize = 12;
    let head_len = secret
        .char_indices()
        .nth(HEAD_CHARS)
        .map_or(secret.len(), |(i, _)| i);
    let head = &secret[..head_len];
    if !text.contains(head) {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(at) = rest.find(head) {
        out.push_str(&rest[..at]);
        let candidate = &rest[at..];
        let mut common = candidate
            .bytes()
            .zip(secret.bytes())
            .take_while(|(a, b)| a == b)
            .count();
        while !candidate.is_char_boundary(common) {
            common -= 1;
        }
        out.push_str("***");
        rest = &candidate[common.max(head_len)..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrub_removes_raw_and_escaped_secrets() {
        let secrets = vec![Secret::new("s3cr\"et-value"), Secret::new("ab")];
        let text = serde_json::Value::String("x s3cr\"et-value y ab".into()).to_string();
        let out = scrub(text, &secrets);
        assert!(!out.contains("s3cr"), "{out}");
        assert!(out.contains("ab"), "short strings are left alone: {out}");
    }

    #[test]
    fn scrub_catches_truncated_and_escaped_echoes() {
        let secret = Secret::new("FAKE-ACCESS-TOKEN-0123456789abcdefghijklmnopqrstuvwxyz");
        let shown: String = secret.expose().chars().take(20).collect();
        let text = format!("customerTenantId `{shown}…` is not a GUID");
        let out = scrub(text, std::slice::from_ref(&secret));
        assert!(!out.contains("FAKE-ACCESS-TOKEN-01"), "{out}");
        assert!(out.contains("is not a GUID"), "{out}");
        // A secret with quotes, echoed debug-escaped inside a JSON string.
        let secret = Secret::new(r#"se"cr\et-value-with-quotes"#);
        let debug: String = secret
            .expose()
            .chars()
            .flat_map(char::escape_debug)
            .collect();
        let envelope =
            serde_json::json!({ "message": format!("tenantDomain `{debug}` is bad") }).to_string();
        let out = scrub(envelope, std::slice::from_ref(&secret));
        assert!(!out.contains("cr"), "{out}");
        // Ordinary text that merely starts like a secret for fewer than 12 characters stays.
        let token = Secret::new("FAKE-ACCESS-TOKEN-0123456789abcdefghijklmnopqrstuvwxyz");
        let out = scrub(
            "FAKE-ACCESS is a phrase".into(),
            std::slice::from_ref(&token),
        );
        assert_eq!(out, "FAKE-ACCESS is a phrase");
    }

    #[test]
    fn debug_never_shows_the_value() {
        let s = Secret::new("hunter2-very-secret");
        assert_eq!(format!("{s:?}"), "Secret(***)");
        assert_eq!(format!("{:?}", Some(&s)), "Some(Secret(***))");
        assert_eq!(s.expose(), "hunter2-very-secret");
    }
}
