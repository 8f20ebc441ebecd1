//! `POST .../{id}/requests` (`terminate`, `lockForApproval`), `GET .../{id}/requests` (paged) and
//! `GET .../{id}/requests/{requestId}` (each GET is one read of the request).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::header::LOCATION;
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::Value;

use super::filter::{Kind, Property, Value as Field};
use super::query::{page, ListQuery, ListSpec};
use super::{
    answer, collection, context, invalid_request, not_allowed, not_found, relationship_index,
    relationship_url,
};
use crate::http::errors::ApiError;
use crate::http::query::Params;
use crate::state::gdap::json::{project, request};
use crate::state::gdap::model::Action;
use crate::state::{lock, AppState};
use crate::timefmt::now_ticks;

const SPEC: ListSpec = ListSpec {
    kind: 4,
    selectable: &[
        "id",
        "action",
        "status",
        "createdDateTime",
        "lastModifiedDateTime",
    ],
    filterable: &[Property {
        name: "status",
        kind: Kind::Enum(&[
            "created",
            "pending",
            "succeeded",
            "failed",
            "unknownFutureValue",
        ]),
    }],
};

/// `{"action": "terminate" | "lockForApproval"}`.
fn parse_action(body: &[u8]) -> Result<Action, ApiError> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| invalid_request(format!("The request body is not valid JSON: {e}")))?;
    let object = value.as_object().ok_or_else(|| {
        invalid_request("The request body must be a delegatedAdminRelationshipRequest object.")
    })?;
    if let Some(key) = object
        .keys()
        .find(|k| *k != "action" && !k.starts_with("@odata."))
    {
        return Err(invalid_request(format!(
            "The property '{key}' cannot be set on a delegatedAdminRelationshipRequest."
        )));
    }
    match object.get("action").and_then(Value::as_str) {
        Some("terminate") => Ok(Action::Terminate),
        Some("lockForApproval") => Ok(Action::LockForApproval),
        Some(action @ ("approve" | "reject")) => Err(invalid_request(format!(
            "The action '{action}' is taken by an indirect reseller on a relationship created for it, not by this partner."
        ))),
        Some(other) => Err(invalid_request(format!(
            "The action '{other}' is not supported: a partner sends lockForApproval or terminate."
        ))),
        None => Err(invalid_request("The action property is required (lockForApproval or terminate).")),
    }
}

pub async fn create(
    State(app): State<Arc<AppState>>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let mut store = lock(&app.gdap);
    let index = relationship_index(&store, &id)?;
    let action = parse_action(&body)?;
    let at = store
        .create_request(index, action, now_ticks())
        .map_err(|refused| not_allowed(refused.0))?;
    let location = relationship_url(
        &app,
        &store.id_of(index),
        &format!("/requests/{}", store.request(at).id),
    );
    let mut body = request(&store, at);
    body.insert(
        "@odata.context".into(),
        Value::String(context(&app, "requests/$entity")),
    );
    Ok(answer(StatusCode::CREATED, body, &[(LOCATION, location)]))
}

pub async fn list(
    State(app): State<Arc<AppState>>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let q =
        ListQuery::parse(&Params::parse(query.as_deref()), &SPEC, &id).map_err(invalid_request)?;
    let size = q.top.unwrap_or(app.config.gdap_page());
    let store = lock(&app.gdap);
    let index = relationship_index(&store, &id)?;
    let requests: Vec<u32> = store.requests_of(index).map(|(i, _)| i).collect();
    let found = page(requests.len(), q.start, size, q.count, |p| {
        let status = store.request(requests[p as usize]).status.name();
        q.filter
            .as_ref()
            .is_none_or(|f| f.matches(&|_| Field::Text(status)))
    });
    let value = found
        .items
        .iter()
        .map(|p| {
            Value::Object(project(
                request(&store, requests[*p as usize]),
                q.select.as_deref(),
            ))
        })
        .collect();
    let base = relationship_url(&app, &store.id_of(index), "/requests");
    let body = collection(
        context(&app, "requests"),
        found.total,
        value,
        found.next.map(|start| q.next_link(&base, SPEC.kind, start)),
    );
    Ok(answer(StatusCode::OK, body, &[]))
}

pub async fn get_one(
    State(app): State<Arc<AppState>>,
    Path((id, request_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let mut store = lock(&app.gdap);
    let index = relationship_index(&store, &id)?;
    let at = store.find_request(index, &request_id).ok_or_else(|| {
        not_found(format!(
            "The request '{request_id}' of the delegated admin relationship '{id}' was not found."
        ))
    })?;
    store.read_request(at, now_ticks());
    let mut body = request(&store, at);
    body.insert(
        "@odata.context".into(),
        Value::String(context(&app, "requests/$entity")),
    );
    Ok(answer(StatusCode::OK, body, &[]))
}
