//! The managed identity endpoints of the Azure resource the library may run on (not bearer-protected):
//!
//! - App Service / Functions / Azure Automation (`IDENTITY_ENDPOINT`): `GET /msi/token` (also `/MSI/token`,
//!   with or without a trailing `/`), api-version `2019-08-01` with `X-IDENTITY-HEADER`, or the older
//!   api-version `2017-09-01` with `Secret` (`MSI_ENDPOINT` / `MSI_SECRET`), as one App Service endpoint
//!   serves both;
//! - the instance metadata service (IMDS): `GET /metadata/identity/oauth2/token` with `Metadata: true`.
//!
//! Tokens are app tokens of the managed identity (its client id as `appid`), for the resource of this
//! cloud that `resource` names.

mod app_service;
mod imds;

pub use app_service::{API_VERSION, LEGACY_API_VERSION};

use std::sync::Arc;

use axum::routing::get;
use axum::Router;

use crate::http::query::Params;
use crate::services::identity::access_token::{self, Issued, Principal};
use crate::state::directory::{IdentitySelector, ManagedIdentity};
use crate::state::tokens::{Audience, Grant, Resource};
use crate::state::AppState;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/msi/token", get(app_service::token))
        .route("/msi/token/", get(app_service::token))
        .route("/MSI/token", get(app_service::token))
        .route("/MSI/token/", get(app_service::token))
        .route("/metadata/identity/oauth2/token", get(imds::token))
}

/// Why a token cannot be had, before the form's own error shape is applied.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Problem {
    /// The `managedIdentityUnavailable` fault.
    Unavailable,
    MissingApiVersion,
    BadApiVersion(String),
    /// The SSRF header (`X-IDENTITY-HEADER`, `Secret`, `Metadata`) is missing or wrong.
    Header,
    MissingResource,
    /// An identity parameter this form does not take.
    Unsupported(String),
    /// More than one identity parameter.
    Ambiguous,
    UnknownIdentity,
    UnknownResource(String),
}

/// An identity parameter's name and the selector its value makes.
type SelectorParameter<'a> = (&'a str, fn(String) -> IdentitySelector);

/// The one identity selector among `names` (parameter name → selector kind); `others` are parameters of
/// other forms, refused.
fn selector(
    params: &Params,
    names: &[SelectorParameter],
    others: &[&str],
) -> Result<IdentitySelector, Problem> {
    if let Some(other) = others.iter().find(|n| params.get(n).is_some()) {
        return Err(Problem::Unsupported(other.to_string()));
    }
    let given: Vec<IdentitySelector> = names
        .iter()
        .filter_map(|(name, make)| params.get(name).map(|v| make(v.to_string())))
        .collect();
    match given.len() {
        0 => Ok(IdentitySelector::SystemAssigned),
        1 => Ok(given
            .into_iter()
            .next()
            .unwrap_or(IdentitySelector::SystemAssigned)),
        _ => Err(Problem::Ambiguous),
    }
}

/// The audience `resource` names in this cloud.
fn audience(app: &AppState, resource: &str) -> Result<Audience, Problem> {
    match Audience::resolve(resource, app.config.cloud) {
        Resource::Here(audience) => Ok(audience),
        _ => Err(Problem::UnknownResource(resource.to_string())),
    }
}

/// The managed identity and the token for `resource`.
fn issue(
    app: &AppState,
    selector: &IdentitySelector,
    resource: &str,
) -> Result<(ManagedIdentity, Issued), Problem> {
    let identity = app
        .directory
        .managed_identity(selector)
        .cloned()
        .ok_or(Problem::UnknownIdentity)?;
    let audience = audience(app, resource)?;
    let grant = Grant {
        audience,
        scope: resource.to_string(),
    };
    let app_id = identity.client_id.to_string();
    let issued = access_token::issue(
        app,
        &grant,
        Principal::App {
            app_id: &app_id,
            object_id: identity.object_id,
        },
    );
    Ok((identity, issued))
}

/// Counts the request and answers the `managedIdentityUnavailable` fault.
fn admit(app: &AppState) -> Result<(), Problem> {
    app.stats.managed_identity_request();
    match app.faults.standing(|f| f.managed_identity_unavailable) {
        true => Err(Problem::Unavailable),
        false => Ok(()),
    }
}
