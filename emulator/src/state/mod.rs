//! The emulator's shared state: the seeded world and everything that changes while it runs.

pub mod auth_codes;
pub mod certificates;
pub mod customers;
pub mod directory;
pub mod fixtures;
pub mod gdap;
pub mod lighthouse;
mod names;
pub mod relationships;
pub mod seed;
pub mod tokens;

use std::net::SocketAddr;
use std::sync::{Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};

use serde_json::Value;
use uuid::Uuid;

use crate::config::Config;
use crate::control::delete_buckets::DeleteBuckets;
use crate::control::faults::{FaultState, Faults};
use crate::control::limiter::{RateLimiter, ServiceLimiters};
use crate::control::reqlog::RequestLog;
use crate::control::stats::Stats;
use crate::rng::SeededRng;
use crate::timefmt::{now_ticks, Ticks};
use auth_codes::AuthCodeStore;
use certificates::{CertificateStore, RegisteredCertificate};
use customers::{CustomerStore, CustomerView, FieldMask};
use directory::Directory;
use gdap::GdapStore;
use lighthouse::ArmStore;
use relationships::RelationshipStore;
use tokens::TokenStore;

/// A poisoned lock still holds consistent data here (every critical section is short and total).
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

pub fn read<T>(l: &RwLock<T>) -> RwLockReadGuard<'_, T> {
    l.read().unwrap_or_else(|e| e.into_inner())
}

pub fn write<T>(l: &RwLock<T>) -> RwLockWriteGuard<'_, T> {
    l.write().unwrap_or_else(|e| e.into_inner())
}

/// The base URL clients reach a listener at (an unspecified bind address is reached on loopback).
pub fn listen_url(addr: &SocketAddr) -> String {
    let mut addr = *addr;
    if addr.ip().is_unspecified() {
        addr.set_ip(match addr {
            SocketAddr::V4(_) => std::net::Ipv4Addr::LOCALHOST.into(),
            SocketAddr::V6(_) => std::net::Ipv6Addr::LOCALHOST.into(),
        });
    }
    format!("http://{addr}")
}

pub struct AppState {
    pub config: Config,
    /// `http://127.0.0.1:PORT`, the base of every absolute URL the emulator writes.
    pub url: String,
    /// The start time every seeded date is relative to.
    pub now: Ticks,
    pub provider_instance_id: Uuid,
    pub inactive_sample: Vec<Uuid>,
    pub customers: RwLock<CustomerStore>,
    pub relationships: RwLock<RelationshipStore>,
    pub arm: Mutex<ArmStore>,
    /// Microsoft Graph's GDAP state. Lock order: `customers` (read) first, then `gdap`.
    pub gdap: Mutex<GdapStore>,
    pub tokens: Mutex<TokenStore>,
    /// Authorization codes of the authorization code flow.
    pub auth_codes: Mutex<AuthCodeStore>,
    /// Certificates registered on the confidential app (client assertions).
    pub certificates: RwLock<CertificateStore>,
    /// The app's service principal, the signed-in admin, the managed identities.
    pub directory: Directory,
    pub faults: FaultState,
    pub limiter: RateLimiter,
    /// Each service's own limit (`service_rate_limits`).
    pub service_limiters: ServiceLimiters,
    /// ARM's subscription delete buckets (`arm_delete_bucket`).
    pub arm_delete_buckets: DeleteBuckets,
    pub stats: Stats,
    pub log: RequestLog,
    /// Draws for `fail_rate`.
    pub fail_rng: Mutex<SeededRng>,
}

impl AppState {
    /// The state for `config`; an error when a configured client certificate cannot be registered.
    pub fn new(config: Config, addr: &SocketAddr) -> std::io::Result<AppState> {
        let now = now_ticks();
        let seeded = seed::seed(&config, now);
        let mut certificates = CertificateStore::default();
        for (i, pem) in config.client_certificates.iter().enumerate() {
            let certificate =
                RegisteredCertificate::from_pem(pem, &config.client_id).map_err(|e| {
                    std::io::Error::new(
                        std::io::ErrorKind::InvalidInput,
                        format!("client certificate {}: {e}", i + 1),
                    )
                })?;
            certificates.add(certificate);
        }
        Ok(AppState {
            url: listen_url(addr),
            now,
            provider_instance_id: seeded.provider_instance_id,
            inactive_sample: seeded.inactive_sample,
            customers: RwLock::new(CustomerStore::new(seeded.customers)),
            relationships: RwLock::new(RelationshipStore::new(seeded.relationships)),
            arm: Mutex::new(ArmStore::new(seeded.lighthouse, config.lro_polls)),
            gdap: Mutex::new(GdapStore::new(seeded.gdap, &config)),
            tokens: Mutex::new(TokenStore::new(
                config.token_lifetime,
                config.device_interval,
            )),
            auth_codes: Mutex::new(AuthCodeStore::new(config.auth_code_lifetime)),
            certificates: RwLock::new(certificates),
            directory: Directory::seed(&config),
            faults: FaultState::default(),
            limiter: RateLimiter::new(config.rate_limit),
            service_limiters: ServiceLimiters::new(&config.service_rate_limits),
            arm_delete_buckets: DeleteBuckets::new(
                config.arm_delete_bucket,
                config.arm_delete_refill_per_second,
            ),
            stats: Stats::default(),
            log: RequestLog::default(),
            fail_rng: Mutex::new(SeededRng::new(config.seed ^ 0xFA11_FA11_FA11_FA11)),
            config,
        })
    }

    /// Registers a certificate (PEM) on the confidential app; answers what was registered.
    pub fn register_certificate(&self, pem: &str) -> Result<Value, String> {
        let certificate = RegisteredCertificate::from_pem(pem, &self.config.client_id)?;
        let json = certificate.to_json();
        write(&self.certificates).add(certificate);
        Ok(json)
    }

    /// Replaces the injected faults; `tokenExpiry` expires every access token now.
    pub fn apply_faults(&self, faults: Faults) {
        if faults.token_expiry {
            self.expire_tokens();
        }
        self.faults.set(faults);
    }

    pub fn expire_tokens(&self) {
        lock(&self.tokens).expire_all();
    }

    pub fn decide_device_flow(&self, user_code: &str, approve: bool) -> bool {
        lock(&self.tokens).decide_device_flow(user_code, approve)
    }

    /// Serves raw values for one customer (see [`customers::RawFields`]); false when there is no such customer.
    pub fn set_customer_raw(&self, id: &str, raw: customers::RawFields) -> bool {
        let Ok(id) = Uuid::parse_str(id) else {
            return false;
        };
        let mut store = write(&self.customers);
        match store.find(&id) {
            Some(index) => {
                store.set_raw(index, raw);
                true
            }
            None => false,
        }
    }

    /// The current Graph GDAP relationship with this id (reading it advances nothing).
    pub fn gdap_relationship_json(&self, id: &str) -> Option<Value> {
        let customers = read(&self.customers);
        let store = lock(&self.gdap);
        let index = store.find(id)?;
        Some(Value::Object(gdap::json::relationship(
            &store, &customers, index,
        )))
    }

    /// A change to a Graph GDAP relationship by someone else: its ETag moves on. The new ETag, or None
    /// when there is no such relationship.
    pub fn touch_gdap_relationship(&self, id: &str) -> Option<String> {
        let mut store = lock(&self.gdap);
        let index = store.find(id)?;
        store.touch(index, now_ticks());
        Some(store.etag(index))
    }

    /// The current delegatedAdminCustomers resource with this id.
    pub fn customer_json(&self, id: &str) -> Option<Value> {
        let id = Uuid::parse_str(id).ok()?;
        let store = read(&self.customers);
        let customer = store.get(store.find(&id)?);
        serde_json::to_value(CustomerView {
            customer,
            mask: FieldMask::ALL,
        })
        .ok()
    }
}
