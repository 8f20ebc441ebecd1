//! The recorder: counts and logs every request that is not a control request.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;

use super::fault_response::Hang;
use crate::control::reqlog::RequestDraft;
use crate::state::AppState;

pub fn is_control(path: &str) -> bool {
    path == "/_emulator" || path.starts_with("/_emulator/")
}

pub async fn record(State(app): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    if is_control(request.uri().path()) {
        return next.run(request).await;
    }
    app.stats.service_request();
    let draft = RequestDraft::new(
        request.method().as_str(),
        request.uri().path(),
        request.uri().query(),
        request.headers(),
    );
    let response = next.run(request).await;
    if response.extensions().get::<Hang>().is_some() {
        app.log.push(draft, 0, response.headers());
        return std::future::pending().await;
    }
    let status = response.status().as_u16();
    app.stats.status(status);
    app.log.push(draft, status, response.headers());
    response
}
