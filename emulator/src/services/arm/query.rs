//! The query parameters ARM requests carry: `api-version`, `$expandRegistrationDefinition`, `$filter`.

use uuid::Uuid;

use super::{bad_request, API_VERSION};
use crate::http::errors::ApiError;
use crate::http::query::Params;

pub fn check_api_version(params: &Params) -> Result<(), ApiError> {
    match params.get_ignore_case("api-version") {
        None | Some("") => Err(bad_request(
            "MissingApiVersionParameter",
            "The api-version query parameter (?api-version=) is required for all requests.".into(),
        )),
        Some(API_VERSION) => Ok(()),
        Some(other) => Err(bad_request(
            "InvalidApiVersionParameter",
            format!(
                "The api-version '{other}' is invalid. The supported versions are '{API_VERSION}'."
            ),
        )),
    }
}

pub fn expand(params: &Params) -> Result<bool, ApiError> {
    match params.get_ignore_case("$expandRegistrationDefinition") {
        None => Ok(false),
        Some(v) if v.eq_ignore_ascii_case("true") => Ok(true),
        Some(v) if v.eq_ignore_ascii_case("false") => Ok(false),
        Some(v) => Err(bad_request(
            "InvalidQueryParameterValue",
            format!("The value '{v}' of '$expandRegistrationDefinition' is not a boolean."),
        )),
    }
}

/// `managedByTenantId eq '<guid>'` or `managedByTenantId in ('<guid>', ...)` (quotes optional).
pub fn parse_filter(text: &str) -> Result<Vec<Uuid>, ApiError> {
    let invalid = || {
        bad_request(
            "InvalidQueryParameterValue",
            format!("The $filter '{text}' is not supported. Use managedByTenantId eq '<guid>' or managedByTenantId in ('<guid>', ...)."),
        )
    };
    let (field, rest) = text
        .trim()
        .split_once(char::is_whitespace)
        .ok_or_else(invalid)?;
    if !field.eq_ignore_ascii_case("managedByTenantId") {
        return Err(invalid());
    }
    let (op, values) = rest.trim().split_at_checked(2).ok_or_else(invalid)?;
    let values = match op.to_ascii_lowercase().as_str() {
        "eq" => values.trim(),
        "in" => values
            .trim()
            .strip_prefix('(')
            .and_then(|v| v.strip_suffix(')'))
            .ok_or_else(invalid)?,
        _ => return Err(invalid()),
    };
    values
        .split(',')
        .map(|v| Uuid::parse_str(v.trim().trim_matches('\'')).map_err(|_| invalid()))
        .collect()
}
