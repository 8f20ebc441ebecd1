//! Listing GDAP relationships (every page, `$filter`, `$select`, `$top`, and a client-side "ends within N
//! days") and reading one with its ETag.

use super::{and_filter, check_filter, Relationship, RelationshipId, MAX_TOP, RELATIONSHIPS_PATH};
use crate::call::Call;
use crate::client::Client;
use crate::error::{Error, ErrorKind, Result};
use crate::options::CallOptions;
use crate::pipeline::Request;
use chrono::{DateTime, Duration, Utc};
use reqwest::Method;
use serde::Serialize;
use url::Url;
use uuid::Uuid;

/// The statuses Graph documents for a relationship, as `$filter` needs them written.
pub const STATUSES: [&str; 10] = [
    "activating",
    "active",
    "approvalPending",
    "approved",
    "created",
    "expired",
    "expiring",
    "terminated",
    "terminating",
    "terminationRequested",
];

/// The properties `$select` takes.
pub const FIELDS: [&str; 11] = [
    "id",
    "displayName",
    "duration",
    "customer",
    "accessDetails",
    "status",
    "autoExtendDuration",
    "createdDateTime",
    "lastModifiedDateTime",
    "activatedDateTime",
    "endDateTime",
];

/// The longest relationship Graph allows is two years: "ends within" more than that is a mistake.
pub const MAX_EXPIRING_WITHIN_DAYS: u32 = 730;

/// What to list. Every page is always listed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListRelationshipsRequest {
    /// `status eq '<status>'`: one of [`STATUSES`] (any case in input; written as Graph spells it).
    pub status: Option<String>,
    /// `customer/tenantId eq '<guid>'`.
    pub customer_tenant_id: Option<Uuid>,
    /// Any further OData `$filter`, joined with `and`.
    pub filter: Option<String>,
    /// `$select`: properties of [`FIELDS`] (`endDateTime` is added when `expiring_within_days` needs it).
    pub select: Vec<String>,
    /// `$top`: the page size, 1..=300 (default 300).
    pub top: Option<u16>,
    /// Keep only relationships whose `endDateTime` is from now to now + this many days (0..=730): read on
    /// this side, because Graph does not document `$filter` on `endDateTime`.
    pub expiring_within_days: Option<u32>,
}

impl ListRelationshipsRequest {
    /// Check and canonicalise (status and field names as Graph spells them).
    pub fn validate(&mut self) -> Result<()> {
        if let Some(s) = &self.status {
            let canonical = STATUSES
                .iter()
                .find(|k| k.eq_ignore_ascii_case(s.trim()))
                .ok_or_else(|| {
                    Error::invalid(format!(
                        "status `{}` is not one of {}",
                        crate::validate::printable(s),
                        STATUSES.join(", ")
                    ))
                })?;
            self.status = Some(canonical.to_string());
        }
        check_filter(self.filter.as_deref())?;
        if let Some(top) = self.top {
            if !(1..=MAX_TOP).contains(&top) {
                return Err(Error::invalid(format!(
                    "top must be between 1 and {MAX_TOP}, not {top}"
                )));
            }
        }
        if let Some(days) = self.expiring_within_days {
            if days > MAX_EXPIRING_WITHIN_DAYS {
                return Err(Error::invalid(format!(
                    "expiringWithinDays must be from 0 to {MAX_EXPIRING_WITHIN_DAYS} (a relationship lasts at most two years), not {days}"
                )));
            }
        }
        let mut select = Vec::with_capacity(self.select.len() + 1);
        for field in &self.select {
            let canonical = FIELDS
                .iter()
                .find(|f| f.eq_ignore_ascii_case(field.trim()))
                .ok_or_else(|| {
                    Error::invalid(format!(
                        "select field `{}` is not one of {}",
                        crate::validate::printable(field),
                        FIELDS.join(", ")
                    ))
                })?;
            if !select.contains(canonical) {
                select.push(*canonical);
            }
        }
        if !select.is_empty()
            && self.expiring_within_days.is_some()
            && !select.contains(&"endDateTime")
        {
            select.push("endDateTime");
        }
        self.select = select.into_iter().map(String::from).collect();
        Ok(())
    }

    fn odata_filter(&self) -> Option<String> {
        let mut clauses = Vec::new();
        if let Some(f) = &self.filter {
            clauses.push(f.trim().to_string());
        }
        if let Some(s) = &self.status {
            clauses.push(format!("status eq '{s}'"));
        }
        if let Some(t) = &self.customer_tenant_id {
            clauses.push(format!("customer/tenantId eq '{t}'"));
        }
        and_filter(&clauses)
    }

    fn first_url(&self, call: &Call) -> Url {
        let mut url = call.endpoint.join(RELATIONSHIPS_PATH);
        {
            let mut q = url.query_pairs_mut();
            if let Some(f) = self.odata_filter() {
                q.append_pair("$filter", &f);
            }
            if !self.select.is_empty() {
                q.append_pair("$select", &self.select.join(","));
            }
            q.append_pair("$top", &self.top.unwrap_or(MAX_TOP).to_string());
        }
        url
    }
}

/// "Ends within N days" of `now`: `endDateTime` readable and from `now` to `now + days`.
fn ends_within(r: &Relationship, now: DateTime<Utc>, days: u32) -> bool {
    let until = now + Duration::days(i64::from(days));
    r.end().is_some_and(|end| end >= now && end <= until)
}

/// Every relationship the request selects (every page).
pub async fn list_relationships(
    client: &Client,
    opts: &CallOptions,
    req: &ListRelationshipsRequest,
) -> Result<Vec<Relationship>> {
    let mut out = Vec::new();
    for_each_relationship_page(client, opts, req, |page| out.extend(page)).await?;
    Ok(out)
}

/// Like [`list_relationships`], handing each page (after the "ends within" filter) to `on_page` as it
/// arrives, so that a caller keeping only a digest stays small. `opts.timeout` bounds the whole listing; a
/// link already followed, a page adding nothing new while linking on, or a page over
/// [`MAX_PAGE_ITEMS`](super::MAX_PAGE_ITEMS) items ends it with `server_error`.
pub async fn for_each_relationship_page(
    client: &Client,
    opts: &CallOptions,
    req: &ListRelationshipsRequest,
    mut on_page: impl FnMut(Vec<Relationship>),
) -> Result<()> {
    let mut req = req.clone();
    req.validate()?;
    let call = crate::call::Call::new(client, &super::SERVICE, opts)?;
    let now = Utc::now();
    super::for_each_page(
        &call,
        req.first_url(&call),
        "relationship",
        |r: &Relationship| r.id.as_deref(),
        |mut page| {
            if let Some(days) = req.expiring_within_days {
                page.retain(|r| ends_within(r, now, days));
            }
            on_page(page)
        },
    )
    .await
}

/// One relationship and the ETag to change it with.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FetchedRelationship {
    pub id: RelationshipId,
    /// The `ETag` header (else the body's `@odata.etag`): send it back as `If-Match`, verbatim.
    pub etag: Option<String>,
    pub relationship: Relationship,
}

/// Read one relationship with its ETag.
pub async fn get_relationship(
    client: &Client,
    opts: &CallOptions,
    id: &RelationshipId,
) -> Result<FetchedRelationship> {
    let call = crate::call::Call::new(client, &super::SERVICE, opts)?;
    read(&call, id).await
}

/// GET the relationship on an existing call (one of the reads of a change).
pub(crate) async fn read(call: &Call, id: &RelationshipId) -> Result<FetchedRelationship> {
    let (relationship, header) = call
        .execute(&Request::new(Method::GET, id.url(call)), |resp| {
            crate::pipeline::json::<Relationship>(resp)
                .map(|r| (r, resp.header("etag").map(str::to_string)))
        })
        .await?;
    if relationship
        .id
        .as_deref()
        .is_some_and(|got| RelationshipId::parse("id", got).ok() != Some(*id))
    {
        return Err(call.error(
            ErrorKind::ServerError,
            format!(
                "{} answered a read of relationship {id} with another relationship",
                call.service.name
            ),
        ));
    }
    let etag = header.or_else(|| relationship.etag.clone());
    Ok(FetchedRelationship {
        id: *id,
        etag,
        relationship,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_checked_and_canonicalised() {
        let mut r = ListRelationshipsRequest {
            status: Some("TerminationRequested".into()),
            select: vec!["DISPLAYNAME".into(), "displayName".into()],
            expiring_within_days: Some(30),
            ..Default::default()
        };
        r.validate().unwrap();
        assert_eq!(r.status.as_deref(), Some("terminationRequested"));
        assert_eq!(r.select, ["displayName", "endDateTime"]);
        for bad in [
            ListRelationshipsRequest {
                status: Some("gone".into()),
                ..Default::default()
            },
            ListRelationshipsRequest {
                top: Some(301),
                ..Default::default()
            },
            ListRelationshipsRequest {
                select: vec!["secret".into()],
                ..Default::default()
            },
            ListRelationshipsRequest {
                expiring_within_days: Some(731),
                ..Default::default()
            },
            ListRelationshipsRequest {
                filter: Some(" ".into()),
                ..Default::default()
            },
        ] {
            assert!(bad.clone().validate().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn ends_within_counts_from_now() {
        let now: DateTime<Utc> = "2026-01-09T00:00:00Z".parse().unwrap();
        let with_end = |end: &str| Relationship {
            end_date_time: Some(serde_json::json!(end)),
            ..Default::default()
        };
        assert!(ends_within(&with_end("2026-02-08T00:00:00Z"), now, 30));
        assert!(!ends_within(&with_end("2026-02-08T00:00:01Z"), now, 30));
        assert!(!ends_within(&with_end("2026-01-08T23:59:59Z"), now, 30));
        assert!(!ends_within(&Relationship::default(), now, 30));
    }
}
