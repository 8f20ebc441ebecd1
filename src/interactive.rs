//! Interactive browser sign-in: the authorization code flow with PKCE and a loopback redirect, as
//! `Connect-MgGraph` does by default, for admins whose Conditional Access blocks the device code flow.
//!
//! [`start`] opens a listener on `127.0.0.1` (an ephemeral port), and returns the authorize URL to open in a
//! browser and a [`Session`] to poll. When the browser comes back to `http://localhost:<port>/` with a code
//! (and the state it was given), the session answers the browser with a short page, redeems the code with
//! its PKCE verifier, and ends `completed` with the token (and a refresh token for later runs), or
//! `declined`/`failed`/`expired`. Nothing ever calls back: the caller polls.

use crate::client::Client;
use crate::credentials::token_endpoint::read_token;
use crate::credentials::Token;
use crate::error::{Error, ErrorKind, Result};
use crate::options::CallOptions;
use crate::validate;
use aws_lc_rs::rand::{SecureRandom, SystemRandom};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Utc};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use url::Url;
use uuid::Uuid;

/// What to sign in for.
#[derive(Debug, Clone)]
pub struct SignInRequest {
    pub tenant: String,
    pub client_id: String,
    /// The resource scope; `offline_access` is added so that the sign-in yields a refresh token.
    pub scope: String,
    /// Prefill the account (`login_hint`).
    pub login_hint: Option<String>,
    /// `prompt` (`select_account`, `login`, `consent`).
    pub prompt: Option<String>,
    /// How long the session waits for the browser.
    pub timeout: Duration,
}

/// Where a sign-in is.
#[derive(Debug, Clone)]
pub enum SignInStatus {
    Pending,
    Completed(Box<Token>),
    /// The admin (or a policy) declined: the identity platform's error and description.
    Declined(String),
    Expired,
    Failed(Error),
}

/// A started sign-in: open `authorize_url` in a browser, then poll.
#[derive(Debug)]
pub struct Session {
    pub authorize_url: String,
    pub redirect_uri: String,
    pub expires_on: DateTime<Utc>,
    status: Arc<Mutex<SignInStatus>>,
    done: Arc<tokio::sync::Notify>,
    task: tokio::task::JoinHandle<()>,
}

impl Session {
    pub fn status(&self) -> SignInStatus {
        self.status
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Wait up to `wait` for the sign-in to end, then say where it is.
    pub async fn wait(&self, wait: Duration) -> SignInStatus {
        let notified = self.done.notified();
        if matches!(self.status(), SignInStatus::Pending) {
            let _ = tokio::time::timeout(wait, notified).await;
        }
        self.status()
    }

    /// Stop listening; a pending sign-in ends `failed` (cancelled).
    pub fn cancel(&self) {
        self.task.abort();
        let mut status = self.status.lock().unwrap_or_else(|p| p.into_inner());
        if matches!(*status, SignInStatus::Pending) {
            *status =
                SignInStatus::Failed(Error::new(ErrorKind::Conflict, "the sign-in was cancelled"));
        }
        self.done.notify_waiters();
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn random_base64url(bytes: usize) -> Result<String> {
    let mut buf = vec![0u8; bytes];
    SystemRandom::new()
        .fill(&mut buf)
        .map_err(|_| Error::internal("no randomness for the PKCE verifier"))?;
    Ok(URL_SAFE_NO_PAD.encode(buf))
}

/// Start a sign-in: bind the loopback listener and build the authorize URL. The returned session runs on the
/// current tokio runtime until it ends, times out, or is cancelled or dropped.
pub async fn start(client: &Client, opts: &CallOptions, req: SignInRequest) -> Result<Session> {
    let tenant = validate::tenant("tenantId", &req.tenant)?;
    let client_id = validate::guid("clientId", &req.client_id)?.to_string();
    if let Some(hint) = &req.login_hint {
        if hint.chars().any(char::is_control) || hint.len() > 256 {
            return Err(Error::invalid(
                "loginHint is too long or has control characters",
            ));
        }
    }
    if let Some(p) = &req.prompt {
        if !matches!(p.as_str(), "login" | "select_account" | "consent" | "none") {
            return Err(Error::invalid(
                "prompt must be login, select_account, consent or none",
            ));
        }
    }
    let listener = TcpListener::bind(("127.0.0.1", 0)).await.map_err(|e| {
        Error::new(
            ErrorKind::Network,
            format!("cannot listen on loopback for the sign-in's redirect: {e}"),
        )
    })?;
    let port = listener
        .local_addr()
        .map_err(|e| Error::internal(e.to_string()))?
        .port();
    let redirect_uri = format!("http://localhost:{port}/");
    let verifier = random_base64url(32)?;
    let challenge = URL_SAFE_NO_PAD.encode(
        aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, verifier.as_bytes()).as_ref(),
    );
    let state = Uuid::new_v4().simple().to_string();
    let scope = crate::identity::with_offline_access(&req.scope);
    let endpoint = client.token_endpoint();
    let mut authorize = endpoint.url(&tenant, "authorize");
    {
        let mut q = authorize.query_pairs_mut();
        q.append_pair("client_id", &client_id)
            .append_pair("response_type", "code")
            .append_pair("redirect_uri", &redirect_uri)
            .append_pair("response_mode", "query")
            .append_pair("scope", &scope)
            .append_pair("state", &state)
            .append_pair("code_challenge", &challenge)
            .append_pair("code_challenge_method", "S256");
        if let Some(h) = &req.login_hint {
            q.append_pair("login_hint", h);
        }
        if let Some(p) = &req.prompt {
            q.append_pair("prompt", p);
        }
    }
    let status = Arc::new(Mutex::new(SignInStatus::Pending));
    let done = Arc::new(tokio::sync::Notify::new());
    let expires_on = Utc::now()
        + chrono::Duration::from_std(req.timeout).unwrap_or(chrono::Duration::minutes(5));
    let task = {
        let status = status.clone();
        let done = done.clone();
        let ctx = crate::identity::token_context(client, opts);
        let redirect_uri = redirect_uri.clone();
        tokio::spawn(async move {
            let outcome = tokio::time::timeout(req.timeout, async {
                let (code, error) = wait_for_redirect(&listener, &state).await?;
                if let Some(declined) = error {
                    return Ok(SignInStatus::Declined(declined));
                }
                let token = endpoint
                    .post_form(
                        &tenant,
                        "token",
                        &[
                            ("grant_type", "authorization_code"),
                            ("client_id", &client_id),
                            ("code", &code),
                            ("redirect_uri", &redirect_uri),
                            ("code_verifier", &verifier),
                            ("scope", &scope),
                        ],
                        &ctx,
                        read_token,
                    )
                    .await?
                    .into_token(&scope);
                Ok::<_, Error>(SignInStatus::Completed(Box::new(token)))
            })
            .await;
            *status.lock().unwrap_or_else(|p| p.into_inner()) = match outcome {
                Err(_) => SignInStatus::Expired,
                Ok(Ok(s)) => s,
                Ok(Err(e)) => SignInStatus::Failed(e),
            };
            done.notify_waiters();
        })
    };
    Ok(Session {
        authorize_url: authorize.to_string(),
        redirect_uri,
        expires_on,
        status,
        done,
        task,
    })
}

/// Accept connections until one brings the redirect with our `state`: its code, or the error it carries.
/// Anything else (a favicon request, a stray connection, a wrong state) is answered 404 and ignored.
async fn wait_for_redirect(
    listener: &TcpListener,
    state: &str,
) -> Result<(String, Option<String>)> {
    loop {
        let (mut stream, _) = listener.accept().await.map_err(|e| {
            Error::new(
                ErrorKind::Network,
                format!("the sign-in's listener failed: {e}"),
            )
        })?;
        let mut buf = vec![0u8; 8192];
        let mut len = 0;
        // The request line and headers; the redirect is a GET without a body.
        while len < buf.len() {
            match tokio::time::timeout(Duration::from_secs(5), stream.read(&mut buf[len..])).await {
                Ok(Ok(0)) | Err(_) | Ok(Err(_)) => break,
                Ok(Ok(n)) => {
                    len += n;
                    if buf[..len].windows(4).any(|w| w == b"\r\n\r\n") {
                        break;
                    }
                }
            }
        }
        let head = String::from_utf8_lossy(&buf[..len]);
        let target = head
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("GET "))
            .and_then(|l| l.split_whitespace().next())
            .unwrap_or("");
        let url = Url::parse(&format!("http://localhost{target}")).ok();
        let query: Vec<(String, String)> = url
            .as_ref()
            .map(|u| {
                u.query_pairs()
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect()
            })
            .unwrap_or_default();
        let get = |name: &str| {
            query
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        };
        if get("state").as_deref() != Some(state) {
            let _ = stream
                .write_all(
                    b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                )
                .await;
            continue;
        }
        let (page, result) = match (get("code"), get("error")) {
            (Some(code), None) => (
                "Signed in. You can close this window and return to PowerShell.",
                (code, None),
            ),
            (_, Some(error)) => {
                let description = get("error_description").unwrap_or_default();
                let first = description.lines().next().unwrap_or("").to_string();
                (
                    "The sign-in did not complete. You can close this window.",
                    (String::new(), Some(format!("{error}: {first}"))),
                )
            }
            (None, None) => {
                let _ = stream
                    .write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                    .await;
                continue;
            }
        };
        let body = format!(
            "<!doctype html><html><head><meta charset=\"utf-8\"><title>delegated-admin</title></head><body><p>{page}</p></body></html>"
        );
        let answer = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\nCache-Control: no-store\r\n\r\n{body}",
            body.len()
        );
        let _ = stream.write_all(answer.as_bytes()).await;
        let _ = stream.shutdown().await;
        return Ok(result);
    }
}
