//! Every service the library calls, by id: for the C ABI's `endpoints`, `accessTokens` and custom clouds,
//! and for readiness checks. Above the service modules (it names them all); nothing below it depends on it.

use crate::service::Service;

/// Every service.
pub fn all() -> [&'static Service; 5] {
    [
        &crate::customers::SERVICE,
        &crate::partner_center::SERVICE,
        &crate::cloudcockpit::SERVICE,
        &crate::lighthouse::SERVICE,
        &crate::gdap::SERVICE,
    ]
}

/// The service with this id (`graph`), case-insensitively.
pub fn by_id(id: &str) -> Option<&'static Service> {
    all().into_iter().find(|s| s.id.eq_ignore_ascii_case(id))
}

/// The ids, for messages.
pub fn ids() -> String {
    all().iter().map(|s| s.id).collect::<Vec<_>>().join(", ")
}
