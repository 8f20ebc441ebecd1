//! # delegated-admin
//!
//! Find and clean up the admin access a Microsoft partner (CSP/MSP) holds over its customers' tenants:
//! DAP relationships (Partner Center), GDAP relationships (Microsoft Graph, and CloudCockpit), and Azure
//! Lighthouse delegations.
//!
//! The crate has two faces:
//! - a typed async Rust API: one module per service ([`customers`], [`partner_center`], [`cloudcockpit`],
//!   [`lighthouse`], [`gdap`], [`identity`]), each function taking a [`Client`], the per-call [`CallOptions`] and a
//!   validated request;
//! - a C ABI ([`ffi`]) where every operation is one function taking and returning a JSON string, for C, C#
//!   and PowerShell. It is a thin layer that parses JSON, calls the typed API on one shared runtime and
//!   serialises the envelope.

pub mod actions;
mod call;
pub mod catalog;
pub mod cleanup;
pub mod client;
pub mod cloud;
pub mod cloudcockpit;
pub mod credentials;
pub mod customers;
pub mod endpoint;
pub mod engine;
pub mod error;
pub mod ffi;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
pub mod gdap;
pub mod identity;
pub mod interactive;
pub mod ledger;
pub mod lighthouse;
mod lro;
pub mod options;
mod paging;
pub mod partner_center;
pub mod pipeline;
pub mod readiness;
pub mod secret;
pub mod service;
mod service_error;
pub mod subscriptions;
pub mod throttle;
pub mod validate;

pub use client::{Client, ClientBuilder, CredentialSpec};
pub use cloud::Cloud;
pub use error::{Error, ErrorKind};
pub use options::CallOptions;
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

    #[test]
    fn the_header_declares_only_da_functions() {
        for line in GENERATED.lines() {
            let code = line.trim();
            if code.starts_with("/*") || code.starts_with('*') || code.starts_with("//") {
                continue;
            }
            assert!(
                !code.starts_with("typedef")
                    && !code.starts_with("struct")
                    && !code.starts_with("enum"),
                "the header declares a type: {code}"
            );
            if let Some(name) = code.strip_prefix("#define ") {
                assert!(
                    name.starts_with("DELEGATED_ADMIN_H"),
                    "an unprefixed macro: {code}"
                );
            }
            if let Some(open) = code.find('(') {
                if code.ends_with(");") || code.ends_with(',') {
                    let name = code[..open].rsplit([' ', '*']).next().unwrap_or("");
                    assert!(
                        name.starts_with("da_"),
                        "a function without the da_ prefix: {code}"
                    );
                }
            }
        }
    }
}
