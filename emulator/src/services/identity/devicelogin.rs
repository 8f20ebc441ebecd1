//! `GET /devicelogin`: the page an admin opens; `POST /devicelogin` (form `user_code`, `action` =
//! `approve` or `deny`) records the decision, like `/_emulator/device/approve|deny`.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use crate::http::query::Params;
use crate::state::AppState;

const PAGE: &str = r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Enter code - Delegated admin emulator</title></head>
<body>
<h1>Enter code</h1>
<p>Enter the code displayed on your app or device to sign in (emulated Microsoft identity platform).</p>
<form method="post" action="/devicelogin">
<input name="user_code" autofocus autocomplete="off" maxlength="12">
<button name="action" value="approve">Approve</button>
<button name="action" value="deny">Deny</button>
</form>
</body></html>
"#;

pub async fn page() -> Html<&'static str> {
    Html(PAGE)
}

pub async fn decide(State(app): State<Arc<AppState>>, body: Bytes) -> Response {
    let form = Params::parse_bytes(&body);
    let code = form.get("user_code").unwrap_or("");
    let approve = form.get("action") != Some("deny");
    if app.decide_device_flow(code, approve) {
        let verdict = if approve { "approved" } else { "denied" };
        Html(format!(
            "<!DOCTYPE html><html><body><h1>Sign-in {verdict}</h1><p>You can close this window.</p></body></html>"
        ))
        .into_response()
    } else {
        (
            StatusCode::NOT_FOUND,
            Html("<!DOCTYPE html><html><body><h1>Unknown or expired code</h1><p><a href=\"/devicelogin\">Try again</a></p></body></html>"),
        )
            .into_response()
    }
}
