//! Readiness: for a credential, which services it can reach, the audience and expiry of the token it gets
//! for each, whether that token is a user's and carries MFA (`amr`: Partner Center requires MFA on App+User
//! calls from April 2026), and a cheap read of each service. No token is ever shown; only claims are read
//! (the token's signature is not checked: the services do that).

use crate::client::Client;
use crate::credentials::TokenContext;
use crate::error::{Error, Result};
use crate::options::CallOptions;
use crate::pipeline::Request;
use crate::service::Service;
use base64::engine::general_purpose::{URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine;
use chrono::{DateTime, Utc};
use reqwest::Method;
use serde::Serialize;
use serde_json::Value;
use std::time::Duration;

/// What the token for one service says of itself.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct TokenFacts {
    /// `aud`, when the token is a JWT.
    pub audience: Option<String>,
    pub expires_on: Option<DateTime<Utc>>,
    /// `app`, `user`, or `unknown` (not a JWT: a brought opaque token).
    pub identity: &'static str,
    /// Whether the user signed in with MFA (`amr` holds `mfa`); `null` where it cannot be known.
    pub mfa: Option<bool>,
    /// Why `mfa` is what it is, in words.
    pub mfa_note: String,
    pub tenant_id: Option<String>,
    pub app_id: Option<String>,
    /// The delegated permissions (`scp`) or application roles (`roles`) the token carries.
    pub permissions: Vec<String>,
}

/// One service's readiness.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceReadiness {
    pub service: &'static str,
    pub name: &'static str,
    pub endpoint: Option<String>,
    /// The scope asked for.
    pub scope: Option<String>,
    pub token: Option<TokenFacts>,
    /// Why no token (or no endpoint) could be had.
    pub token_error: Option<Error>,
    /// What a cheap read of the service answered: `reachable` (any HTTP answer), `ok` (2xx), and the error.
    pub probe: Option<Probe>,
    /// Token and probe both fine.
    pub ready: bool,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Probe {
    /// What was read, e.g. `GET /subscriptions`.
    pub request: String,
    pub reachable: bool,
    pub ok: bool,
    pub status: Option<u16>,
    pub error: Option<Error>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Readiness {
    /// The credential's kind (`clientSecret`, `certificate`, `managedIdentity`, `refreshToken`, ...).
    pub credential: &'static str,
    pub cloud: String,
    pub services: Vec<ServiceReadiness>,
    /// Every service checked is ready.
    pub ready: bool,
    /// Things worth knowing (an app-only token where Partner Center needs App+User, no MFA, ...).
    pub warnings: Vec<String>,
}

/// Read a JWT's payload (no signature check).
pub fn token_facts(token: &str) -> TokenFacts {
    let claims = token
        .split('.')
        .nth(1)
        .and_then(|p| {
            URL_SAFE_NO_PAD
                .decode(p.trim_end_matches('='))
                .or_else(|_| URL_SAFE.decode(p))
                .ok()
        })
        .and_then(|bytes| serde_json::from_slice::<Value>(&bytes).ok())
        .filter(Value::is_object);
    let Some(c) = claims else {
        return TokenFacts {
            audience: None,
            expires_on: None,
            identity: "unknown",
            mfa: None,
            mfa_note:
                "the token is not a JWT (a brought or opaque token): its claims cannot be read"
                    .into(),
            tenant_id: None,
            app_id: None,
            permissions: Vec::new(),
        };
    };
    let text = |k: &str| c.get(k).and_then(Value::as_str).map(str::to_string);
    let idtyp = text("idtyp");
    let scp = text("scp");
    let roles: Vec<String> = c
        .get("roles")
        .and_then(Value::as_array)
        .map(|r| {
            r.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let identity = match (idtyp.as_deref(), &scp) {
        (Some("user"), _) | (None, Some(_)) => "user",
        (Some("app"), _) | (None, None) => "app",
        _ => "unknown",
    };
    let amr: Vec<String> = c
        .get("amr")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let (mfa, mfa_note) = match identity {
        "user" if amr.iter().any(|m| m == "mfa") => (Some(true), "the user signed in with MFA (amr holds mfa)".to_string()),
        "user" if amr.is_empty() => (None, "a user token without an amr claim: MFA cannot be told".to_string()),
        "user" => (Some(false), format!("the user signed in without MFA (amr: {})", amr.join(", "))),
        _ => (None, "an app-only token: MFA does not apply to it (Partner Center's App+User calls need a user token with MFA)".to_string()),
    };
    TokenFacts {
        audience: text("aud"),
        expires_on: c
            .get("exp")
            .and_then(Value::as_i64)
            .and_then(|e| DateTime::<Utc>::from_timestamp(e, 0)),
        identity,
        mfa,
        mfa_note,
        tenant_id: text("tid"),
        app_id: text("appid").or_else(|| text("azp")),
        permissions: match scp {
            Some(s) => s.split_whitespace().map(str::to_string).collect(),
            None => roles,
        },
    }
}

/// The cheap read of each service.
fn probe_request(client: &Client, service: &Service) -> Option<(Request, String)> {
    let base = client.endpoint(service).ok()?;
    let (path, query): (&str, &[(&str, &str)]) = match service.id {
        "customerAdmin" => (
            "/CustomerServiceAdminApi/Web/v1/delegatedAdminCustomers",
            &[("$top", "1")],
        ),
        "partnerCenter" => ("/v1/customers", &[("size", "1")]),
        "resourceManager" => ("/subscriptions", &[("api-version", "2022-12-01")]),
        "graph" => (
            "/v1.0/tenantRelationships/delegatedAdminRelationships",
            &[("$top", "1")],
        ),
        // CloudCockpit has no read without a customer and a portal domain: the token alone is checked.
        _ => return None,
    };
    let mut url = base.join(path);
    {
        let mut q = url.query_pairs_mut();
        for (k, v) in query {
            q.append_pair(k, v);
        }
    }
    let mut req = Request::new(Method::GET, url);
    if service.id == "partnerCenter" {
        req = req.header("MS-Contract-Version", "v1");
    }
    Some((req, format!("GET {path}")))
}

/// Check `services` (all of them when empty) with the client's credential.
pub async fn check(
    client: &Client,
    opts: &CallOptions,
    services: &[&'static Service],
) -> Result<Readiness> {
    let credential = client.require_credential()?.clone();
    let services: Vec<&'static Service> = if services.is_empty() {
        crate::catalog::all().to_vec()
    } else {
        services.to_vec()
    };
    let mut out = Vec::new();
    let mut warnings = Vec::new();
    for service in services {
        let endpoint = client.endpoint(service);
        let scope = client.scope(service);
        let (endpoint, scope) = match (endpoint, scope) {
            (Ok(e), Ok(s)) => (e, s),
            (Err(e), _) | (_, Err(e)) => {
                out.push(ServiceReadiness {
                    service: service.id,
                    name: service.name,
                    endpoint: None,
                    scope: None,
                    token: None,
                    token_error: Some(e),
                    probe: None,
                    ready: false,
                });
                continue;
            }
        };
        let mut ctx = TokenContext::new(
            opts.correlation_id,
            opts.timeout_or(Duration::from_secs(30)),
            opts.max_retries.unwrap_or(1),
        );
        ctx.log = opts.log.clone();
        let token = credential.get_token(&scope, &ctx, false).await;
        let (facts, token_error) = match token {
            Ok(t) => (Some(token_facts(t.access_token.expose())), None),
            Err(e) => (None, Some(e)),
        };
        let probe = match (&facts, probe_request(client, service)) {
            (Some(_), Some((req, what))) => {
                let call_opts = CallOptions {
                    timeout: Some(opts.timeout_or(Duration::from_secs(30))),
                    max_retries: Some(opts.max_retries.unwrap_or(1)),
                    ..opts.clone()
                };
                let answer = match crate::call::Call::new(client, service, &call_opts) {
                    Ok(call) => call.send(&req).await,
                    Err(e) => Err(e),
                };
                Some(match answer {
                    Ok(resp) => Probe {
                        request: what,
                        reachable: true,
                        ok: true,
                        status: Some(resp.status),
                        error: None,
                    },
                    Err(e) => Probe {
                        request: what,
                        reachable: e.status.is_some(),
                        ok: false,
                        status: e.status,
                        error: Some(e),
                    },
                })
            }
            _ => None,
        };
        if let Some(f) = &facts {
            if service.id == "partnerCenter" && f.identity == "app" {
                warnings.push("Partner Center: the token is app-only; removing DAP (PATCH /v1/customers) needs App+User (a user's refresh token) with MFA".into());
            }
            if f.mfa == Some(false) {
                warnings.push(format!("{}: the user's token carries no MFA; Partner Center refuses App+User calls without MFA", service.name));
            }
            if let Some(aud) = &f.audience {
                let expected = crate::credentials::static_tokens::resource_of(&scope);
                if !aud
                    .trim_end_matches('/')
                    .eq_ignore_ascii_case(expected.trim_end_matches('/'))
                {
                    warnings.push(format!(
                        "{}: the token's audience is {aud}, not {expected}",
                        service.name
                    ));
                }
            }
        }
        let ready = facts.is_some() && probe.as_ref().is_none_or(|p| p.ok);
        out.push(ServiceReadiness {
            service: service.id,
            name: service.name,
            endpoint: Some(endpoint.to_string()),
            scope: Some(scope),
            token: facts,
            token_error,
            probe,
            ready,
        });
    }
    Ok(Readiness {
        credential: credential.kind(),
        cloud: match client.cloud() {
            crate::cloud::Cloud::Named(n) => n.id().to_string(),
            crate::cloud::Cloud::Custom(_) => "custom".into(),
        },
        ready: out.iter().all(|s| s.ready),
        services: out,
        warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt(claims: Value) -> String {
        format!(
            "{}.{}.sig",
            URL_SAFE_NO_PAD.encode(r#"{"alg":"RS256"}"#),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        )
    }

    #[test]
    fn claims_tell_app_user_and_mfa() {
        let user = token_facts(&jwt(serde_json::json!({
            "aud": "https://api.partnercenter.microsoft.com", "exp": 1_900_000_000, "idtyp": "user",
            "amr": ["pwd", "mfa"], "scp": "user_impersonation", "tid": "t", "appid": "a"
        })));
        assert_eq!(user.identity, "user");
        assert_eq!(user.mfa, Some(true));
        assert_eq!(user.permissions, ["user_impersonation"]);
        let no_mfa = token_facts(&jwt(serde_json::json!({ "scp": "x", "amr": ["pwd"] })));
        assert_eq!((no_mfa.identity, no_mfa.mfa), ("user", Some(false)));
        let app = token_facts(&jwt(serde_json::json!({ "roles": ["r"], "idtyp": "app" })));
        assert_eq!((app.identity, app.mfa), ("app", None));
        assert!(app.mfa_note.contains("app-only"));
        let opaque = token_facts("not-a-jwt");
        assert_eq!(opaque.identity, "unknown");
    }
}
