//! Token scopes: exactly one resource scope (`<resource>/.default` or `<resource>/user_impersonation`)
//! for a known resource, optionally with `offline_access openid profile`.

use super::error::IdentityError;
use crate::state::tokens::{Audience, Grant};

const OIDC_SCOPES: [&str; 4] = ["offline_access", "openid", "profile", "email"];
const PERMISSIONS: [&str; 2] = [".default", "user_impersonation"];

fn invalid(scope: &str, why: &str) -> IdentityError {
    IdentityError::bad(
        "invalid_scope",
        70011,
        format!("The provided value for the input parameter 'scope' is not valid. The scope '{scope}' {why}"),
    )
}

pub fn parse_scope(scope: &str) -> Result<Grant, IdentityError> {
    let mut grant: Option<Grant> = None;
    for item in scope.split_whitespace() {
        if OIDC_SCOPES.iter().any(|s| s.eq_ignore_ascii_case(item)) {
            continue;
        }
        let audience = item
            .rsplit_once('/')
            .filter(|(_, permission)| {
                PERMISSIONS
                    .iter()
                    .any(|p| p.eq_ignore_ascii_case(permission))
            })
            .and_then(|(resource, _)| Audience::from_uri(resource))
            .ok_or_else(|| invalid(scope, "names no resource this emulator knows."))?;
        if grant.is_some() {
            return Err(invalid(scope, "requests more than one resource."));
        }
        grant = Some(Grant {
            audience,
            scope: item.to_string(),
        });
    }
    grant.ok_or_else(|| invalid(scope, "requests no resource."))
}
