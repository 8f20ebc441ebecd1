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

/// Replace every secret in `text`, raw and JSON-escaped, with `***`. The last line of defence for text
/// that leaves the library (envelopes, journals, reports); secrets shorter than 4 characters are left alone.
pub fn scrub(mut text: String, secrets: &[Secret]) -> String {
    for s in secrets {
        let raw = s.expose();
        if raw.len() < 4 {
            continue;
        }
        let quoted = serde_json::Value::String(raw.to_string()).to_string();
        let escaped = &quoted[1..quoted.len() - 1];
        for needle in [raw, escaped] {
            if text.contains(needle) {
                text = text.replace(needle, "***");
            }
        }
    }
    text
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
    fn debug_never_shows_the_value() {
        let s = Secret::new("hunter2-very-secret");
        assert_eq!(format!("{s:?}"), "Secret(***)");
        assert_eq!(format!("{:?}", Some(&s)), "Some(Secret(***))");
        assert_eq!(s.expose(), "hunter2-very-secret");
    }
}
