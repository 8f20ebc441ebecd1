//! The HTTP connection pool and token cache that calls share.

use crate::error::{Error, Result};
use crate::identity::TokenCache;
use once_cell::sync::Lazy;
use std::sync::Arc;
use std::time::Duration;

/// A connection pool plus a token cache. Cheap to clone; share one per process (see [`Client::shared`]).
#[derive(Clone, Debug)]
pub struct Client {
    pub(crate) http: reqwest::Client,
    pub(crate) tokens: Arc<TokenCache>,
}

static SHARED: Lazy<std::result::Result<Client, Error>> = Lazy::new(Client::new);

impl Client {
    pub fn new() -> Result<Client> {
        let http = reqwest::Client::builder()
            .user_agent(concat!("delegated-admin/", env!("CARGO_PKG_VERSION")))
            // Never follow redirects: a bearer token must go only where the caller pointed it.
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(Duration::from_secs(15))
            .pool_idle_timeout(Duration::from_secs(60))
            .pool_max_idle_per_host(64)
            .tcp_nodelay(true)
            .https_only(false) // checked per URL by `endpoint`: https, or http to loopback only
            .build()
            .map_err(|e| Error::internal(format!("cannot build the HTTP client: {e}")))?;
        Ok(Client {
            http,
            tokens: Arc::new(TokenCache::default()),
        })
    }

    /// The process-wide client the C ABI uses.
    pub fn shared() -> Result<&'static Client> {
        SHARED.as_ref().map_err(Clone::clone)
    }
}
