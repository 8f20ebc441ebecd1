//! `GET /v1/customers?size=N`: the partner's customers, a page at a time, as Partner Center pages
//! (seek-based): each page links to the next with `links.next` = `{"uri":"/customers?size=N&seekOperation=Next",
//! "method":"GET","headers":[{"key":"MS-ContinuationToken","value":"<token>"}]}`, the URI relative to `/v1`;
//! the caller sends that header with the next request.

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use super::customer_resource;
use crate::base64::{decode_url, encode_url};
use crate::http::errors::{pc_bad_request, ApiError};
use crate::http::query::Params;
use crate::state::{read, AppState};

/// Customers per page without `size`.
pub const DEFAULT_SIZE: usize = 100;
/// The largest `size` taken.
pub const MAX_SIZE: usize = 500;

fn continuation_token(offset: usize) -> String {
    encode_url(format!("emulator-customers:{offset}").as_bytes())
}

fn offset_of(token: &str) -> Option<usize> {
    let text = String::from_utf8(decode_url(token.trim())?).ok()?;
    text.strip_prefix("emulator-customers:")?.parse().ok()
}

pub async fn list(
    State(app): State<Arc<AppState>>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let params = Params::parse(query.as_deref());
    if params.get_ignore_case("filter").is_some() {
        return Err(pc_bad_request(
            "the filter parameter is not supported by the emulator",
        ));
    }
    let size = match params.get_ignore_case("size") {
        None => DEFAULT_SIZE,
        Some(text) => match text.parse::<usize>() {
            Ok(n) if (1..=MAX_SIZE).contains(&n) => n,
            _ => {
                return Err(pc_bad_request(format!(
                    "size '{text}' must be a number from 1 to {MAX_SIZE}"
                )))
            }
        },
    };
    let offset = match params.get_ignore_case("seekOperation") {
        None => 0,
        Some(op) if op.eq_ignore_ascii_case("Next") => {
            let token = headers
                .get("MS-ContinuationToken")
                .and_then(|v| v.to_str().ok())
                .ok_or_else(|| {
                    pc_bad_request(
                        "seekOperation=Next needs the MS-ContinuationToken header of the previous page's links.next",
                    )
                })?;
            offset_of(token)
                .ok_or_else(|| pc_bad_request("the MS-ContinuationToken is not valid"))?
        }
        Some(other) => {
            return Err(pc_bad_request(format!(
                "seekOperation '{other}' is not supported (Next is)"
            )))
        }
    };
    let store = read(&app.customers);
    let total = store.len();
    let items: Vec<Value> = (offset..total.min(offset.saturating_add(size)))
        .map(|i| {
            let mut customer = customer_resource(&store, i as u32);
            // The list leaves out allowDelegatedAccess (only a get by id carries it).
            if let Some(map) = customer.as_object_mut() {
                map.remove("allowDelegatedAccess");
            }
            customer
        })
        .collect();
    let next = offset + items.len();
    let mut links = json!({
        "self": { "uri": format!("/customers?size={size}"), "method": "GET", "headers": [] },
    });
    if next < total {
        links["next"] = json!({
            "uri": format!("/customers?size={size}&seekOperation=Next"),
            "method": "GET",
            "headers": [{ "key": "MS-ContinuationToken", "value": continuation_token(next) }],
        });
    }
    Ok(Json(json!({
        "totalCount": items.len(),
        "items": items,
        "links": links,
        "attributes": { "objectType": "Collection" },
    }))
    .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip() {
        assert_eq!(offset_of(&continuation_token(120)), Some(120));
        assert_eq!(offset_of("garbage"), None);
        assert_eq!(offset_of(&encode_url(b"other:1")), None);
    }
}
