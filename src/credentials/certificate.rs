//! A certificate an app signs in with (a client assertion, RFC 7523 as the Microsoft identity platform
//! takes it): an RSA key and its X.509 certificate from a PEM file (certificate + PKCS#8 or PKCS#1 key) or a
//! PFX/PKCS#12 file with an optional password. Each assertion is a JWT signed PS256 with the certificate's
//! `x5t#S256` thumbprint in its header (RS256 with `x5t` as an option), audience the token endpoint,
//! issuer and subject the client id, valid for ten minutes.
//!
//! The key stays in memory inside aws-lc (the same crypto library rustls already uses here); the PEM text,
//! the PFX bytes and the password are not kept. A certificate that is expired, not yet valid, not RSA, or
//! whose key does not match it, is refused when it is loaded: before anything is sent.

use crate::error::{Error, Result};
use crate::secret::Secret;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{self, KeyPair, RsaKeyPair};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use chrono::{DateTime, Utc};
use serde_json::json;
use std::path::Path;
use uuid::Uuid;

/// How assertions are signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SignatureAlgorithm {
    /// RSA-PSS with SHA-256, `x5t#S256` header: what Microsoft recommends.
    #[default]
    Ps256,
    /// RSA PKCS#1 v1.5 with SHA-256, `x5t` (SHA-1 thumbprint) header: for older setups.
    Rs256,
}

impl SignatureAlgorithm {
    pub fn parse(text: &str) -> Result<SignatureAlgorithm> {
        match text {
            "PS256" => Ok(SignatureAlgorithm::Ps256),
            "RS256" => Ok(SignatureAlgorithm::Rs256),
            _ => Err(Error::invalid("signatureAlgorithm must be PS256 or RS256")),
        }
    }
}

/// A loaded certificate with its private key.
pub struct Certificate {
    key: RsaKeyPair,
    /// The leaf certificate, DER.
    der: Vec<u8>,
    pub not_before: DateTime<Utc>,
    pub not_after: DateTime<Utc>,
    pub subject: String,
    /// SHA-1 thumbprint, upper-case hex (what Windows and the Entra portal show).
    pub thumbprint: String,
    x5t_s256: String,
    x5t: String,
    pub algorithm: SignatureAlgorithm,
}

impl std::fmt::Debug for Certificate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Certificate")
            .field("subject", &self.subject)
            .field("thumbprint", &self.thumbprint)
            .field("not_after", &self.not_after)
            .field("key", &"***")
            .finish()
    }
}

fn bad(what: &str, why: impl std::fmt::Display) -> Error {
    Error::invalid(format!("{what}: {why}"))
}

impl Certificate {
    /// Load a PEM or PFX file (told apart by its content), checking it as [`Certificate::from_parts`] does.
    pub fn from_file(
        path: &Path,
        password: Option<&Secret>,
        algorithm: SignatureAlgorithm,
    ) -> Result<Certificate> {
        let what = format!("certificate {}", path.display());
        let bytes = std::fs::read(path).map_err(|e| bad(&what, format!("cannot read it: {e}")))?;
        let bytes = zeroize::Zeroizing::new(bytes);
        if bytes.windows(11).any(|w| w == b"-----BEGIN ") {
            Certificate::from_pem(&bytes, algorithm).map_err(|e| bad(&what, e.message))
        } else {
            Certificate::from_pfx(&bytes, password, algorithm).map_err(|e| bad(&what, e.message))
        }
    }

    /// A PEM text with a `CERTIFICATE` (the first is the leaf) and a `PRIVATE KEY` (PKCS#8) or
    /// `RSA PRIVATE KEY` (PKCS#1) block.
    pub fn from_pem(text: &[u8], algorithm: SignatureAlgorithm) -> Result<Certificate> {
        let blocks = pem::parse_many(text).map_err(|e| bad("the PEM text", e))?;
        let cert = blocks
            .iter()
            .find(|b| b.tag() == "CERTIFICATE")
            .ok_or_else(|| Error::invalid("the PEM text holds no CERTIFICATE block"))?;
        let key = match blocks
            .iter()
            .find(|b| b.tag() == "PRIVATE KEY" || b.tag() == "RSA PRIVATE KEY")
        {
            Some(b) if b.tag() == "PRIVATE KEY" => RsaKeyPair::from_pkcs8(b.contents()),
            Some(b) => RsaKeyPair::from_der(b.contents()),
            None => {
                return Err(Error::invalid(
                    "the PEM text holds no PRIVATE KEY or RSA PRIVATE KEY block (an encrypted key must be decrypted first, or use a PFX file with a password)",
                ))
            }
        }
        .map_err(|e| bad("the private key", format!("not a usable RSA key ({e})")))?;
        Certificate::from_parts(key, cert.contents().to_vec(), algorithm)
    }

    /// A PFX/PKCS#12 file and its password (none = the empty password).
    pub fn from_pfx(
        bytes: &[u8],
        password: Option<&Secret>,
        algorithm: SignatureAlgorithm,
    ) -> Result<Certificate> {
        let store = p12_keystore::KeyStore::from_pkcs12(bytes, password.map_or("", |p| p.expose()))
            .map_err(|e| {
                bad(
                    "the PFX file",
                    format!("cannot be opened: wrong password, or not a PFX file ({e})"),
                )
            })?;
        let (_, chain) = store
            .private_key_chain()
            .ok_or_else(|| Error::invalid("the PFX file holds no private key"))?;
        let leaf = chain
            .chain()
            .first()
            .ok_or_else(|| Error::invalid("the PFX file holds a key but no certificate"))?;
        let key = RsaKeyPair::from_pkcs8(chain.key())
            .or_else(|_| RsaKeyPair::from_der(chain.key()))
            .map_err(|e| bad("the PFX file's key", format!("not a usable RSA key ({e})")))?;
        Certificate::from_parts(key, leaf.as_der().to_vec(), algorithm)
    }

    /// Check a key and its certificate: the certificate is valid now, and its public key is the key's.
    fn from_parts(
        key: RsaKeyPair,
        der: Vec<u8>,
        algorithm: SignatureAlgorithm,
    ) -> Result<Certificate> {
        let (_, cert) = x509_parser::parse_x509_certificate(&der)
            .map_err(|e| bad("the certificate", format!("not an X.509 certificate ({e})")))?;
        let validity = cert.validity();
        let not_before = DateTime::<Utc>::from_timestamp(validity.not_before.timestamp(), 0)
            .unwrap_or(DateTime::<Utc>::MIN_UTC);
        let not_after = DateTime::<Utc>::from_timestamp(validity.not_after.timestamp(), 0)
            .unwrap_or(DateTime::<Utc>::MIN_UTC);
        let subject = cert.subject().to_string();
        if cert.public_key().subject_public_key.data.as_ref() != key.public_key().as_ref() {
            return Err(Error::invalid(format!(
                "the certificate ({subject}) does not belong to the private key given with it"
            )));
        }
        let sha256 = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, &der);
        let sha1 = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA1_FOR_LEGACY_USE_ONLY, &der);
        let certificate = Certificate {
            key,
            thumbprint: sha1.as_ref().iter().map(|b| format!("{b:02X}")).collect(),
            x5t_s256: URL_SAFE_NO_PAD.encode(sha256.as_ref()),
            x5t: URL_SAFE_NO_PAD.encode(sha1.as_ref()),
            der,
            not_before,
            not_after,
            subject,
            algorithm,
        };
        certificate.check_valid_at(Utc::now())?;
        Ok(certificate)
    }

    /// Refuse a certificate outside its validity period: the identity platform would refuse it too, with a
    /// less clear message.
    pub fn check_valid_at(&self, now: DateTime<Utc>) -> Result<()> {
        if now > self.not_after {
            return Err(Error::invalid(format!(
                "the certificate ({}, thumbprint {}) expired on {}",
                self.subject,
                self.thumbprint,
                self.not_after.to_rfc3339()
            )));
        }
        if now < self.not_before {
            return Err(Error::invalid(format!(
                "the certificate ({}, thumbprint {}) is not valid before {}",
                self.subject,
                self.thumbprint,
                self.not_before.to_rfc3339()
            )));
        }
        Ok(())
    }

    /// The certificate itself, base64 DER (what an `x5c` header or an app registration's key holds).
    pub fn certificate_base64(&self) -> String {
        STANDARD.encode(&self.der)
    }

    /// A client assertion for `client_id` at `audience` (the token endpoint's URL), valid for ten minutes.
    pub fn sign_assertion(&self, client_id: &str, audience: &str) -> Result<Secret> {
        self.check_valid_at(Utc::now())?;
        let header = match self.algorithm {
            SignatureAlgorithm::Ps256 => {
                json!({ "alg": "PS256", "typ": "JWT", "x5t#S256": self.x5t_s256 })
            }
            SignatureAlgorithm::Rs256 => json!({ "alg": "RS256", "typ": "JWT", "x5t": self.x5t }),
        };
        let now = Utc::now().timestamp();
        let claims = json!({
            "aud": audience, "iss": client_id, "sub": client_id, "jti": Uuid::new_v4().to_string(),
            "nbf": now, "iat": now, "exp": now + 600,
        });
        let signing_input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let encoding: &'static dyn signature::RsaEncoding = match self.algorithm {
            SignatureAlgorithm::Ps256 => &signature::RSA_PSS_SHA256,
            SignatureAlgorithm::Rs256 => &signature::RSA_PKCS1_SHA256,
        };
        let mut sig = vec![0u8; self.key.public_modulus_len()];
        self.key
            .sign(
                encoding,
                &SystemRandom::new(),
                signing_input.as_bytes(),
                &mut sig,
            )
            .map_err(|_| Error::internal("signing the client assertion failed"))?;
        Ok(Secret::new(format!(
            "{signing_input}.{}",
            URL_SAFE_NO_PAD.encode(sig)
        )))
    }
}
