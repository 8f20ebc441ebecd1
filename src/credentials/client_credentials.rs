//! The client credentials grant (app-only): a client secret, an assertion or a certificate.

use super::{ClientProof, Token, TokenContext, TokenEndpoint, TokenSource};
use crate::error::Result;
use crate::pipeline::BoxFuture;
use crate::secret::Secret;

#[derive(Debug)]
pub struct ClientCredentials {
    pub endpoint: TokenEndpoint,
    pub tenant_id: String,
    pub client_id: String,
    pub proof: ClientProof,
}

impl TokenSource for ClientCredentials {
    fn fetch<'a>(&'a self, scope: &'a str, ctx: &'a TokenContext) -> BoxFuture<'a, Result<Token>> {
        Box::pin(async move {
            let token_url = self.endpoint.url(&self.tenant_id, "token");
            let proof = self
                .proof
                .form_fields(&self.client_id, token_url.as_str())?;
            let mut pairs: Vec<(&str, &str)> = vec![
                ("grant_type", "client_credentials"),
                ("client_id", &self.client_id),
                ("scope", scope),
            ];
            pairs.extend(proof.iter().map(|(k, v)| (*k, v.expose())));
            self.endpoint
                .token(&self.tenant_id, &pairs, scope, ctx)
                .await
        })
    }

    fn kind(&self) -> &'static str {
        self.proof.kind()
    }

    fn secrets(&self) -> Vec<Secret> {
        self.proof.secrets()
    }
}
