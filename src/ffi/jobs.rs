//! Long-running operations for C, C# and PowerShell: start one, poll its progress and events, cancel it,
//! take its result, free it. The work runs on the library's runtime; the caller's thread is never called
//! back — it polls.

use super::boundary::{Done, IntoDone};
use crate::cleanup::progress::{Event, Progress};
use crate::cleanup::JobControl;
use crate::error::{Error, ErrorKind, Result};
use crate::secret::Secret;
use once_cell::sync::Lazy;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use uuid::Uuid;

pub(crate) struct Job {
    operation: &'static str,
    control: Arc<JobControl>,
    /// Once finished: whether it succeeded, and its envelope (ok or error), scrubbed of the request's secrets.
    envelope: Mutex<Option<Finished>>,
    done: tokio::sync::Notify,
    started: Instant,
}

struct Finished {
    succeeded: bool,
    envelope: String,
}

static JOBS: Lazy<Mutex<HashMap<Uuid, Arc<Job>>>> = Lazy::new(Default::default);

fn jobs() -> std::sync::MutexGuard<'static, HashMap<Uuid, Arc<Job>>> {
    JOBS.lock().unwrap_or_else(|p| p.into_inner())
}

/// Start `work` on the runtime as a job; returns its id.
pub(crate) fn spawn<F>(
    operation: &'static str,
    control: Arc<JobControl>,
    correlation_id: Uuid,
    secrets: Vec<Secret>,
    work: F,
) -> Result<Uuid>
where
    F: Future + Send + 'static,
    F::Output: IntoDone + Send + 'static,
{
    let id = Uuid::new_v4();
    let job = Arc::new(Job {
        operation,
        control,
        envelope: Mutex::new(None),
        done: tokio::sync::Notify::new(),
        started: Instant::now(),
    });
    jobs().insert(id, job.clone());
    let runtime = super::boundary::runtime()?;
    runtime.spawn(async move {
        // A panic in the work is caught by the task; turn it into an internal error like any export does.
        let outcome = tokio::spawn(work).await;
        // Settling the job runs under its own panic guard: a job must never stay "running" for ever.
        let finished = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let done = match outcome {
                Ok(output) => output.into_done(),
                Err(join) => Done {
                    result: None,
                    error: Some(Error::internal(format!("the job failed: {join}"))),
                    trace: None,
                },
            };
            let succeeded = done.succeeded();
            Finished {
                succeeded,
                envelope: crate::secret::scrub_json(done.envelope(correlation_id), &secrets),
            }
        }))
        .unwrap_or_else(|_| Finished {
            succeeded: false,
            envelope: super::boundary::error_envelope(
                Error::internal("the library failed while settling the job"),
                correlation_id,
            )
            .to_string(),
        });
        *job.envelope.lock().unwrap_or_else(|p| p.into_inner()) = Some(finished);
        job.done.notify_waiters();
    });
    Ok(id)
}

fn find(id: &str) -> Result<(Uuid, Arc<Job>)> {
    let id = crate::validate::guid("jobId", id)?;
    let job = jobs().get(&id).cloned().ok_or_else(|| {
        Error::new(
            ErrorKind::NotFound,
            format!("no job {id} (finished jobs are kept until da_job_free)"),
        )
    })?;
    Ok((id, job))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct JobInput {
    pub job_id: String,
    /// `da_job_poll`: most events to return (default 1000).
    pub max_events: Option<usize>,
    /// `da_job_result`: wait up to this many seconds for the job to finish (default 0).
    pub wait_seconds: Option<f64>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct JobStatus {
    job_id: Uuid,
    operation: &'static str,
    /// `running`, `cancelling`, `succeeded`, `failed`, `cancelled`.
    state: &'static str,
    elapsed_seconds: f64,
    progress: Progress,
    events: Vec<Event>,
    dropped_events: u64,
}

fn state(job: &Job) -> &'static str {
    let envelope = job.envelope.lock().unwrap_or_else(|p| p.into_inner());
    let cancelled = job.control.is_cancelled();
    match envelope.as_ref() {
        None if cancelled => "cancelling",
        None => "running",
        Some(_) if cancelled => "cancelled",
        Some(f) if f.succeeded => "succeeded",
        Some(_) => "failed",
    }
}

fn status(id: Uuid, job: &Job, max_events: usize) -> JobStatus {
    JobStatus {
        job_id: id,
        operation: job.operation,
        state: state(job),
        elapsed_seconds: job.started.elapsed().as_secs_f64(),
        progress: job.control.progress(),
        events: job.control.take_events(max_events),
        dropped_events: job.control.dropped_events(),
    }
}

pub(crate) fn poll(input: JobInput) -> Result<JobStatus> {
    let (id, job) = find(&input.job_id)?;
    Ok(status(
        id,
        &job,
        input.max_events.unwrap_or(1000).min(100_000),
    ))
}

pub(crate) fn cancel(input: JobInput) -> Result<JobStatus> {
    let (id, job) = find(&input.job_id)?;
    job.control.cancel();
    Ok(status(id, &job, 0))
}

/// The finished job's own envelope text, or an error envelope while it runs.
pub(crate) fn result(input: &JobInput, correlation_id: Uuid) -> Result<String> {
    let (id, job) = find(&input.job_id)?;
    let wait = input.wait_seconds.unwrap_or(0.0);
    if !(wait.is_finite() && (0.0..=86_400.0).contains(&wait)) {
        return Err(Error::invalid("waitSeconds must be from 0 to 86400"));
    }
    if wait > 0.0 {
        let job2 = job.clone();
        super::boundary::runtime()?.block_on(async move {
            let notified = job2.done.notified();
            if job2
                .envelope
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .is_none()
            {
                let _ = tokio::time::timeout(Duration::from_secs_f64(wait), notified).await;
            }
        });
    }
    let envelope = job
        .envelope
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .as_ref()
        .map(|f| f.envelope.clone());
    envelope.ok_or_else(|| {
        Error::new(
            ErrorKind::Conflict,
            format!(
                "job {id} is still {}: poll it, or pass waitSeconds",
                state(&job)
            ),
        )
        .with_correlation_id(correlation_id)
    })
}

pub(crate) fn free(input: JobInput) -> Result<Value> {
    let (id, job) = find(&input.job_id)?;
    job.control.cancel();
    jobs().remove(&id);
    Ok(json!({ "jobId": id, "freed": true }))
}

/// The `listCustomers` job: every page (or up to `maxResults`), counting the customers listed in the job's
/// progress as the pages arrive. A cancel stops the listing at once and the job ends with a `conflict`
/// error: a partial list would look like a complete one.
pub(crate) async fn list_customers(
    client: crate::client::Client,
    opts: crate::options::CallOptions,
    req: crate::customers::ListCustomersRequest,
    control: Arc<JobControl>,
) -> Result<crate::customers::CustomerList> {
    control.update(|p| p.phase = "listing".into());
    control.event("listing delegated admin customers", None, None);
    let mut customers = Vec::new();
    let listing = crate::customers::for_each_page(&client, &opts, &req, |page| {
        let n = page.len() as u64;
        customers.extend(page);
        control.update(|p| p.customers_listed += n);
        control.event(format!("listed a page of {n} customers"), None, None);
    });
    let (count, next_link) = tokio::select! {
        listed = listing => listed?,
        _ = control.cancelled() => {
            control.update(|p| p.phase = "finished".into());
            return Err(Error::new(
                ErrorKind::Conflict,
                "the listing was cancelled before it ended; no customers are returned",
            ));
        }
    };
    if let Some(max) = req.max_results {
        customers.truncate(usize::try_from(max).unwrap_or(usize::MAX));
    }
    control.update(|p| p.phase = "finished".into());
    control.event(format!("listed {} customers", customers.len()), None, None);
    Ok(crate::customers::CustomerList {
        customers,
        count,
        next_link,
    })
}

/// The `removeLighthouseAssignment` job: one delete, and with `wait` its polling until ARM says it ended.
/// A cancel stops waiting (the delete ARM accepted goes on there) and the job ends with a `conflict` error
/// that says so.
pub(crate) async fn remove_lighthouse_assignment(
    client: crate::client::Client,
    opts: crate::options::CallOptions,
    id: crate::lighthouse::AssignmentId,
    wait: bool,
    control: Arc<JobControl>,
) -> Result<crate::lighthouse::RemovedAssignment> {
    control.update(|p| {
        p.phase = if wait { "waiting" } else { "removing" }.into();
        p.total = 1;
    });
    control.event(format!("deleting {id}"), None, None);
    let removal = crate::lighthouse::remove_assignment(&client, &opts, &id, wait);
    let removed = tokio::select! {
        removed = removal => removed?,
        _ = control.cancelled() => {
            control.update(|p| p.phase = "finished".into());
            return Err(Error::new(
                ErrorKind::Conflict,
                format!("stopped waiting for the delete of {id}; if ARM accepted it, it goes on there"),
            ));
        }
    };
    control.update(|p| {
        p.phase = "finished".into();
        p.done = 1;
        p.removed = u64::from(removed.status != crate::lighthouse::RemoveStatus::NotFound);
    });
    control.event(
        format!(
            "{id}: {}",
            serde_json::to_value(removed.status).unwrap_or_default()
        ),
        None,
        None,
    );
    Ok(removed)
}

/// The `listGdapRelationships` job: every page, counting the relationships listed in the job's progress as
/// the pages arrive. A cancel stops the listing at once and the job ends with a `conflict` error: a partial
/// list would look like a complete one.
pub(crate) async fn list_gdap_relationships(
    client: crate::client::Client,
    opts: crate::options::CallOptions,
    req: crate::gdap::ListRelationshipsRequest,
    control: Arc<JobControl>,
) -> Result<Value> {
    control.update(|p| p.phase = "listing".into());
    control.event("listing GDAP relationships", None, None);
    let mut relationships = Vec::new();
    let listing = crate::gdap::for_each_relationship_page(&client, &opts, &req, |page| {
        let n = page.len() as u64;
        relationships.extend(page);
        control.update(|p| p.relationships_listed += n);
        control.event(format!("listed a page of {n} relationships"), None, None);
    });
    tokio::select! {
        listed = listing => listed?,
        _ = control.cancelled() => {
            control.update(|p| p.phase = "finished".into());
            return Err(Error::new(
                ErrorKind::Conflict,
                "the listing was cancelled before it ended; no relationships are returned",
            ));
        }
    };
    control.update(|p| p.phase = "finished".into());
    control.event(
        format!("listed {} relationships", relationships.len()),
        None,
        None,
    );
    Ok(json!({ "relationships": relationships }))
}

/// The GDAP changes a job may wait for.
#[derive(Clone, Copy)]
pub(crate) enum GdapChange {
    RemoveGlobalAdmin,
    Terminate,
}

/// The `removeGdapGlobalAdminRole` and `terminateGdapRelationship` jobs: one change, and with `wait` its
/// polling until Graph says it ended. A cancel stops waiting (what Graph accepted goes on there) and the
/// job ends with a `conflict` error that says so.
pub(crate) async fn gdap_wait(
    change: GdapChange,
    client: crate::client::Client,
    opts: crate::options::CallOptions,
    target: crate::gdap::Target,
    wait: bool,
    control: Arc<JobControl>,
) -> Result<Value> {
    let id = target.id();
    let what = match change {
        GdapChange::RemoveGlobalAdmin => "the removal of Global Administrator from",
        GdapChange::Terminate => "the termination of",
    };
    control.update(|p| {
        p.phase = if wait { "waiting" } else { "sending" }.into();
        p.total = 1;
    });
    control.event(format!("{what} relationship {id}"), None, None);
    let work = async {
        match change {
            GdapChange::RemoveGlobalAdmin => {
                let r =
                    crate::gdap::remove_global_admin_role(&client, &opts, &target, wait).await?;
                let status = serde_json::to_value(r.status).unwrap_or_default();
                Ok::<_, Error>((serde_json::to_value(&r), status))
            }
            GdapChange::Terminate => {
                let r = crate::gdap::terminate_relationship(&client, &opts, &id, wait).await?;
                let status = Value::String(r.status.clone());
                Ok((serde_json::to_value(&r), status))
            }
        }
    };
    let (result, status) = tokio::select! {
        done = work => done?,
        _ = control.cancelled() => {
            control.update(|p| p.phase = "finished".into());
            return Err(Error::new(
                ErrorKind::Conflict,
                format!("stopped waiting for {what} relationship {id}; if Graph accepted it, it goes on there"),
            ));
        }
    };
    control.update(|p| {
        p.phase = "finished".into();
        p.done = 1;
    });
    control.event(format!("{what} relationship {id}: {status}"), None, None);
    result.map_err(|e| Error::internal(format!("cannot serialise the result: {e}")))
}
