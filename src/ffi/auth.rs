//! The C ABI's `auth` object (and `partnerCenterAuth`): which credential, as JSON. Exactly one shape:
//!
//! - `{"accessToken"}`: one bearer token for every service;
//! - `{"accessTokens": {"graph": ..., "resourceManager": ..., ...}}`: a bearer token per service;
//! - `{"tenantId","clientId"}` with one of `"clientSecret"`, `"clientAssertion"`, `"certificatePath"` (PEM or
//!   PFX, `"certificatePassword"` for a PFX) or `"certificatePem"` (certificate and key as PEM text), and
//!   `"signatureAlgorithm"` (`PS256`, the default, or `RS256`): the client credentials grant;
//! - the same with `"refreshToken"` (the proof optional: a public client): the refresh token grant;
//! - `{"managedIdentity": true | {"clientId"} | {"objectId"} | {"resourceId"}, "imdsEndpoint"?}`.
//!
//! Values are never echoed in errors: a secret pasted into the wrong field must not leak.

use crate::client::CredentialSpec;
use crate::credentials::{Certificate, ClientProof, ManagedIdentityId, SignatureAlgorithm};
use crate::error::{Error, Result};
use crate::secret::Secret;
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::path::PathBuf;
use std::sync::Arc;

/// Keys of `auth` whose values are not secrets (ids, paths, choices); every other string in it is one.
const NOT_SECRET: [&str; 8] = [
    "tenantId",
    "clientId",
    "objectId",
    "resourceId",
    "certificatePath",
    "signatureAlgorithm",
    "imdsEndpoint",
    "managedIdentity",
];

/// Every secret in an `auth` value, collected before anything in it is validated.
pub(crate) fn collect_secrets(value: &Value, secrets: &mut Vec<Secret>) {
    match value {
        Value::String(s) => secrets.push(Secret::new(s.clone())),
        Value::Object(map) => {
            for (key, v) in map {
                match v {
                    Value::String(s) if !NOT_SECRET.contains(&key.as_str()) => {
                        secrets.push(Secret::new(s.clone()))
                    }
                    Value::Object(_) | Value::Array(_) if key != "managedIdentity" => {
                        collect_secrets(v, secrets)
                    }
                    _ => {}
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_secrets(v, secrets)),
        _ => {}
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct AuthInput {
    access_token: Option<Secret>,
    access_tokens: Option<BTreeMap<String, Secret>>,
    tenant_id: Option<String>,
    client_id: Option<String>,
    client_secret: Option<Secret>,
    client_assertion: Option<Secret>,
    certificate_path: Option<String>,
    certificate_pem: Option<Secret>,
    certificate_password: Option<Secret>,
    signature_algorithm: Option<String>,
    refresh_token: Option<Secret>,
    managed_identity: Option<Value>,
    imds_endpoint: Option<String>,
}

const SHAPES: &str = "auth must be {accessToken}, {accessTokens:{service:token}}, {tenantId, clientId} with one of clientSecret, clientAssertion, certificatePath or certificatePem (and refreshToken for App+User), {tenantId, clientId, refreshToken}, or {managedIdentity: true | {clientId} | {objectId} | {resourceId}}";

/// A credential as the C ABI gives it, parsed and checked (a certificate loaded and checked now), with the
/// fingerprint that finds the same credential (and its token cache) on the next call.
pub(crate) struct ParsedAuth {
    pub spec: CredentialSpec,
    /// A keyed hash of everything that makes this credential (secrets included; never shown).
    pub fingerprint: u64,
}

pub(crate) fn parse(
    what: &str,
    value: Value,
    hasher: &impl std::hash::BuildHasher,
) -> Result<ParsedAuth> {
    let input: AuthInput = serde_json::from_value(value)
        .map_err(|e| Error::invalid(format!("invalid {what}: {}", redact(&e.to_string()))))?;
    let mut h = hasher.build_hasher();
    let nonempty = |field: &str, s: &Secret| {
        if s.is_empty() {
            Err(Error::invalid(format!("{what}.{field} is empty")))
        } else {
            Ok(())
        }
    };
    let AuthInput {
        access_token,
        access_tokens,
        tenant_id,
        client_id,
        client_secret,
        client_assertion,
        certificate_path,
        certificate_pem,
        certificate_password,
        signature_algorithm,
        refresh_token,
        managed_identity,
        imds_endpoint,
    } = input;
    let app_fields = tenant_id.is_some()
        || client_id.is_some()
        || client_secret.is_some()
        || client_assertion.is_some()
        || certificate_path.is_some()
        || certificate_pem.is_some()
        || refresh_token.is_some();
    let spec = match (access_token, access_tokens, managed_identity) {
        (Some(t), None, None) if !app_fields && imds_endpoint.is_none() => {
            nonempty("accessToken", &t)?;
            crate::options::check_bearer_token(&t)?;
            ("at", t.expose()).hash(&mut h);
            CredentialSpec::AccessToken(t)
        }
        (None, Some(tokens), None) if !app_fields && imds_endpoint.is_none() => {
            if tokens.is_empty() {
                return Err(Error::invalid(format!("{what}.accessTokens is empty")));
            }
            let mut per = Vec::new();
            for (id, t) in tokens {
                let service = crate::catalog::by_id(&id).ok_or_else(|| {
                    Error::invalid(format!(
                        "{what}.accessTokens names `{}`, which is not one of {}",
                        crate::validate::printable(&id),
                        crate::catalog::ids()
                    ))
                })?;
                crate::options::check_bearer_token(&t)?;
                ("ats", service.id, t.expose()).hash(&mut h);
                per.push((service, t));
            }
            CredentialSpec::AccessTokens(per)
        }
        (None, None, Some(mi)) if !app_fields => {
            let id = managed_identity_id(what, &mi)?;
            ("mi", format!("{id:?}"), &imds_endpoint).hash(&mut h);
            CredentialSpec::ManagedIdentity { id, imds_endpoint }
        }
        (None, None, None) if imds_endpoint.is_none() => {
            let (Some(tenant), Some(client)) = (tenant_id, client_id) else {
                return Err(Error::invalid(SHAPES));
            };
            let tenant = crate::validate::tenant("auth.tenantId", &tenant).map_err(|_| {
                Error::invalid(format!(
                    "{what}.tenantId is neither a GUID nor a domain name"
                ))
            })?;
            let client = crate::validate::guid("auth.clientId", &client)
                .map_err(|_| Error::invalid(format!("{what}.clientId is not a GUID")))?
                .to_string();
            ("app", &tenant, &client).hash(&mut h);
            let algorithm = signature_algorithm
                .as_deref()
                .map(SignatureAlgorithm::parse)
                .transpose()?
                .unwrap_or_default();
            if certificate_password.is_some() && certificate_path.is_none() {
                return Err(Error::invalid(format!(
                    "{what}.certificatePassword goes with certificatePath (a PFX file)"
                )));
            }
            let proofs = [
                client_secret.is_some(),
                client_assertion.is_some(),
                certificate_path.is_some(),
                certificate_pem.is_some(),
            ]
            .iter()
            .filter(|p| **p)
            .count();
            if proofs > 1 {
                return Err(Error::invalid(format!(
                    "{what}: give one of clientSecret, clientAssertion, certificatePath and certificatePem"
                )));
            }
            let proof = if let Some(s) = client_secret {
                nonempty("clientSecret", &s)?;
                ("secret", s.expose()).hash(&mut h);
                Some(ClientProof::Secret(s))
            } else if let Some(a) = client_assertion {
                nonempty("clientAssertion", &a)?;
                ("assertion", a.expose()).hash(&mut h);
                Some(ClientProof::Assertion(a))
            } else if let Some(path) = certificate_path {
                let path = PathBuf::from(path.trim());
                // The same file, unchanged, with the same password, is the same credential.
                let meta = std::fs::metadata(&path).ok();
                (
                    "certfile",
                    &path,
                    meta.as_ref().map(|m| m.len()),
                    meta.as_ref().and_then(|m| m.modified().ok()),
                    certificate_password.as_ref().map(|p| p.expose()),
                    format!("{algorithm:?}"),
                )
                    .hash(&mut h);
                let cert = Certificate::from_file(&path, certificate_password.as_ref(), algorithm)?;
                Some(ClientProof::Certificate(Arc::new(cert)))
            } else if let Some(pem) = certificate_pem {
                ("certpem", pem.expose(), format!("{algorithm:?}")).hash(&mut h);
                let cert = Certificate::from_pem(pem.expose().as_bytes(), algorithm)?;
                Some(ClientProof::Certificate(Arc::new(cert)))
            } else {
                None
            };
            match (refresh_token, proof) {
                (Some(rt), proof) => {
                    nonempty("refreshToken", &rt)?;
                    ("rt", rt.expose()).hash(&mut h);
                    CredentialSpec::RefreshToken {
                        tenant_id: tenant,
                        client_id: client,
                        refresh_token: rt,
                        proof,
                    }
                }
                (None, Some(proof)) => CredentialSpec::ClientCredentials {
                    tenant_id: tenant,
                    client_id: client,
                    proof,
                },
                (None, None) => return Err(Error::invalid(SHAPES)),
            }
        }
        _ => return Err(Error::invalid(SHAPES)),
    };
    Ok(ParsedAuth {
        spec,
        fingerprint: h.finish(),
    })
}

fn managed_identity_id(what: &str, value: &Value) -> Result<ManagedIdentityId> {
    let guid = |field: &str, v: &Value| -> Result<uuid::Uuid> {
        v.as_str()
            .and_then(|s| crate::validate::guid(field, s).ok())
            .ok_or_else(|| Error::invalid(format!("{what}.managedIdentity.{field} is not a GUID")))
    };
    match value {
        Value::Bool(true) => Ok(ManagedIdentityId::SystemAssigned),
        Value::Object(map) if map.len() == 1 => {
            let (key, v) = map.iter().next().expect("one entry");
            match key.as_str() {
                "clientId" => Ok(ManagedIdentityId::ClientId(guid("clientId", v)?)),
                "objectId" => Ok(ManagedIdentityId::ObjectId(guid("objectId", v)?)),
                "resourceId" => {
                    let id = v.as_str().unwrap_or("");
                    let lower = id.to_ascii_lowercase();
                    if !(lower.starts_with("/subscriptions/")
                        && lower.contains("/providers/microsoft.managedidentity/userassignedidentities/")
                        && !id.chars().any(|c| c.is_control() || c == '?' || c == '#'))
                    {
                        return Err(Error::invalid(format!(
                            "{what}.managedIdentity.resourceId is not a user-assigned identity's resource id"
                        )));
                    }
                    Ok(ManagedIdentityId::ResourceId(id.to_string()))
                }
                _ => Err(Error::invalid(format!(
                    "{what}.managedIdentity must be true, or one of {{clientId}}, {{objectId}}, {{resourceId}}"
                ))),
            }
        }
        _ => Err(Error::invalid(format!(
            "{what}.managedIdentity must be true, or one of {{clientId}}, {{objectId}}, {{resourceId}}"
        ))),
    }
}

/// serde's messages quote the offending value (`invalid type: string "..."`): keep the field, drop the value.
fn redact(message: &str) -> String {
    match message.find(['"', '`']) {
        Some(at) => format!("{}…", &message[..at]),
        None => message.to_string(),
    }
}
