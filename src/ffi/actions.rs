//! `da_plan` and `da_apply`: every action of the engine behind one pair of functions (and the job
//! operations `plan` and `apply`). `removeDap` takes the DAP cleanup's own requests; the other actions
//! share the plan file of [`crate::actions::plan_file`] and the apply options below.

use super::boundary::{Common, Done, Fields, IntoDone};
use crate::actions::gdap_lifecycle::{self, GdapLifecycle, GdapLifecycleRequest};
use crate::actions::lighthouse_removal::{self, RemoveLighthouseAssignments};
use crate::actions::plan_file::ActionPlan;
use crate::actions::ActionName;
use crate::engine::files::{check_outputs, write_json_file, OutputFile};
use crate::engine::{self, Action, JobControl, Report, RunOptions, Target};
use crate::error::{Error, ErrorKind, Result};
use crate::throttle::Throttle;
use crate::validate;
use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;
use uuid::Uuid;

pub(crate) type Work = Pin<Box<dyn Future<Output = Done> + Send>>;

fn path(p: &Option<String>) -> Option<PathBuf> {
    p.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(PathBuf::from)
}

fn guids(what: &str, ids: &[String]) -> Result<Vec<Uuid>> {
    ids.iter().map(|i| validate::guid(what, i)).collect()
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct GdapPlanInput {
    as_of: Option<DateTime<Utc>>,
    expiring_within_days: Option<u32>,
    #[serde(default)]
    allow_global_admin_removal: bool,
    #[serde(default)]
    terminate_customers: Vec<String>,
    #[serde(default)]
    terminate_unused: bool,
    #[serde(default)]
    exclude_customers: Vec<String>,
    plan_path: Option<String>,
    #[serde(default)]
    summary_only: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct LighthousePlanInput {
    subscriptions: Option<Vec<String>>,
    #[serde(default)]
    managed_by_tenant_ids: Vec<String>,
    #[serde(default)]
    registration_definition_ids: Vec<String>,
    plan_path: Option<String>,
    #[serde(default)]
    summary_only: bool,
}

/// The checked `planPath`, if any.
fn plan_output(plan_path: &Option<String>) -> Result<Option<PathBuf>> {
    let p = path(plan_path);
    if let Some(p) = &p {
        check_outputs(
            &[OutputFile {
                what: "planPath",
                path: p,
            }],
            &[],
        )?;
    }
    Ok(p)
}

/// Save and return a plan (without its lists when `summary_only`).
fn finish_plan<T: Target, C: Serialize>(
    mut plan: ActionPlan<T, C>,
    plan_path: Option<PathBuf>,
    summary_only: bool,
) -> Result<ActionPlan<T, C>> {
    if let Some(p) = plan_path {
        write_json_file("planPath", &p, &plan)?;
    }
    if summary_only {
        plan.candidates = Vec::new();
        plan.kept = Vec::new();
    }
    Ok(plan)
}

/// A plan that ends with `conflict` when its job is cancelled: never a partial plan.
async fn cancellable<T>(control: &JobControl, work: impl Future<Output = Result<T>>) -> Result<T> {
    tokio::select! {
        r = work => r,
        _ = control.cancelled() => Err(Error::new(
            ErrorKind::Conflict,
            "the plan was cancelled before it was complete; nothing was changed",
        )),
    }
}

/// Validate a `da_plan` request; the returned future plans.
pub(crate) fn plan(c: Common, fields: Fields, control: Arc<JobControl>) -> Result<Work> {
    let (action, fields) = fields.take_string("action")?;
    match ActionName::parse(&action)? {
        ActionName::RemoveDap => {
            let work = super::cleanup::plan(c, fields.parse()?, control)?;
            Ok(Box::pin(async move { work.await.into_done() }))
        }
        ActionName::GdapLifecycle => {
            let input: GdapPlanInput = fields.parse()?;
            let Common { client, opts, .. } = c;
            client.require_credential()?;
            let req = GdapLifecycleRequest {
                as_of: input.as_of,
                expiring_within_days: input.expiring_within_days,
                allow_global_admin_removal: input.allow_global_admin_removal,
                terminate_customers: guids("terminateCustomers", &input.terminate_customers)?,
                terminate_unused: input.terminate_unused,
                exclude_customers: guids("excludeCustomers", &input.exclude_customers)?,
            };
            gdap_lifecycle::Criteria::new(&req)?;
            let out = plan_output(&input.plan_path)?;
            let summary_only = input.summary_only;
            Ok(Box::pin(async move {
                let planned = cancellable(
                    &control,
                    gdap_lifecycle::plan(&client, &opts, &req, &control),
                )
                .await;
                planned
                    .and_then(|p| finish_plan(p, out, summary_only))
                    .into_done()
            }))
        }
        ActionName::RemoveLighthouseAssignment => {
            let input: LighthousePlanInput = fields.parse()?;
            let Common { client, opts, .. } = c;
            client.require_credential()?;
            let criteria = lighthouse_removal::Criteria {
                subscriptions: input
                    .subscriptions
                    .as_deref()
                    .map(|s| guids("subscriptions", s))
                    .transpose()?,
                managed_by_tenant_ids: guids("managedByTenantIds", &input.managed_by_tenant_ids)?,
                registration_definition_ids: input.registration_definition_ids,
            };
            criteria.check()?;
            let out = plan_output(&input.plan_path)?;
            let summary_only = input.summary_only;
            Ok(Box::pin(async move {
                let planned = cancellable(
                    &control,
                    lighthouse_removal::plan(&client, &opts, criteria, &control),
                )
                .await;
                planned
                    .and_then(|p| finish_plan(p, out, summary_only))
                    .into_done()
            }))
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ApplyInput {
    /// Read (and taken out) by `read_plan`; the field is listed so that it is not an unknown one.
    #[serde(default, rename = "plan")]
    _plan: Option<Value>,
    plan_path: Option<String>,
    journal_path: Option<String>,
    report_path: Option<String>,
    report_csv_path: Option<String>,
    concurrency: Option<usize>,
    /// The pace of every request of the run; 0 or absent: no pace (429s still pause every worker).
    requests_per_second: Option<f64>,
    recheck: Option<bool>,
    #[serde(default)]
    summary_only: bool,
    /// ARM's delete bucket (removeLighthouseAssignment): capacity (default 200) and refill per second
    /// (default 10).
    delete_bucket: Option<u32>,
    delete_refill_per_second: Option<f64>,
}

/// The plan of a `da_apply` request, and the action it names. `action` in the request, when given, must
/// be the plan's.
fn read_plan(action: Option<&str>, fields: &mut Fields) -> Result<(ActionName, Value)> {
    let inline = fields.remove("plan");
    let file = match fields.remove("planPath") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s),
        Some(_) => return Err(Error::invalid("planPath must be a string")),
    };
    let plan = match (inline, &file) {
        (Some(p), None) if !p.is_null() => p,
        (None, Some(f)) => {
            let f = f.trim();
            let opened = std::fs::File::open(f)
                .map_err(|e| Error::invalid(format!("cannot read plan {f}: {e}")))?;
            let v: Value = serde_json::from_reader(std::io::BufReader::new(opened))
                .map_err(|e| Error::invalid(format!("plan {f} is not a plan: {e}")))?;
            // Put the path back: the DAP cleanup's apply checks its outputs against it.
            fields.insert("planPath", Value::String(f.to_string()));
            v
        }
        _ => {
            return Err(Error::invalid(
                "give plan (the plan object) or planPath, not both",
            ))
        }
    };
    let named = plan.get("action").and_then(Value::as_str);
    let of_plan = match named {
        Some(n) => ActionName::parse(n)?,
        // The DAP cleanup's plan has never carried an action.
        None => ActionName::RemoveDap,
    };
    if let Some(a) = action {
        if ActionName::parse(a)? != of_plan {
            return Err(Error::invalid(format!(
                "the request's action `{}` is not the plan's (`{}`)",
                validate::printable(a),
                of_plan.as_str()
            )));
        }
    }
    Ok((of_plan, plan))
}

/// Validate a `da_apply` request: the plan read and checked, every file it writes checked, all before any
/// request; the returned future applies it.
pub(crate) fn apply(c: Common, fields: Fields, control: Arc<JobControl>) -> Result<Work> {
    let mut fields = fields;
    let action = match fields.remove("action") {
        None | Some(Value::Null) => None,
        Some(Value::String(a)) => Some(a),
        Some(_) => return Err(Error::invalid("action must be a string")),
    };
    let (name, plan) = read_plan(action.as_deref(), &mut fields)?;
    if name == ActionName::RemoveDap {
        // The DAP cleanup reads its plan itself (from planPath again, with its own checks), or inline.
        if !fields.contains("planPath") {
            fields.insert("plan", plan);
        }
        let work = super::cleanup::apply(c, fields.parse()?, control)?;
        return Ok(Box::pin(work));
    }
    let input: ApplyInput = fields.parse()?;
    let Common { client, opts, .. } = c;
    client.require_credential()?;
    let plan_file = path(&input.plan_path);
    let concurrency = input.concurrency.unwrap_or(8);
    let pace = match input.requests_per_second {
        None | Some(0.0) => None,
        Some(r) if r.is_finite() && r > 0.0 && r <= 10_000.0 => Some(r),
        Some(_) => {
            return Err(Error::invalid(
                "requestsPerSecond must be greater than 0 and at most 10000 (0: no pace)",
            ))
        }
    };
    let journal = path(&input.journal_path);
    let files = ReportFiles::checked(
        &journal,
        path(&input.report_path),
        path(&input.report_csv_path),
        plan_file.as_deref(),
        input.summary_only,
    )?;
    let mut run = RunOptions {
        concurrency,
        journal,
        recheck: input.recheck.unwrap_or(true),
        throttle: Arc::new(pace.map_or_else(Throttle::new, Throttle::with_rate)),
    };
    if !(1..=64).contains(&concurrency) {
        return Err(Error::invalid(format!(
            "concurrency must be from 1 to 64, not {concurrency}"
        )));
    }
    match name {
        ActionName::RemoveDap => Err(Error::internal("removeDap handled above")),
        ActionName::GdapLifecycle => {
            if input.delete_bucket.is_some() || input.delete_refill_per_second.is_some() {
                return Err(Error::invalid(
                    "deleteBucket and deleteRefillPerSecond are for removeLighthouseAssignment",
                ));
            }
            let plan: gdap_lifecycle::GdapLifecyclePlan = typed(plan)?;
            let action =
                GdapLifecycle::for_plan(client.with_throttle(run.throttle.clone()), &opts, &plan)?;
            Ok(Box::pin(applied(action, opts, plan, run, control, files)))
        }
        ActionName::RemoveLighthouseAssignment => {
            let capacity = input
                .delete_bucket
                .unwrap_or(lighthouse_removal::DEFAULT_DELETE_BUCKET);
            let refill = input
                .delete_refill_per_second
                .unwrap_or(lighthouse_removal::DEFAULT_DELETE_REFILL_PER_SECOND);
            let bucket = Throttle::with_bucket(capacity, refill).ok_or_else(|| {
                Error::invalid(
                    "deleteBucket must be at least 1 and deleteRefillPerSecond a number greater than 0",
                )
            })?;
            if pace.is_some() {
                return Err(Error::invalid(
                    "removeLighthouseAssignment is paced by ARM's delete bucket (deleteBucket, deleteRefillPerSecond), not requestsPerSecond",
                ));
            }
            run.throttle = Arc::new(bucket);
            let plan: lighthouse_removal::LighthouseRemovalPlan = typed(plan)?;
            let action = RemoveLighthouseAssignments::for_plan(
                client.with_throttle(run.throttle.clone()),
                &plan,
            )?;
            Ok(Box::pin(applied(action, opts, plan, run, control, files)))
        }
    }
}

fn typed<T: DeserializeOwned>(plan: Value) -> Result<T> {
    serde_json::from_value(plan).map_err(|e| Error::invalid(format!("the plan is not a plan: {e}")))
}

/// Where an apply writes its report, checked with the journal before any request.
pub(crate) struct ReportFiles {
    json: Option<PathBuf>,
    csv: Option<PathBuf>,
    journaled: bool,
    summary_only: bool,
}

impl ReportFiles {
    /// Check the journal and report paths (absent or regular files in writable folders, all different, not
    /// the plan file) before any request.
    pub(crate) fn checked(
        journal: &Option<PathBuf>,
        json: Option<PathBuf>,
        csv: Option<PathBuf>,
        plan_file: Option<&std::path::Path>,
        summary_only: bool,
    ) -> Result<ReportFiles> {
        let outputs: Vec<OutputFile<'_>> = [
            ("journalPath", journal),
            ("reportPath", &json),
            ("reportCsvPath", &csv),
        ]
        .into_iter()
        .filter_map(|(what, p)| p.as_deref().map(|path| OutputFile { what, path }))
        .collect();
        let inputs: Vec<OutputFile<'_>> = plan_file
            .map(|path| OutputFile {
                what: "planPath",
                path,
            })
            .into_iter()
            .collect();
        check_outputs(&outputs, &inputs)?;
        Ok(ReportFiles {
            json,
            csv,
            journaled: journal.is_some(),
            summary_only,
        })
    }
}

async fn applied<A: Action, C: Send + 'static>(
    action: A,
    opts: crate::options::CallOptions,
    plan: ActionPlan<A::Target, C>,
    run: RunOptions,
    control: Arc<JobControl>,
    files: ReportFiles,
) -> Done {
    let report = engine::run(action, &opts, plan.into_batch(), &run, &control).await;
    match report {
        Ok(mut r) => {
            r.action = Some(A::NAME);
            finish_report(r, &files, "the plan was applied")
        }
        Err(e) => Err::<(), _>(e).into_done(),
    }
}

/// Write the report files; one that cannot be written gives an `io` error envelope that still carries the
/// report (every outcome is also in the journal).
pub(crate) fn finish_report<T: Target>(
    mut report: Report<T>,
    files: &ReportFiles,
    what_ran: &str,
) -> Done {
    let mut failed = Vec::new();
    if let Some(p) = &files.json {
        if let Err(e) = report.write_json(p) {
            failed.push(e.message);
        }
    }
    if let Some(p) = &files.csv {
        if let Err(e) = report.write_csv(p) {
            failed.push(e.message);
        }
    }
    let error = (!failed.is_empty()).then(|| {
        Error::new(
            ErrorKind::Io,
            format!(
                "{what_ran} ({} {}, {} failed, {} skipped), but {}; every outcome is in this envelope's result{}",
                report.counts.done,
                T::DONE,
                report.counts.failed,
                report.counts.skipped,
                failed.join("; "),
                if files.journaled { " and in the journal" } else { "" }
            ),
        )
    });
    if files.summary_only && error.is_none() {
        report.outcomes = Vec::new();
    }
    let mut done = Ok::<_, Error>(report).into_done();
    done.error = error;
    done
}
