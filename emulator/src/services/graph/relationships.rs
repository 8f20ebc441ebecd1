//! `GET delegatedAdminRelationships` (paged), `GET .../{id}` and `PATCH .../{id}`.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::header::{ETAG, IF_MATCH, LOCATION, RETRY_AFTER};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{Map, Value};

use super::filter::{Kind, Property, Value as Field};
use super::query::{page, ListQuery, ListSpec};
use super::update::parse_update;
use super::{
    answer, collection, context, invalid_request, not_allowed, precondition_failed,
    relationship_index, relationship_url, BASE,
};
use crate::http::errors::ApiError;
use crate::http::query::Params;
use crate::state::customers::CustomerStore;
use crate::state::gdap::json::{project, relationship};
use crate::state::gdap::model::Status;
use crate::state::gdap::update::{Outcome, Refusal};
use crate::state::gdap::{etag, GdapStore};
use crate::state::{lock, read, AppState};
use crate::timefmt::now_ticks;

const SPEC: ListSpec = ListSpec {
    kind: 1,
    selectable: &[
        "id",
        "displayName",
        "duration",
        "customer",
        "accessDetails",
        "status",
        "autoExtendDuration",
        "createdDateTime",
        "lastModifiedDateTime",
        "activatedDateTime",
        "endDateTime",
        "isPartnerConsentPending",
        "indirectProviderTenantId",
    ],
    filterable: &[
        Property {
            name: "displayName",
            kind: Kind::Text,
        },
        Property {
            name: "status",
            kind: Kind::Enum(Status::NAMES),
        },
        Property {
            name: "customer/tenantId",
            kind: Kind::Guid,
        },
        Property {
            name: "customer/displayName",
            kind: Kind::Text,
        },
        Property {
            name: "autoExtendDuration",
            kind: Kind::Enum(&["PT0S", "P180D"]),
        },
        Property {
            name: "createdDateTime",
            kind: Kind::Date,
        },
        Property {
            name: "lastModifiedDateTime",
            kind: Kind::Date,
        },
        Property {
            name: "activatedDateTime",
            kind: Kind::Date,
        },
        Property {
            name: "endDateTime",
            kind: Kind::Date,
        },
    ],
};

/// The value of filterable property `p` (an index into `SPEC.filterable`) of relationship `i`.
fn field<'a>(store: &'a GdapStore, customers: &'a CustomerStore, i: u32, p: usize) -> Field<'a> {
    let r = store.get(i);
    let date = |t: Option<i64>| t.map_or(Field::Null, Field::Date);
    match p {
        0 => Field::Text(&r.display_name),
        1 => Field::Text(r.status.name()),
        2 => Field::Guid(customers.get(r.customer).id),
        3 => Field::Text(&customers.get(r.customer).name),
        4 => Field::Text(r.auto_extend.name()),
        5 => Field::Date(r.created),
        6 => Field::Date(r.modified),
        7 => date(r.activated),
        _ => date(r.end),
    }
}

pub async fn list(
    State(app): State<Arc<AppState>>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let q = ListQuery::parse(&Params::parse(query.as_deref()), &SPEC, "relationships")
        .map_err(invalid_request)?;
    let size = q.top.unwrap_or(app.config.gdap_page());
    let customers = read(&app.customers);
    let store = lock(&app.gdap);
    let found = page(store.len(), q.start, size, q.count, |i| {
        q.filter
            .as_ref()
            .is_none_or(|f| f.matches(&|p| field(&store, &customers, i, p)))
    });
    let value = found
        .items
        .iter()
        .map(|i| {
            Value::Object(project(
                relationship(&store, &customers, *i),
                q.select.as_deref(),
            ))
        })
        .collect();
    let base = format!("{}{BASE}/delegatedAdminRelationships", app.url);
    let body = collection(
        context(&app, "delegatedAdminRelationships"),
        found.total,
        value,
        found.next.map(|start| q.next_link(&base, SPEC.kind, start)),
    );
    Ok(answer(StatusCode::OK, body, &[]))
}

/// The relationship with `@odata.context`, as a single answer carries it.
fn entity(
    app: &AppState,
    store: &GdapStore,
    customers: &CustomerStore,
    index: u32,
) -> Map<String, Value> {
    let mut body = relationship(store, customers, index);
    body.insert(
        "@odata.context".into(),
        Value::String(context(app, "delegatedAdminRelationships/$entity")),
    );
    body
}

pub async fn get_one(
    State(app): State<Arc<AppState>>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let params = Params::parse(query.as_deref());
    let select = match params.get_ignore_case("$select") {
        Some(_) => {
            ListQuery::parse(&params, &SPEC, "relationship")
                .map_err(invalid_request)?
                .select
        }
        None => None,
    };
    let customers = read(&app.customers);
    let mut store = lock(&app.gdap);
    let index = relationship_index(&store, &id)?;
    store.read_relationship(index, now_ticks());
    let body = project(entity(&app, &store, &customers, index), select.as_deref());
    Ok(answer(StatusCode::OK, body, &[(ETAG, store.etag(index))]))
}

pub async fn patch(
    State(app): State<Arc<AppState>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let customers = read(&app.customers);
    let mut store = lock(&app.gdap);
    let index = relationship_index(&store, &id)?;
    let if_match = headers
        .get(IF_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| {
            invalid_request("The If-Match header is required: send the relationship's ETag (its @odata.etag, or the ETag header of a GET).")
        })?;
    let now = now_ticks();
    if app.faults.take_counter(|f| &mut f.gdap_precondition_failed) {
        // Injected: somebody else changed the relationship just before this PATCH.
        store.touch(index, now);
        return Err(precondition_failed());
    }
    if !etag::if_match(if_match, &store.etag(index)) {
        return Err(precondition_failed());
    }
    let update = parse_update(&body, &customers)?;
    match store.update(index, update, now) {
        Ok(Outcome::Unchanged | Outcome::Updated) => {
            let body = entity(&app, &store, &customers, index);
            Ok(answer(StatusCode::OK, body, &[(ETAG, store.etag(index))]))
        }
        Ok(Outcome::Started(op)) => {
            let location = relationship_url(
                &app,
                &store.id_of(index),
                &format!("/operations/{}", store.operation(op).id),
            );
            Ok(answer(
                StatusCode::ACCEPTED,
                Map::new(),
                &[
                    (LOCATION, location),
                    (RETRY_AFTER, app.config.lro_retry_after.to_string()),
                ],
            ))
        }
        Err(Refusal::Invalid(message)) => Err(invalid_request(message)),
        Err(Refusal::NotAllowed(message)) => Err(not_allowed(message)),
    }
}
