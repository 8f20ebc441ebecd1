//! A loopback HTTP/1.1 emulator of six services on one port, for the delegated-admin library's tests,
//! benchmarks and demo: the identity platform (v2 token, authorize and device code endpoints; client
//! secrets and certificate assertions; JWT access tokens), the managed identity endpoints of an Azure host
//! (App Service and IMDS), Partner Center (`/v1/customers`), the Partner Customer Delegated
//! Administration API (`delegatedAdminCustomers` with OData options), CloudCockpit (GDAP relationships),
//! ARM (subscriptions; Azure Lighthouse registration assignments, with a long-running delete) and
//! Microsoft Graph's GDAP API (`/v1.0/tenantRelationships/...`: relationships with ETags, the long-running
//! Global Administrator removal, terminate requests, access assignments and delegatedAdminCustomers), in
//! the public, US Government or China cloud ([`Config::cloud`]).
//!
//! The state is seeded deterministically from [`Config::seed`]; control endpoints under
//! `/_emulator/` expose fixtures, a request log, counters and fault injection. See
//! `docs/emulator.md`.
//!
//! ```no_run
//! let emulator = delegated_admin_emulator::Emulator::start(Default::default()).unwrap();
//! println!("{}", emulator.url());
//! ```

mod base64;
pub mod cli;
mod cloud;
mod config;
mod control;
mod emulator;
mod http;
mod jwt;
mod odata;
mod rng;
mod server;
mod services;
mod state;
mod timefmt;

pub use cloud::Cloud;
pub use config::{
    Config, RateLimit, ServiceRateLimits, ARM_DELETE_BUCKET, ARM_DELETE_REFILL_PER_SECOND,
    DEFAULT_ASSIGNMENTS_PER_SUBSCRIPTION, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET,
    DEFAULT_IDENTITY_HEADER, DEFAULT_MSI_SECRET, DEFAULT_PARTNER_TENANT_ID, DEFAULT_TENANT_DOMAIN,
};
pub use control::faults::Faults;
pub use control::reqlog::LoggedRequest;
pub use emulator::Emulator;
pub use server::{serve, serve_with_shutdown};
pub use state::lighthouse::seed::{OTHER_MSP_NAME, OTHER_MSP_TENANT_ID};
pub use state::listen_url;
