//! The router (every service on one port) and the serving loop.

use std::future::{Future, IntoFuture};
use std::sync::Arc;

use axum::http::StatusCode;
use axum::middleware::from_fn_with_state;
use axum::response::IntoResponse;
use axum::serve::ListenerExt;
use axum::{Json, Router};
use serde_json::json;
use tokio::net::TcpListener;

use crate::config::Config;
use crate::http::gate::gate;
use crate::http::record::record;
use crate::http::service::Service;
use crate::services::{
    arm, cloudcockpit, control, customers_api, graph, identity, managed_identity, partner_center,
};
use crate::state::AppState;

/// Every endpoint. Service routes sit behind the gate; everything but `/_emulator/` is recorded.
pub fn router(app: Arc<AppState>) -> Router {
    let gated = |routes: Router<Arc<AppState>>, service: Service| {
        routes.route_layer(from_fn_with_state((app.clone(), service), gate))
    };
    Router::new()
        .merge(identity::routes())
        .merge(managed_identity::routes())
        .merge(gated(partner_center::routes(), Service::PartnerCenter))
        .merge(gated(customers_api::routes(), Service::CustomersApi))
        .merge(gated(cloudcockpit::routes(), Service::CloudCockpit))
        .merge(gated(arm::routes(), Service::Arm))
        .merge(gated(graph::routes(), Service::Graph))
        .merge(control::routes())
        .fallback(not_found)
        .layer(from_fn_with_state(app.clone(), record))
        .with_state(app)
}

async fn not_found(uri: axum::http::Uri) -> impl IntoResponse {
    (
        StatusCode::NOT_FOUND,
        Json(
            json!({ "error": { "code": "NotFound", "message": format!("No emulated endpoint at {}", uri.path()) } }),
        ),
    )
}

/// Serves `config` on `listener` until the process ends.
pub async fn serve(config: Config, listener: TcpListener) -> std::io::Result<()> {
    serve_with_shutdown(config, listener, std::future::pending()).await
}

/// Serves `config` on `listener` until `shutdown` completes; open connections are then dropped (a
/// request held by the `hang` fault would otherwise never let a graceful shutdown finish).
pub async fn serve_with_shutdown(
    config: Config,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let addr = listener.local_addr()?;
    let app = Arc::new(AppState::new(config, &addr)?);
    run(app, listener, shutdown).await
}

pub(crate) async fn run(
    app: Arc<AppState>,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    tokio::select! {
        served = axum::serve(listener, router(app)).into_future() => served,
        () = shutdown => Ok(()),
    }
}
