//! The client: what every call of one caller shares. The transport (connection pool, proxy), the
//! credential (with its token cache), the cloud and any endpoint overrides, the retry options, and, for a
//! batch, a shared throttle. Cheap to clone; derive variants with the `with_*` methods.

use crate::cloud::Cloud;
use crate::credentials::{
    CachedCredential, Certificate, ClientCredentials, ClientProof, ManagedIdentity,
    ManagedIdentityId, RefreshToken, StaticTokens, TokenCredential, TokenEndpoint,
};
use crate::endpoint::BaseUrl;
use crate::error::{Error, Result};
use crate::pipeline::retry::RetryOptions;
use crate::pipeline::transport::{ProxySetting, ReqwestTransport};
use crate::pipeline::Transport;
use crate::secret::Secret;
use crate::service::Service;
use crate::throttle::Throttle;
use std::collections::HashMap;
use std::sync::Arc;

#[derive(Clone, Debug)]
pub struct Client {
    inner: Arc<Inner>,
}

#[derive(Clone, Debug)]
struct Inner {
    transport: Arc<dyn Transport>,
    credential: Option<Arc<dyn TokenCredential>>,
    cloud: Cloud,
    authority: Option<BaseUrl>,
    /// One endpoint for every service (the emulator serves them all on one port).
    endpoint: Option<BaseUrl>,
    /// Per service id.
    endpoints: HashMap<&'static str, BaseUrl>,
    /// A token scope for every call instead of the service's (`tokenScope`).
    scope: Option<String>,
    retry: RetryOptions,
    throttle: Option<Arc<Throttle>>,
}

impl Client {
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    pub fn transport(&self) -> &Arc<dyn Transport> {
        &self.inner.transport
    }

    /// The secrets of its credential, to scrub from anything written (none without a credential).
    pub fn secrets(&self) -> Vec<crate::secret::Secret> {
        self.credential()
            .into_iter()
            .flat_map(|c| c.secrets())
            .collect()
    }

    pub fn credential(&self) -> Option<&Arc<dyn TokenCredential>> {
        self.inner.credential.as_ref()
    }

    /// The credential, or `invalid_request`: service calls need one.
    pub fn require_credential(&self) -> Result<&Arc<dyn TokenCredential>> {
        self.credential()
            .ok_or_else(|| Error::invalid("auth is required for this operation"))
    }

    pub fn cloud(&self) -> &Cloud {
        &self.inner.cloud
    }

    pub fn retry(&self) -> RetryOptions {
        self.inner.retry
    }

    pub fn throttle(&self) -> Option<&Arc<Throttle>> {
        self.inner.throttle.as_ref()
    }

    /// The identity platform's authority: the one given, else the cloud's.
    pub fn authority(&self) -> BaseUrl {
        self.inner
            .authority
            .clone()
            .unwrap_or_else(|| self.inner.cloud.authority())
    }

    /// The identity platform of this client's authority, through its transport.
    pub fn token_endpoint(&self) -> TokenEndpoint {
        TokenEndpoint::new(
            self.authority(),
            self.inner.transport.clone(),
            self.inner.retry,
        )
    }

    /// Where `service` is reached: a per-service override, else the one for every service, else the cloud's.
    pub fn endpoint(&self, service: &Service) -> Result<BaseUrl> {
        if let Some(e) = self.inner.endpoints.get(service.id) {
            return Ok(e.clone());
        }
        // Asked even with an override, so that a service the cloud lacks is refused the same way.
        let cloud_endpoint = self.inner.cloud.endpoint(service);
        match &self.inner.endpoint {
            Some(e) => Ok(e.clone()),
            None => cloud_endpoint,
        }
    }

    /// The token scope for `service`: `tokenScope` when given, else the cloud's for the service.
    pub fn scope(&self, service: &Service) -> Result<String> {
        match &self.inner.scope {
            Some(s) => Ok(s.clone()),
            None => self.inner.cloud.scope(service),
        }
    }

    fn with(&self, change: impl FnOnce(&mut Inner)) -> Client {
        let mut inner = (*self.inner).clone();
        change(&mut inner);
        Client {
            inner: Arc::new(inner),
        }
    }

    /// The same client, pacing and gating every call through `throttle` (a batch's workers share one).
    pub fn with_throttle(&self, throttle: Arc<Throttle>) -> Client {
        self.with(|i| i.throttle = Some(throttle))
    }

    /// The same client with another credential.
    pub fn with_credential(&self, credential: Arc<dyn TokenCredential>) -> Client {
        self.with(|i| i.credential = Some(credential))
    }

    /// The same client reaching `service` at `endpoint`.
    pub fn with_service_endpoint(&self, service: &'static Service, endpoint: BaseUrl) -> Client {
        self.with(|i| {
            i.endpoints.insert(service.id, endpoint);
        })
    }
}

/// How to get tokens, before the client exists (the credential needs the client's authority and transport).
#[derive(Debug, Clone)]
pub enum CredentialSpec {
    /// A credential built elsewhere.
    Ready(Arc<dyn TokenCredential>),
    /// One bearer token for every service.
    AccessToken(Secret),
    /// A bearer token per service id.
    AccessTokens(Vec<(&'static Service, Secret)>),
    /// The client credentials grant with a secret, assertion or certificate.
    ClientCredentials {
        tenant_id: String,
        client_id: String,
        proof: ClientProof,
    },
    /// The refresh token grant, for a public or confidential client.
    RefreshToken {
        tenant_id: String,
        client_id: String,
        refresh_token: Secret,
        proof: Option<ClientProof>,
    },
    ManagedIdentity {
        id: ManagedIdentityId,
        /// The instance metadata service's address, instead of 169.254.169.254.
        imds_endpoint: Option<String>,
    },
}

impl CredentialSpec {
    /// Build the credential for a client of this `authority`, `cloud` (for per-service scopes) and transport.
    pub fn build(
        self,
        authority: BaseUrl,
        cloud: &Cloud,
        transport: Arc<dyn Transport>,
        retry: RetryOptions,
    ) -> Result<Arc<dyn TokenCredential>> {
        let endpoint = || TokenEndpoint::new(authority.clone(), transport.clone(), retry);
        Ok(match self {
            CredentialSpec::Ready(c) => c,
            CredentialSpec::AccessToken(t) => {
                crate::options::check_bearer_token(&t)?;
                Arc::new(StaticTokens::one(t))
            }
            CredentialSpec::AccessTokens(tokens) => {
                let mut per = Vec::new();
                for (service, t) in tokens {
                    crate::options::check_bearer_token(&t)?;
                    per.push((cloud.scope(service)?, service.name, t));
                }
                Arc::new(StaticTokens::per_service(per))
            }
            CredentialSpec::ClientCredentials {
                tenant_id,
                client_id,
                proof,
            } => Arc::new(CachedCredential::new(ClientCredentials {
                endpoint: endpoint(),
                tenant_id,
                client_id,
                proof,
            })),
            CredentialSpec::RefreshToken {
                tenant_id,
                client_id,
                refresh_token,
                proof,
            } => Arc::new(CachedCredential::new(RefreshToken::new(
                endpoint(),
                tenant_id,
                client_id,
                refresh_token,
                proof,
            ))),
            CredentialSpec::ManagedIdentity { id, imds_endpoint } => {
                let env = |name: &str| std::env::var(name).ok();
                Arc::new(CachedCredential::new(ManagedIdentity::from_environment(
                    id,
                    &env,
                    imds_endpoint.as_deref(),
                    transport.clone(),
                )?))
            }
        })
    }
}

/// Builds a [`Client`].
#[derive(Debug, Default)]
pub struct ClientBuilder {
    transport: Option<Arc<dyn Transport>>,
    proxy: ProxySetting,
    credential: Option<CredentialSpec>,
    cloud: Cloud,
    authority: Option<BaseUrl>,
    endpoint: Option<BaseUrl>,
    endpoints: HashMap<&'static str, BaseUrl>,
    scope: Option<String>,
    retry: RetryOptions,
    throttle: Option<Arc<Throttle>>,
}

impl ClientBuilder {
    pub fn cloud(mut self, cloud: Cloud) -> Self {
        self.cloud = cloud;
        self
    }

    /// The identity platform's authority, instead of the cloud's.
    pub fn authority(mut self, authority: BaseUrl) -> Self {
        self.authority = Some(authority);
        self
    }

    /// One endpoint for every service (the emulator).
    pub fn endpoint(mut self, endpoint: BaseUrl) -> Self {
        self.endpoint = Some(endpoint);
        self
    }

    pub fn service_endpoint(mut self, service: &'static Service, endpoint: BaseUrl) -> Self {
        self.endpoints.insert(service.id, endpoint);
        self
    }

    /// Ask every token for this scope instead of each service's.
    pub fn token_scope(mut self, scope: impl Into<String>) -> Self {
        self.scope = Some(scope.into());
        self
    }

    pub fn proxy(mut self, proxy: ProxySetting) -> Self {
        self.proxy = proxy;
        self
    }

    /// A transport of your own (tests plug in an in-memory one).
    pub fn transport(mut self, transport: Arc<dyn Transport>) -> Self {
        self.transport = Some(transport);
        self
    }

    pub fn retry(mut self, retry: RetryOptions) -> Self {
        self.retry = retry;
        self
    }

    pub fn throttle(mut self, throttle: Arc<Throttle>) -> Self {
        self.throttle = Some(throttle);
        self
    }

    pub fn credential(mut self, credential: CredentialSpec) -> Self {
        self.credential = Some(credential);
        self
    }

    /// A client secret (app-only).
    pub fn client_secret(self, tenant_id: &str, client_id: &str, secret: Secret) -> Result<Self> {
        Ok(self.credential(CredentialSpec::ClientCredentials {
            tenant_id: crate::validate::tenant("tenantId", tenant_id)?,
            client_id: crate::validate::guid("clientId", client_id)?.to_string(),
            proof: ClientProof::Secret(secret),
        }))
    }

    /// A certificate (app-only), loaded and checked now.
    pub fn client_certificate(
        self,
        tenant_id: &str,
        client_id: &str,
        certificate: Certificate,
    ) -> Result<Self> {
        Ok(self.credential(CredentialSpec::ClientCredentials {
            tenant_id: crate::validate::tenant("tenantId", tenant_id)?,
            client_id: crate::validate::guid("clientId", client_id)?.to_string(),
            proof: ClientProof::Certificate(Arc::new(certificate)),
        }))
    }

    /// One bearer token for every call.
    pub fn access_token(self, token: Secret) -> Self {
        self.credential(CredentialSpec::AccessToken(token))
    }

    pub fn build(self) -> Result<Client> {
        self.retry.validate()?;
        let transport: Arc<dyn Transport> = match self.transport {
            Some(t) => t,
            None => Arc::new(ReqwestTransport::new(&self.proxy)?),
        };
        let authority = self
            .authority
            .clone()
            .unwrap_or_else(|| self.cloud.authority());
        let credential = self
            .credential
            .map(|c| c.build(authority, &self.cloud, transport.clone(), self.retry))
            .transpose()?;
        Ok(Client {
            inner: Arc::new(Inner {
                transport,
                credential,
                cloud: self.cloud,
                authority: self.authority,
                endpoint: self.endpoint,
                endpoints: self.endpoints,
                scope: self.scope,
                retry: self.retry,
                throttle: self.throttle,
            }),
        })
    }
}
