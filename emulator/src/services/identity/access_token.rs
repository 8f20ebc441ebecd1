//! Access tokens: JWTs with the claims of the v1.0 tokens the emulated resources accept (Partner Center,
//! ARM and Graph take v1.0 tokens), minted and remembered by their full text.
//!
//! App tokens (client credentials, managed identity) carry `idtyp: "app"` and `roles`; user tokens (refresh
//! token, device code, authorization code) carry `idtyp: "user"`, `scp`, `upn`, `unique_name`, `name` and
//! `amr` (`["pwd","mfa"]`, or `["pwd"]` while the `userTokensWithoutMfa` fault is set).

use serde_json::{json, Value};
use uuid::Uuid;

use crate::jwt;
use crate::state::directory::User;
use crate::state::tokens::{Audience, Grant};
use crate::state::{lock, AppState};

/// Entra dates `iat`/`nbf` five minutes back (clock skew between issuer and resource).
const SKEW_SECONDS: i64 = 300;
/// The Graph application permission app-only tokens carry.
const GRAPH_APP_ROLE: &str = "DelegatedAdminRelationship.ReadWrite.All";

/// Who a token is for.
#[derive(Clone, Copy, Debug)]
pub enum Principal<'a> {
    /// A confidential app (client credentials) or a managed identity: its client id and the object id of its
    /// service principal.
    App { app_id: &'a str, object_id: Uuid },
    /// A user signed in to a (public or confidential) client.
    User { client_id: &'a str, user: &'a User },
}

/// An issued access token.
pub struct Issued {
    pub token: String,
    /// `exp` and `nbf`, Unix seconds.
    pub expires_on: i64,
    pub not_before: i64,
}

/// The delegated permissions a user token's `scp` lists for what was asked: the permission part of each
/// resource scope; `.default` stands for the permissions consented to (`user_impersonation`, or Graph's
/// GDAP permission).
fn delegated_permissions(grant: &Grant) -> String {
    let mut names: Vec<&str> = Vec::new();
    for item in grant.scope.split_whitespace() {
        let permission = item.rsplit_once('/').map_or(item, |(_, p)| p);
        let name = match permission {
            p if p.eq_ignore_ascii_case(".default") && grant.audience == Audience::Graph => {
                GRAPH_APP_ROLE
            }
            p if p.eq_ignore_ascii_case(".default") => "user_impersonation",
            p => p,
        };
        if !names.iter().any(|n| n.eq_ignore_ascii_case(name)) {
            names.push(name);
        }
    }
    names.join(" ")
}

/// Mints and remembers an access token for `grant`, issued to `principal`.
pub fn issue(app: &AppState, grant: &Grant, principal: Principal) -> Issued {
    let cloud = app.config.cloud;
    let tenant = &app.config.partner_tenant_id;
    let now = chrono::Utc::now().timestamp();
    let expires_on = now + app.config.token_lifetime as i64;
    let mut claims = json!({
        "aud": grant.audience.uri_in(cloud).unwrap_or_default(),
        "iss": cloud.issuer(tenant),
        "iat": now - SKEW_SECONDS,
        "nbf": now - SKEW_SECONDS,
        "exp": expires_on,
        "tid": tenant,
        "ver": "1.0",
        "uti": Uuid::new_v4().simple().to_string(),
    });
    let extra = match principal {
        Principal::App { app_id, object_id } => {
            let roles: Vec<&str> = match grant.audience {
                Audience::Graph => vec![GRAPH_APP_ROLE],
                _ => Vec::new(),
            };
            json!({
                "appid": app_id, "azp": app_id, "oid": object_id, "sub": object_id,
                "idtyp": "app", "roles": roles,
            })
        }
        Principal::User { client_id, user } => {
            let without_mfa = app.faults.standing(|f| f.user_tokens_without_mfa);
            let amr: &[&str] = if without_mfa {
                &["pwd"]
            } else {
                &["pwd", "mfa"]
            };
            json!({
                "appid": client_id, "azp": client_id, "oid": user.object_id, "sub": user.object_id,
                "idtyp": "user", "scp": delegated_permissions(grant), "amr": amr,
                "upn": user.upn, "unique_name": user.upn, "name": user.name,
            })
        }
    };
    if let (Some(claims), Value::Object(extra)) = (claims.as_object_mut(), extra) {
        claims.extend(extra);
    }
    let token = jwt::mint(&claims);
    lock(&app.tokens).insert_access(&token, grant.audience);
    Issued {
        token,
        expires_on,
        not_before: now - SKEW_SECONDS,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grant(audience: Audience, scope: &str) -> Grant {
        Grant {
            audience,
            scope: scope.to_string(),
        }
    }

    #[test]
    fn scp_names_the_permissions() {
        assert_eq!(
            delegated_permissions(&grant(
                Audience::PartnerCenter,
                "https://api.partnercenter.microsoft.com/user_impersonation"
            )),
            "user_impersonation"
        );
        assert_eq!(
            delegated_permissions(&grant(
                Audience::Arm,
                "https://management.azure.com/.default"
            )),
            "user_impersonation"
        );
        assert_eq!(
            delegated_permissions(&grant(
                Audience::Graph,
                "DelegatedAdminRelationship.Read.All https://graph.microsoft.com/DelegatedAdminRelationship.ReadWrite.All"
            )),
            "DelegatedAdminRelationship.Read.All DelegatedAdminRelationship.ReadWrite.All"
        );
        assert_eq!(
            delegated_permissions(&grant(
                Audience::Graph,
                "https://graph.microsoft.com/.default"
            )),
            GRAPH_APP_ROLE
        );
    }
}
