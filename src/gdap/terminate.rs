//! Terminating a relationship: `POST .../{id}/requests` with `{"action":"terminate"}`. Graph moves an active
//! relationship to `terminationRequested` and then `terminated`; the request goes `created` → `pending` →
//! `succeeded` (or `failed`).

use super::RelationshipId;
use crate::client::Client;
use crate::error::{ErrorKind, Result};
use crate::lro::{self, Step};
use crate::options::CallOptions;
use crate::pipeline::Request;
use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// What a terminate request left.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Termination {
    pub id: RelationshipId,
    /// The request's id, and its status as last read: `created`, `pending`, `succeeded` (`failed` is an
    /// error).
    pub request_id: Option<String>,
    pub status: String,
    /// Where the request can be read (`Location`).
    pub request_url: Option<String>,
    /// The request as Graph last returned it.
    pub request: Value,
}

#[derive(Deserialize)]
struct RelationshipRequest {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    status: Option<String>,
}

/// Ask Graph to terminate an active relationship. Another status is refused by Graph (`conflict`). With
/// `wait`, the request is read (the one shared poller) until it succeeds, within the call's deadline; a
/// `failed` request is an error.
pub async fn terminate_relationship(
    client: &Client,
    opts: &CallOptions,
    id: &RelationshipId,
    wait: bool,
) -> Result<Termination> {
    let call = crate::call::Call::new(client, &super::SERVICE, opts)?;
    let url = call
        .endpoint
        .join(&format!("{}/{id}/requests", super::RELATIONSHIPS_PATH));
    // Sent once and read without a retry: sending a terminate again would be refused (it is no longer
    // active), so an unreadable answer is reported, not retried.
    let resp = call
        .send(&Request::new(Method::POST, url.clone()).json(&json!({ "action": "terminate" })))
        .await?;
    let raw: Value = serde_json::from_slice(&resp.body).unwrap_or(Value::Null);
    let created: RelationshipRequest = serde_json::from_value(raw.clone()).map_err(|e| {
        call.error(
            ErrorKind::ServerError,
            format!(
                "{} accepted the termination of {id} ({}) but its answer is not a relationship request ({e}); read the relationship to see its status",
                call.service.name, resp.status
            ),
        )
    })?;
    let headers = resp.headers.clone();
    let location = resp.header("location").map(str::to_string);
    let request_url = location.or_else(|| {
        created.id.as_ref().map(|r| {
            let mut u = url.clone();
            u.path_segments_mut()
                .map(|mut s| {
                    s.push(r);
                })
                .ok();
            u.to_string()
        })
    });
    let status = created.status.clone().unwrap_or_default();
    let done = |request: Value, r: &RelationshipRequest| Termination {
        id: *id,
        request_id: r.id.clone().or_else(|| created.id.clone()),
        status: r.status.clone().unwrap_or_default(),
        request_url: request_url.clone(),
        request,
    };
    if !wait || status == "succeeded" {
        if status == "failed" {
            return Err(failed(&call, id, &raw));
        }
        return Ok(done(raw.clone(), &created));
    }
    let Some(monitor) = request_url.clone() else {
        return Err(call.error(
            ErrorKind::ServerError,
            format!(
                "{} accepted the termination of {id} without a request id or Location to follow it; read the relationship later",
                call.service.name
            ),
        ));
    };
    let monitor_url = call.follow(&monitor)?;
    let what = format!("the termination of relationship {id} (read {monitor})");
    lro::poll(&call, monitor_url, &headers, &what, |answer| {
        let resp = answer?;
        let Ok(raw) = serde_json::from_slice::<Value>(&resp.body) else {
            return Ok(Step::Running);
        };
        let Ok(r) = serde_json::from_value::<RelationshipRequest>(raw.clone()) else {
            return Ok(Step::Running);
        };
        match r.status.as_deref() {
            Some("succeeded") => Ok(Step::Done(done(raw, &r))),
            Some("failed") => Err(failed(&call, id, &raw)),
            _ => Ok(Step::Running),
        }
    })
    .await
}

fn failed(call: &crate::call::Call, id: &RelationshipId, request: &Value) -> crate::error::Error {
    call.error(
        ErrorKind::ServerError,
        format!(
            "{} reports that the request to terminate relationship {id} failed: {}",
            call.service.name, request
        ),
    )
}
