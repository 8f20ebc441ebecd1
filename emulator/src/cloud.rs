//! The national cloud the emulator plays: it decides every service's resource URI (the audience of its
//! tokens), which services exist at all, and the issuer written into tokens.
//!
//! | cloud | sign-in host | issuer of v1 tokens |
//! |---|---|---|
//! | `public` | login.microsoftonline.com | `https://sts.windows.net/{tenant}/` |
//! | `usGovernment` | login.microsoftonline.us | `https://sts.windows.net/{tenant}/` |
//! | `china` | login.partner.microsoftonline.cn | `https://sts.chinacloudapi.cn/{tenant}/` |
//!
//! The resource URIs per service are in [`crate::state::tokens::Audience::uri_in`].

use std::fmt;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Cloud {
    #[default]
    Public,
    UsGovernment,
    China,
}

impl Cloud {
    pub const ALL: [Cloud; 3] = [Cloud::Public, Cloud::UsGovernment, Cloud::China];

    /// `public`, `usGovernment` or `china` (case-insensitive).
    pub fn parse(text: &str) -> Option<Cloud> {
        Cloud::ALL
            .into_iter()
            .find(|c| c.id().eq_ignore_ascii_case(text.trim()))
    }

    /// The name the CLI, the fixtures and the library use.
    pub fn id(self) -> &'static str {
        match self {
            Cloud::Public => "public",
            Cloud::UsGovernment => "usGovernment",
            Cloud::China => "china",
        }
    }

    /// For messages: "the US Government cloud".
    pub fn display(self) -> &'static str {
        match self {
            Cloud::Public => "the public cloud",
            Cloud::UsGovernment => "the US Government cloud",
            Cloud::China => "the China cloud (21Vianet)",
        }
    }

    /// The real sign-in host the emulator stands in for (reported in the fixtures).
    pub fn login_host(self) -> &'static str {
        match self {
            Cloud::Public => "login.microsoftonline.com",
            Cloud::UsGovernment => "login.microsoftonline.us",
            Cloud::China => "login.partner.microsoftonline.cn",
        }
    }

    /// The `iss` of the v1.0 access tokens the resources here accept.
    pub fn issuer(self, tenant: &str) -> String {
        match self {
            Cloud::Public | Cloud::UsGovernment => format!("https://sts.windows.net/{tenant}/"),
            Cloud::China => format!("https://sts.chinacloudapi.cn/{tenant}/"),
        }
    }
}

impl fmt::Display for Cloud {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(Cloud::parse("USGOVERNMENT"), Some(Cloud::UsGovernment));
        assert_eq!(Cloud::parse("china"), Some(Cloud::China));
        assert_eq!(Cloud::parse("germany"), None);
        assert_eq!(Cloud::default().id(), "public");
        assert_eq!(
            Cloud::China.issuer("t"),
            "https://sts.chinacloudapi.cn/t/".to_string()
        );
    }
}
