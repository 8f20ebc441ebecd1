//! The certificates registered on the confidential app (as an admin uploads them to the app registration):
//! their public keys verify client assertions. Only the certificate is kept, never a private key.

use aws_lc_rs::digest::{digest, SHA1_FOR_LEGACY_USE_ONLY, SHA256};
use serde_json::{json, Value};
use x509_parser::prelude::{FromDer, X509Certificate};
use x509_parser::public_key::PublicKey;

use crate::base64::encode_url;

/// One registered certificate.
#[derive(Clone, Debug)]
pub struct RegisteredCertificate {
    pub client_id: String,
    /// SHA-1 of the DER (what `x5t` carries, base64url).
    pub sha1: Vec<u8>,
    /// SHA-256 of the DER (what `x5t#S256` carries, base64url).
    pub sha256: Vec<u8>,
    /// The certificate's SubjectPublicKeyInfo, DER (an RSA key).
    pub public_key: Vec<u8>,
    /// Validity, Unix seconds.
    pub not_before: i64,
    pub not_after: i64,
    pub subject: String,
}

pub fn hex_upper(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

impl RegisteredCertificate {
    /// The first `CERTIFICATE` block of a PEM text (a private key block beside it is ignored), which must
    /// hold an RSA public key.
    pub fn from_pem(text: &str, client_id: &str) -> Result<RegisteredCertificate, String> {
        let blocks =
            pem::parse_many(text.as_bytes()).map_err(|e| format!("not a PEM text: {e}"))?;
        let block = blocks
            .iter()
            .find(|b| b.tag() == "CERTIFICATE")
            .ok_or("the PEM text holds no CERTIFICATE block")?;
        let der = block.contents();
        let (_, cert) =
            X509Certificate::from_der(der).map_err(|e| format!("not an X.509 certificate: {e}"))?;
        let spki = cert.public_key();
        match spki.parsed() {
            Ok(PublicKey::RSA(_)) => {}
            _ => return Err("the certificate's key is not an RSA key (Entra client assertions here are PS256 or RS256)".into()),
        }
        let validity = cert.validity();
        Ok(RegisteredCertificate {
            client_id: client_id.to_string(),
            sha1: digest(&SHA1_FOR_LEGACY_USE_ONLY, der).as_ref().to_vec(),
            sha256: digest(&SHA256, der).as_ref().to_vec(),
            public_key: spki.raw.to_vec(),
            not_before: validity.not_before.timestamp(),
            not_after: validity.not_after.timestamp(),
            subject: cert.subject().to_string(),
        })
    }

    /// What `POST`/`GET /_emulator/certificates` answer.
    pub fn to_json(&self) -> Value {
        let date = |t: i64| {
            chrono::DateTime::from_timestamp(t, 0)
                .map(|d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string())
                .unwrap_or_default()
        };
        json!({
            "clientId": self.client_id,
            "subject": self.subject,
            "thumbprint": hex_upper(&self.sha1),
            "thumbprintSha256": hex_upper(&self.sha256),
            "x5t": encode_url(&self.sha1),
            "x5tS256": encode_url(&self.sha256),
            "notBefore": date(self.not_before),
            "notAfter": date(self.not_after),
        })
    }
}

/// Which thumbprint a client assertion names its key by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Thumbprint<'a> {
    Sha1(&'a [u8]),
    Sha256(&'a [u8]),
}

#[derive(Default)]
pub struct CertificateStore {
    certificates: Vec<RegisteredCertificate>,
}

impl CertificateStore {
    /// Registers a certificate; registering the same certificate for the same app again changes nothing.
    pub fn add(&mut self, certificate: RegisteredCertificate) {
        let known = self.certificates.iter().any(|c| {
            c.sha256 == certificate.sha256
                && c.client_id.eq_ignore_ascii_case(&certificate.client_id)
        });
        if !known {
            self.certificates.push(certificate);
        }
    }

    pub fn all(&self) -> &[RegisteredCertificate] {
        &self.certificates
    }

    /// The certificate registered for `client_id` with this thumbprint.
    pub fn find(&self, client_id: &str, thumbprint: Thumbprint) -> Option<&RegisteredCertificate> {
        self.certificates.iter().find(|c| {
            c.client_id.eq_ignore_ascii_case(client_id)
                && match thumbprint {
                    Thumbprint::Sha1(t) => c.sha1 == t,
                    Thumbprint::Sha256(t) => c.sha256 == t,
                }
        })
    }
}
