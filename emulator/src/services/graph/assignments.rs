//! `GET .../{id}/accessAssignments` (paged).

use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::Value;

use super::filter::{Kind, Property, Value as Field};
use super::query::{page, ListQuery, ListSpec};
use super::{answer, collection, context, invalid_request, relationship_index, relationship_url};
use crate::http::errors::ApiError;
use crate::http::query::Params;
use crate::state::gdap::json::{assignment, project};
use crate::state::gdap::model::AssignmentStatus;
use crate::state::{lock, AppState};

const SPEC: ListSpec = ListSpec {
    kind: 2,
    selectable: &[
        "id",
        "status",
        "accessContainer",
        "accessDetails",
        "createdDateTime",
        "lastModifiedDateTime",
    ],
    filterable: &[Property {
        name: "status",
        kind: Kind::Enum(AssignmentStatus::NAMES),
    }],
};

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
    let assignments = store.assignments_of(index);
    let found = page(assignments.len(), q.start, size, q.count, |p| {
        let status = assignments[p as usize].status.name();
        q.filter
            .as_ref()
            .is_none_or(|f| f.matches(&|_| Field::Text(status)))
    });
    let value = found
        .items
        .iter()
        .map(|p| {
            Value::Object(project(
                assignment(&store, index, *p as usize),
                q.select.as_deref(),
            ))
        })
        .collect();
    let base = relationship_url(&app, &store.id_of(index), "/accessAssignments");
    let body = collection(
        context(&app, "accessAssignments"),
        found.total,
        value,
        found.next.map(|start| q.next_link(&base, SPEC.kind, start)),
    );
    Ok(answer(StatusCode::OK, body, &[]))
}
