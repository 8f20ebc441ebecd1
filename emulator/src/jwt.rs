//! JSON Web Tokens (RFC 7519) in compact form: `base64url(header).base64url(payload).base64url(signature)`.
//! The emulator mints its access tokens in this shape (the signature is random bytes: the emulator knows
//! every token it issued, and clients never verify access tokens) and reads client assertions in it.

use serde_json::{json, Map, Value};

use crate::base64::{decode_url, encode_url};

/// The header of every access token the emulator issues.
fn access_token_header() -> Value {
    json!({ "typ": "JWT", "alg": "RS256", "kid": "emulator" })
}

/// An access token carrying `claims`, with a random 256-byte "signature" (the size of an RS256 one with a
/// 2048-bit key). The random bytes also make every token text unique.
pub fn mint(claims: &Value) -> String {
    let mut signature = [0u8; 256];
    if aws_lc_rs::rand::fill(&mut signature).is_err() {
        // No system randomness: fall back to v4 GUIDs (also OS randomness, through getrandom).
        for chunk in signature.chunks_mut(16) {
            chunk.copy_from_slice(&uuid::Uuid::new_v4().as_bytes()[..chunk.len()]);
        }
    }
    format!(
        "{}.{}.{}",
        encode_url(access_token_header().to_string().as_bytes()),
        encode_url(claims.to_string().as_bytes()),
        encode_url(&signature)
    )
}

/// A parsed compact JWT.
#[derive(Clone, Debug)]
pub struct Jwt<'a> {
    pub header: Map<String, Value>,
    pub payload: Map<String, Value>,
    /// `header.payload` as sent: what the signature signs.
    pub signing_input: &'a str,
    pub signature: Vec<u8>,
}

fn object(part: &str) -> Option<Map<String, Value>> {
    match serde_json::from_slice(&decode_url(part)?).ok()? {
        Value::Object(map) => Some(map),
        _ => None,
    }
}

/// Three base64url parts (no padding), the first two JSON objects; None otherwise.
pub fn parse(text: &str) -> Option<Jwt<'_>> {
    let mut parts = text.split('.');
    let (header, payload, signature) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    Some(Jwt {
        header: object(header)?,
        payload: object(payload)?,
        signing_input: &text[..header.len() + 1 + payload.len()],
        signature: decode_url(signature)?,
    })
}

/// The `aud` claim of a token that is a JWT with a string audience.
pub fn audience(token: &str) -> Option<String> {
    parse(token)?
        .payload
        .get("aud")
        .and_then(Value::as_str)
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minted_tokens_parse_back() {
        let claims = json!({ "aud": "https://graph.microsoft.com", "n": 1 });
        let token = mint(&claims);
        assert_ne!(token, mint(&claims), "every token text is unique");
        let jwt = parse(&token).unwrap();
        assert_eq!(jwt.header["alg"], "RS256");
        assert_eq!(jwt.header["kid"], "emulator");
        assert_eq!(Value::Object(jwt.payload), claims);
        assert_eq!(jwt.signature.len(), 256);
        assert!(token.starts_with(jwt.signing_input));
        assert_eq!(
            audience(&token).as_deref(),
            Some("https://graph.microsoft.com")
        );
        for bad in ["", "a.b", "a.b.c.d", "!!.e30.", "e30.W10.", "e30.e30.!!"] {
            assert!(parse(bad).is_none(), "{bad}");
        }
        assert!(parse("e30.e30.").is_some());
    }
}
