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
    let params = Params::parse(query.as_deref());
    let options = ListOptions::parse(&params).map_err(pc_bad_request)?;
    if let Some(n) = app.faults.take_empty_objects() {
        return Ok(empty_objects_page(n));
    }
    let ignores_skip = app.faults.standing(|f| f.listing_ignores_skip);
    let skip = if ignores_skip { 0 } else { options.skip };
    let size = options.top.unwrap_or(DEFAULT_PAGE);
    let store = read(&app.customers);
    let filter = |c: &Customer| options.filter.as_ref().is_none_or(|f| f.matches(c));
    let page = store.page(&filter, options.order, skip, size, options.count);
    let next_skip = skip + page.indices.len();
    // Injected paging faults: a link back to this very page, or to a new URL that serves it again.
    let this_page = format!("{}{PATH}?{}", app.url, query.as_deref().unwrap_or(""));
    let faulty_link = if app.faults.take_counter(|f| &mut f.listing_loop) {
        Some(this_page)
    } else if app.faults.take_counter(|f| &mut f.listing_stuck) {
        let round = params
            .get_ignore_case("stuck")
            .and_then(|r| r.parse::<u64>().ok())
            .map_or(1, |r| r + 1);
        Some(format!(
            "{}{PATH}?{}&stuck={round}",
            app.url,
            options.query_at(skip)
        ))
    } else {
        None
    };
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
        next_link: faulty_link.or_else(|| {
            (page.more && !ignores_skip)
                .then(|| format!("{}{PATH}?{}", app.url, options.query_at(next_skip)))
        }),
    };
    Ok(Json(body).into_response())
}

/// `{"value":[{},{},...]}` with `n` empty objects, written without building a tree.
fn empty_objects_page(n: u64) -> Response {
    let mut body = String::with_capacity(12 + 3 * n as usize);
    body.push_str("{\"value\":[");
    for i in 0..n {
        if i > 0 {
            body.push(',');
        }
        body.push_str("{}");
    }
    body.push_str("]}");
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        body,
    )
        .into_response()
}
