//! What the identity platform has issued: access tokens (audience and expiry; the token text is a JWT
//! minted by `services::identity::access_token`), refresh tokens (rotated on every use, remembering the
//! signed-in user) and device codes.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use super::directory::User;
use crate::cloud::Cloud;
use crate::rng::{opaque_secret, user_code};

/// The resources a token can be issued for; each emulated service accepts exactly one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Audience {
    PartnerCenter,
    CustomersApi,
    CloudCockpit,
    Arm,
    Graph,
}

/// What a resource URI names, seen from one cloud.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resource {
    /// A resource of this cloud.
    Here(Audience),
    /// The resource of a service in another cloud (or of a service this cloud does not have).
    Elsewhere(Audience, Cloud),
    Unknown,
}

impl Audience {
    pub const ALL: [Audience; 5] = [
        Audience::PartnerCenter,
        Audience::CustomersApi,
        Audience::CloudCockpit,
        Audience::Arm,
        Audience::Graph,
    ];

    /// The resource URI (the token audience) in `cloud`; None where the service does not exist (the
    /// Partner Customer Delegated Administration API and CloudCockpit are public-cloud only).
    pub fn uri_in(self, cloud: Cloud) -> Option<&'static str> {
        use Cloud::{China, Public, UsGovernment};
        Some(match (self, cloud) {
            (Audience::PartnerCenter, Public | UsGovernment) => {
                "https://api.partnercenter.microsoft.com"
            }
            (Audience::PartnerCenter, China) => {
                "https://partner.partnercenterapi.microsoftonline.cn"
            }
            (Audience::CustomersApi, Public) => {
                "https://api.partnercustomeradministration.microsoft.com"
            }
            (Audience::CloudCockpit, Public) => "api://b92a36a4-feb8-4f47-a69c-29a180aa6d0a",
            (Audience::CustomersApi | Audience::CloudCockpit, _) => return None,
            (Audience::Arm, Public) => "https://management.azure.com",
            (Audience::Arm, UsGovernment) => "https://management.usgovcloudapi.net",
            (Audience::Arm, China) => "https://management.chinacloudapi.cn",
            (Audience::Graph, Public) => "https://graph.microsoft.com",
            (Audience::Graph, UsGovernment) => "https://graph.microsoft.us",
            (Audience::Graph, China) => "https://microsoftgraph.chinacloudapi.cn",
        })
    }

    /// The service's name, for messages.
    pub fn name(self) -> &'static str {
        match self {
            Audience::PartnerCenter => "Partner Center",
            Audience::CustomersApi => "the Partner Customer Delegated Administration API",
            Audience::CloudCockpit => "CloudCockpit",
            Audience::Arm => "Azure Resource Manager",
            Audience::Graph => "Microsoft Graph",
        }
    }

    /// The id the fixtures use (`audiences.partnerCenter`, ...).
    pub fn id(self) -> &'static str {
        match self {
            Audience::PartnerCenter => "partnerCenter",
            Audience::CustomersApi => "customerAdmin",
            Audience::CloudCockpit => "cloudCockpit",
            Audience::Arm => "resourceManager",
            Audience::Graph => "graph",
        }
    }

    /// What a resource URI names from `cloud` (case-insensitive, a trailing `/` allowed).
    pub fn resolve(uri: &str, cloud: Cloud) -> Resource {
        let uri = uri.strip_suffix('/').unwrap_or(uri);
        let named = |c: Cloud| {
            Audience::ALL
                .into_iter()
                .find(|a| a.uri_in(c).is_some_and(|u| u.eq_ignore_ascii_case(uri)))
        };
        if let Some(audience) = named(cloud) {
            return Resource::Here(audience);
        }
        Cloud::ALL
            .into_iter()
            .find_map(|c| named(c).map(|a| Resource::Elsewhere(a, c)))
            .unwrap_or(Resource::Unknown)
    }
}

/// What a token grants: one audience, through one resource scope string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grant {
    pub audience: Audience,
    /// The resource scope as requested, e.g. `https://management.azure.com/.default`.
    pub scope: String,
}

/// The verdict on a bearer token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenCheck {
    Valid(Audience),
    Expired,
    Unknown,
}

pub enum RefreshError {
    /// Never issued by this emulator.
    Unknown,
    /// Already redeemed (refresh tokens rotate).
    Reused,
    /// Issued to another client.
    WrongClient,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeviceStatus {
    Pending,
    Approved,
    Denied,
    Redeemed,
}

/// A started device code flow.
#[derive(Clone, Debug)]
pub struct DeviceFlow {
    pub device_code: String,
    pub user_code: String,
    pub client_id: String,
    pub grant: Grant,
    pub expires_in: u64,
    expires: Instant,
    last_poll: Option<Instant>,
    status: DeviceStatus,
}

/// The answer to one device code poll.
pub enum DevicePoll {
    Pending,
    SlowDown,
    Approved(Grant),
    Declined,
    Expired,
    Redeemed,
    Unknown,
}

/// What a live refresh token stands for.
#[derive(Clone, Debug)]
pub struct RefreshEntry {
    pub client_id: String,
    pub grant: Grant,
    pub user: User,
}

struct AccessEntry {
    audience: Audience,
    expires: Instant,
}

/// Polls this much early are still not "too fast" (clocks and networks jitter).
const POLL_TOLERANCE: Duration = Duration::from_millis(100);
const DEVICE_CODE_LIFETIME: u64 = 900;
/// Expired access tokens are swept once the table grows past this.
const SWEEP_THRESHOLD: usize = 50_000;

pub struct TokenStore {
    lifetime: Duration,
    device_interval: Duration,
    access: HashMap<String, AccessEntry>,
    /// Live refresh tokens: the client they were issued to, what they grant by default and who signed in.
    refresh: HashMap<String, RefreshEntry>,
    retired_refresh: HashSet<String>,
    devices: HashMap<String, DeviceFlow>,
    user_codes: HashMap<String, String>,
}

impl TokenStore {
    pub fn new(lifetime_seconds: u64, device_interval_seconds: u64) -> Self {
        TokenStore {
            lifetime: Duration::from_secs(lifetime_seconds),
            device_interval: Duration::from_secs(device_interval_seconds),
            access: HashMap::new(),
            refresh: HashMap::new(),
            retired_refresh: HashSet::new(),
            devices: HashMap::new(),
            user_codes: HashMap::new(),
        }
    }

    /// Remembers an access token (its full text) for `audience`, expiring after the configured lifetime.
    pub fn insert_access(&mut self, token: &str, audience: Audience) {
        let now = Instant::now();
        if self.access.len() >= SWEEP_THRESHOLD {
            self.access.retain(|_, e| e.expires > now);
        }
        self.access.insert(
            token.to_string(),
            AccessEntry {
                audience,
                expires: now + self.lifetime,
            },
        );
    }

    pub fn issue_refresh(&mut self, client_id: &str, grant: &Grant, user: &User) -> String {
        let token = format!("emu-rt.{}", opaque_secret());
        self.refresh.insert(
            token.clone(),
            RefreshEntry {
                client_id: client_id.to_string(),
                grant: grant.clone(),
                user: user.clone(),
            },
        );
        token
    }

    pub fn check(&self, token: &str) -> TokenCheck {
        match self.access.get(token) {
            None => TokenCheck::Unknown,
            Some(e) if e.expires <= Instant::now() => TokenCheck::Expired,
            Some(e) => TokenCheck::Valid(e.audience),
        }
    }

    /// Retires a refresh token and returns what it stood for; the caller issues its replacement.
    pub fn redeem_refresh(
        &mut self,
        token: &str,
        client_id: &str,
    ) -> Result<RefreshEntry, RefreshError> {
        match self.refresh.remove(token) {
            Some(entry) if entry.client_id == client_id => {
                self.retired_refresh.insert(token.to_string());
                Ok(entry)
            }
            Some(entry) => {
                self.refresh.insert(token.to_string(), entry);
                Err(RefreshError::WrongClient)
            }
            None if self.retired_refresh.contains(token) => Err(RefreshError::Reused),
            None => Err(RefreshError::Unknown),
        }
    }

    /// Every access token issued so far expires now (refresh tokens stay valid).
    pub fn expire_all(&mut self) {
        let now = Instant::now();
        for entry in self.access.values_mut() {
            entry.expires = entry.expires.min(now);
        }
    }

    pub fn start_device_flow(&mut self, client_id: &str, grant: Grant) -> DeviceFlow {
        let mut code = user_code();
        while self.user_codes.contains_key(&code) {
            code = user_code();
        }
        let flow = DeviceFlow {
            device_code: format!("emu-dc.{}", opaque_secret()),
            user_code: code.clone(),
            client_id: client_id.to_string(),
            grant,
            expires_in: DEVICE_CODE_LIFETIME,
            expires: Instant::now() + Duration::from_secs(DEVICE_CODE_LIFETIME),
            last_poll: None,
            status: DeviceStatus::Pending,
        };
        self.user_codes.insert(code, flow.device_code.clone());
        self.devices.insert(flow.device_code.clone(), flow.clone());
        flow
    }

    pub fn poll_device_flow(&mut self, device_code: &str, client_id: &str) -> DevicePoll {
        let interval = self.device_interval;
        let Some(flow) = self
            .devices
            .get_mut(device_code)
            .filter(|f| f.client_id == client_id)
        else {
            return DevicePoll::Unknown;
        };
        let now = Instant::now();
        let previous = flow.last_poll.replace(now);
        match flow.status {
            DeviceStatus::Denied => DevicePoll::Declined,
            DeviceStatus::Redeemed => DevicePoll::Redeemed,
            _ if now >= flow.expires => DevicePoll::Expired,
            DeviceStatus::Approved => {
                flow.status = DeviceStatus::Redeemed;
                DevicePoll::Approved(flow.grant.clone())
            }
            DeviceStatus::Pending => match previous {
                Some(p) if now.duration_since(p) + POLL_TOLERANCE < interval => {
                    DevicePoll::SlowDown
                }
                _ => DevicePoll::Pending,
            },
        }
    }

    /// The admin's decision on a user code; false when no pending, unexpired flow has that code.
    pub fn decide_device_flow(&mut self, user_code: &str, approve: bool) -> bool {
        let normalized: String = user_code
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let Some(flow) = self
            .user_codes
            .get(&normalized)
            .and_then(|dc| self.devices.get_mut(dc))
        else {
            return false;
        };
        if flow.expires <= Instant::now() {
            return false;
        }
        match (flow.status, approve) {
            (DeviceStatus::Pending, true) | (DeviceStatus::Approved, true) => {
                flow.status = DeviceStatus::Approved;
                true
            }
            (DeviceStatus::Pending, false) | (DeviceStatus::Denied, false) => {
                flow.status = DeviceStatus::Denied;
                true
            }
            _ => false,
        }
    }
}
