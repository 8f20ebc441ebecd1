//! `GET /{tenant}/oauth2/v2.0/authorize`: the authorization code flow with PKCE, as an interactive sign-in
//! (`Connect-MgGraph`'s default) drives it from a browser. The emulator signs the user in at once (the
//! `login_hint` user, else the seeded admin) and redirects to `redirect_uri` with `code` and `state`.
//!
//! Until `redirect_uri` is known good, errors are an HTML page (400), as the identity platform shows them;
//! after that they are redirected: `redirect_uri?error=...&error_description=AADSTS...&state=...`.

use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::http::header::{CONTENT_TYPE, LOCATION};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use uuid::Uuid;

use super::check_tenant;
use super::scope::parse_scope;
use crate::http::query::{encode, Params};
use crate::state::{lock, AppState};

/// The prompts the identity platform takes.
const PROMPTS: [&str; 4] = ["login", "none", "consent", "select_account"];

pub async fn authorize(
    State(app): State<Arc<AppState>>,
    Path(tenant): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    app.stats.authorize_request();
    let params = Params::parse(query.as_deref());
    match sign_in(&app, &tenant, &params) {
        Ok(location) | Err(Refusal::Redirect(location)) => redirect(&location),
        Err(Refusal::Page(code, message)) => page(code, &message),
    }
}

enum Refusal {
    /// An error page: the AADSTS code and message.
    Page(u32, String),
    /// A redirect carrying the error.
    Redirect(String),
}

fn redirect(location: &str) -> Response {
    (StatusCode::FOUND, [(LOCATION, location.to_string())]).into_response()
}

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn page(code: u32, message: &str) -> Response {
    let body = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Sign in to your account</title></head>\n<body>\n<h1>Sorry, but we're having trouble signing you in.</h1>\n<p id=\"error\">AADSTS{code}: {}</p>\n</body></html>\n",
        escape_html(message)
    );
    (
        StatusCode::BAD_REQUEST,
        [(CONTENT_TYPE, "text/html; charset=utf-8")],
        body,
    )
        .into_response()
}

/// `uri` with `pairs` added to its query.
fn with_query(uri: &str, pairs: &[(&str, &str)]) -> String {
    let mut out = uri.to_string();
    let mut separator = if uri.contains('?') { '&' } else { '?' };
    for (name, value) in pairs {
        out.push(separator);
        out.push_str(name);
        out.push('=');
        out.push_str(&encode(value));
        separator = '&';
    }
    out
}

/// `http://localhost[:port][/path][?query]` or the same with `127.0.0.1`: a loopback redirect of a native
/// client (any port; no fragment).
pub fn is_loopback_redirect(uri: &str) -> bool {
    let Some(rest) = uri.strip_prefix("http://") else {
        return false;
    };
    if uri.contains('#') {
        return false;
    }
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, _) = rest.split_at(end);
    let (host, port) = match authority.split_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (authority, None),
    };
    let host_ok = host.eq_ignore_ascii_case("localhost") || host == "127.0.0.1";
    let port_ok = port.is_none_or(|p| {
        !p.is_empty()
            && p.len() <= 5
            && p.bytes().all(|b| b.is_ascii_digit())
            && p.parse::<u32>().is_ok_and(|n| (1..=65535).contains(&n))
    });
    host_ok && port_ok
}

/// A PKCE S256 challenge: 43 characters of base64url (a SHA-256 digest, unpadded).
fn is_s256_challenge(challenge: &str) -> bool {
    challenge.len() == 43
        && challenge
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn sign_in(app: &AppState, tenant: &str, params: &Params) -> Result<String, Refusal> {
    let given = |name: &str| params.get(name).filter(|v| !v.is_empty());
    let missing = |name: &str| {
        Refusal::Page(
            900144,
            format!("The request body must contain the following parameter: '{name}'."),
        )
    };
    check_tenant(tenant).map_err(|e| Refusal::Page(e.code, e.description))?;
    let client_id = given("client_id").ok_or_else(|| missing("client_id"))?;
    if Uuid::parse_str(client_id).is_err() {
        return Err(Refusal::Page(
            700016,
            format!("Application with identifier '{client_id}' was not found in the directory '{tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant."),
        ));
    }
    let redirect_uri = given("redirect_uri").ok_or_else(|| missing("redirect_uri"))?;
    if !is_loopback_redirect(redirect_uri) {
        return Err(Refusal::Page(
            50011,
            format!("The redirect URI '{redirect_uri}' specified in the request does not match the redirect URIs configured for the application '{client_id}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal. (The emulator takes loopback redirect URIs only: http://localhost:<port>/... or http://127.0.0.1:<port>/...)"),
        ));
    }
    let state = params.get("state");
    // From here on, errors go back to the client.
    let refuse = |error: &str, code: u32, description: &str| {
        let description = format!("AADSTS{code}: {description}");
        let mut pairs = vec![
            ("error", error),
            ("error_description", description.as_str()),
        ];
        if let Some(state) = state {
            pairs.push(("state", state));
        }
        Refusal::Redirect(with_query(redirect_uri, &pairs))
    };
    match given("response_type") {
        None => {
            return Err(refuse(
                "invalid_request",
                900144,
                "The request body must contain the following parameter: 'response_type'.",
            ))
        }
        Some("code") => {}
        Some(other) => {
            return Err(refuse(
                "unsupported_response_type",
                700054,
                &format!("response_type '{other}' is not enabled for the application."),
            ))
        }
    }
    if let Some(mode) = given("response_mode").filter(|m| *m != "query") {
        return Err(refuse(
            "invalid_request",
            9002313,
            &format!("Invalid request. Request is malformed or invalid. The emulator answers with response_mode 'query' only, not '{mode}'."),
        ));
    }
    let scope = given("scope").ok_or_else(|| {
        refuse(
            "invalid_request",
            900144,
            "The request body must contain the following parameter: 'scope'.",
        )
    })?;
    let grant = parse_scope(scope, app.config.cloud)
        .map_err(|e| refuse(e.error, e.code, &e.description))?;
    let challenge = given("code_challenge");
    let method = given("code_challenge_method");
    let challenge = match (challenge, method) {
        (Some(challenge), Some("S256")) => challenge,
        _ => {
            return Err(refuse(
                "invalid_request",
                9002325,
                "Proof Key for Code Exchange is required: send code_challenge with code_challenge_method 'S256'.",
            ))
        }
    };
    if !is_s256_challenge(challenge) {
        return Err(refuse(
            "invalid_request",
            501491,
            "Invalid size of Code_Challenge parameter.",
        ));
    }
    if let Some(prompt) = given("prompt").filter(|p| !PROMPTS.contains(p)) {
        return Err(refuse(
            "invalid_request",
            9002313,
            &format!("Invalid request. Request is malformed or invalid. The prompt '{prompt}' is not one of login, none, consent, select_account."),
        ));
    }
    if app.faults.standing(|f| f.authorize_denied) {
        return Err(refuse(
            "access_denied",
            65004,
            "User declined to consent to access the app.",
        ));
    }
    let user = app.directory.user(params.get("login_hint"));
    let code = lock(&app.auth_codes).issue(client_id, redirect_uri, grant, challenge, user);
    let session_state = Uuid::new_v4().to_string();
    let mut pairs = vec![("code", code.as_str())];
    if let Some(state) = state {
        pairs.push(("state", state));
    }
    pairs.push(("session_state", &session_state));
    Ok(with_query(redirect_uri, &pairs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_redirects() {
        for ok in [
            "http://localhost:8400/",
            "http://localhost:8400",
            "http://127.0.0.1:50123/callback",
            "http://LOCALHOST:1/x?y=1",
            "http://localhost",
        ] {
            assert!(is_loopback_redirect(ok), "{ok}");
        }
        for bad in [
            "https://localhost:8400/",
            "http://localhost.evil.com:8400/",
            "http://127.0.0.2:8400/",
            "http://[::1]:8400/",
            "http://localhost:0/",
            "http://localhost:99999/",
            "http://localhost:80x/",
            "http://localhost:8400/#frag",
            "http://user@localhost:8400/",
            "urn:ietf:wg:oauth:2.0:oob",
        ] {
            assert!(!is_loopback_redirect(bad), "{bad}");
        }
        assert_eq!(
            with_query("http://localhost:1/", &[("code", "a b"), ("state", "s")]),
            "http://localhost:1/?code=a%20b&state=s"
        );
        assert_eq!(
            with_query("http://localhost:1/?x=1", &[("code", "c")]),
            "http://localhost:1/?x=1&code=c"
        );
        assert!(is_s256_challenge(
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        ));
        assert!(!is_s256_challenge("short"));
    }
}
