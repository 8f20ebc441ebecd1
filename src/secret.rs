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

/// Hashing is for keys such as a proxy configuration's; the hash itself never leaves the process.
impl std::hash::Hash for Secret {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.expose().hash(state)
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

/// Replace every secret in `text` with `***`: the last line of defence for text that leaves the library.
/// Each secret is looked for raw, JSON-escaped and debug-escaped-then-JSON-escaped (how an echoed value appears
/// in an error inside an envelope), and so is any truncation of it of at least 12 characters (a value shown
/// shortened). Secrets shorter than 4 characters are left alone. For JSON text use [`scrub_json`].
pub fn scrub(mut text: String, secrets: &[Secret]) -> String {
    for form in forms(secrets) {
        text = replace_with_truncations(&text, &form);
    }
    text
}

/// [`scrub`] for a JSON document: only the contents of string values are scrubbed (not keys), and never the
/// values of `kind` and `correlationId`, so the document stays valid JSON with its vocabulary intact whatever the
/// secrets are (a secret `null` or `alse` must not break it).
pub fn scrub_json(text: String, secrets: &[Secret]) -> String {
    let forms = forms(secrets);
    if forms.is_empty() || !forms.iter().any(|f| text.contains(head(f))) {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    let mut last_key: Option<&str> = None;
    while let Some(open) = rest.find('"') {
        let (before, literal) = rest.split_at(open);
        if before.contains([',', '{', '[']) {
            last_key = None;
        }
        out.push_str(before);
        let close = string_end(literal);
        let content = &literal[1..close];
        let after = &literal[close + 1..];
        let is_key = after.trim_start().starts_with(':');
        // Keys are the document's vocabulary; values of `kind` and `correlationId` are ours too.
        let protected = is_key || matches!(last_key, Some("kind" | "correlationId"));
        out.push('"');
        if protected {
            out.push_str(content);
        } else {
            let mut scrubbed = content.to_string();
            for form in &forms {
                scrubbed = replace_with_truncations(&scrubbed, form);
            }
            out.push_str(&scrubbed);
        }
        out.push('"');
        last_key = if is_key { Some(content) } else { None };
        rest = after;
    }
    out.push_str(rest);
    out
}

/// The byte index of the quote closing the string literal that `literal` starts with (or its last byte).
fn string_end(literal: &str) -> usize {
    let bytes = literal.as_bytes();
    let mut i = 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return i,
            _ => i += 1,
        }
    }
    bytes.len().saturating_sub(1).max(1).min(bytes.len())
}

/// The texts a secret may appear as: raw, JSON-escaped, and debug-escaped then JSON-escaped.
fn forms(secrets: &[Secret]) -> Vec<String> {
    let json_inner = |t: &str| {
        let quoted = serde_json::Value::String(t.to_string()).to_string();
        quoted[1..quoted.len() - 1].to_string()
    };
    let mut out = Vec::new();
    for s in secrets {
        let raw = s.expose();
        if raw.chars().count() < 4 {
            continue;
        }
        let debug: String = raw.chars().flat_map(char::escape_debug).collect();
        for form in [raw.to_string(), json_inner(raw), json_inner(&debug)] {
            if !out.contains(&form) {
                out.push(form);
            }
        }
    }
    out
}

const HEAD_CHARS: usize = 12;

/// The first [`HEAD_CHARS`] characters of `secret` (or all of it).
fn head(secret: &str) -> &str {
    &secret[..secret
        .char_indices()
        .nth(HEAD_CHARS)
        .map_or(secret.len(), |(i, _)| i)]
}

/// Replace `secret` and every truncation of it that keeps at least its first 12 characters. A match never
/// starts or ends inside a backslash escape, so escaped text stays well formed.
fn replace_with_truncations(text: &str, secret: &str) -> String {
    let head = head(secret);
    if !text.contains(head) {
        return text.to_string();
    }
    let odd_backslashes_before =
        |s: &str| s.bytes().rev().take_while(|b| *b == b'\\').count() % 2 == 1;
    let mut out = String::with_capacity(text.len());
    let mut from = 0;
    let mut search = 0;
    while let Some(found) = text[search..].find(head) {
        let at = search + found;
        let candidate = &text[at..];
        // A match right after an odd run of backslashes would start inside an escape (`\n...`): skip it.
        if odd_backslashes_before(&text[..at]) {
            search = at + candidate.chars().next().map_or(1, char::len_utf8);
            continue;
        }
        let mut cut = candidate
            .bytes()
            .zip(secret.bytes())
            .take_while(|(a, b)| a == b)
            .count();
        while !candidate.is_char_boundary(cut) {
            cut -= 1;
        }
        // An odd run of backslashes at the end of the cut would escape what follows it: keep the last one.
        if odd_backslashes_before(&candidate[..cut]) {
            cut -= 1;
        }
        if cut == 0 {
            search = at + candidate.chars().next().map_or(1, char::len_utf8);
            continue;
        }
        out.push_str(&text[from..at]);
        out.push_str("***");
        from = at + cut;
        search = from;
    }
    out.push_str(&text[from..]);
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
    fn scrub_json_keeps_the_document_valid_whatever_the_secret() {
        let envelope = serde_json::json!({
            "ok": false,
            "error": { "kind": "server_error", "message": "saw null and false here, \\nabc and \\\"abc", "status": null,
                       "correlationId": "9b4bf2ca-f374-4d51-9113-781ca87b8380" },
            "correlationId": "9b4bf2ca-f374-4d51-9113-781ca87b8380",
        })
        .to_string();
        for secret in [
            "null", "alse", "\"ok\"", "rror", "9b4bf2ca", "\\\"", ":false,", "kind", "a\\b\"c",
        ] {
            let out = scrub_json(envelope.clone(), &[Secret::new(secret)]);
            let v: serde_json::Value =
                serde_json::from_str(&out).unwrap_or_else(|e| panic!("{secret}: {e}: {out}"));
            assert_eq!(v["error"]["kind"], "server_error", "{secret}");
            assert_eq!(
                v["correlationId"], "9b4bf2ca-f374-4d51-9113-781ca87b8380",
                "{secret}"
            );
        }
        let out = scrub_json(envelope, &[Secret::new("null and")]);
        assert!(out.contains("saw *** false"), "{out}");
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
