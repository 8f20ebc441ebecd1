//! The DAP cleanup's JSON inputs, shared by the blocking exports and the job interface.

use super::boundary::{Common, Done};
use crate::cleanup::files::{check_outputs, write_json_file, OutputFile};
use crate::cleanup::{self, ApplyOptions, JobControl, Plan, PlanRequest};
use crate::error::{Error, Result};
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
    /// A candidate needs no active GDAP relationship with its customer (Graph is not asked).
    #[serde(default)]
    allow_without_gdap: bool,
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
    /// The deadline of the recheck's whole listing, every page included (default 1800); each removal is
    /// bounded by `timeoutSeconds`.
    listing_timeout_seconds: Option<f64>,
    /// Partner Center's host for the removals, when it is not `endpoint` (the customers API's).
    partner_center_endpoint: Option<String>,
    /// Credentials for the removals, when not `auth` (e.g. a bearer token for Partner Center's audience
    /// while `auth` holds one for the customers API); the same shapes as `auth`.
    partner_center_auth: Option<serde_json::Value>,
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
    c: Common,
    input: PlanInput,
    control: Arc<JobControl>,
) -> Result<impl std::future::Future<Output = Result<Plan>>> {
    let Common { client, opts, .. } = c;
    client.require_credential()?;
    let req = PlanRequest {
        as_of: input.as_of,
        inactive_days: input.inactive_days,
        include: input
            .include
            .as_deref()
            .map(|i| guids("include", i))
            .transpose()?,
        exclude: guids("exclude", &input.exclude)?,
        allow_without_gdap: input.allow_without_gdap,
    };
    cleanup::plan::Criteria::new(&req)?;
    let plan_path = path(&input.plan_path);
    if let Some(p) = &plan_path {
        check_outputs(
            &[OutputFile {
                what: "planPath",
                path: p,
            }],
            &[],
        )?;
    }
    let summary_only = input.summary_only;
    Ok(async move {
        let mut plan = cleanup::plan(&client, &opts, &req, &control).await?;
        if let Some(p) = plan_path {
            write_json_file("planPath", &p, &plan)?;
        }
        if summary_only {
            plan.candidates = Vec::new();
            plan.kept = Vec::new();
        }
        Ok(plan)
    })
}

/// Validate an apply request (the plan read and checked, every file it writes checked); the returned future
/// applies it. A report that cannot be written after the run gives an `io` error envelope that still
/// carries the report (every outcome is also in the journal).
pub(crate) fn apply(
    c: Common,
    input: ApplyInput,
    control: Arc<JobControl>,
) -> Result<impl std::future::Future<Output = Done>> {
    let Common {
        client,
        opts,
        proxy,
        mut secrets,
    } = c;
    client.require_credential()?;
    let plan_file = path(&input.plan_path);
    let plan = match (input.plan, &plan_file) {
        (Some(p), None) => p,
        (None, Some(file)) => {
            // Parsed from a buffered reader: a 100,000-customer plan's text is never held whole.
            let f = std::fs::File::open(file)
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
    // Everything the future checks first is checked now too, so that a refusal sends nothing even in
    // validate-only mode.
    cleanup::plan::validate_for_apply(&plan)?;
    let listing_timeout = match input.listing_timeout_seconds {
        None => None,
        Some(secs) if secs.is_finite() && secs > 0.0 && secs <= 86_400.0 => {
            Some(std::time::Duration::from_secs_f64(secs))
        }
        Some(_) => return Err(Error::invalid(
            "listingTimeoutSeconds must be a number of seconds greater than 0 and at most 86400",
        )),
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
        partner_center_credential: input
            .partner_center_auth
            .map(|a| {
                super::context::other_credential(
                    "partnerCenterAuth",
                    a,
                    &client,
                    &proxy,
                    &mut secrets,
                )
            })
            .transpose()?,
        listing_timeout,
    };
    options.validate()?;
    let files = super::actions::ReportFiles::checked(
        &options.journal,
        path(&input.report_path),
        path(&input.report_csv_path),
        plan_file.as_deref(),
        input.summary_only,
    )?;
    Ok(async move {
        match cleanup::apply(&client, &opts, plan, &options, &control).await {
            // The outcomes are in the journal already; a report that cannot be written must not cost them.
            Ok(report) => super::actions::finish_report(report, &files, "the cleanup ran"),
            Err(e) => Done {
                result: None,
                error: Some(e),
                trace: None,
            },
        }
    })
}
