//! The refresh token grant (the partner secure application model: App+User without an interactive
//! sign-in per run), for a public client or a confidential one (secret, assertion or certificate). Refresh
//! tokens the identity platform rotates are kept, and the newest is used from then on.

use super::{ClientProof, Token, TokenContext, TokenEndpoint, TokenSource};
use crate::error::Result;
use crate::pipeline::BoxFuture;
use crate::secret::Secret;
use std::sync::Mutex;

#[derive(Debug)]
pub struct RefreshToken {
    pub endpoint: TokenEndpoint,
    pub tenant_id: String,
    pub client_id: String,
    refresh_token: Secret,
    /// The newest refresh token the identity platform handed back, when it rotated the caller's.
    newest: Mutex<Option<Secret>>,
    pub proof: Option<ClientProof>,
}

impl RefreshToken {
    pub fn new(
        endpoint: TokenEndpoint,
        tenant_id: String,
        client_id: String,
        refresh_token: Secret,
        proof: Option<ClientProof>,
    ) -> RefreshToken {
        RefreshToken {
            endpoint,
            tenant_id,
            client_id,
            refresh_token,
            newest: Mutex::new(None),
            proof,
        }
    }
}

impl TokenSource for RefreshToken {
    fn fetch<'a>(&'a self, scope: &'a str, ctx: &'a TokenContext) -> BoxFuture<'a, Result<Token>> {
        Box::pin(async move {
            let refresh = self
                .newest
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .clone()
                .unwrap_or_else(|| self.refresh_token.clone());
            let token_url = self.endpoint.url(&self.tenant_id, "token");
            let proof = match &self.proof {
                Some(p) => p.form_fields(&self.client_id, token_url.as_str())?,
                None => Vec::new(),
            };
            let mut pairs: Vec<(&str, &str)> = vec![
                ("grant_type", "refresh_token"),
                ("client_id", &self.client_id),
                ("scope", scope),
                ("refresh_token", refresh.expose()),
            ];
            pairs.extend(proof.iter().map(|(k, v)| (*k, v.expose())));
            let token = self
                .endpoint
                .token(&self.tenant_id, &pairs, scope, ctx)
                .await?;
            if let Some(rotated) = &token.refresh_token {
                *self.newest.lock().unwrap_or_else(|p| p.into_inner()) = Some(rotated.clone());
            }
            Ok(token)
        })
    }

    fn kind(&self) -> &'static str {
        "refreshToken"
    }

    fn secrets(&self) -> Vec<Secret> {
        let mut v = vec![self.refresh_token.clone()];
        v.extend(
            self.newest
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .iter()
                .cloned(),
        );
        v.extend(self.proof.iter().flat_map(ClientProof::secrets));
        v
    }
}
