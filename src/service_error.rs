//! Reading each service's own error body into a code and a message.
//!
//! Shapes: Partner Center `{"code","description"}` (throttling: `{"statusCode","message"}`); CloudCockpit
//! `{"statusCode","type","description","correlationId","errors":[{"propertyName","description":[...]}]}`;
//! ARM and OData `{"error":{"code","message"}}`; the identity platform
//! `{"error","error_description","error_codes":[...]}`.

use crate::error::{Error, ErrorKind};
use crate::pipeline::{retry, Response};
use serde_json::Value;

#[derive(Debug, Default, PartialEq)]
pub(crate) struct ServiceError {
    pub code: Option<String>,
    pub message: Option<String>,
}

const MAX_MESSAGE: usize = 1024;

pub(crate) fn parse(body: &[u8]) -> ServiceError {
    let Ok(v) = serde_json::from_slice::<Value>(body) else {
        return ServiceError::default();
    };
    let text = |v: &Value| -> Option<String> {
        match v {
            Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    };
    let mut out = ServiceError::default();
    match v.get("error") {
        // ARM / Graph / OData.
        Some(e @ Value::Object(_)) => {
            out.code = e.get("code").and_then(text);
            out.message = e.get("message").and_then(text);
        }
        // Identity platform.
        Some(Value::String(code)) => {
            let first_code = v.get("error_codes").and_then(|c| c.get(0)).and_then(text);
            out.code = Some(match first_code {
                Some(n) => format!("{code} (AADSTS{n})"),
                None => code.clone(),
            });
            out.message = v
                .get("error_description")
                .and_then(text)
                .map(|d| d.lines().next().unwrap_or_default().to_string());
        }
        _ => {
            // Partner Center, CloudCockpit.
            out.code = v
                .get("code")
                .and_then(text)
                .or_else(|| v.get("type").and_then(text));
            out.message = v
                .get("description")
                .and_then(text)
                .or_else(|| v.get("message").and_then(text))
                .or_else(|| v.get("title").and_then(text));
            if let Some(errors) = v.get("errors").and_then(Value::as_array) {
                let details: Vec<String> = errors
                    .iter()
                    .filter_map(|e| {
                        let property = e.get("propertyName").and_then(text).unwrap_or_default();
                        let descriptions = match e.get("description") {
                            Some(Value::Array(a)) => {
                                a.iter().filter_map(text).collect::<Vec<_>>().join(" ")
                            }
                            Some(other) => text(other).unwrap_or_default(),
                            None => String::new(),
                        };
                        (!(property.is_empty() && descriptions.is_empty()))
                            .then(|| format!("{property}: {descriptions}"))
                    })
                    .collect();
                if !details.is_empty() {
                    let joined = details.join("; ");
                    out.message = Some(match out.message {
                        Some(m) => format!("{m} ({joined})"),
                        None => joined,
                    });
                }
            }
        }
    }
    if let Some(m) = &mut out.message {
        if m.len() > MAX_MESSAGE {
            let mut cut = MAX_MESSAGE;
            while !m.is_char_boundary(cut) {
                cut -= 1;
            }
            m.truncate(cut);
            m.push('…');
        }
    }
    out
}

/// An error answer as an [`Error`] of kind `kind_of(code, status)`, with the service's code and message, its
/// request id and `Retry-After`. The message never holds more than the service's own text, shortened.
pub(crate) fn response_error(
    service: &str,
    resp: &Response,
    kind_of: impl Fn(Option<&str>, u16) -> ErrorKind,
) -> Error {
    let parsed = parse(&resp.body);
    let kind = kind_of(parsed.code.as_deref(), resp.status);
    let reason = reqwest::StatusCode::from_u16(resp.status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("");
    let detail = match parsed.message {
        Some(m) => m,
        None if looks_like_html(resp) => "an HTML error page".to_string(),
        None => "no error details".to_string(),
    };
    let mut e = Error::new(
        kind,
        format!("{service} answered {} {reason}: {detail}", resp.status),
    );
    e.status = Some(resp.status);
    e.code = parsed.code;
    e.request_id = resp.request_id();
    e.retry_after_seconds =
        retry::retry_after(&resp.headers).map(|d| d.as_secs_f64().ceil() as u64);
    e
}

/// The error reader of a service whose kinds follow the HTTP status alone.
pub(crate) fn by_status(service: &'static str, resp: &Response) -> Error {
    response_error(service, resp, |_, status| ErrorKind::from_status(status))
}

fn looks_like_html(resp: &Response) -> bool {
    resp.header("content-type")
        .is_some_and(|c| c.contains("html"))
        || resp.body.iter().take(64).find(|b| !b.is_ascii_whitespace()) == Some(&b'<')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> (Option<String>, Option<String>) {
        let e = parse(s.as_bytes());
        (e.code, e.message)
    }

    #[test]
    fn every_documented_shape() {
        assert_eq!(
            p(
                r#"{"code":800002,"description":"Invalid request input","data":[],"source":"PartnerFD"}"#
            ),
            (Some("800002".into()), Some("Invalid request input".into()))
        );
        assert_eq!(
            p(r#"{"statusCode":429,"message":"Rate limit is exceeded. Try again in 57 seconds."}"#),
            (
                None,
                Some("Rate limit is exceeded. Try again in 57 seconds.".into())
            )
        );
        assert_eq!(
            p(
                r#"{"statusCode":400,"type":"ValidationError","description":"Bad","correlationId":"x","errors":[{"propertyName":"providerInstanceId","description":["is required"]}]}"#
            ),
            (
                Some("ValidationError".into()),
                Some("Bad (providerInstanceId: is required)".into())
            )
        );
        assert_eq!(
            p(r#"{"error":{"code":"SubscriptionNotFound","message":"nope"}}"#),
            (Some("SubscriptionNotFound".into()), Some("nope".into()))
        );
        assert_eq!(
            p(
                r#"{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret.\r\nTrace ID: x","error_codes":[7000215]}"#
            ),
            (
                Some("invalid_client (AADSTS7000215)".into()),
                Some("AADSTS7000215: Invalid client secret.".into())
            )
        );
        assert_eq!(p("<html>502</html>"), (None, None));
        assert_eq!(p(""), (None, None));
    }
}
