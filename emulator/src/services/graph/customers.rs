//! `GET delegatedAdminCustomers` (paged), `GET .../{id}` and `GET .../{id}/serviceManagementDetails`.
//! Graph keeps a delegatedAdminCustomer while the partner holds at least one active relationship with
//! the customer (and deletes it when no more active relationships exist), so the set follows the
//! relationships: a customer with DAP and no active GDAP is not listed.

use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::Value;
use uuid::Uuid;

use super::filter::{Kind, Property, Value as Field};
use super::query::{page, ListQuery, ListSpec};
use super::{answer, collection, context, invalid_request, not_found, BASE};
use crate::http::errors::ApiError;
use crate::http::query::Params;
use crate::state::customers::CustomerStore;
use crate::state::gdap::json::{self, customer, project};
use crate::state::gdap::GdapStore;
use crate::state::{lock, read, AppState};

const SPEC: ListSpec = ListSpec {
    kind: 5,
    selectable: &["id", "tenantId", "displayName"],
    filterable: &[
        Property {
            name: "id",
            kind: Kind::Guid,
        },
        Property {
            name: "tenantId",
            kind: Kind::Guid,
        },
        Property {
            name: "displayName",
            kind: Kind::Text,
        },
    ],
};

pub async fn list(
    State(app): State<Arc<AppState>>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let q = ListQuery::parse(&Params::parse(query.as_deref()), &SPEC, "customers")
        .map_err(invalid_request)?;
    let size = q.top.unwrap_or(app.config.gdap_page());
    let customers = read(&app.customers);
    let active = lock(&app.gdap).customers_with_active(customers.len());
    let found = page(customers.len(), q.start, size, q.count, |i| {
        let c = customers.get(i);
        active[i as usize]
            && q.filter.as_ref().is_none_or(|f| {
                f.matches(&|p| match p {
                    0 | 1 => Field::Guid(c.id),
                    _ => Field::Text(&c.name),
                })
            })
    });
    let value = found
        .items
        .iter()
        .map(|i| Value::Object(project(customer(&customers, *i), q.select.as_deref())))
        .collect();
    let base = format!("{}{BASE}/delegatedAdminCustomers", app.url);
    let body = collection(
        context(&app, "delegatedAdminCustomers"),
        found.total,
        value,
        found.next.map(|start| q.next_link(&base, SPEC.kind, start)),
    );
    Ok(answer(StatusCode::OK, body, &[]))
}

/// The customer with this id, while it holds an active relationship.
fn listed(customers: &CustomerStore, store: &GdapStore, id: &str) -> Result<u32, ApiError> {
    let missing = || {
        not_found(format!(
            "The delegated admin customer '{id}' was not found."
        ))
    };
    let tenant = Uuid::try_parse(id).map_err(|_| missing())?;
    let index = customers.find(&tenant).ok_or_else(missing)?;
    let active = store.customers_with_active(customers.len());
    match active[index as usize] {
        true => Ok(index),
        false => Err(missing()),
    }
}

pub async fn get_one(
    State(app): State<Arc<AppState>>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let params = Params::parse(query.as_deref());
    let select = match params.get_ignore_case("$select") {
        Some(_) => {
            ListQuery::parse(&params, &SPEC, "customer")
                .map_err(invalid_request)?
                .select
        }
        None => None,
    };
    let customers = read(&app.customers);
    let index = listed(&customers, &lock(&app.gdap), &id)?;
    let mut body = customer(&customers, index);
    body.insert(
        "@odata.context".into(),
        Value::String(context(&app, "delegatedAdminCustomers/$entity")),
    );
    Ok(answer(
        StatusCode::OK,
        project(body, select.as_deref()),
        &[],
    ))
}

pub async fn service_management_details(
    State(app): State<Arc<AppState>>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let params = Params::parse(query.as_deref());
    if let Some((name, _)) = params.iter().find(|(n, _)| n.starts_with('$')) {
        return Err(invalid_request(format!(
            "The query option '{name}' is not supported: serviceManagementDetails takes no OData query options."
        )));
    }
    let customers = read(&app.customers);
    let index = listed(&customers, &lock(&app.gdap), &id)?;
    let tenant = customers.get(index).id;
    let body = collection(
        context(
            &app,
            &format!("delegatedAdminCustomers/{tenant}/serviceManagementDetails"),
        ),
        None,
        json::service_management_details(index),
        None,
    );
    Ok(answer(StatusCode::OK, body, &[]))
}
