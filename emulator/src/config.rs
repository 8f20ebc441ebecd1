//! The emulator's configuration: what it seeds and how it behaves.

use std::time::Duration;

use crate::cloud::Cloud;

/// Everything the emulator can be told at start. `Config::default()` is what the CLI uses without flags.
#[derive(Clone, Debug)]
pub struct Config {
    /// Interface to bind, `127.0.0.1` by default.
    pub host: String,
    /// Port to bind; 0 lets the OS pick one (read it back from [`crate::Emulator::url`]).
    pub port: u16,
    /// Number of delegated admin customers to seed.
    pub customers: usize,
    /// How many of them have an inactive DAP relationship; `None` = 30% of `customers`.
    pub inactive_dap: Option<usize>,
    /// Seed of every generated id, name and date, and of the `fail_rate` draws.
    pub seed: u64,
    /// Delay added to every service request (not identity, not control).
    pub latency: Duration,
    /// Service requests admitted per one-second window over all services; 0 = no limit.
    pub rate_limit: u32,
    /// Limits of each service on its own (beside `rate_limit`), each answered with that service's 429.
    pub service_rate_limits: ServiceRateLimits,
    /// Fraction (0.0..=1.0) of admitted service requests answered 503.
    pub fail_rate: f64,
    /// The only client id the client credentials grant accepts.
    pub client_id: String,
    /// The only client secret the token endpoint accepts.
    pub client_secret: String,
    /// The partner's tenant id (also `managedByTenantId` of every Lighthouse definition).
    pub partner_tenant_id: String,
    /// The CloudCockpit portal domain `X-Tenant` must carry.
    pub tenant_domain: String,
    /// How many polls of a Lighthouse delete still see it running; the next poll sees it done.
    pub lro_polls: u32,
    /// `Retry-After` seconds on the 202 answers of long-running operations (the Lighthouse delete, the
    /// GDAP Global Administrator removal).
    pub lro_retry_after: u64,
    /// Lifetime of issued access tokens, in seconds.
    pub token_lifetime: u64,
    /// Device code polling interval, in seconds.
    pub device_interval: u64,
    /// Registration assignments per ARM page; 0 = everything on one page.
    pub arm_page_size: usize,
    /// Number of Azure subscriptions delegated through Lighthouse.
    pub subscriptions: usize,
    /// Registration assignments seeded in each subscription: the last one at its resource group (when
    /// there are at least two), the others at subscription scope. 4 = three plus one.
    pub assignments_per_subscription: usize,
    /// ARM's subscription delete bucket (token bucket) per subscription and principal; each DELETE of a
    /// registration assignment takes a token, an empty bucket answers 429. 0 = no bucket (ARM documents 200).
    pub arm_delete_bucket: u32,
    /// Tokens added to a delete bucket per second (ARM documents 10); at least 1.
    pub arm_delete_refill_per_second: u32,
    /// Refuse (403 `AuthorizationFailed`) the DELETE of a registration assignment the partner may not remove:
    /// one managed by another tenant, or whose definition lacks the Managed Services Registration Assignment
    /// Delete Role. Off by default (every delete is accepted).
    pub arm_check_delete_permission: bool,
    /// Microsoft Graph GDAP relationships to seed; `None` = one per customer.
    pub gdap_relationships: Option<usize>,
    /// GDAP list items per page without `$top` (1..=300; larger values are taken as 300).
    pub gdap_page_size: usize,
    /// How many polls of a GDAP long-running operation (the Global Administrator removal) still see it
    /// in progress; the next poll sees it end.
    pub gdap_lro_polls: u32,
    /// How many reads of a terminating GDAP relationship (or of its terminate request) still see it
    /// `terminationRequested`; the next read sees it `terminated`.
    pub gdap_terminate_polls: u32,
    /// The national cloud played: every service's token audience, which services exist, the token issuer.
    pub cloud: Cloud,
    /// The value App Service's managed identity endpoint requires in `X-IDENTITY-HEADER` (api-version
    /// 2019-08-01; what `IDENTITY_HEADER` holds on a real host).
    pub identity_header: String,
    /// The value the older managed identity endpoint requires in `Secret` (api-version 2017-09-01; what
    /// `MSI_SECRET` holds on a real host).
    pub msi_secret: String,
    /// Certificates (PEM, `-----BEGIN CERTIFICATE-----`) registered for `client_id` at start: their keys may
    /// sign client assertions. More can be registered while running (`POST /_emulator/certificates`).
    pub client_certificates: Vec<String>,
    /// Lifetime of authorization codes, in seconds (the identity platform's is 10 minutes).
    pub auth_code_lifetime: u64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            host: "127.0.0.1".to_string(),
            port: 0,
            customers: 50,
            inactive_dap: None,
            seed: 1,
            latency: Duration::ZERO,
            rate_limit: 0,
            service_rate_limits: ServiceRateLimits::default(),
            fail_rate: 0.0,
            client_id: DEFAULT_CLIENT_ID.to_string(),
            client_secret: DEFAULT_CLIENT_SECRET.to_string(),
            partner_tenant_id: DEFAULT_PARTNER_TENANT_ID.to_string(),
            tenant_domain: DEFAULT_TENANT_DOMAIN.to_string(),
            lro_polls: 2,
            lro_retry_after: 0,
            token_lifetime: 3600,
            device_interval: 1,
            arm_page_size: 2,
            subscriptions: 3,
            assignments_per_subscription: DEFAULT_ASSIGNMENTS_PER_SUBSCRIPTION,
            arm_delete_bucket: 0,
            arm_delete_refill_per_second: ARM_DELETE_REFILL_PER_SECOND,
            arm_check_delete_permission: false,
            gdap_relationships: None,
            gdap_page_size: DEFAULT_GDAP_PAGE_SIZE,
            gdap_lro_polls: 2,
            gdap_terminate_polls: 2,
            cloud: Cloud::Public,
            identity_header: DEFAULT_IDENTITY_HEADER.to_string(),
            msi_secret: DEFAULT_MSI_SECRET.to_string(),
            client_certificates: Vec::new(),
            auth_code_lifetime: 600,
        }
    }
}

/// Default `client_id`.
pub const DEFAULT_CLIENT_ID: &str = "00000000-0000-0000-0000-00000000c11e";
/// Default `client_secret`.
pub const DEFAULT_CLIENT_SECRET: &str = "emulator-client-secret";
/// Default `identity_header`.
pub const DEFAULT_IDENTITY_HEADER: &str = "emulator-identity-header";
/// Default `msi_secret`.
pub const DEFAULT_MSI_SECRET: &str = "emulator-msi-secret";
/// Default `partner_tenant_id`.
pub const DEFAULT_PARTNER_TENANT_ID: &str = "5f0b1c6e-8a3d-4b7e-9c21-0d4e6f8a9b10";
/// Default `gdap_page_size`.
pub const DEFAULT_GDAP_PAGE_SIZE: usize = 100;
/// The largest page Graph's GDAP lists serve (and the largest `$top`).
pub const MAX_GDAP_PAGE_SIZE: usize = 300;
/// Default `assignments_per_subscription`: three at subscription scope, one at the resource group.
pub const DEFAULT_ASSIGNMENTS_PER_SUBSCRIPTION: usize = 4;
/// ARM's documented subscription delete bucket: 200 tokens.
pub const ARM_DELETE_BUCKET: u32 = 200;
/// ARM's documented refill of the subscription delete bucket: 10 tokens a second.
pub const ARM_DELETE_REFILL_PER_SECOND: u32 = 10;
/// Default `tenant_domain`.
pub const DEFAULT_TENANT_DOMAIN: &str = "portal.cloudcockpit.com";

/// At most `requests` admissions per fixed window of `per` (a window starts at every whole multiple of
/// `per` since the emulator started).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimit {
    pub requests: u32,
    pub per: Duration,
}

impl RateLimit {
    /// `requests` per one-second window.
    pub fn per_second(requests: u32) -> RateLimit {
        RateLimit {
            requests,
            per: Duration::from_secs(1),
        }
    }

    /// `N` (per second) or `N/S` (per S seconds), e.g. `500/60` for Partner Center's 500 a minute. `0` or
    /// `0/S` is no limit (None).
    pub fn parse(text: &str) -> Result<Option<RateLimit>, String> {
        let (requests, seconds) = match text.split_once('/') {
            Some((n, s)) => (n, s),
            None => (text, "1"),
        };
        let requests: u32 = requests
            .trim()
            .parse()
            .map_err(|_| format!("'{text}' is not N or N/SECONDS"))?;
        let seconds: u64 = seconds
            .trim()
            .parse()
            .ok()
            .filter(|s| *s > 0)
            .ok_or_else(|| format!("'{text}' is not N or N/SECONDS (SECONDS at least 1)"))?;
        Ok((requests > 0).then(|| RateLimit {
            requests,
            per: Duration::from_secs(seconds),
        }))
    }
}

/// A limit per service (None = that service has no limit of its own).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ServiceRateLimits {
    /// Partner Center REST (`/v1/customers...`).
    pub partner_center: Option<RateLimit>,
    /// The Partner Customer Delegated Administration API (`delegatedAdminCustomers`).
    pub customers_api: Option<RateLimit>,
    /// CloudCockpit.
    pub cloud_cockpit: Option<RateLimit>,
    /// Azure Resource Manager (subscriptions, Lighthouse).
    pub arm: Option<RateLimit>,
    /// Microsoft Graph (GDAP).
    pub graph: Option<RateLimit>,
}

impl Config {
    /// The number of inactive DAP customers actually seeded.
    pub fn inactive_dap_count(&self) -> usize {
        self.inactive_dap
            .unwrap_or(self.customers * 3 / 10)
            .min(self.customers)
    }

    /// The number of GDAP relationships actually seeded (none without customers to join them to).
    pub fn gdap_relationship_count(&self) -> usize {
        match self.customers {
            0 => 0,
            n => self.gdap_relationships.unwrap_or(n),
        }
    }

    /// The GDAP page size actually used without `$top`.
    pub fn gdap_page(&self) -> usize {
        self.gdap_page_size.clamp(1, MAX_GDAP_PAGE_SIZE)
    }
}
