//! Token scopes: one resource, named by one or more resource scopes (`<resource>/.default`,
//! `<resource>/user_impersonation`, or for Microsoft Graph its GDAP permissions, with or without the
//! `https://graph.microsoft.com/` prefix), optionally with `offline_access openid profile email`.

use super::error::IdentityError;
use crate::cloud::Cloud;
use crate::state::tokens::{Audience, Grant, Resource};

const OIDC_SCOPES: [&str; 4] = ["offline_access", "openid", "profile", "email"];
const PERMISSIONS: [&str; 2] = [".default", "user_impersonation"];
/// Graph's delegated GDAP permissions. A permission without a resource prefix names a Graph
/// permission: Graph is the v2 endpoint's default resource.
const GRAPH_PERMISSIONS: [&str; 2] = [
    "DelegatedAdminRelationship.Read.All",
    "DelegatedAdminRelationship.ReadWrite.All",
];

fn invalid(scope: &str, why: &str) -> IdentityError {
    IdentityError::bad(
        "invalid_scope",
        70011,
        format!("The provided value for the input parameter 'scope' is not valid. The scope '{scope}' {why}"),
    )
}

fn is_graph_permission(permission: &str) -> bool {
    GRAPH_PERMISSIONS
        .iter()
        .any(|p| p.eq_ignore_ascii_case(permission))
}

/// The audience one resource scope names in `cloud`, or why it names none.
fn audience_of(item: &str, cloud: Cloud) -> Result<Audience, String> {
    let unknown = || "names no resource this emulator knows.".to_string();
    let Some((resource, permission)) = item.rsplit_once('/') else {
        return match is_graph_permission(item) {
            true => Ok(Audience::Graph),
            false => Err(unknown()),
        };
    };
    let audience = match Audience::resolve(resource, cloud) {
        Resource::Here(audience) => audience,
        Resource::Elsewhere(audience, other) => {
            return Err(match audience.uri_in(cloud) {
                Some(here) => format!(
                    "names {} of {}; in {} its resource is {here}.",
                    audience.name(),
                    other.display(),
                    cloud.display()
                ),
                None => format!(
                    "names {}, which does not exist in {}.",
                    audience.name(),
                    cloud.display()
                ),
            })
        }
        Resource::Unknown => return Err(unknown()),
    };
    let known = PERMISSIONS
        .iter()
        .any(|p| p.eq_ignore_ascii_case(permission))
        || (audience == Audience::Graph && is_graph_permission(permission));
    known.then_some(audience).ok_or_else(unknown)
}

/// The one resource a `scope` parameter asks for, in `cloud`.
pub fn parse_scope(scope: &str, cloud: Cloud) -> Result<Grant, IdentityError> {
    let mut grant: Option<Grant> = None;
    for item in scope.split_whitespace() {
        if OIDC_SCOPES.iter().any(|s| s.eq_ignore_ascii_case(item)) {
            continue;
        }
        let audience = audience_of(item, cloud).map_err(|why| invalid(scope, &why))?;
        match &mut grant {
            Some(g) if g.audience != audience => {
                return Err(invalid(scope, "requests more than one resource."))
            }
            Some(g) => {
                g.scope.push(' ');
                g.scope.push_str(item);
            }
            None => {
                grant = Some(Grant {
                    audience,
                    scope: item.to_string(),
                })
            }
        }
    }
    grant.ok_or_else(|| invalid(scope, "requests no resource."))
}

/// The client credentials grant takes `<resource>/.default` for Graph (AADSTS1002012 otherwise).
pub fn check_app_only(scope: &str, grant: &Grant) -> Result<(), IdentityError> {
    let named = grant
        .scope
        .split_whitespace()
        .any(|item| !item.to_ascii_lowercase().ends_with("/.default"));
    if grant.audience == Audience::Graph && named {
        return Err(IdentityError::bad(
            "invalid_scope",
            1002012,
            format!("The provided value for scope {scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI)."),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn graph_scopes() {
        let public = Cloud::Public;
        let g = parse_scope("https://graph.microsoft.com/.default", public).unwrap();
        assert_eq!(g.audience, Audience::Graph);
        let g = parse_scope(
            "DelegatedAdminRelationship.ReadWrite.All https://graph.microsoft.com/DelegatedAdminRelationship.Read.All offline_access",
            public,
        )
        .unwrap();
        assert_eq!(g.audience, Audience::Graph);
        assert_eq!(
            g.scope,
            "DelegatedAdminRelationship.ReadWrite.All https://graph.microsoft.com/DelegatedAdminRelationship.Read.All"
        );
        assert!(check_app_only("x", &g).is_err());
        assert!(parse_scope("User.Read", public).is_err());
        assert!(parse_scope(
            "https://management.azure.com/DelegatedAdminRelationship.Read.All",
            public
        )
        .is_err());
        assert!(parse_scope(
            "https://graph.microsoft.com/.default https://management.azure.com/.default",
            public
        )
        .is_err());
    }

    #[test]
    fn scopes_follow_the_cloud() {
        let gov = Cloud::UsGovernment;
        let g = parse_scope("https://management.usgovcloudapi.net/.default", gov).unwrap();
        assert_eq!(g.audience, Audience::Arm);
        let g = parse_scope(
            "https://api.partnercenter.microsoft.com/user_impersonation",
            gov,
        );
        assert_eq!(g.unwrap().audience, Audience::PartnerCenter);
        let public_arm = parse_scope("https://management.azure.com/.default", gov).unwrap_err();
        assert_eq!(public_arm.code, 70011);
        assert!(public_arm
            .description
            .contains("'https://management.azure.com/.default'"));
        assert!(public_arm
            .description
            .contains("management.usgovcloudapi.net"));
        let customers = parse_scope(
            "https://api.partnercustomeradministration.microsoft.com/.default",
            Cloud::China,
        )
        .unwrap_err();
        assert!(customers
            .description
            .contains("does not exist in the China cloud"));
        let g = parse_scope("DelegatedAdminRelationship.Read.All", Cloud::China).unwrap();
        assert_eq!(g.audience, Audience::Graph);
        assert!(parse_scope("https://microsoftgraph.chinacloudapi.cn/.default", gov).is_err());
    }
}
