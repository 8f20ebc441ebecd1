//! Azure Lighthouse (ARM `Microsoft.ManagedServices`): list the registration assignments of a subscription
//! or resource group, and remove one (a long-running delete, polled to the end when asked).

use crate::call::Call;
use crate::client::Client;
use crate::error::{Error, ErrorKind, Result};
use crate::lro::{self, Step};
use crate::options::CallOptions;
use crate::pipeline::Request;
use crate::service::{Hosted, Service};
use crate::validate;
use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

/// Azure Resource Manager, where Microsoft.ManagedServices lives.
pub static SERVICE: Service = Service {
    id: "resourceManager",
    name: "Azure Resource Manager",
    correlation_header: "x-ms-correlation-request-id",
    read_error: crate::service_error::by_status,
    public: Some(Hosted {
        endpoint: "https://management.azure.com",
        scope: "https://management.azure.com/.default",
    }),
    us_government: Some(Hosted {
        endpoint: "https://management.usgovcloudapi.net",
        scope: "https://management.usgovcloudapi.net/.default",
    }),
    china: Some(Hosted {
        endpoint: "https://management.chinacloudapi.cn",
        scope: "https://management.chinacloudapi.cn/.default",
    }),
};

/// The stable api-version of Microsoft.ManagedServices.
pub const API_VERSION: &str = "2022-10-01";
const PROVIDER: &str = "providers/Microsoft.ManagedServices/registrationAssignments";

/// `/subscriptions/{guid}` or `/subscriptions/{guid}/resourceGroups/{name}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    pub subscription_id: Uuid,
    pub resource_group: Option<String>,
}

impl Scope {
    pub fn parse(text: &str) -> Result<Scope> {
        let bad = || {
            Error::invalid(format!(
                "scope `{}` is not /subscriptions/{{guid}} or /subscriptions/{{guid}}/resourceGroups/{{name}}",
                validate::printable(text)
            ))
        };
        let parts: Vec<&str> = text.trim().trim_end_matches('/').split('/').collect();
        match parts.as_slice() {
            ["", s, id] if s.eq_ignore_ascii_case("subscriptions") => Ok(Scope {
                subscription_id: validate::guid("scope's subscription id", id)
                    .map_err(|_| bad())?,
                resource_group: None,
            }),
            ["", s, id, r, rg]
                if s.eq_ignore_ascii_case("subscriptions")
                    && r.eq_ignore_ascii_case("resourceGroups") =>
            {
                Ok(Scope {
                    subscription_id: validate::guid("scope's subscription id", id)
                        .map_err(|_| bad())?,
                    resource_group: Some(resource_group_name(rg).ok_or_else(bad)?),
                })
            }
            _ => Err(bad()),
        }
    }

    /// The scope as a path, segments already safe.
    fn path(&self) -> String {
        match &self.resource_group {
            None => format!("/subscriptions/{}", self.subscription_id),
            Some(rg) => format!(
                "/subscriptions/{}/resourceGroups/{rg}",
                self.subscription_id
            ),
        }
    }
}

impl std::fmt::Display for Scope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.path())
    }
}

/// Azure's resource group name rules: 1–90 of letters, digits, `_ - . ( )`, not ending in `.`.
fn resource_group_name(name: &str) -> Option<String> {
    let ok = (1..=90).contains(&name.chars().count())
        && !name.ends_with('.')
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '(' | ')'));
    ok.then(|| name.to_string())
}

/// The full id of one registration assignment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssignmentId {
    pub scope: Scope,
    pub name: Uuid,
}

impl AssignmentId {
    /// Parse `{scope}/providers/Microsoft.ManagedServices/registrationAssignments/{guid}`.
    pub fn parse(text: &str) -> Result<AssignmentId> {
        let lower = text.to_ascii_lowercase();
        let marker = "/providers/microsoft.managedservices/registrationassignments/";
        let at = lower.find(marker).ok_or_else(|| {
            Error::invalid(format!(
                "assignmentId `{}` is not {{scope}}/providers/Microsoft.ManagedServices/registrationAssignments/{{guid}}",
                validate::printable(text)
            ))
        })?;
        let scope = Scope::parse(&text[..at])?;
        let name = validate::guid(
            "assignmentId's assignment name",
            text[at + marker.len()..].trim_end_matches('/'),
        )?;
        Ok(AssignmentId { scope, name })
    }

    pub fn new(scope: Scope, name: &str) -> Result<AssignmentId> {
        Ok(AssignmentId {
            scope,
            name: validate::guid("assignmentName", name)?,
        })
    }

    fn path(&self) -> String {
        format!("{}/{PROVIDER}/{}", self.scope.path(), self.name)
    }
}

impl std::fmt::Display for AssignmentId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.path())
    }
}

/// A registration assignment as ARM returns it. The specification requires none of `id`, `type` and
/// `name` (they are read-only), so an item without them is kept as it came.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RegistrationAssignment {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub resource_type: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub properties: AssignmentProperties,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_data: Option<Value>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AssignmentProperties {
    #[serde(default)]
    pub registration_definition_id: Option<String>,
    #[serde(default)]
    pub provisioning_state: Option<String>,
    /// Present when the definition was expanded: managing tenant, authorizations, ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registration_definition: Option<Value>,
}

/// Items accepted in one ARM page (see [`crate::customers::MAX_PAGE_ITEMS`]).
pub const MAX_PAGE_ITEMS: usize = 10_000;

/// One page of an ARM list (`value`, `nextLink`).
#[derive(Deserialize)]
#[serde(bound(deserialize = "T: Deserialize<'de>"))]
pub(crate) struct ArmPage<T> {
    #[serde(default = "crate::paging::CappedVec::default")]
    pub(crate) value: crate::paging::CappedVec<T, MAX_PAGE_ITEMS>,
    #[serde(rename = "nextLink", default)]
    pub(crate) next_link: Option<String>,
}

/// A page of registration assignments (what the fuzz target parses).
#[cfg_attr(not(feature = "fuzzing"), allow(dead_code))]
pub(crate) type Page = ArmPage<RegistrationAssignment>;

/// Every item of an ARM list from `first`, following `nextLink` (same origin only). A link already
/// followed, or a page that adds nothing new while linking on, ends it with `server_error`; `what` names
/// the items in that error, `id_of` gives an item's id to tell.
pub(crate) async fn every_page<T: serde::de::DeserializeOwned>(
    call: &Call,
    first: url::Url,
    what: &str,
    id_of: impl Fn(&T) -> Option<&str>,
) -> Result<Vec<T>> {
    let mut url = first;
    let mut out = Vec::new();
    let mut guard = crate::paging::ListingGuard::new(call.service.name);
    loop {
        guard
            .visit(&url)
            .map_err(|why| call.error(ErrorKind::ServerError, why))?;
        let page: ArmPage<T> = call
            .execute(&Request::new(Method::GET, url), crate::paging::read_capped)
            .await?;
        let value = page.value.into_inner();
        let added = guard.count_new(value.iter().map(&id_of));
        out.extend(value);
        match page.next_link.filter(|l| !l.is_empty()) {
            Some(_) if added == 0 => {
                return Err(guard.stuck(
                    call,
                    format!("a page listed no {what} that was not listed before, yet linked to another page"),
                ))
            }
            Some(link) => url = call.follow(&link)?,
            None => return Ok(out),
        }
    }
}

/// An ARM `$filter` as given: not blank, no control characters.
pub fn check_filter(filter: Option<&str>) -> Result<()> {
    match filter {
        Some(f) if f.trim().is_empty() || f.chars().any(char::is_control) => Err(Error::invalid(
            "filter is empty or contains control characters",
        )),
        _ => Ok(()),
    }
}

/// Every registration assignment at `scope` (all pages).
pub async fn list_assignments(
    client: &Client,
    opts: &CallOptions,
    scope: &Scope,
    include_definition: bool,
    filter: Option<&str>,
) -> Result<Vec<RegistrationAssignment>> {
    check_filter(filter)?;
    let call = Call::new(client, &SERVICE, opts)?;
    let mut url = call.endpoint.join(&format!("{}/{PROVIDER}", scope.path()));
    {
        let mut q = url.query_pairs_mut();
        q.append_pair("api-version", API_VERSION);
        if include_definition {
            q.append_pair("$expandRegistrationDefinition", "true");
        }
        if let Some(f) = filter {
            q.append_pair("$filter", f);
        }
    }
    every_page(&call, url, "assignment", |a: &RegistrationAssignment| {
        a.id.as_deref()
    })
    .await
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum RemoveStatus {
    /// The assignment is gone.
    Deleted,
    /// ARM accepted the delete and it is still running (`wait` was not asked).
    Accepted,
    /// There was no such assignment (ARM answered 204).
    NotFound,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RemovedAssignment {
    pub assignment_id: String,
    pub status: RemoveStatus,
    /// Where the running delete can be polled, when it is still running.
    pub operation_url: Option<String>,
}

/// Delete one registration assignment. With `wait`, poll the long-running delete (Azure-AsyncOperation,
/// else Location, else, when ARM gave neither, the assignment itself until it is gone) until it ends or the
/// call's deadline passes.
pub async fn remove_assignment(
    client: &Client,
    opts: &CallOptions,
    id: &AssignmentId,
    wait: bool,
) -> Result<RemovedAssignment> {
    let call = Call::new(client, &SERVICE, opts)?;
    let mut url = call.endpoint.join(&id.path());
    url.query_pairs_mut()
        .append_pair("api-version", API_VERSION);
    let first = call
        .send(&Request::new(Method::DELETE, url.clone()))
        .await?;
    let done = |status| RemovedAssignment {
        assignment_id: id.to_string(),
        status,
        operation_url: None,
    };
    match first.status {
        204 => return Ok(done(RemoveStatus::NotFound)),
        202 => {}
        _ => return Ok(done(RemoveStatus::Deleted)),
    }
    let monitor = first
        .header("azure-asyncoperation")
        .map(|a| (a.to_string(), Monitor::AsyncOperation))
        .or_else(|| {
            first
                .header("location")
                .map(|l| (l.to_string(), Monitor::Location))
        });
    match (monitor, wait) {
        (Some((monitor, _)), false) => Ok(RemovedAssignment {
            assignment_id: id.to_string(),
            status: RemoveStatus::Accepted,
            operation_url: Some(monitor),
        }),
        (None, false) => Ok(done(RemoveStatus::Accepted)),
        (Some((monitor, kind)), true) => {
            let monitor_url = call.follow(&monitor)?;
            let what = format!("the delete of {id} (poll {monitor})");
            lro::poll(&call, monitor_url, &first.headers, &what, |answer| {
                let resp = answer?;
                match kind {
                    Monitor::Location if resp.status == 202 => Ok(Step::Running),
                    Monitor::Location => Ok(Step::Done(done(RemoveStatus::Deleted))),
                    Monitor::AsyncOperation => match lro_status(&resp.body) {
                        LroStatus::Succeeded => Ok(Step::Done(done(RemoveStatus::Deleted))),
                        LroStatus::Running => Ok(Step::Running),
                        LroStatus::Ended {
                            status,
                            code,
                            message,
                        } => {
                            let mut e = call.error(
                                ErrorKind::ServerError,
                                format!("the delete of {id} ended {status}: {message}"),
                            );
                            e.code = code;
                            Err(e)
                        }
                    },
                }
            })
            .await
        }
        // ARM accepted the delete without a URL to poll: read the assignment until ARM says it is gone.
        (None, true) => {
            let what = format!(
                "the delete of {id} (with no operation to poll; read the assignment again later)"
            );
            lro::poll(&call, url, &first.headers, &what, |answer| match answer {
                Ok(_) => Ok(Step::Running),
                Err(e) if e.kind == ErrorKind::NotFound => {
                    Ok(Step::Done(done(RemoveStatus::Deleted)))
                }
                Err(e) => Err(e),
            })
            .await
        }
    }
}

/// Read an assignment whose delete is already running (ARM answered 409 `AnotherOperationInProgress`: a
/// delete sent by an interrupted or cancelled run) until ARM says it is gone, within the call's deadline.
pub async fn wait_until_gone(
    client: &Client,
    opts: &CallOptions,
    id: &AssignmentId,
) -> Result<RemovedAssignment> {
    let call = Call::new(client, &SERVICE, opts)?;
    let mut url = call.endpoint.join(&id.path());
    url.query_pairs_mut()
        .append_pair("api-version", API_VERSION);
    let what = format!("the delete of {id} that was already running");
    let gone = RemovedAssignment {
        assignment_id: id.to_string(),
        status: RemoveStatus::Deleted,
        operation_url: None,
    };
    lro::poll(
        &call,
        url,
        &reqwest::header::HeaderMap::new(),
        &what,
        |answer| match answer {
            Ok(_) => Ok(Step::Running),
            Err(e) if e.kind == ErrorKind::NotFound => Ok(Step::Done(gone.clone())),
            Err(e) => Err(e),
        },
    )
    .await
}

#[derive(Clone, Copy)]
enum Monitor {
    AsyncOperation,
    Location,
}

/// What an `Azure-AsyncOperation` status body says.
#[derive(Debug, PartialEq)]
pub(crate) enum LroStatus {
    Succeeded,
    /// `Failed` or `Canceled`, with the body's `error.code` and `error.message`.
    Ended {
        status: String,
        code: Option<String>,
        message: String,
    },
    /// Anything else (`Deleting`, `InProgress`, an unreadable body): poll again.
    Running,
}

pub(crate) fn lro_status(body: &[u8]) -> LroStatus {
    let body: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let status = body.get("status").and_then(Value::as_str).unwrap_or("");
    if status.eq_ignore_ascii_case("Succeeded") {
        return LroStatus::Succeeded;
    }
    if !(status.eq_ignore_ascii_case("Failed") || status.eq_ignore_ascii_case("Canceled")) {
        return LroStatus::Running;
    }
    let error = body.get("error");
    let text = |k: &str| {
        error
            .and_then(|e| e.get(k))
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    LroStatus::Ended {
        status: status.to_string(),
        code: text("code"),
        message: text("message").unwrap_or_else(|| "no details".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes() {
        let s = Scope::parse("/subscriptions/53018d99-ac51-4ec8-b86e-c8a61de43717").unwrap();
        assert!(s.resource_group.is_none());
        let s = Scope::parse(
            "/subscriptions/53018d99-ac51-4ec8-b86e-c8a61de43717/resourceGroups/rg-1.(x)",
        )
        .unwrap();
        assert_eq!(s.resource_group.as_deref(), Some("rg-1.(x)"));
        for bad in [
            "",
            "/subscriptions/x",
            "subscriptions/53018d99-ac51-4ec8-b86e-c8a61de43717",
            "/subscriptions/53018d99-ac51-4ec8-b86e-c8a61de43717/resourceGroups/a/b",
            "/subscriptions/53018d99-ac51-4ec8-b86e-c8a61de43717/resourceGroups/..",
            "/subscriptions/53018d99-ac51-4ec8-b86e-c8a61de43717/resourceGroups/a%2f",
            "/providers/Microsoft.Management/managementGroups/x",
        ] {
            assert!(Scope::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn assignment_ids() {
        let text = "/subscriptions/53018d99-ac51-4ec8-b86e-c8a61de43717/providers/Microsoft.ManagedServices/registrationAssignments/6fc468f5-b399-4e05-a6f1-da8a33da9a6c";
        let id = AssignmentId::parse(text).unwrap();
        assert_eq!(id.to_string(), text);
        assert!(AssignmentId::parse("/subscriptions/53018d99-ac51-4ec8-b86e-c8a61de43717/providers/Microsoft.ManagedServices/registrationAssignments/../x").is_err());
    }
}
