//! The access ledger: per customer tenant, every path by which the partner (or another managing tenant)
//! can reach it, joined from three services, with the risks flagged.
//!
//! - DAP: the delegated admin customers listing (`dapEnabled`, the last partner sign-in);
//! - GDAP (Microsoft Graph): every relationship (status, end date, auto-extend, roles, Global
//!   Administrator), and for the active ones their access assignments (which security groups hold which
//!   roles), listed a bounded number at a time;
//! - Azure Lighthouse (ARM): the registration assignments of the subscriptions given, or of every
//!   subscription the credential sees (`GET /subscriptions`), with their definitions' managing tenant,
//!   standing authorizations and eligible (just-in-time) ones. Optional: skipped, and said so, when the
//!   cloud has no Resource Manager or the credential holds no token for it.
//!
//! [`collect`] reads the sources (a source that fails is reported in `sources`, never silently empty),
//! [`join`] builds one [`CustomerEntry`] per tenant, [`risks`] judges each, [`summary`] counts; the ledger
//! is then written as JSON ([`model`]), CSV ([`csv`]) or a self-contained HTML page ([`html`]), to a
//! string or streamed to a file ([`output`]).

pub mod collect;
pub mod csv;
pub mod html;
pub mod join;
pub mod model;
pub mod output;
pub mod risks;
pub mod roles;
pub mod summary;

pub use model::{CustomerEntry, Ledger, SourceReport, SourceStatus};
pub use output::Format;
pub use risks::{Risk, RiskCode};

use crate::client::Client;
use crate::engine::JobControl;
use crate::error::{Error, ErrorKind, Result};
use crate::options::CallOptions;
use chrono::Utc;
use uuid::Uuid;

pub const DEFAULT_EXPIRING_WITHIN_DAYS: u32 = 60;
pub const DEFAULT_INACTIVE_DAYS: u32 = crate::cleanup::plan::DEFAULT_INACTIVE_DAYS;
/// Listings (access assignments, subscriptions) in flight at once by default.
pub const DEFAULT_CONCURRENCY: usize = 8;
pub const MAX_CONCURRENCY: usize = 64;
/// Subscriptions a request may name.
pub const MAX_SUBSCRIPTIONS: usize = 100_000;

/// Whether Azure Lighthouse is read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum LighthouseSource {
    /// When the cloud has Resource Manager and the credential can get a token for it; else skipped, and
    /// `sources` says why.
    #[default]
    Auto,
    /// Always (refused before any request when it cannot be).
    On,
    /// Never.
    Off,
}

/// What to build the ledger with.
#[derive(Debug, Clone, PartialEq)]
pub struct LedgerRequest {
    /// An active relationship ending within this many days without auto-extend is a risk (0..=730).
    pub expiring_within_days: u32,
    /// DAP without a partner sign-in for more than this many days is a risk (1..=3650).
    pub inactive_days: u32,
    pub lighthouse: LighthouseSource,
    /// The subscriptions to look for Lighthouse delegations in; `None`: every subscription the credential
    /// sees.
    pub subscriptions: Option<Vec<Uuid>>,
    /// Access assignment and subscription listings in flight at once (1..=64).
    pub concurrency: usize,
}

impl Default for LedgerRequest {
    fn default() -> LedgerRequest {
        LedgerRequest {
            expiring_within_days: DEFAULT_EXPIRING_WITHIN_DAYS,
            inactive_days: DEFAULT_INACTIVE_DAYS,
            lighthouse: LighthouseSource::Auto,
            subscriptions: None,
            concurrency: DEFAULT_CONCURRENCY,
        }
    }
}

impl LedgerRequest {
    /// Check the request, and against `client` what it asks of it, before any request is sent.
    pub fn validate(&self, client: &Client) -> Result<()> {
        client.require_credential()?;
        let max = crate::gdap::relationships::MAX_EXPIRING_WITHIN_DAYS;
        if self.expiring_within_days > max {
            return Err(Error::invalid(format!(
                "expiringWithinDays must be from 0 to {max}, not {}",
                self.expiring_within_days
            )));
        }
        let range = crate::cleanup::plan::INACTIVE_DAYS_RANGE;
        if !range.contains(&self.inactive_days) {
            return Err(Error::invalid(format!(
                "inactiveDays must be from {} to {}, not {}",
                range.start(),
                range.end(),
                self.inactive_days
            )));
        }
        if !(1..=MAX_CONCURRENCY).contains(&self.concurrency) {
            return Err(Error::invalid(format!(
                "concurrency must be from 1 to {MAX_CONCURRENCY}, not {}",
                self.concurrency
            )));
        }
        if let Some(s) = &self.subscriptions {
            if s.is_empty() {
                return Err(Error::invalid(
                    "subscriptions is empty: leave it out to look in every subscription the credential sees",
                ));
            }
            if s.len() > MAX_SUBSCRIPTIONS {
                return Err(Error::invalid(format!(
                    "subscriptions names {} subscriptions; at most {MAX_SUBSCRIPTIONS}",
                    s.len()
                )));
            }
            if self.lighthouse == LighthouseSource::Off {
                return Err(Error::invalid(
                    "subscriptions were given with lighthouse false: give one or the other",
                ));
            }
        }
        if self.lighthouse == LighthouseSource::On {
            if let Some(why) = collect::lighthouse_unavailable(client) {
                return Err(Error::invalid(format!(
                    "lighthouse was asked for but cannot be read: {}",
                    why.trim_start_matches("not read: ")
                )));
            }
        }
        Ok(())
    }
}

/// Build the ledger: read every source, join, judge, count. Fails only when the request is invalid, when
/// it is cancelled (`conflict`: a part would look like the whole), or when no source could be read at all
/// (the first failure's kind, every source's error in the message); a source that fails otherwise is in
/// `sources` and the ledger is marked incomplete.
pub async fn build(
    client: &Client,
    opts: &CallOptions,
    req: &LedgerRequest,
    control: &JobControl,
) -> Result<Ledger> {
    req.validate(client)?;
    let as_of = Utc::now();
    let collecting = collect::collect(client, opts, req, as_of, control);
    let collected = tokio::select! {
        c = collecting => c,
        _ = control.cancelled() => {
            control.update(|p| p.phase = "finished".into());
            return Err(Error::new(
                ErrorKind::Conflict,
                "the ledger was cancelled before every source was read; no ledger is returned",
            ));
        }
    };
    control.update(|p| p.phase = "joining".into());
    let read = |name: &str| collected.source(name).is_some_and(SourceReport::read);
    let rules = risks::Rules {
        as_of,
        expiring_within_days: req.expiring_within_days,
        inactive_days: req.inactive_days,
        dap_read: read(collect::SOURCE_CUSTOMERS),
        gdap_read: read(collect::SOURCE_RELATIONSHIPS),
        lighthouse_read: read(collect::SOURCE_LIGHTHOUSE) && read(collect::SOURCE_SUBSCRIPTIONS),
    };
    nothing_read(&collected.sources)?;
    let sources = collected.sources.clone();
    let (customers, unattributed) = join::join(collected, &rules);
    let summary = summary::summarize(&customers, &unattributed, &rules);
    control.update(|p| p.phase = "finished".into());
    control.event(
        format!(
            "ledger of {} customers: {} with at least one risk",
            summary.customers, summary.customers_with_risks
        ),
        None,
        None,
    );
    Ok(Ledger {
        generated_at: Utc::now(),
        as_of,
        expiring_within_days: req.expiring_within_days,
        inactive_days: req.inactive_days,
        sources,
        summary,
        customers,
        unattributed_delegations: unattributed,
    })
}

/// The error when no source gave anything: every source failed or was skipped.
fn nothing_read(sources: &[SourceReport]) -> Result<()> {
    let any = sources
        .iter()
        .any(|s| matches!(s.status, SourceStatus::Ok | SourceStatus::Partial));
    if any {
        return Ok(());
    }
    let failures: Vec<&SourceReport> = sources.iter().filter(|s| s.error.is_some()).collect();
    let Some(first) = failures.first().and_then(|s| s.error.clone()) else {
        return Err(Error::invalid(
            "no source of the ledger can be read with this cloud and credential",
        ));
    };
    let each: Vec<String> = failures
        .iter()
        .filter_map(|s| {
            s.error
                .as_ref()
                .map(|e| format!("{}: {}", s.source, e.message))
        })
        .collect();
    let mut e = first;
    e.message = format!(
        "no source of the ledger could be read ({})",
        each.join("; ")
    );
    Err(e)
}
