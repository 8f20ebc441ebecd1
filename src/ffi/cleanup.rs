//! The DAP cleanup's JSON inputs, shared by the blocking exports and the job interface.

use crate::cleanup::report::write_json_file;
use crate::cleanup::{self, ApplyOptions, JobControl, Plan, PlanRequest};
use crate::client::Client;
use crate::error::{Error, Result};
use crate::options::CallOptions;
use crate::validate;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct PlanInput {
    inactive_days: Option<u32>,
    as_of: Option<DateTime<Utc>>,
    include: Option<Vec<String>>,
    #[serde(default)]
    exclude: Vec<String>,
    /// Also write the plan to this file.
    plan_path: Option<String>,
    /// Return the plan without its `candidates` and `kept` arrays (for large tenants, with `planPath`).
    #[serde(default)]
    summary_only: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct ApplyInput {
    plan: Option<Plan>,
    plan_path: Option<String>,
    journal_path: Option<String>,
    report_path: Option<String>,
    report_csv_path: Option<String>,
    concurrency: Option<usize>,
    /// The pace of all requests; 0 means no pace (429s still pause every worker).
    requests_per_second: Option<f64>,
    recheck: Option<bool>,
    /// Partner Center's host for the removals, when it is not `endpoint` (the customers API's).
    partner_center_endpoint: Option<String>,
    /// Credentials for the removals, when not `auth` (e.g. a bearer token for Partner Center's audience
    /// while `auth` holds one for the customers API).
    partner_center_auth: Option<crate::options::Auth>,
    /// Return the report without its `outcomes` array (for large tenants, with `reportPath`/`reportCsvPath`).
    #[serde(default)]
    summary_only: bool,
}

fn guids(what: &str, ids: &[String]) -> Result<Vec<uuid::Uuid>> {
    ids.iter().map(|i| validate::guid(what, i)).collect()
}

fn path(p: &Option<String>) -> Option<PathBuf> {
    p.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(PathBuf::from)
}

/// Validate a plan request; the returned future lists and plans.
pub(crate) fn plan(
    client: &'static Client,
    opts: CallOptions,
    input: PlanInput,
    control: Arc<JobControl>,
) -> Result<impl std::future::Future<Output = Result<Plan>>> {
    opts.auth()?;
    let req = PlanRequest {
        as_of: input.as_of,
        inactive_days: input.inactive_days,
        include: input
            .include
            .as_deref()
            .map(|i| guids("include", i))
            .transpose()?,
        exclude: guids("exclude", &input.exclude)?,
    };
    cleanup::plan::Criteria::new(&req)?;
    let plan_path = path(&input.plan_path);
    let summary_only = input.summary_only;
    Ok(async move {
        let mut plan = cleanup::plan(client, &opts, &req, &control).await?;
        if let Some(p) = plan_path {
            write_json_file(&p, &plan)?;
        }
        if summary_only {
            plan.candidates = Vec::new();
            plan.kept = Vec::new();
        }
        Ok(plan)
    })
}

/// Validate an apply request (the plan read and checked now); the returned future applies it.
pub(crate) fn apply(
    client: &'static Client,
    opts: CallOptions,
    input: ApplyInput,
    control: Arc<JobControl>,
) -> Result<impl std::future::Future<Output = Result<cleanup::Report>>> {
    opts.auth()?;
    let plan = match (input.plan, path(&input.plan_path)) {
        (Some(p), None) => p,
        (None, Some(file)) => {
            // Parsed from a buffered reader: a 100,000-customer plan's text is never held whole.
            let f = std::fs::File::open(&file)
                .map_err(|e| Error::invalid(format!("cannot read plan {}: {e}", file.display())))?;
            serde_json::from_reader(std::io::BufReader::new(f)).map_err(|e| {
                Error::invalid(format!("plan {} is not a plan: {e}", file.display()))
            })?
        }
        _ => {
            return Err(Error::invalid(
                "give plan (the plan object) or planPath, not both",
            ))
        }
    };
    let options = ApplyOptions {
        concurrency: input
            .concurrency
            .unwrap_or(cleanup::apply::DEFAULT_CONCURRENCY),
        requests_per_second: match input.requests_per_second {
            None => Some(cleanup::apply::DEFAULT_REQUESTS_PER_SECOND),
            Some(0.0) => None,
            Some(r) => Some(r),
        },
        journal: path(&input.journal_path),
        recheck: input.recheck.unwrap_or(true),
        partner_center_endpoint: input
            .partner_center_endpoint
            .as_deref()
            .map(|e| crate::endpoint::BaseUrl::parse("partnerCenterEndpoint", e))
            .transpose()?,
        partner_center_auth: input.partner_center_auth,
    };
    options.validate()?;
    let (report_path, csv_path) = (path(&input.report_path), path(&input.report_csv_path));
    let summary_only = input.summary_only;
    Ok(async move {
        let mut report = cleanup::apply(client, &opts, plan, &options, &control).await?;
        if let Some(p) = report_path {
            report.write_json(&p)?;
        }
        if let Some(p) = csv_path {
            report.write_csv(&p)?;
        }
        if summary_only {
            report.outcomes = Vec::new();
        }
        Ok(report)
    })
}
