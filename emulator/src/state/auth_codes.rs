//! Authorization codes (the authorization code flow with PKCE): issued by the authorize endpoint, redeemed
//! once at the token endpoint with the PKCE verifier, within their lifetime.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use aws_lc_rs::digest::{digest, SHA256};

use super::directory::User;
use super::tokens::{Audience, Grant};
use crate::base64::encode_url;
use crate::rng::opaque_secret;

/// Codes are swept of the expired ones once the table grows past this.
const SWEEP_THRESHOLD: usize = 10_000;

#[derive(Clone, Debug)]
struct AuthCode {
    client_id: String,
    redirect_uri: String,
    grant: Grant,
    /// The S256 `code_challenge`.
    challenge: String,
    user: User,
    expires: Instant,
    redeemed: bool,
}

/// Why a code cannot be redeemed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CodeError {
    Unknown,
    Redeemed,
    Expired,
    WrongClient,
    /// The `redirect_uri` the code was issued for.
    WrongRedirect(String),
    VerifierMismatch,
    /// A `scope` for another resource than the authorization request's.
    OtherResource,
}

/// `BASE64URL(SHA256(ASCII(code_verifier)))` (RFC 7636 §4.2).
pub fn s256(verifier: &str) -> String {
    encode_url(digest(&SHA256, verifier.as_bytes()).as_ref())
}

pub struct AuthCodeStore {
    lifetime: Duration,
    codes: HashMap<String, AuthCode>,
}

impl AuthCodeStore {
    pub fn new(lifetime_seconds: u64) -> AuthCodeStore {
        AuthCodeStore {
            lifetime: Duration::from_secs(lifetime_seconds),
            codes: HashMap::new(),
        }
    }

    pub fn issue(
        &mut self,
        client_id: &str,
        redirect_uri: &str,
        grant: Grant,
        challenge: &str,
        user: User,
    ) -> String {
        let now = Instant::now();
        if self.codes.len() >= SWEEP_THRESHOLD {
            self.codes.retain(|_, c| c.expires > now);
        }
        let code = format!("emu-ac.{}", opaque_secret());
        self.codes.insert(
            code.clone(),
            AuthCode {
                client_id: client_id.to_string(),
                redirect_uri: redirect_uri.to_string(),
                grant,
                challenge: challenge.to_string(),
                user,
                expires: now + self.lifetime,
                redeemed: false,
            },
        );
        code
    }

    /// Redeems a code: the same client, the same redirect URI, a verifier that hashes to the challenge,
    /// and (when the redemption names one) the same resource. Only a successful redemption uses the code up.
    pub fn redeem(
        &mut self,
        code: &str,
        client_id: &str,
        redirect_uri: &str,
        verifier: &str,
        requested: Option<Audience>,
    ) -> Result<(Grant, User), CodeError> {
        let entry = self.codes.get_mut(code).ok_or(CodeError::Unknown)?;
        if entry.redeemed {
            return Err(CodeError::Redeemed);
        }
        if entry.expires <= Instant::now() {
            return Err(CodeError::Expired);
        }
        if entry.client_id != client_id {
            return Err(CodeError::WrongClient);
        }
        if entry.redirect_uri != redirect_uri {
            return Err(CodeError::WrongRedirect(entry.redirect_uri.clone()));
        }
        if s256(verifier) != entry.challenge {
            return Err(CodeError::VerifierMismatch);
        }
        if requested.is_some_and(|a| a != entry.grant.audience) {
            return Err(CodeError::OtherResource);
        }
        entry.redeemed = true;
        Ok((entry.grant.clone(), entry.user.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s256_as_python_hashlib_computes_it() {
        // base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=")
        assert_eq!(
            s256("dBjftJeZ4CVP-mJ92K9xkTO2Kyp53jOJtJi4rAVh_9c"),
            "zASGl2DLCiFtn4GXtlynSyCr01VlspKMoyTwMq_2DPY"
        );
    }
}
