//! How a confidential client proves itself at the token endpoint: `client_secret`, or a client assertion
//! (`client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer` + `client_assertion`, a
//! JWT signed with the key of a certificate registered on the app), checked as the identity platform
//! documents it (learn.microsoft.com/entra/identity-platform/certificate-credentials):
//!
//! - header `alg` `PS256` (RSA-PSS SHA-256) or `RS256` (PKCS#1 v1.5 SHA-256); `x5t#S256` (base64url SHA-256
//!   of the certificate's DER) or `x5t` (SHA-1) names the certificate;
//! - the signature verifies with that certificate's public key; the certificate is within its validity;
//! - claims `aud` = this token endpoint's URL, `iss` = `sub` = the client id, `exp` in the future, `nbf`
//!   (when given) not in the future, `jti` present.

use aws_lc_rs::signature::{
    UnparsedPublicKey, VerificationAlgorithm, RSA_PKCS1_2048_8192_SHA256, RSA_PSS_2048_8192_SHA256,
};
use chrono::{DateTime, Utc};
use serde_json::Value;

use super::error::IdentityError;
use crate::base64::decode_url;
use crate::http::query::Params;
use crate::state::certificates::{hex_upper, RegisteredCertificate, Thumbprint};
use crate::state::{read, AppState};

pub const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
const CERTIFICATE_DOCS: &str = "Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials .";

/// What the client sent to prove itself.
#[derive(Clone, Copy, Debug)]
pub enum ClientProof<'a> {
    None,
    Secret(&'a str),
    Assertion(&'a str),
}

/// Reads `client_secret` / `client_assertion_type` + `client_assertion` from a token request.
pub fn client_proof(form: &Params) -> Result<ClientProof<'_>, IdentityError> {
    let secret = form.get("client_secret");
    let assertion = form.get("client_assertion");
    let assertion_type = form.get("client_assertion_type");
    match (secret, assertion, assertion_type) {
        (Some(_), Some(_), _) => Err(IdentityError::bad(
            "invalid_request",
            9002313,
            "Invalid request. Request is malformed or invalid. Send either 'client_secret' or 'client_assertion', not both.",
        )),
        (Some(secret), None, _) => Ok(ClientProof::Secret(secret)),
        (None, Some(_), None) => Err(IdentityError::missing("client_assertion_type")),
        (None, Some(_), Some(t)) if t != JWT_BEARER => Err(IdentityError::bad(
            "invalid_request",
            70002,
            format!("Error validating credentials. The client_assertion_type '{t}' is not supported; send '{JWT_BEARER}'."),
        )),
        (None, Some(""), Some(_)) => Err(IdentityError::missing("client_assertion")),
        (None, Some(assertion), Some(_)) => Ok(ClientProof::Assertion(assertion)),
        (None, None, _) => Ok(ClientProof::None),
    }
}

/// Checks the proof of `client_id`, if any was sent. `tenant` is the token endpoint's path segment.
pub fn check_proof(
    app: &AppState,
    tenant: &str,
    client_id: &str,
    proof: ClientProof,
) -> Result<(), IdentityError> {
    match proof {
        ClientProof::None => Ok(()),
        ClientProof::Secret(secret) if secret == app.config.client_secret => Ok(()),
        ClientProof::Secret(_) => Err(IdentityError::invalid_client(
            7000215,
            format!("Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{client_id}'."),
        )),
        ClientProof::Assertion(assertion) => verify_assertion(app, tenant, client_id, assertion),
    }
}

fn malformed() -> IdentityError {
    IdentityError::bad(
        "invalid_request",
        50027,
        "JWT token is invalid or malformed.",
    )
}

fn missing_claim(claim: &str) -> IdentityError {
    IdentityError::bad(
        "invalid_request",
        90014,
        format!("The required field '{claim}' is missing from the credential. Ensure that you have all the necessary parameters for the login request."),
    )
}

/// `MM/dd/yyyy HH:mm:ss`, as the identity platform writes a key's validity in its messages.
fn key_date(t: i64) -> String {
    DateTime::<Utc>::from_timestamp(t, 0)
        .map(|d| d.format("%m/%d/%Y %H:%M:%S").to_string())
        .unwrap_or_default()
}

/// `2023-12-11T23:52:19.0000000Z`, as the identity platform writes times in AADSTS700024.
fn assertion_time(t: i64) -> String {
    DateTime::<Utc>::from_timestamp(t, 0)
        .map(|d| d.format("%Y-%m-%dT%H:%M:%S.0000000Z").to_string())
        .unwrap_or_default()
}

fn key_problem(reason: &str, thumbprint: &str, found: Option<&RegisteredCertificate>) -> String {
    let found = found
        .map(|c| {
            format!(
                ", Found key 'Start={}, End={}'",
                key_date(c.not_before),
                key_date(c.not_after)
            )
        })
        .unwrap_or_default();
    format!("[Reason - {reason}, Thumbprint of key used by client: '{thumbprint}'{found}]")
}

fn verify_assertion(
    app: &AppState,
    tenant: &str,
    client_id: &str,
    assertion: &str,
) -> Result<(), IdentityError> {
    let jwt = crate::jwt::parse(assertion).ok_or_else(malformed)?;
    let algorithm: &'static dyn VerificationAlgorithm =
        match jwt.header.get("alg").and_then(Value::as_str) {
            Some("PS256") => &RSA_PSS_2048_8192_SHA256,
            Some("RS256") => &RSA_PKCS1_2048_8192_SHA256,
            other => {
                return Err(IdentityError::invalid_client(
                    5002738,
                    format!(
                        "Invalid JWT token. '{}' is not a supported signature algorithm. Supported signing algorithms are: 'PS256,RS256'",
                        other.unwrap_or("")
                    ),
                ))
            }
        };
    let thumbprint_of = |name: &str| {
        jwt.header
            .get(name)
            .and_then(Value::as_str)
            .and_then(decode_url)
    };
    let (sha256, sha1) = (thumbprint_of("x5t#S256"), thumbprint_of("x5t"));
    let (thumbprint, shown) = match (&sha256, &sha1) {
        (Some(t), _) => (Thumbprint::Sha256(t), hex_upper(t)),
        (None, Some(t)) => (Thumbprint::Sha1(t), hex_upper(t)),
        (None, None) => {
            return Err(IdentityError::invalid_client(
                5002723,
                "Invalid JWT token. No certificate SHA-1 thumbprint, certificate SHA-256 thumbprint, nor keyId specified in token header.",
            ))
        }
    };
    let certificates = read(&app.certificates);
    let certificate = certificates.find(client_id, thumbprint).ok_or_else(|| {
        IdentityError::invalid_client(
            700027,
            format!(
                "The certificate with identifier used to sign the client assertion is not registered on application. {} Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '{client_id}'.",
                key_problem("The key was not found.", &shown, None)
            ),
        )
    })?;
    let now = Utc::now().timestamp();
    let invalid_signature = |reason: &str| {
        IdentityError::invalid_client(
            700027,
            format!(
                "Client assertion contains an invalid signature. {}",
                key_problem(reason, &shown, Some(certificate))
            ),
        )
    };
    if now > certificate.not_after {
        return Err(invalid_signature("The key used is expired."));
    }
    if now < certificate.not_before {
        return Err(invalid_signature("The key used is not yet valid."));
    }
    UnparsedPublicKey::new(algorithm, &certificate.public_key)
        .verify(jwt.signing_input.as_bytes(), &jwt.signature)
        .map_err(|_| {
            invalid_signature("Key was found, but use of the key to verify the signature failed.")
        })?;

    let claims = &jwt.payload;
    let text = |name: &str| -> Result<&str, IdentityError> {
        match claims.get(name) {
            None | Some(Value::Null) => Err(missing_claim(name)),
            Some(Value::String(s)) => Ok(s.as_str()),
            Some(_) => Err(malformed()),
        }
    };
    let seconds = |name: &str| -> Result<Option<i64>, IdentityError> {
        match claims.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => v.as_f64().map(|n| Some(n as i64)).ok_or_else(malformed),
        }
    };
    let audience = text("aud")?;
    let issuer = text("iss")?;
    let subject = text("sub")?;
    let expires = seconds("exp")?.ok_or_else(|| missing_claim("exp"))?;
    let not_before = seconds("nbf")?;
    text("jti")?;
    if !token_endpoint_matches(app, tenant, audience) {
        return Err(IdentityError::invalid_client(
            50012,
            "Client assertion audience claim does not match Realm issuer.",
        ));
    }
    if issuer != client_id || subject != client_id {
        return Err(IdentityError::invalid_client(
            700021,
            format!("Client assertion application identifier doesn't match 'client_id' parameter. {CERTIFICATE_DOCS}"),
        ));
    }
    if expires <= now || not_before.is_some_and(|nbf| nbf > now) {
        return Err(IdentityError::invalid_client(
            700024,
            format!(
                "Client assertion is not within its valid time range. Current time: {}, assertion valid from {}, expiry time of assertion {}. {CERTIFICATE_DOCS}",
                assertion_time(now),
                assertion_time(not_before.unwrap_or(0)),
                assertion_time(expires)
            ),
        ));
    }
    Ok(())
}

/// `aud` must be this token endpoint: `{url}/{tenant}/oauth2/v2.0/token` with the tenant of the request's
/// path (or the partner tenant's id); the tenant compares case-insensitively.
fn token_endpoint_matches(app: &AppState, tenant: &str, audience: &str) -> bool {
    let Some(rest) = audience.strip_prefix(app.url.as_str()) else {
        return false;
    };
    let Some(named) = rest
        .strip_prefix('/')
        .and_then(|r| r.strip_suffix("/oauth2/v2.0/token"))
    else {
        return false;
    };
    named.eq_ignore_ascii_case(tenant) || named.eq_ignore_ascii_case(&app.config.partner_tenant_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proofs() {
        let form = |q: &str| Params::parse(Some(q));
        assert!(matches!(
            client_proof(&form("client_secret=s")).unwrap(),
            ClientProof::Secret("s")
        ));
        assert!(matches!(
            client_proof(&form("grant_type=x")).unwrap(),
            ClientProof::None
        ));
        let jwt_bearer = "client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer";
        assert!(matches!(
            client_proof(&form(&format!("{jwt_bearer}&client_assertion=a.b.c"))).unwrap(),
            ClientProof::Assertion("a.b.c")
        ));
        assert_eq!(
            client_proof(&form("client_assertion=a.b.c"))
                .unwrap_err()
                .code,
            900144
        );
        assert_eq!(
            client_proof(&form("client_assertion=a&client_assertion_type=x"))
                .unwrap_err()
                .code,
            70002
        );
        assert_eq!(
            client_proof(&form(&format!(
                "{jwt_bearer}&client_assertion=a&client_secret=s"
            )))
            .unwrap_err()
            .code,
            9002313
        );
        assert_eq!(key_date(0), "01/01/1970 00:00:00");
    }
}
