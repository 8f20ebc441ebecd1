//! The partner tenant's directory objects that tokens name: the confidential app's service principal, the
//! admin who signs in (device code, authorization code), and the managed identities of the Azure resource
//! the library may run on (one system-assigned, one user-assigned).
//!
//! Drawn from a generator of their own (seeded from `Config::seed`), so that adding them changed none of
//! the other seeded data.

use serde_json::{json, Value};
use uuid::Uuid;

use crate::config::Config;
use crate::rng::SeededRng;

/// The default signed-in admin.
pub const DEFAULT_UPN: &str = "admin@contosopartner.onmicrosoft.com";
const DEFAULT_NAME: &str = "Contoso Partner Admin";

/// A signed-in user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    pub upn: String,
    pub object_id: Uuid,
    pub name: String,
}

/// A managed identity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ManagedIdentity {
    pub system_assigned: bool,
    pub client_id: Uuid,
    /// The service principal's object id (`principal_id`).
    pub object_id: Uuid,
    /// The Azure resource id of a user-assigned identity (None for the system-assigned one).
    pub resource_id: Option<String>,
}

impl ManagedIdentity {
    pub fn to_json(&self) -> Value {
        json!({
            "clientId": self.client_id,
            "objectId": self.object_id,
            "resourceId": self.resource_id,
        })
    }
}

/// Which identity a managed identity request asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IdentitySelector {
    SystemAssigned,
    ClientId(String),
    ObjectId(String),
    ResourceId(String),
}

pub struct Directory {
    /// The object id of the confidential app's service principal (`oid` of its app-only tokens).
    pub app_object_id: Uuid,
    pub admin: User,
    pub system_assigned: ManagedIdentity,
    pub user_assigned: ManagedIdentity,
}

impl Directory {
    pub fn seed(config: &Config) -> Directory {
        let mut rng = SeededRng::new(config.seed ^ 0x0001_DE47_17E5);
        let app_object_id = rng.guid();
        let admin = User {
            upn: DEFAULT_UPN.to_string(),
            object_id: rng.guid(),
            name: DEFAULT_NAME.to_string(),
        };
        let system_assigned = ManagedIdentity {
            system_assigned: true,
            client_id: rng.guid(),
            object_id: rng.guid(),
            resource_id: None,
        };
        let subscription = rng.guid();
        let user_assigned = ManagedIdentity {
            system_assigned: false,
            client_id: rng.guid(),
            object_id: rng.guid(),
            resource_id: Some(format!(
                "/subscriptions/{subscription}/resourceGroups/rg-automation/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-delegated-admin"
            )),
        };
        Directory {
            app_object_id,
            admin,
            system_assigned,
            user_assigned,
        }
    }

    /// The user who signs in: the admin, or (an interactive sign-in's `login_hint`) a user of that name.
    pub fn user(&self, login_hint: Option<&str>) -> User {
        match login_hint.map(str::trim).filter(|h| h.contains('@')) {
            Some(hint) if !hint.eq_ignore_ascii_case(&self.admin.upn) => User {
                upn: hint.to_string(),
                object_id: name_based_id(hint),
                name: hint.split('@').next().unwrap_or(hint).to_string(),
            },
            _ => self.admin.clone(),
        }
    }

    /// The managed identity a selector names. Ids compare case-insensitively (GUIDs in any case, resource
    /// ids as ARM compares them).
    pub fn managed_identity(&self, selector: &IdentitySelector) -> Option<&ManagedIdentity> {
        let guid = |text: &str| Uuid::parse_str(text.trim()).ok();
        let both = [&self.system_assigned, &self.user_assigned];
        match selector {
            IdentitySelector::SystemAssigned => Some(&self.system_assigned),
            IdentitySelector::ClientId(id) => {
                let id = guid(id)?;
                both.into_iter().find(|m| m.client_id == id)
            }
            IdentitySelector::ObjectId(id) => {
                let id = guid(id)?;
                both.into_iter().find(|m| m.object_id == id)
            }
            IdentitySelector::ResourceId(id) => both.into_iter().find(|m| {
                m.resource_id
                    .as_deref()
                    .is_some_and(|r| r.eq_ignore_ascii_case(id.trim().trim_end_matches('/')))
            }),
        }
    }
}

/// A stable object id for a user name (the same name signs in as the same object).
fn name_based_id(name: &str) -> Uuid {
    let digest = aws_lc_rs::digest::digest(
        &aws_lc_rs::digest::SHA256,
        name.to_ascii_lowercase().as_bytes(),
    );
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest.as_ref()[..16]);
    uuid::Builder::from_random_bytes(bytes).into_uuid()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identities_are_found_by_each_id() {
        let d = Directory::seed(&Config::default());
        let ua = &d.user_assigned;
        for selector in [
            IdentitySelector::ClientId(ua.client_id.to_string().to_uppercase()),
            IdentitySelector::ObjectId(ua.object_id.to_string()),
            IdentitySelector::ResourceId(ua.resource_id.clone().unwrap().to_lowercase()),
        ] {
            assert_eq!(d.managed_identity(&selector), Some(ua), "{selector:?}");
        }
        assert_eq!(
            d.managed_identity(&IdentitySelector::SystemAssigned),
            Some(&d.system_assigned)
        );
        assert_eq!(
            d.managed_identity(&IdentitySelector::ClientId("nope".into())),
            None
        );
        assert_eq!(d.user(None), d.admin);
        assert_eq!(d.user(Some("ops@contoso.com")).upn, "ops@contoso.com");
        assert_eq!(d.user(Some("not-an-upn")), d.admin);
    }
}
