//! `GET .../{id}/operations` (paged; listing advances nothing) and `GET .../{id}/operations/{opId}`
//! (each GET is one poll of the operation).

use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::Value;

use super::filter::{Kind, Property, Value as Field};
use super::query::{page, ListQuery, ListSpec};
use super::{
    answer, collection, context, include_unknown_enum_members, invalid_request, not_found,
    relationship_index, relationship_url,
};
use crate::http::errors::ApiError;
use crate::http::query::Params;
use crate::state::gdap::json::{operation, project};
use crate::state::{lock, AppState};
use crate::timefmt::now_ticks;

const SPEC: ListSpec = ListSpec {
    kind: 3,
    selectable: &[
        "id",
        "operationType",
        "data",
        "status",
        "createdDateTime",
        "lastModifiedDateTime",
    ],
    filterable: &[Property {
        name: "status",
        kind: Kind::Enum(&[
            "notStarted",
            "running",
            "succeeded",
            "failed",
            "unknownFutureValue",
        ]),
    }],
};

pub async fn list(
    State(app): State<Arc<AppState>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let q =
        ListQuery::parse(&Params::parse(query.as_deref()), &SPEC, &id).map_err(invalid_request)?;
    let size = q.top.unwrap_or(app.config.gdap_page());
    let store = lock(&app.gdap);
    let index = relationship_index(&store, &id)?;
    let ops: Vec<u32> = store.operations_of(index).map(|(i, _)| i).collect();
    let found = page(ops.len(), q.start, size, q.count, |p| {
        let status = store.operation(ops[p as usize]).status.name();
        q.filter
            .as_ref()
            .is_none_or(|f| f.matches(&|_| Field::Text(status)))
    });
    let unknown = include_unknown_enum_members(&headers);
    let value = found
        .items
        .iter()
        .map(|p| {
            Value::Object(project(
                operation(&store, ops[*p as usize], unknown),
                q.select.as_deref(),
            ))
        })
        .collect();
    let base = relationship_url(&app, &store.id_of(index), "/operations");
    let body = collection(
        context(&app, "operations"),
        found.total,
        value,
        found.next.map(|start| q.next_link(&base, SPEC.kind, start)),
    );
    Ok(answer(StatusCode::OK, body, &[]))
}

pub async fn get_one(
    State(app): State<Arc<AppState>>,
    Path((id, op)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let mut store = lock(&app.gdap);
    let index = relationship_index(&store, &id)?;
    let at = store.find_operation(index, &op).ok_or_else(|| {
        not_found(format!(
            "The operation '{op}' of the delegated admin relationship '{id}' was not found."
        ))
    })?;
    let fails = app.faults.standing(|f| f.gdap_lro_fails);
    store.poll_operation(at, fails, now_ticks());
    let mut body = operation(&store, at, include_unknown_enum_members(&headers));
    body.insert(
        "@odata.context".into(),
        Value::String(context(&app, "operations/$entity")),
    );
    Ok(answer(StatusCode::OK, body, &[]))
}
