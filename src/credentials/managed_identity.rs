//! Managed identity: the token of the Azure resource the code runs on, system-assigned or user-assigned
//! (by client id, object id or resource id). Where it comes from, as the Azure SDKs look for it:
//!
//! 1. `IDENTITY_ENDPOINT` + `IDENTITY_HEADER`: App Service, Functions, Azure Automation (api-version
//!    2019-08-01, the header sent as `X-IDENTITY-HEADER`);
//! 2. `MSI_ENDPOINT` + `MSI_SECRET`: the older App Service form (api-version 2017-09-01, header `Secret`);
//! 3. otherwise the Azure instance metadata service, `http://169.254.169.254/metadata/identity/oauth2/token`
//!    (api-version 2018-02-01, header `Metadata: true`), whose address `AZURE_POD_IDENTITY_AUTHORITY_HOST` or
//!    the credential's `imdsEndpoint` overrides (tests point it at the emulator; nothing here ever sends to
//!    the real address unless code runs on Azure without an override).
//!
//! The identity header and the MSI secret are secrets: never echoed, scrubbed from every output.

use super::token_endpoint::{anonymous_pipeline, lifetime, read_error};
use super::{Token, TokenContext, TokenSource};
use crate::error::{Error, Result};
use crate::pipeline::retry::RetryOptions;
use crate::pipeline::{self, BoxFuture, Context, Request, Transport, Unreadable};
use crate::secret::Secret;
use chrono::Utc;
use reqwest::Method;
use serde::Deserialize;
use std::sync::Arc;
use std::time::Duration;
use url::Url;
use uuid::Uuid;

pub const IMDS_ENDPOINT: &str = "http://169.254.169.254/metadata/identity/oauth2/token";
const SERVICE_NAME: &str = "the managed identity endpoint";

/// Which managed identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ManagedIdentityId {
    SystemAssigned,
    ClientId(Uuid),
    ObjectId(Uuid),
    /// `/subscriptions/.../resourceGroups/.../providers/Microsoft.ManagedIdentity/userAssignedIdentities/...`
    ResourceId(String),
}

/// Where the token comes from.
#[derive(Debug, Clone)]
pub enum Source {
    AppService { endpoint: Url, header: Secret },
    Msi { endpoint: Url, secret: Secret },
    Imds { endpoint: Url },
}

#[derive(Debug)]
pub struct ManagedIdentity {
    pub id: ManagedIdentityId,
    pub source: Source,
    transport: Arc<dyn Transport>,
}

/// An endpoint given by the environment: https, or http to loopback (App Service's local endpoint) or to
/// the metadata service's link-local address.
fn endpoint_url(what: &str, text: &str) -> Result<Url> {
    let url =
        Url::parse(text.trim()).map_err(|e| Error::invalid(format!("{what} is not a URL: {e}")))?;
    let link_local = url.host_str() == Some("169.254.169.254");
    match url.scheme() {
        "https" => Ok(url),
        "http" if link_local => Ok(url),
        "http" => crate::endpoint::check_transport(what, &url).map(|_| url),
        other => Err(Error::invalid(format!("{what} has scheme `{other}`"))),
    }
}

impl ManagedIdentity {
    /// The managed identity the environment offers. `env` reads an environment variable (the process's,
    /// or a test's); `imds_override` is the caller's `imdsEndpoint`.
    pub fn from_environment(
        id: ManagedIdentityId,
        env: &dyn Fn(&str) -> Option<String>,
        imds_override: Option<&str>,
        transport: Arc<dyn Transport>,
    ) -> Result<ManagedIdentity> {
        let var = |name: &str| env(name).filter(|v| !v.trim().is_empty());
        let source = if let (Some(endpoint), Some(header)) =
            (var("IDENTITY_ENDPOINT"), var("IDENTITY_HEADER"))
        {
            Source::AppService {
                endpoint: endpoint_url("IDENTITY_ENDPOINT", &endpoint)?,
                header: Secret::new(header),
            }
        } else if let (Some(endpoint), Some(secret)) = (var("MSI_ENDPOINT"), var("MSI_SECRET")) {
            if matches!(
                id,
                ManagedIdentityId::ObjectId(_) | ManagedIdentityId::ResourceId(_)
            ) {
                return Err(Error::invalid(
                    "this host's managed identity endpoint (MSI_ENDPOINT, api-version 2017-09-01) takes a user-assigned identity by client id only",
                ));
            }
            Source::Msi {
                endpoint: endpoint_url("MSI_ENDPOINT", &endpoint)?,
                secret: Secret::new(secret),
            }
        } else {
            let endpoint = match imds_override
                .map(str::to_string)
                .or_else(|| var("AZURE_POD_IDENTITY_AUTHORITY_HOST"))
            {
                Some(host) => {
                    let base = endpoint_url("the metadata endpoint", &host)?;
                    base.join("/metadata/identity/oauth2/token")
                        .map_err(|e| Error::invalid(format!("the metadata endpoint: {e}")))?
                }
                None => Url::parse(IMDS_ENDPOINT).expect("built-in URL"),
            };
            Source::Imds { endpoint }
        };
        Ok(ManagedIdentity {
            id,
            source,
            transport,
        })
    }

    /// Where tokens are asked for, for messages.
    pub fn describe(&self) -> String {
        match &self.source {
            Source::AppService { endpoint, .. } => {
                format!("IDENTITY_ENDPOINT ({})", origin(endpoint))
            }
            Source::Msi { endpoint, .. } => format!("MSI_ENDPOINT ({})", origin(endpoint)),
            Source::Imds { endpoint } => {
                format!("the instance metadata service ({})", origin(endpoint))
            }
        }
    }

    fn request(&self, resource: &str) -> Request {
        let (mut url, api_version) = match &self.source {
            Source::AppService { endpoint, .. } => (endpoint.clone(), "2019-08-01"),
            Source::Msi { endpoint, .. } => (endpoint.clone(), "2017-09-01"),
            Source::Imds { endpoint } => (endpoint.clone(), "2018-02-01"),
        };
        {
            let mut q = url.query_pairs_mut();
            q.append_pair("api-version", api_version)
                .append_pair("resource", resource);
            let imds = matches!(self.source, Source::Imds { .. });
            let msi = matches!(self.source, Source::Msi { .. });
            match &self.id {
                ManagedIdentityId::SystemAssigned => {}
                ManagedIdentityId::ClientId(c) if msi => {
                    q.append_pair("clientid", &c.to_string());
                }
                ManagedIdentityId::ClientId(c) => {
                    q.append_pair("client_id", &c.to_string());
                }
                ManagedIdentityId::ObjectId(o) => {
                    q.append_pair("object_id", &o.to_string());
                }
                ManagedIdentityId::ResourceId(r) if imds => {
                    q.append_pair("msi_res_id", r);
                }
                ManagedIdentityId::ResourceId(r) => {
                    q.append_pair("mi_res_id", r);
                }
            }
        }
        let req = Request::new(Method::GET, url).anonymous();
        match &self.source {
            Source::AppService { header, .. } => {
                req.secret_header("X-IDENTITY-HEADER", header.expose())
            }
            Source::Msi { secret, .. } => req.secret_header("Secret", secret.expose()),
            Source::Imds { .. } => req.header("Metadata", "true"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expires_on_in_both_forms() {
        assert_eq!(expires_on_text("1764352800"), Some(1_764_352_800));
        assert_eq!(
            expires_on_text("11/28/2026 06:00:00 PM +00:00"),
            Some(
                chrono::DateTime::parse_from_rfc3339("2026-11-28T18:00:00Z")
                    .unwrap()
                    .timestamp()
            )
        );
        assert_eq!(expires_on_text("soon"), None);
    }
}

fn origin(url: &Url) -> String {
    url.origin().ascii_serialization()
}

/// The resource for a scope: managed identity endpoints take `resource`, not `scope`.
fn resource_for(scope: &str) -> &str {
    let first = scope.split_whitespace().next().unwrap_or("");
    first.strip_suffix("/.default").unwrap_or(first)
}

#[derive(Deserialize)]
struct MiToken {
    access_token: Secret,
    #[serde(default)]
    expires_in: Option<serde_json::Value>,
    #[serde(default)]
    expires_on: Option<serde_json::Value>,
    #[serde(default)]
    token_type: Option<String>,
}

/// `expires_on` as the endpoints write it: epoch seconds, or (api-version 2017-09-01) a date such as
/// `11/28/2026 06:00:00 PM +00:00`.
fn expires_on_text(text: &str) -> Option<i64> {
    let t = text.trim();
    t.parse::<i64>().ok().or_else(|| {
        chrono::DateTime::parse_from_str(t, "%m/%d/%Y %I:%M:%S %p %:z")
            .or_else(|_| chrono::DateTime::parse_from_str(t, "%m/%d/%Y %H:%M:%S %:z"))
            .ok()
            .map(|d| d.timestamp())
    })
}

fn read_mi_token(resp: &pipeline::Response) -> std::result::Result<MiToken, Unreadable> {
    let token: MiToken = pipeline::json(resp)?;
    crate::options::check_bearer_token(&token.access_token).map_err(|_| {
        Unreadable::Refuse("the access token holds characters a bearer token cannot".into())
    })?;
    Ok(token)
}

impl TokenSource for ManagedIdentity {
    fn fetch<'a>(&'a self, scope: &'a str, ctx: &'a TokenContext) -> BoxFuture<'a, Result<Token>> {
        Box::pin(async move {
            let retry = RetryOptions {
                try_timeout: Duration::from_secs(15),
                ..RetryOptions::default()
            };
            let mut call = Context::new(
                SERVICE_NAME,
                "x-ms-client-request-id",
                ctx.correlation_id,
                ctx.timeout,
                ctx.max_retries,
                read_error,
            );
            call.deadline = ctx.deadline;
            call.log = ctx.log.clone();
            let answer = anonymous_pipeline(self.transport.clone(), retry)
                .execute(&call, &self.request(resource_for(scope)), read_mi_token)
                .await
                .map_err(|mut e| {
                    e.message = format!("managed identity via {}: {}", self.describe(), e.message);
                    e
                })?;
            // `expires_in` (seconds) when given, else `expires_on` (epoch seconds, as a number or a string).
            let expires_in = match &answer.expires_in {
                Some(v) => lifetime(Some(v)),
                None => {
                    let on = match &answer.expires_on {
                        Some(serde_json::Value::Number(n)) => n.as_i64(),
                        Some(serde_json::Value::String(s)) => expires_on_text(s),
                        _ => None,
                    };
                    let left = on.map(|t| t - Utc::now().timestamp()).filter(|l| *l > 0);
                    lifetime(left.map(serde_json::Value::from).as_ref())
                }
            };
            Ok(Token {
                access_token: answer.access_token,
                token_type: answer.token_type.unwrap_or_else(|| "Bearer".into()),
                expires_on: Utc::now() + chrono::Duration::seconds(expires_in as i64),
                expires_in,
                scope: scope.to_string(),
                refresh_token: None,
            })
        })
    }

    fn kind(&self) -> &'static str {
        "managedIdentity"
    }

    fn secrets(&self) -> Vec<Secret> {
        match &self.source {
            Source::AppService { header, .. } => vec![header.clone()],
            Source::Msi { secret, .. } => vec![secret.clone()],
            Source::Imds { .. } => Vec::new(),
        }
    }
}
