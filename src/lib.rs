//! # delegated-admin
//!
//! Find and clean up the admin access a Microsoft partner (CSP/MSP) holds over its customers' tenants:
//! DAP relationships (Partner Center), GDAP relationships (CloudCockpit), and Azure Lighthouse delegations.
//!
//! The crate has two faces:
//! - a typed async Rust API: one module per service ([`customers`], [`partner_center`], [`cloudcockpit`],
//!   [`lighthouse`], [`identity`]), each function taking a [`Client`], the per-call [`CallOptions`] and a
//!   validated request;
//! - a C ABI ([`ffi`]) where every operation is one function taking and returning a JSON string, for C, C#
//!   and PowerShell. It is a thin layer that parses JSON, calls the typed API on one shared runtime and
//!   serialises the envelope.

pub mod cleanup;
pub mod client;
pub mod cloudcockpit;
pub mod customers;
pub mod endpoint;
pub mod error;
pub mod ffi;
#[doc(hidden)]
pub mod fuzzing;
mod http;
pub mod identity;
pub mod lighthouse;
pub mod options;
mod paging;
pub mod partner_center;
mod retry;
pub mod secret;
mod service_error;
pub mod throttle;
pub mod validate;

pub use client::Client;
pub use error::{Error, ErrorKind};
pub use options::{Auth, CallOptions};
pub use secret::Secret;

#[cfg(test)]
mod header_freshness {
    /// The header cbindgen generated in this very build. `include/delegated_admin.h` is committed; a stale
    /// copy fails here (in CI, where build.rs does not rewrite it).
    const GENERATED: &str = include_str!(concat!(env!("OUT_DIR"), "/delegated_admin.h"));

    #[test]
    fn committed_header_matches_generated_header() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/include/delegated_admin.h");
        let committed =
            std::fs::read_to_string(path).expect("include/delegated_admin.h is committed");
        assert!(
            committed == GENERATED,
            "include/delegated_admin.h is stale: run `cargo build` outside CI and commit the regenerated header"
        );
    }
}
