//! Bearer tokens the caller brought: one for every service, or one per service (each service needs a token
//! for its own audience). Used as they are; never refreshed.

use super::{Token, TokenContext, TokenCredential};
use crate::error::{Error, Result};
use crate::pipeline::BoxFuture;
use crate::secret::Secret;
use chrono::Utc;

#[derive(Debug, Clone)]
pub struct StaticTokens {
    /// One token for every scope.
    any: Option<Secret>,
    /// `(resource, service name, token)`: the token for scopes of that resource (`https://graph.microsoft.com`).
    per_resource: Vec<(String, &'static str, Secret)>,
}

/// The resource a scope is for: `https://graph.microsoft.com/.default` → `https://graph.microsoft.com`.
pub fn resource_of(scope: &str) -> &str {
    let first = scope.split_whitespace().next().unwrap_or("");
    match first.rsplit_once('/') {
        Some((resource, permission))
            if !permission.is_empty() && !resource.ends_with(':') && !resource.ends_with('/') =>
        {
            resource
        }
        _ => first,
    }
}

impl StaticTokens {
    /// One token, sent to every service.
    pub fn one(token: Secret) -> StaticTokens {
        StaticTokens {
            any: Some(token),
            per_resource: Vec::new(),
        }
    }

    /// One token per service: `(the service's token scope, its name, the token)`.
    pub fn per_service(tokens: Vec<(String, &'static str, Secret)>) -> StaticTokens {
        StaticTokens {
            any: None,
            per_resource: tokens
                .into_iter()
                .map(|(scope, name, t)| (resource_of(&scope).to_string(), name, t))
                .collect(),
        }
    }

    fn token_for(&self, scope: &str) -> Result<&Secret> {
        if let Some(t) = &self.any {
            return Ok(t);
        }
        let resource = resource_of(scope);
        self.per_resource
            .iter()
            .find(|(r, _, _)| r.eq_ignore_ascii_case(resource))
            .map(|(_, _, t)| t)
            .ok_or_else(|| {
                let given: Vec<&str> = self.per_resource.iter().map(|(_, n, _)| *n).collect();
                Error::invalid(format!(
                    "no access token was given for {resource}: auth.accessTokens has tokens for {} only",
                    if given.is_empty() { "no service".to_string() } else { given.join(", ") }
                ))
            })
    }
}

impl TokenCredential for StaticTokens {
    fn get_token<'a>(
        &'a self,
        scope: &'a str,
        _ctx: &'a TokenContext,
        _force_refresh: bool,
    ) -> BoxFuture<'a, Result<Token>> {
        Box::pin(async move {
            let token = self.token_for(scope)?.clone();
            Ok(Token {
                access_token: token,
                token_type: "Bearer".into(),
                expires_on: Utc::now(),
                expires_in: 0,
                scope: scope.to_string(),
                refresh_token: None,
            })
        })
    }

    fn can_refresh(&self) -> bool {
        false
    }

    fn serves(&self, scope: &str) -> bool {
        self.token_for(scope).is_ok()
    }

    fn kind(&self) -> &'static str {
        if self.any.is_some() {
            "accessToken"
        } else {
            "accessTokens"
        }
    }

    fn secrets(&self) -> Vec<Secret> {
        self.any
            .iter()
            .cloned()
            .chain(self.per_resource.iter().map(|(_, _, t)| t.clone()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resources_of_scopes() {
        assert_eq!(
            resource_of("https://graph.microsoft.com/.default"),
            "https://graph.microsoft.com"
        );
        assert_eq!(
            resource_of("api://b92a36a4-feb8-4f47-a69c-29a180aa6d0a/.default"),
            "api://b92a36a4-feb8-4f47-a69c-29a180aa6d0a"
        );
        assert_eq!(
            resource_of(
                "https://api.partnercenter.microsoft.com/user_impersonation offline_access"
            ),
            "https://api.partnercenter.microsoft.com"
        );
    }
}
