//! Changing a relationship: auto-extend on or off, and the Global Administrator role's removal (a
//! long-running operation). Both are a `PATCH` with `If-Match`: a 412 (someone changed the relationship
//! since it was read) is answered by reading it again and retrying once; a second 412 is `conflict`.

use super::relationships::{read, FetchedRelationship};
use super::{Relationship, RelationshipId, Target, UnifiedRole, GLOBAL_ADMINISTRATOR};
use crate::call::Call;
use crate::client::Client;
use crate::error::{Error, ErrorKind, Result};
use crate::lro::{self, Step};
use crate::options::CallOptions;
use crate::pipeline::{Request, Response};
use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// `autoExtendDuration`: extend by 180 days at the end, or not at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AutoExtend {
    /// `P180D`.
    Days180,
    /// `PT0S` (Graph also takes `P0D`).
    Off,
}

impl AutoExtend {
    /// `P180D`, `PT0S` or `P0D` (any case).
    pub fn parse(text: &str) -> Result<AutoExtend> {
        match text.trim().to_ascii_uppercase().as_str() {
            "P180D" => Ok(AutoExtend::Days180),
            "PT0S" | "P0D" => Ok(AutoExtend::Off),
            _ => Err(Error::invalid(format!(
                "autoExtendDuration `{}` must be P180D (extend by 180 days) or PT0S (do not extend)",
                crate::validate::printable(text)
            ))),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            AutoExtend::Days180 => "P180D",
            AutoExtend::Off => "PT0S",
        }
    }
}

/// The rule Graph and Partner Center enforce, as the error a caller gets before any request.
fn global_admin_refusal(id: &RelationshipId, fresh: bool) -> Error {
    Error::invalid(format!(
        "relationship {id} holds the Global Administrator role ({GLOBAL_ADMINISTRATOR}): a GDAP relationship with Global Administrator cannot be auto-extended (Microsoft's rule); remove the role first (da_remove_gdap_global_admin_role), then turn auto-extend on{}",
        if fresh {
            ""
        } else {
            ". Nothing was sent: the relationship given holds the role; pass its id instead to have it read again"
        }
    ))
    .with_code("globalAdministratorNotExtendable")
}

/// Refuse, without a request, turning auto-extend on for a relationship the caller passed whose roles hold
/// Global Administrator. An id alone, or a relationship without its roles, passes here (its roles are read
/// before the change).
pub fn check_auto_extend(target: &Target, value: AutoExtend) -> Result<()> {
    if let (Target::Relationship(_, r), AutoExtend::Days180) = (target, value) {
        if r.holds_global_administrator() == Some(true) {
            return Err(global_admin_refusal(&target.id(), false));
        }
    }
    Ok(())
}

/// What the caller gave, when it is enough to change the relationship without reading it first: its roles
/// and its ETag.
fn given(target: &Target) -> Option<FetchedRelationship> {
    match target {
        Target::Relationship(_, r) if r.access_details.is_some() && r.etag.is_some() => {
            Some(FetchedRelationship {
                id: target.id(),
                etag: r.etag.clone(),
                relationship: (**r).clone(),
            })
        }
        _ => None,
    }
}

/// PATCH `body` with `If-Match: etag`, reading the relationship first when `known` is not given, and once
/// more after a 412. `decide` looks at the relationship about to be changed: it returns the body to send,
/// or `Err` to stop (a rule the relationship breaks), or `Ok(None)` when there is nothing to change.
async fn patch_with_etag(
    call: &Call,
    id: &RelationshipId,
    mut known: Option<FetchedRelationship>,
    decide: impl Fn(&FetchedRelationship, bool) -> Result<Option<Value>>,
) -> Result<PatchOutcome> {
    let mut attempt = 0u32;
    loop {
        let (current, fresh) = match known.take() {
            Some(k) => (k, false),
            None => (read(call, id).await?, true),
        };
        let Some(body) = decide(&current, fresh)? else {
            return Ok(PatchOutcome::Unchanged(current, attempt));
        };
        let etag = current.etag.clone().ok_or_else(|| {
            call.error(
                ErrorKind::ServerError,
                format!(
                    "{} sent relationship {id} without an ETag: it cannot be changed safely",
                    call.service.name
                ),
            )
        })?;
        let req = Request::new(Method::PATCH, id.url(call))
            .header("If-Match", &etag)
            .json(&body);
        match call.send(&req).await {
            Ok(resp) => return Ok(PatchOutcome::Sent(resp, body, attempt)),
            Err(e) if e.status == Some(412) && attempt == 0 => attempt += 1,
            Err(mut e) if e.status == Some(412) => {
                e.message.push_str(
                    "; the relationship changed again after it was read again (one retry after a 412); read it and try again",
                );
                return Err(e);
            }
            Err(e) => return Err(e),
        }
    }
}

enum PatchOutcome {
    /// The answer, the body sent, and how many 412s were retried.
    Sent(Response, Value, u32),
    /// Nothing to change; the relationship as read.
    Unchanged(FetchedRelationship, u32),
}

/// What setting auto-extend left.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AutoExtendResult {
    pub id: RelationshipId,
    pub auto_extend_duration: &'static str,
    /// The relationship's ETag after the change.
    pub etag: Option<String>,
    /// The relationship as Graph returned it after the change.
    pub relationship: Relationship,
    /// 1 when a 412 was answered by reading the relationship again and retrying.
    pub precondition_retries: u32,
}

/// Set `autoExtendDuration` (`PATCH` with `If-Match`). A relationship passed with its roles and ETag is
/// changed without reading it first; an id is read first. Turning auto-extend on for a relationship that
/// holds Global Administrator is refused before the `PATCH` (before any request, when the caller passed
/// the relationship). A 412 is answered by reading again and retrying once, then `conflict`.
pub async fn set_auto_extend(
    client: &Client,
    opts: &CallOptions,
    target: &Target,
    value: AutoExtend,
) -> Result<AutoExtendResult> {
    check_auto_extend(target, value)?;
    let id = target.id();
    let call = crate::call::Call::new(client, &super::SERVICE, opts)?;
    let outcome = patch_with_etag(&call, &id, given(target), |current, fresh| {
        if value == AutoExtend::Days180
            && current.relationship.holds_global_administrator() == Some(true)
        {
            return Err(global_admin_refusal(&id, fresh).with_correlation_id(opts.correlation_id));
        }
        Ok(Some(json!({ "autoExtendDuration": value.as_str() })))
    })
    .await?;
    let (resp, retries) = match outcome {
        PatchOutcome::Sent(resp, _, retries) => (resp, retries),
        PatchOutcome::Unchanged(..) => {
            return Err(Error::internal("auto-extend decided to send nothing"))
        }
    };
    let relationship: Relationship = crate::pipeline::json(&resp).map_err(|why| {
        call.error(
            ErrorKind::ServerError,
            format!(
                "{} changed relationship {id} but its answer could not be read: {why}",
                call.service.name
            ),
        )
    })?;
    Ok(AutoExtendResult {
        id,
        auto_extend_duration: value.as_str(),
        etag: resp
            .header("etag")
            .map(str::to_string)
            .or_else(|| relationship.etag.clone()),
        relationship,
        precondition_retries: retries,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum RemovalStatus {
    /// The role is gone (the operation succeeded, or Graph changed the relationship at once).
    Removed,
    /// Graph accepted the removal and it is still running (`wait` was not asked): poll `operationUrl`.
    Accepted,
    /// The relationship does not hold Global Administrator: nothing was changed.
    NotHeld,
}

/// What removing Global Administrator left.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GlobalAdminRemoval {
    pub id: RelationshipId,
    pub status: RemovalStatus,
    /// The long-running operation's id and URL (`Location`), when Graph started one.
    pub operation_id: Option<String>,
    pub operation_url: Option<String>,
    /// The operation as last read (with `wait`), as Graph wrote it.
    pub operation: Option<Value>,
    /// The roles that remain (as sent).
    pub remaining_roles: usize,
    pub precondition_retries: u32,
}

/// An operation as a poll reads it.
#[derive(Deserialize)]
struct Operation {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    status: Option<String>,
    /// A JSON string: on failure `{"error":{"code","message"}}`.
    #[serde(default)]
    data: Option<Value>,
}

/// Remove the Global Administrator role from a relationship: `PATCH accessDetails` with every other role,
/// `If-Match` its ETag. The relationship is always read first, even when the caller passed it, so that the
/// roles sent are exactly the current ones without Global Administrator (a stale or edited copy can never
/// take another role away). Graph answers 202 with the operation's `Location` and `Retry-After`; with `wait`,
/// the operation is polled (the one shared poller) until it ends within the call's deadline, and a failed
/// operation is an error carrying its code and message. A relationship without the role is left alone
/// (`notHeld`, no `PATCH`); one whose only role it is is refused (Graph requires at least one role:
/// terminate it instead).
pub async fn remove_global_admin_role(
    client: &Client,
    opts: &CallOptions,
    target: &Target,
    wait: bool,
) -> Result<GlobalAdminRemoval> {
    check_removal(target)?;
    let id = target.id();
    let call = crate::call::Call::new(client, &super::SERVICE, opts)?;
    let outcome = patch_with_etag(&call, &id, None, |current, _| {
        let roles = remaining_roles(&current.relationship);
        match roles {
            None => Ok(None),
            Some(roles) if roles.is_empty() => {
                Err(only_role(&id).with_correlation_id(opts.correlation_id))
            }
            Some(roles) => Ok(Some(json!({ "accessDetails": { "unifiedRoles": roles } }))),
        }
    })
    .await?;
    let (resp, remaining, retries) = match outcome {
        PatchOutcome::Unchanged(current, retries) => {
            (None, current.relationship.roles_count(), retries)
        }
        PatchOutcome::Sent(resp, body, retries) => {
            let sent = body["accessDetails"]["unifiedRoles"]
                .as_array()
                .map_or(0, Vec::len);
            (Some(resp), sent, retries)
        }
    };
    let result = |status| GlobalAdminRemoval {
        id,
        status,
        operation_id: None,
        operation_url: None,
        operation: None,
        remaining_roles: remaining,
        precondition_retries: retries,
    };
    let Some(resp) = resp else {
        return Ok(result(RemovalStatus::NotHeld));
    };
    if resp.status != 202 {
        return Ok(result(RemovalStatus::Removed));
    }
    let Some(location) = resp.header("location").map(str::to_string) else {
        return Err(call.error(
            ErrorKind::ServerError,
            format!(
                "{} accepted the removal of Global Administrator from {id} (202) without a Location to follow it; read the relationship later to see whether the role is gone",
                call.service.name
            ),
        ));
    };
    let monitor = call.follow(&location)?;
    let operation_id = monitor
        .path_segments()
        .and_then(|mut s| s.next_back())
        .map(str::to_string);
    if !wait {
        return Ok(GlobalAdminRemoval {
            operation_id,
            operation_url: Some(location),
            ..result(RemovalStatus::Accepted)
        });
    }
    let what =
        format!("the removal of Global Administrator from relationship {id} (poll {location})");
    let operation = lro::poll(&call, monitor, &resp.headers, &what, |answer| {
        let resp = answer?;
        let Ok(raw) = serde_json::from_slice::<Value>(&resp.body) else {
            return Ok(Step::Running);
        };
        let Ok(op) = serde_json::from_value::<Operation>(raw.clone()) else {
            return Ok(Step::Running);
        };
        match op.status.as_deref() {
            Some("succeeded") => Ok(Step::Done(raw)),
            Some("failed") => Err(operation_failed(&call, &id, &op)),
            _ => Ok(Step::Running),
        }
    })
    .await?;
    Ok(GlobalAdminRemoval {
        operation_id: operation_id.or_else(|| {
            operation
                .get("id")
                .and_then(Value::as_str)
                .map(str::to_string)
        }),
        operation_url: Some(location),
        operation: Some(operation),
        ..result(RemovalStatus::Removed)
    })
}

/// Refuse, without a request, removing the role from a relationship the caller passed whose only role it is.
pub fn check_removal(target: &Target) -> Result<()> {
    if let Target::Relationship(_, r) = target {
        if remaining_roles(r).is_some_and(|roles| roles.is_empty()) {
            return Err(only_role(&target.id()));
        }
    }
    Ok(())
}

fn only_role(id: &RelationshipId) -> Error {
    Error::invalid(format!(
        "Global Administrator is the only role of relationship {id}, and a relationship keeps at least one role: terminate it instead (da_terminate_gdap_relationship)"
    ))
    .with_code("globalAdministratorOnlyRole")
}

/// The roles without Global Administrator; `None` when the relationship does not hold it (or its roles are
/// not in this copy).
fn remaining_roles(r: &Relationship) -> Option<Vec<UnifiedRole>> {
    let details = r.access_details.as_ref()?;
    if !details.holds_global_administrator() {
        return None;
    }
    Some(
        details
            .unified_roles
            .iter()
            .filter(|role| !role.is_global_administrator())
            .cloned()
            .collect(),
    )
}

/// A failed operation as an error: the code and message of its `data` (a JSON string), else the raw data.
fn operation_failed(call: &Call, id: &RelationshipId, op: &Operation) -> Error {
    let data: Option<Value> = match &op.data {
        Some(Value::String(s)) => serde_json::from_str(s)
            .ok()
            .or(Some(Value::String(s.clone()))),
        other => other.clone(),
    };
    let text = |k: &str| {
        data.as_ref()
            .and_then(|d| d.get("error"))
            .and_then(|e| e.get(k))
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    let detail = text("message").unwrap_or_else(|| {
        data.as_ref()
            .map_or_else(|| "no details".to_string(), |d| shorten(&d.to_string()))
    });
    let mut e = call.error(
        ErrorKind::ServerError,
        format!(
            "the removal of Global Administrator from relationship {id} failed (operation {}): {detail}; the relationship keeps its roles",
            op.id.as_deref().unwrap_or("?")
        ),
    );
    e.code = text("code");
    e
}

fn shorten(text: &str) -> String {
    match text.char_indices().nth(300) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_roles(roles: &[&str]) -> Relationship {
        serde_json::from_value(json!({
            "@odata.etag": "W/\"1\"",
            "id": "5e5594d3-6f82-458b-b567-77db4811f0cd-5f0b1c6e-8a3d-4b7e-9c21-0d4e6f8a9b10",
            "accessDetails": {"unifiedRoles": roles.iter().map(|r| json!({"roleDefinitionId": r})).collect::<Vec<_>>()},
        }))
        .unwrap()
    }

    #[test]
    fn auto_extend_values() {
        assert_eq!(AutoExtend::parse("p180d").unwrap(), AutoExtend::Days180);
        assert_eq!(AutoExtend::parse("P0D").unwrap(), AutoExtend::Off);
        assert_eq!(AutoExtend::parse("PT0S").unwrap().as_str(), "PT0S");
        assert!(AutoExtend::parse("P90D").is_err());
    }

    #[test]
    fn rules_checked_before_any_request() {
        let ga = GLOBAL_ADMINISTRATOR.to_string();
        let other = "29232cdf-9323-42fd-ade2-1d097af3e4de";
        let t = Target::relationship(with_roles(&[&ga, other])).unwrap();
        let e = check_auto_extend(&t, AutoExtend::Days180).unwrap_err();
        assert!(e.message.contains("Global Administrator"), "{e}");
        assert_eq!(e.code.as_deref(), Some("globalAdministratorNotExtendable"));
        assert!(check_auto_extend(&t, AutoExtend::Off).is_ok());
        assert!(check_removal(&t).is_ok());
        assert_eq!(
            remaining_roles(&with_roles(&[&ga, other])).unwrap().len(),
            1
        );
        assert!(remaining_roles(&with_roles(&[other])).is_none());
        let only = Target::relationship(with_roles(&[&ga])).unwrap();
        assert_eq!(
            check_removal(&only).unwrap_err().code.as_deref(),
            Some("globalAdministratorOnlyRole")
        );
        let id = Target::Id(t.id());
        assert!(check_auto_extend(&id, AutoExtend::Days180).is_ok());
    }
}
