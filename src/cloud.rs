//! National clouds: from one `cloud` setting follow the authority, every service's default endpoint and every
//! token scope, so that a US Government or China partner never gets a token for the commercial audience. A
//! custom cloud names its hosts explicitly.
//!
//! | cloud | authority | ARM | Graph | Partner Center |
//! |---|---|---|---|---|
//! | `public` | login.microsoftonline.com | management.azure.com | graph.microsoft.com | api.partnercenter.microsoft.com |
//! | `usGovernment` | login.microsoftonline.us | management.usgovcloudapi.net | graph.microsoft.us | api.partnercenter.microsoft.com |
//! | `china` | login.partner.microsoftonline.cn | management.chinacloudapi.cn | microsoftgraph.chinacloudapi.cn | partner.partnercenterapi.microsoftonline.cn |
//!
//! The Partner Customer Delegated Administration API and CloudCockpit exist in the public cloud only.

use crate::endpoint::BaseUrl;
use crate::error::{Error, Result};
use crate::service::{Hosted, Service};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CloudName {
    Public,
    UsGovernment,
    China,
}

impl CloudName {
    pub fn parse(text: &str) -> Result<CloudName> {
        match text.to_ascii_lowercase().as_str() {
            "public" | "azurecloud" | "global" => Ok(CloudName::Public),
            "usgovernment" | "azureusgovernment" | "usgov" => Ok(CloudName::UsGovernment),
            "china" | "azurechinacloud" => Ok(CloudName::China),
            _ => Err(Error::invalid(format!(
                "cloud `{}` is not public, usGovernment or china (or an object of explicit hosts)",
                crate::validate::printable(text)
            ))),
        }
    }

    pub fn id(self) -> &'static str {
        match self {
            CloudName::Public => "public",
            CloudName::UsGovernment => "usGovernment",
            CloudName::China => "china",
        }
    }

    fn display(self) -> &'static str {
        match self {
            CloudName::Public => "the public cloud",
            CloudName::UsGovernment => "the US Government cloud",
            CloudName::China => "the China cloud (21Vianet)",
        }
    }

    pub fn authority(self) -> &'static str {
        match self {
            CloudName::Public => "https://login.microsoftonline.com",
            CloudName::UsGovernment => "https://login.microsoftonline.us",
            CloudName::China => "https://login.partner.microsoftonline.cn",
        }
    }

    fn hosted(self, service: &Service) -> Option<Hosted> {
        match self {
            CloudName::Public => service.public,
            CloudName::UsGovernment => service.us_government,
            CloudName::China => service.china,
        }
    }
}

/// A cloud: a named one, or explicit hosts.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Cloud {
    Named(CloudName),
    Custom(CustomCloud),
}

/// Explicit hosts: the authority, and per service id (`graph`, ...) an endpoint and optionally a scope
/// (default `<endpoint>/.default`). A service not listed is not available.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CustomCloud {
    pub authority: BaseUrl,
    pub endpoints: BTreeMap<String, BaseUrl>,
    pub scopes: BTreeMap<String, String>,
}

impl Default for Cloud {
    fn default() -> Cloud {
        Cloud::Named(CloudName::Public)
    }
}

impl Cloud {
    pub fn public() -> Cloud {
        Cloud::Named(CloudName::Public)
    }

    pub fn us_government() -> Cloud {
        Cloud::Named(CloudName::UsGovernment)
    }

    pub fn china() -> Cloud {
        Cloud::Named(CloudName::China)
    }

    /// Explicit hosts, per service.
    pub fn custom(
        authority: BaseUrl,
        endpoints: Vec<(&'static Service, BaseUrl)>,
        scopes: Vec<(&'static Service, String)>,
    ) -> Cloud {
        Cloud::Custom(CustomCloud {
            authority,
            endpoints: endpoints
                .into_iter()
                .map(|(s, v)| (s.id.to_string(), v))
                .collect(),
            scopes: scopes
                .into_iter()
                .map(|(s, v)| (s.id.to_string(), v))
                .collect(),
        })
    }

    fn display(&self) -> &'static str {
        match self {
            Cloud::Named(n) => n.display(),
            Cloud::Custom(_) => "the custom cloud given",
        }
    }

    pub fn authority(&self) -> BaseUrl {
        match self {
            Cloud::Named(n) => BaseUrl::from_static(n.authority()),
            Cloud::Custom(c) => c.authority.clone(),
        }
    }

    fn unavailable(&self, service: &Service) -> Error {
        Error::invalid(format!(
            "{} ({}) is not available in {}",
            service.name,
            service.id,
            self.display()
        ))
    }

    /// The service's host in this cloud, or `invalid_request` naming the service when the cloud lacks it.
    pub fn endpoint(&self, service: &Service) -> Result<BaseUrl> {
        match self {
            Cloud::Named(n) => n
                .hosted(service)
                .map(|h| BaseUrl::from_static(h.endpoint))
                .ok_or_else(|| self.unavailable(service)),
            Cloud::Custom(c) => c
                .endpoints
                .get(service.id)
                .cloned()
                .ok_or_else(|| self.unavailable(service)),
        }
    }

    /// The token scope of the service's audience in this cloud.
    pub fn scope(&self, service: &Service) -> Result<String> {
        match self {
            Cloud::Named(n) => n
                .hosted(service)
                .map(|h| h.scope.to_string())
                .ok_or_else(|| self.unavailable(service)),
            Cloud::Custom(c) => match c.scopes.get(service.id) {
                Some(s) => Ok(s.clone()),
                None => c
                    .endpoints
                    .get(service.id)
                    .map(|e| format!("{}/.default", e.as_str()))
                    .ok_or_else(|| self.unavailable(service)),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_cloud_has_its_own_audiences() {
        let arm = &crate::lighthouse::SERVICE;
        assert_eq!(
            Cloud::us_government().scope(arm).unwrap(),
            "https://management.usgovcloudapi.net/.default"
        );
        assert_eq!(
            Cloud::china()
                .endpoint(&crate::gdap::SERVICE)
                .unwrap()
                .as_str(),
            "https://microsoftgraph.chinacloudapi.cn"
        );
        let e = Cloud::china()
            .endpoint(&crate::cloudcockpit::SERVICE)
            .unwrap_err();
        assert!(
            e.message.contains("CloudCockpit") && e.message.contains("China"),
            "{}",
            e.message
        );
        assert_eq!(
            CloudName::parse("AzureUSGovernment").unwrap(),
            CloudName::UsGovernment
        );
    }
}
