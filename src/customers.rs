//! The Partner Customer Delegated Administration API: `delegatedAdminCustomers`, with OData options and
//! every page when asked.

use crate::client::Client;
use crate::error::{Error, Result};
use crate::http::{self, Call, Request, Service};
use crate::options::CallOptions;
use chrono::{DateTime, Utc};
use reqwest::Method;
use serde::{Deserialize, Serialize};

const PATH: &str = "/CustomerServiceAdminApi/Web/v1/delegatedAdminCustomers";
/// The service's documented largest page.
pub const MAX_TOP: u16 = 300;
/// Fields `$orderBy` accepts.
pub const ORDER_BY_FIELDS: [&str; 4] = [
    "organizationDisplayName",
    "dapEnabled",
    "startDateTime",
    "lastSignInDateTime",
];
/// Fields of the resource (for `$select`).
pub const FIELDS: [&str; 10] = [
    "id",
    "customerTenantId",
    "organizationDisplayName",
    "partnerAgentCount",
    "partnerSignInCount",
    "globalAdminSignInCount",
    "dapEnabled",
    "startDateTime",
    "endDateTime",
    "lastSignInDateTime",
];

/// A delegated admin customer, as the service returns it. Every field is optional because `$select` may
/// leave any of them out; dates are kept as the service wrote them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct DelegatedAdminCustomer {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_tenant_id: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "OrganizationDisplayName"
    )]
    pub organization_display_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partner_agent_count: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partner_sign_in_count: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub global_admin_sign_in_count: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dap_enabled: Option<bool>,
    #[serde(default)]
    pub start_date_time: Option<String>,
    #[serde(default)]
    pub end_date_time: Option<String>,
    #[serde(default)]
    pub last_sign_in_date_time: Option<String>,
}

impl DelegatedAdminCustomer {
    /// The tenant id (`customerTenantId`, else `id`).
    pub fn tenant_id(&self) -> Option<&str> {
        self.customer_tenant_id.as_deref().or(self.id.as_deref())
    }

    pub fn last_sign_in(&self) -> Option<DateTime<Utc>> {
        parse_time(self.last_sign_in_date_time.as_deref())
    }

    pub fn start(&self) -> Option<DateTime<Utc>> {
        parse_time(self.start_date_time.as_deref())
    }
}

pub(crate) fn parse_time(text: Option<&str>) -> Option<DateTime<Utc>> {
    let t = text?.trim();
    if t.is_empty() {
        return None;
    }
    DateTime::parse_from_rfc3339(t)
        .map(|d| d.with_timezone(&Utc))
        .or_else(|_| {
            chrono::NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S%.f").map(|n| n.and_utc())
        })
        .ok()
}

/// `$orderBy`: a field and a direction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderBy {
    pub field: &'static str,
    pub descending: bool,
}

impl OrderBy {
    /// Parse `"field"`, `"field asc"` or `"field desc"`; the field must be one the service sorts by.
    pub fn parse(text: &str) -> Result<OrderBy> {
        let mut words = text.split_whitespace();
        let field = words.next().unwrap_or("");
        let descending = match words.next().map(str::to_ascii_lowercase).as_deref() {
            None | Some("asc") => false,
            Some("desc") => true,
            Some(other) => {
                return Err(Error::invalid(format!(
                    "orderBy direction `{other}` must be asc or desc"
                )))
            }
        };
        if words.next().is_some() {
            return Err(Error::invalid(
                "orderBy takes one field and an optional direction",
            ));
        }
        let field = ORDER_BY_FIELDS
            .iter()
            .find(|f| f.eq_ignore_ascii_case(field))
            .ok_or_else(|| {
                Error::invalid(format!(
                    "orderBy field `{}` is not one of {}",
                    crate::validate::printable(field),
                    ORDER_BY_FIELDS.join(", ")
                ))
            })?;
        Ok(OrderBy { field, descending })
    }

    fn to_odata(&self) -> String {
        if self.descending {
            format!("{} desc", self.field)
        } else {
            self.field.to_string()
        }
    }
}

/// The OData options of a listing, validated.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListCustomersRequest {
    pub select: Vec<String>,
    pub filter: Option<String>,
    pub order_by: Option<OrderBy>,
    /// Page size, 1..=300. With `all_pages` and no `top`, pages of 300.
    pub top: Option<u16>,
    pub skip: Option<u64>,
    pub count: bool,
    pub all_pages: bool,
    /// With `all_pages`: stop asking for more pages once this many customers were listed (the result is cut
    /// to it), so that a caller wanting the first N of 100,000 does not page through them all.
    pub max_results: Option<u64>,
}

impl ListCustomersRequest {
    pub fn validate(&self) -> Result<()> {
        if self.max_results == Some(0) {
            return Err(Error::invalid("maxResults must be at least 1"));
        }
        if let Some(top) = self.top {
            if !(1..=MAX_TOP).contains(&top) {
                return Err(Error::invalid(format!(
                    "top must be between 1 and {MAX_TOP}, not {top}"
                )));
            }
        }
        for field in &self.select {
            if !FIELDS.iter().any(|f| f.eq_ignore_ascii_case(field)) {
                return Err(Error::invalid(format!(
                    "select field `{}` is not one of {}",
                    crate::validate::printable(field),
                    FIELDS.join(", ")
                )));
            }
        }
        if let Some(f) = &self.filter {
            if f.trim().is_empty() || f.chars().any(char::is_control) {
                return Err(Error::invalid(
                    "filter is empty or contains control characters",
                ));
            }
        }
        Ok(())
    }

    fn page_size(&self) -> Option<u16> {
        self.top.or(self.all_pages.then_some(MAX_TOP))
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomerList {
    pub customers: Vec<DelegatedAdminCustomer>,
    /// `@odata.count` when `count` was asked.
    pub count: Option<u64>,
    /// The next page's link when `all_pages` was not asked and more remain.
    pub next_link: Option<String>,
}

#[derive(Deserialize)]
pub(crate) struct Page {
    #[serde(default)]
    pub(crate) value: Vec<DelegatedAdminCustomer>,
    #[serde(rename = "@odata.count", default)]
    pub(crate) count: Option<u64>,
    #[serde(rename = "@odata.nextLink", default)]
    pub(crate) next_link: Option<String>,
}

/// List delegated admin customers; with `all_pages`, follow `@odata.nextLink` (or `$skip` when the service
/// gives no link and a page came back full) until the end.
pub async fn list(
    client: &Client,
    opts: &CallOptions,
    req: &ListCustomersRequest,
) -> Result<CustomerList> {
    let mut customers = Vec::new();
    let (count, next_link) =
        for_each_page(client, opts, req, |page| customers.extend(page)).await?;
    if let Some(max) = req.max_results {
        customers.truncate(usize::try_from(max).unwrap_or(usize::MAX));
    }
    Ok(CustomerList {
        customers,
        count,
        next_link,
    })
}

/// Like [`list`], but hands each page to `on_page` as it arrives instead of keeping them all, so that a
/// caller that keeps only a digest of each customer (the cleanup planner) stays small for 100,000 customers.
/// Returns `@odata.count` (when asked) and, without `all_pages`, the next page's link.
pub async fn for_each_page(
    client: &Client,
    opts: &CallOptions,
    req: &ListCustomersRequest,
    mut on_page: impl FnMut(Vec<DelegatedAdminCustomer>),
) -> Result<(Option<u64>, Option<String>)> {
    req.validate()?;
    let mut call = Call::new(client, opts, Service::CustomerAdmin);
    let page_size = req.page_size();
    let mut skip = req.skip.unwrap_or(0);
    let mut url = first_page_url(&call, req, page_size, skip);
    let mut count = None;
    // Once the service has handed out a nextLink, it pages: stop where it stops. `$skip` paging is only for
    // a service that never links (a full last page then costs one empty request).
    let mut linked = false;
    let mut listed = 0u64;
    loop {
        // Each page gets the whole deadline: a listing of 100,000 customers is hundreds of requests.
        call.deadline = http::deadline_after(opts.timeout);
        let page: Page =
            http::execute(&call, &Request::new(Method::GET, url.clone()), http::json).await?;
        let got = page.value.len() as u64;
        count = count.or(page.count);
        on_page(page.value);
        if !req.all_pages {
            return Ok((count, page.next_link));
        }
        listed += got;
        if req.max_results.is_some_and(|max| listed >= max) {
            return Ok((count, None));
        }
        url = match (page.next_link, page_size) {
            (Some(link), _) => {
                linked = true;
                call.follow(&link)?
            }
            (None, Some(size)) if !linked && got == u64::from(size) && got > 0 => {
                skip += got;
                first_page_url(&call, req, page_size, skip)
            }
            _ => return Ok((count, None)),
        };
    }
}

fn first_page_url(
    call: &Call<'_>,
    req: &ListCustomersRequest,
    top: Option<u16>,
    skip: u64,
) -> url::Url {
    let mut url = call.endpoint.join(PATH);
    {
        let mut q = url.query_pairs_mut();
        if !req.select.is_empty() {
            q.append_pair("$select", &req.select.join(","));
        }
        if let Some(f) = &req.filter {
            q.append_pair("$filter", f);
        }
        if let Some(o) = &req.order_by {
            q.append_pair("$orderby", &o.to_odata());
        }
        if let Some(t) = top {
            q.append_pair("$top", &t.to_string());
        }
        if skip > 0 {
            q.append_pair("$skip", &skip.to_string());
        }
        if req.count {
            q.append_pair("$count", "true");
        }
    }
    if url.query() == Some("") {
        url.set_query(None);
    }
    url
}
