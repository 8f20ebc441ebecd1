//! Partner Customer Delegated Administration:
//! `GET /CustomerServiceAdminApi/Web/v1/delegatedAdminCustomers` with OData query options.

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;

use crate::http::errors::{pc_bad_request, ApiError};
use crate::http::query::Params;
use crate::odata::ListOptions;
use crate::state::customers::{Customer, CustomerView};
use crate::state::{read, AppState};

const PATH: &str = "/CustomerServiceAdminApi/Web/v1/delegatedAdminCustomers";
/// Page size without `$top`.
const DEFAULT_PAGE: usize = 100;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new().route(PATH, get(list))
}

#[derive(Serialize)]
struct ListBody<'a> {
    #[serde(rename = "@odata.context")]
    context: String,
    #[serde(rename = "@odata.count", skip_serializing_if = "Option::is_none")]
    count: Option<usize>,
    value: Vec<CustomerView<'a>>,
    #[serde(rename = "@odata.nextLink", skip_serializing_if = "Option::is_none")]
    next_link: Option<String>,
}

async fn list(
    State(app): State<Arc<AppState>>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let options = ListOptions::parse(&Params::parse(query.as_deref())).map_err(pc_bad_request)?;
    let size = options.top.unwrap_or(DEFAULT_PAGE);
    let store = read(&app.customers);
    let filter = |c: &Customer| options.filter.as_ref().is_none_or(|f| f.matches(c));
    let page = store.page(&filter, options.order, options.skip, size, options.count);
    let next_skip = options.skip + page.indices.len();
    let body = ListBody {
        context: format!(
            "{}/CustomerServiceAdminApi/Web/v1/$metadata#delegatedAdminCustomers",
            app.url
        ),
        count: page.total,
        value: page
            .indices
            .iter()
            .map(|i| CustomerView {
                customer: store.get(*i),
                mask: options.select,
            })
            .collect(),
        next_link: page
            .more
            .then(|| format!("{}{PATH}?{}", app.url, options.query_at(next_skip))),
    };
    Ok(Json(body).into_response())
}
