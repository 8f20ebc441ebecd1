//! [`Emulator`]: the emulator on a thread of its own, for tests and benchmarks in any runtime (or none).

use std::io;
use std::sync::Arc;
use std::thread::JoinHandle;

use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use crate::config::Config;
use crate::control::faults::Faults;
use crate::control::reqlog::LoggedRequest;
use crate::server;
use crate::state::fixtures::{fixtures, fixtures_with, Detail};
use crate::state::AppState;

/// A running emulator. Dropping it shuts the server down (open connections are closed).
pub struct Emulator {
    app: Arc<AppState>,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Emulator {
    /// Binds `config.host:config.port`, seeds the state and serves on a thread with its own tokio
    /// runtime. Returns once the port is bound (connections queue until the server accepts them).
    pub fn start(config: Config) -> io::Result<Emulator> {
        let listener = std::net::TcpListener::bind((config.host.as_str(), config.port))?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("da-emulator-worker")
            .enable_all()
            .build()?;
        let app = Arc::new(AppState::new(config, &addr)?);
        let (shutdown, stop) = oneshot::channel::<()>();
        let served = app.clone();
        let thread = std::thread::Builder::new()
            .name("da-emulator".to_string())
            .spawn(move || {
                runtime.block_on(async move {
                    let result = match TcpListener::from_std(listener) {
                        Ok(listener) => {
                            server::run(served, listener, async {
                                let _ = stop.await;
                            })
                            .await
                        }
                        Err(e) => Err(e),
                    };
                    if let Err(e) = result {
                        eprintln!("da-emulator: server stopped: {e}");
                    }
                });
            })?;
        Ok(Emulator {
            app,
            shutdown: Some(shutdown),
            thread: Some(thread),
        })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> &str {
        &self.app.url
    }

    /// The same JSON as `GET /_emulator/fixtures`.
    pub fn fixtures(&self) -> Value {
        fixtures(&self.app)
    }

    /// The same JSON as `GET /_emulator/fixtures?lighthouse=summary`: no Lighthouse assignment listed
    /// (subscriptions with their `assignmentCount`, the totals), for worlds too large to list.
    pub fn fixtures_summary(&self) -> Value {
        fixtures_with(&self.app, Detail::Summary)
    }

    /// The same entries as `GET /_emulator/requests`.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.app.log.snapshot()
    }

    /// Requests to emulated services, identity included (everything not under `/_emulator/`).
    pub fn service_request_count(&self) -> usize {
        self.app.stats.service_requests()
    }

    /// The same JSON as `GET /_emulator/stats`.
    pub fn stats(&self) -> Value {
        self.app.stats.to_json()
    }

    /// Replaces the injected faults, like `POST /_emulator/faults`.
    pub fn set_faults(&self, faults: Faults) {
        self.app.apply_faults(faults);
    }

    /// Approves the pending device code flow with this user code; false when there is none.
    pub fn approve_device_code(&self, user_code: &str) -> bool {
        self.app.decide_device_flow(user_code, true)
    }

    /// Denies the pending device code flow with this user code; false when there is none.
    pub fn deny_device_code(&self, user_code: &str) -> bool {
        self.app.decide_device_flow(user_code, false)
    }

    /// Registers a certificate (PEM; the first `CERTIFICATE` block, an RSA key) on the confidential app
    /// (`Config::client_id`), like `POST /_emulator/certificates`: client assertions signed with its key
    /// are accepted from now on. Answers its thumbprints and validity, or why it cannot be registered.
    pub fn register_certificate(&self, pem: &str) -> Result<Value, String> {
        self.app.register_certificate(pem)
    }

    /// Expires every access token issued so far.
    pub fn expire_tokens(&self) {
        self.app.expire_tokens();
    }

    /// Serves raw values for one customer from now on, like `POST /_emulator/customers/{id}`: `set` maps
    /// field names to any JSON (served verbatim), `omit` lists fields left out. False when there is no such
    /// customer.
    pub fn set_customer_raw(
        &self,
        id: &str,
        set: serde_json::Map<String, Value>,
        omit: &[&str],
    ) -> bool {
        self.app.set_customer_raw(
            id,
            crate::state::customers::RawFields {
                set,
                omit: omit.iter().map(|s| s.to_string()).collect(),
            },
        )
    }

    /// The current delegatedAdminCustomers resource with this id.
    pub fn customer(&self, id: &str) -> Option<Value> {
        self.app.customer_json(id)
    }

    /// The current Graph GDAP relationship with this id, like `GET /_emulator/gdap/relationships/{id}`
    /// (reading it here advances no terminate request).
    pub fn gdap_relationship(&self, id: &str) -> Option<Value> {
        self.app.gdap_relationship_json(id)
    }

    /// A concurrent change to a GDAP relationship, like `POST /_emulator/gdap/relationships/{id}/touch`:
    /// its ETag moves on. Returns the new ETag, or None when there is no such relationship.
    pub fn touch_gdap_relationship(&self, id: &str) -> Option<String> {
        self.app.touch_gdap_relationship(id)
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
