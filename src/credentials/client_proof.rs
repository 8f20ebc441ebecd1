//! How an app proves who it is to the token endpoint: a client secret, a client assertion brought ready
//! made, or a certificate that signs a fresh assertion for each token request.

use super::Certificate;
use crate::error::Result;
use crate::secret::Secret;
use std::sync::Arc;

pub const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

#[derive(Debug, Clone)]
pub enum ClientProof {
    Secret(Secret),
    /// A signed JWT the caller made (PowerShell signs one with a certificate from the Windows store).
    Assertion(Secret),
    Certificate(Arc<Certificate>),
}

impl ClientProof {
    /// The form fields that prove the app, for a request to `token_url`.
    pub fn form_fields(
        &self,
        client_id: &str,
        token_url: &str,
    ) -> Result<Vec<(&'static str, Secret)>> {
        Ok(match self {
            ClientProof::Secret(s) => vec![("client_secret", s.clone())],
            ClientProof::Assertion(a) => vec![
                ("client_assertion_type", Secret::new(ASSERTION_TYPE)),
                ("client_assertion", a.clone()),
            ],
            ClientProof::Certificate(c) => vec![
                ("client_assertion_type", Secret::new(ASSERTION_TYPE)),
                ("client_assertion", c.sign_assertion(client_id, token_url)?),
            ],
        })
    }

    pub fn secrets(&self) -> Vec<Secret> {
        match self {
            ClientProof::Secret(s) | ClientProof::Assertion(s) => vec![s.clone()],
            // The key never leaves aws-lc; the assertions it signs are scrubbed by the requests' own rules.
            ClientProof::Certificate(_) => Vec::new(),
        }
    }

    /// A short word for fingerprints and messages.
    pub fn kind(&self) -> &'static str {
        match self {
            ClientProof::Secret(_) => "clientSecret",
            ClientProof::Assertion(_) => "clientAssertion",
            ClientProof::Certificate(_) => "certificate",
        }
    }
}
