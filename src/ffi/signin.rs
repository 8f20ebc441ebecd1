//! Interactive browser sign-ins started from C, C# or PowerShell: kept by id until they end and are taken,
//! or are cancelled. The caller opens the authorize URL in a browser and polls; nothing is called back.

use crate::error::{Error, ErrorKind, Result};
use crate::interactive::{Session, SignInStatus};
use once_cell::sync::Lazy;
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use uuid::Uuid;

/// Sign-ins kept at once; the oldest finished ones go first.
const MAX_SESSIONS: usize = 64;

static SESSIONS: Lazy<Mutex<HashMap<Uuid, Arc<Session>>>> = Lazy::new(Default::default);

fn sessions() -> std::sync::MutexGuard<'static, HashMap<Uuid, Arc<Session>>> {
    SESSIONS.lock().unwrap_or_else(|p| p.into_inner())
}

pub(crate) fn keep(session: Session) -> Result<Uuid> {
    let mut all = sessions();
    if all.len() >= MAX_SESSIONS {
        all.retain(|_, s| matches!(s.status(), SignInStatus::Pending));
        if all.len() >= MAX_SESSIONS {
            return Err(Error::new(
                ErrorKind::Conflict,
                format!("{MAX_SESSIONS} sign-ins are already waiting: cancel some first"),
            ));
        }
    }
    let id = Uuid::new_v4();
    all.insert(id, Arc::new(session));
    Ok(id)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct SessionInput {
    pub session_id: String,
    /// `da_poll_interactive_sign_in`: wait up to this many seconds for the sign-in to end (default 0).
    pub wait_seconds: Option<f64>,
}

fn find(id: &str) -> Result<(Uuid, Arc<Session>)> {
    let id = crate::validate::guid("sessionId", id)?;
    let session = sessions().get(&id).cloned().ok_or_else(|| {
        Error::new(
            ErrorKind::NotFound,
            format!(
                "no sign-in {id} (a finished sign-in is taken by the poll that reports its end)"
            ),
        )
    })?;
    Ok((id, session))
}

/// One poll: the status, and when it ended the token (the session is then released).
pub(crate) fn poll(input: SessionInput) -> Result<Value> {
    let wait = input.wait_seconds.unwrap_or(0.0);
    if !(wait.is_finite() && (0.0..=600.0).contains(&wait)) {
        return Err(Error::invalid("waitSeconds must be from 0 to 600"));
    }
    let (id, session) = find(&input.session_id)?;
    let status = if wait > 0.0 {
        let s = session.clone();
        super::boundary::runtime()?
            .block_on(async move { s.wait(Duration::from_secs_f64(wait)).await })
    } else {
        session.status()
    };
    let answer = match status {
        SignInStatus::Pending => return Ok(json!({ "sessionId": id, "status": "pending" })),
        SignInStatus::Completed(token) => json!({
            "sessionId": id, "status": "completed",
            "token": serde_json::to_value(super::inputs::TokenOutput::from(*token))
                .map_err(|e| Error::internal(e.to_string()))?,
        }),
        SignInStatus::Declined(why) => {
            json!({ "sessionId": id, "status": "declined", "reason": why })
        }
        SignInStatus::Expired => json!({ "sessionId": id, "status": "expired" }),
        SignInStatus::Failed(e) => json!({ "sessionId": id, "status": "failed", "error": e }),
    };
    sessions().remove(&id);
    Ok(answer)
}

pub(crate) fn cancel(input: SessionInput) -> Result<Value> {
    let (id, session) = find(&input.session_id)?;
    session.cancel();
    sessions().remove(&id);
    Ok(json!({ "sessionId": id, "cancelled": true }))
}
