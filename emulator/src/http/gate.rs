//! The gate in front of every service endpoint, in this order: latency, injected faults, the service-wide
//! rate limiter, the service's own rate limiter, `fail_rate`, the bearer token. It also renders handler errors in the service's shape and
//! stamps the correlation and request id headers on every answer.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header::AUTHORIZATION;
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::context::RequestCtx;
use super::errors::{
    foreign_audience, not_in_cloud, throttled, unauthorized, unavailable, wrong_audience, ApiError,
    AuthFailure,
};
use super::fault_response::fault_response;
use super::service::Service;
use crate::jwt;
use crate::state::tokens::{Audience, Resource, TokenCheck};
use crate::state::{lock, AppState};

pub async fn gate(
    State((app, service)): State<(Arc<AppState>, Service)>,
    mut request: Request,
    next: Next,
) -> Response {
    let ctx = RequestCtx::new(service, request.headers());
    let path = request.uri().path().to_string();
    let token = bearer(request.headers()).map(str::to_string);
    let response = match screen(&app, service, &path, token.as_deref()).await {
        Some(answer) => answer,
        None => {
            request.extensions_mut().insert(ctx.clone());
            next.run(request).await
        }
    };
    finish(&ctx, response)
}

/// An answer when the request does not get through to the handler.
async fn screen(
    app: &AppState,
    service: Service,
    path: &str,
    token: Option<&str>,
) -> Option<Response> {
    let cloud = app.config.cloud;
    if service.audience().uri_in(cloud).is_none() {
        return Some(not_in_cloud(service, cloud).into_response());
    }
    if !app.config.latency.is_zero() {
        tokio::time::sleep(app.config.latency).await;
    }
    if let Some(fault) = app.faults.take(path) {
        app.stats.injected_failure();
        return Some(fault_response(fault, service));
    }
    if let Err(seconds) = app
        .limiter
        .admit()
        .and_then(|()| app.service_limiters.admit(service))
    {
        app.stats.throttled(service);
        return Some(throttled(service, Some(seconds), Some(seconds.to_string())).into_response());
    }
    if app.config.fail_rate > 0.0 && lock(&app.fail_rng).chance(app.config.fail_rate) {
        app.stats.injected_failure();
        return Some(unavailable(service).into_response());
    }
    authorize(app, service, token)
        .err()
        .map(IntoResponse::into_response)
}

/// The bearer token of a request, if it carries one.
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

fn authorize(app: &AppState, service: Service, token: Option<&str>) -> Result<(), ApiError> {
    let cloud = app.config.cloud;
    let token = token.ok_or_else(|| unauthorized(service, AuthFailure::Missing))?;
    let check = lock(&app.tokens).check(token);
    match check {
        TokenCheck::Valid(audience) if audience == service.audience() => Ok(()),
        TokenCheck::Valid(_) => Err(wrong_audience(service, cloud)),
        TokenCheck::Expired => Err(unauthorized(service, AuthFailure::Expired)),
        // Not issued here: a JWT whose audience is another cloud's resource is refused for its audience
        // (as a resource checks `aud`); anything else is an invalid token.
        TokenCheck::Unknown => match jwt::audience(token) {
            Some(aud) if matches!(Audience::resolve(&aud, cloud), Resource::Elsewhere(..)) => {
                Err(foreign_audience(service, cloud, &aud))
            }
            _ => Err(unauthorized(service, AuthFailure::Invalid)),
        },
    }
}

fn finish(ctx: &RequestCtx, response: Response) -> Response {
    let mut response = match response.extensions().get::<ApiError>() {
        Some(error) => error.render(ctx),
        None => response,
    };
    ctx.stamp(&mut response);
    response
}
