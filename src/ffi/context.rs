//! What the C ABI holds between calls, so that each JSON request can name its credential, cloud and proxy and
//! still share what is worth sharing: one HTTP transport (connection pool) per proxy setting, and one
//! credential (with its token cache) per distinct credential, found again by a keyed fingerprint.

use super::auth::{self, ParsedAuth};
use crate::client::{Client, CredentialSpec};
use crate::cloud::{Cloud, CloudName};
use crate::credentials::TokenCredential;
use crate::endpoint::BaseUrl;
use crate::error::{Error, Result};
use crate::pipeline::retry::RetryOptions;
use crate::pipeline::transport::{ProxyConfig, ProxySetting, ReqwestTransport};
use crate::pipeline::Transport;
use crate::secret::Secret;
use once_cell::sync::Lazy;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::hash::BuildHasher;
use std::sync::{Arc, Mutex};

/// Credentials kept before the unused ones are dropped.
const MAX_CREDENTIALS: usize = 256;
/// Transports (one per proxy setting) kept.
const MAX_TRANSPORTS: usize = 16;

struct Registry {
    hasher: std::collections::hash_map::RandomState,
    transports: Mutex<HashMap<ProxySetting, Arc<dyn Transport>>>,
    credentials: Mutex<HashMap<u64, Arc<dyn TokenCredential>>>,
}

static REGISTRY: Lazy<Registry> = Lazy::new(|| Registry {
    hasher: Default::default(),
    transports: Mutex::new(HashMap::new()),
    credentials: Mutex::new(HashMap::new()),
});

fn transport(proxy: &ProxySetting) -> Result<Arc<dyn Transport>> {
    let mut map = REGISTRY
        .transports
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    if let Some(t) = map.get(proxy) {
        return Ok(t.clone());
    }
    if map.len() >= MAX_TRANSPORTS {
        map.clear();
    }
    let t: Arc<dyn Transport> = Arc::new(ReqwestTransport::new(proxy)?);
    map.insert(proxy.clone(), t.clone());
    Ok(t)
}

/// The credential for `parsed` under these settings: the one made before, or a new one.
fn credential(
    parsed: ParsedAuth,
    authority: &BaseUrl,
    cloud: &Cloud,
    proxy: &ProxySetting,
    retry: RetryOptions,
    transport: Arc<dyn Transport>,
) -> Result<Arc<dyn TokenCredential>> {
    let key = REGISTRY
        .hasher
        .hash_one((parsed.fingerprint, authority, cloud, proxy, retry));
    if let Some(c) = REGISTRY
        .credentials
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .get(&key)
    {
        return Ok(c.clone());
    }
    let built = parsed
        .spec
        .build(authority.clone(), cloud, transport, retry)?;
    let mut map = REGISTRY
        .credentials
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    if map.len() >= MAX_CREDENTIALS {
        // Drop the credentials no call holds now; a dropped one only costs its next call a token request.
        map.retain(|_, c| Arc::strong_count(c) > 1);
        if map.len() >= MAX_CREDENTIALS {
            map.clear();
        }
    }
    Ok(map.entry(key).or_insert(built).clone())
}

/// Forget every credential and its tokens (tests; a signed-out PowerShell session).
pub fn clear_credentials() {
    REGISTRY
        .credentials
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clear();
}

/// The fields of a request that make its client: `auth`, `cloud`, `authority`, `endpoint`, `endpoints`,
/// `tokenScope`, `proxy`. Taken out of `map`; the secrets they hold were collected before.
pub(crate) fn take_client(
    map: &mut Map<String, Value>,
    secrets: &mut Vec<Secret>,
) -> Result<(Client, ProxySetting)> {
    let cloud = match map.remove("cloud") {
        None => Cloud::default(),
        Some(Value::String(name)) => Cloud::Named(CloudName::parse(&name)?),
        Some(Value::Object(custom)) => custom_cloud(custom)?,
        Some(_) => {
            return Err(Error::invalid(
                "cloud must be public, usGovernment, china, or an object of explicit hosts",
            ))
        }
    };
    let authority = match map.remove("authority") {
        Some(v) => BaseUrl::parse("authority", string_field("authority", &v)?)?,
        None => cloud.authority(),
    };
    let proxy = match map.remove("proxy") {
        None => ProxySetting::FromEnvironment,
        Some(v) => proxy_setting(v)?,
    };
    let retry = match map.remove("retry") {
        None => RetryOptions::default(),
        Some(v) => retry_options(v)?,
    };
    let transport = transport(&proxy)?;
    let mut builder = Client::builder()
        .cloud(cloud.clone())
        .authority(authority.clone())
        .transport(transport.clone())
        .retry(retry);
    if let Some(v) = map.remove("endpoint") {
        builder = builder.endpoint(BaseUrl::parse("endpoint", string_field("endpoint", &v)?)?);
    }
    if let Some(v) = map.remove("endpoints") {
        let Value::Object(endpoints) = v else {
            return Err(Error::invalid(
                "endpoints must be an object of service id → URL",
            ));
        };
        for (id, url) in endpoints {
            let service = crate::catalog::by_id(&id).ok_or_else(|| {
                Error::invalid(format!(
                    "endpoints names `{}`, which is not one of {}",
                    crate::validate::printable(&id),
                    crate::catalog::ids()
                ))
            })?;
            let what = format!("endpoints.{}", service.id);
            builder = builder
                .service_endpoint(service, BaseUrl::parse(&what, string_field(&what, &url)?)?);
        }
    }
    if let Some(v) = map.remove("tokenScope") {
        let s = string_field("tokenScope", &v)?.trim();
        if s.is_empty() {
            return Err(Error::invalid("tokenScope is empty"));
        }
        builder = builder.token_scope(s);
    }
    if let Some(v) = map.remove("auth") {
        let parsed = auth::parse("auth", v, &REGISTRY.hasher)?;
        let c = credential(parsed, &authority, &cloud, &proxy, retry, transport)?;
        secrets.extend(c.secrets());
        builder = builder.credential(CredentialSpec::Ready(c));
    }
    Ok((builder.build()?, proxy))
}

/// A second credential of the request (`partnerCenterAuth`), under the same settings as `client`'s.
pub(crate) fn other_credential(
    what: &str,
    value: Value,
    client: &Client,
    proxy: &ProxySetting,
    secrets: &mut Vec<Secret>,
) -> Result<Arc<dyn TokenCredential>> {
    let parsed = auth::parse(what, value, &REGISTRY.hasher)?;
    let c = credential(
        parsed,
        &client.authority(),
        client.cloud(),
        proxy,
        client.retry(),
        client.transport().clone(),
    )?;
    secrets.extend(c.secrets());
    Ok(c)
}

/// `retry`: `{"baseDelaySeconds"?, "maxDelaySeconds"?, "tryTimeoutSeconds"?}` (maxRetries stays a field of
/// its own, per call).
fn retry_options(v: Value) -> Result<RetryOptions> {
    let Value::Object(mut m) = v else {
        return Err(Error::invalid(
            "retry must be {baseDelaySeconds?, maxDelaySeconds?, tryTimeoutSeconds?}",
        ));
    };
    let mut options = RetryOptions::default();
    let mut seconds = |name: &str, min: f64, max: f64| -> Result<Option<std::time::Duration>> {
        match m.remove(name) {
            None => Ok(None),
            Some(v) => v
                .as_f64()
                .filter(|s| s.is_finite() && *s >= min && *s <= max)
                .map(|s| Some(std::time::Duration::from_secs_f64(s)))
                .ok_or_else(|| {
                    Error::invalid(format!("retry.{name} must be from {min} to {max} seconds"))
                }),
        }
    };
    if let Some(d) = seconds("baseDelaySeconds", 0.001, 60.0)? {
        options.base_delay = d;
    }
    if let Some(d) = seconds("maxDelaySeconds", 0.001, 3600.0)? {
        options.max_delay = d;
    }
    if let Some(d) = seconds("tryTimeoutSeconds", 0.1, 86_400.0)? {
        options.try_timeout = d;
    }
    if let Some(k) = m.keys().next() {
        return Err(Error::invalid(format!(
            "retry has an unknown field `{}` (baseDelaySeconds, maxDelaySeconds, tryTimeoutSeconds)",
            crate::validate::printable(k)
        )));
    }
    options.validate()?;
    Ok(options)
}

fn string_field<'v>(name: &str, v: &'v Value) -> Result<&'v str> {
    v.as_str()
        .ok_or_else(|| Error::invalid(format!("{name} must be a string")))
}

fn custom_cloud(mut custom: Map<String, Value>) -> Result<Cloud> {
    let authority = match custom.remove("authority") {
        Some(v) => BaseUrl::parse("cloud.authority", string_field("cloud.authority", &v)?)?,
        None => {
            return Err(Error::invalid(
                "cloud.authority is required for a custom cloud",
            ))
        }
    };
    let mut endpoints = Vec::new();
    let mut scopes = Vec::new();
    let service = |what: &str, id: &str| {
        crate::catalog::by_id(id).ok_or_else(|| {
            Error::invalid(format!(
                "{what} names the service `{}`, which is not one of {}",
                crate::validate::printable(id),
                crate::catalog::ids()
            ))
        })
    };
    if let Some(v) = custom.remove("endpoints") {
        let Value::Object(map) = v else {
            return Err(Error::invalid(
                "cloud.endpoints must be an object of service id → URL",
            ));
        };
        for (id, url) in map {
            let what = format!("cloud.endpoints.{id}");
            endpoints.push((
                service("cloud.endpoints", &id)?,
                BaseUrl::parse(&what, string_field(&what, &url)?)?,
            ));
        }
    }
    if let Some(v) = custom.remove("scopes") {
        let Value::Object(map) = v else {
            return Err(Error::invalid(
                "cloud.scopes must be an object of service id → scope",
            ));
        };
        for (id, scope) in map {
            let what = format!("cloud.scopes.{id}");
            let s = string_field(&what, &scope)?.trim();
            if s.is_empty() || s.chars().any(char::is_control) {
                return Err(Error::invalid(format!(
                    "{what} is empty or has control characters"
                )));
            }
            scopes.push((service("cloud.scopes", &id)?, s.to_string()));
        }
    }
    if let Some(k) = custom.keys().next() {
        return Err(Error::invalid(format!(
            "cloud has an unknown field `{}` (authority, endpoints, scopes)",
            crate::validate::printable(k)
        )));
    }
    Ok(Cloud::custom(authority, endpoints, scopes))
}

/// `proxy`: `"none"`, `"environment"`, a URL, or `{"url","username"?,"password"?}`.
fn proxy_setting(v: Value) -> Result<ProxySetting> {
    let parse_url = |text: &str| -> Result<url::Url> {
        let url =
            url::Url::parse(text.trim()).map_err(|_| Error::invalid("proxy.url is not a URL"))?;
        if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
            return Err(Error::invalid(
                "proxy.url must be http://host:port or https://host:port",
            ));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(Error::invalid(
                "proxy.url must not hold credentials: give proxy.username and proxy.password",
            ));
        }
        Ok(url)
    };
    match v {
        Value::String(s) if s.eq_ignore_ascii_case("none") => Ok(ProxySetting::None),
        Value::String(s) if s.eq_ignore_ascii_case("environment") => {
            Ok(ProxySetting::FromEnvironment)
        }
        Value::String(s) => Ok(ProxySetting::Explicit(ProxyConfig {
            url: parse_url(&s)?,
            username: None,
            password: None,
        })),
        Value::Object(mut m) => {
            let url = match m.remove("url") {
                Some(Value::String(s)) => parse_url(&s)?,
                _ => return Err(Error::invalid("proxy.url is required")),
            };
            let username = match m.remove("username") {
                None => None,
                Some(Value::String(s)) if !s.is_empty() && !s.chars().any(char::is_control) => {
                    Some(s)
                }
                Some(_) => return Err(Error::invalid("proxy.username must be a non-empty string")),
            };
            let password = match m.remove("password") {
                None => None,
                Some(Value::String(s)) => Some(Secret::new(s)),
                Some(_) => return Err(Error::invalid("proxy.password must be a string")),
            };
            if password.is_some() && username.is_none() {
                return Err(Error::invalid("proxy.password goes with proxy.username"));
            }
            if let Some(k) = m.keys().next() {
                return Err(Error::invalid(format!(
                    "proxy has an unknown field `{}` (url, username, password)",
                    crate::validate::printable(k)
                )));
            }
            Ok(ProxySetting::Explicit(ProxyConfig {
                url,
                username,
                password,
            }))
        }
        _ => Err(Error::invalid(
            "proxy must be \"none\", \"environment\", a URL, or {url, username?, password?}",
        )),
    }
}
