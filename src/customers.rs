//! The Partner Customer Delegated Administration API: `delegatedAdminCustomers`, with OData options and
//! every page when asked.

use crate::call::Call;
use crate::client::Client;
use crate::error::{Error, ErrorKind, Result};
use crate::options::CallOptions;
use crate::pipeline::Request;
use crate::service::{Hosted, Service};
use chrono::{DateTime, Utc};
use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The Partner Customer Delegated Administration API (public cloud only).
pub static SERVICE: Service = Service {
    id: "customerAdmin",
    name: "the Partner Customer Delegated Administration API",
    correlation_header: "MS-CorrelationId",
    read_error: crate::service_error::by_status,
    public: Some(Hosted {
        endpoint: "https://traf-pcsvcadmin-prod.trafficmanager.net",
        scope: "https://api.partnercustomeradministration.microsoft.com/.default",
    }),
    us_government: None,
    china: None,
};

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
/// leave any of them out. The fields the cleanup judges by (`dapEnabled` and the dates) are kept exactly as
/// the service wrote them, whatever their JSON type, so that an odd value is reported, never guessed at:
/// read them with [`DelegatedAdminCustomer::dap_enabled`], [`DelegatedAdminCustomer::last_sign_in`] and
/// [`DelegatedAdminCustomer::start`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct DelegatedAdminCustomer {
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::text"
    )]
    pub id: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::text"
    )]
    pub customer_tenant_id: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "OrganizationDisplayName",
        deserialize_with = "lenient::text"
    )]
    pub organization_display_name: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::integer"
    )]
    pub partner_agent_count: Option<i64>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::integer"
    )]
    pub partner_sign_in_count: Option<i64>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::integer"
    )]
    pub global_admin_sign_in_count: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dap_enabled: Option<Value>,
    #[serde(default)]
    pub start_date_time: Option<Value>,
    #[serde(default)]
    pub end_date_time: Option<Value>,
    #[serde(default)]
    pub last_sign_in_date_time: Option<Value>,
}

/// A field the cleanup judges by, as read from the service's answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Reading<T> {
    /// Missing or `null`.
    Absent,
    Valid(T),
    /// Present but not readable as the documented type or format; the raw JSON, shortened, for reports.
    Unreadable(String),
}

impl DelegatedAdminCustomer {
    /// The tenant id (`customerTenantId`, else `id`).
    pub fn tenant_id(&self) -> Option<&str> {
        self.customer_tenant_id.as_deref().or(self.id.as_deref())
    }

    /// `dapEnabled`: a JSON boolean, or unreadable (a string `"true"` is not a boolean).
    pub fn dap_enabled(&self) -> Reading<bool> {
        match &self.dap_enabled {
            None | Some(Value::Null) => Reading::Absent,
            Some(Value::Bool(b)) => Reading::Valid(*b),
            Some(other) => Reading::Unreadable(raw_text(other)),
        }
    }

    pub fn last_sign_in(&self) -> Reading<DateTime<Utc>> {
        read_time(self.last_sign_in_date_time.as_ref())
    }

    pub fn start(&self) -> Reading<DateTime<Utc>> {
        read_time(self.start_date_time.as_ref())
    }
}

/// A date of the service: an RFC 3339 date-time (`2024-05-01T10:00:00.1234567Z`, any offset), or an
/// ISO 8601 date-time without offset (`2024-05-01T10:00:00`, read as UTC). Anything else (another format,
/// an empty string, a number, a date that does not exist) is unreadable; so is a year outside 1..=9999.
pub fn read_time(value: Option<&Value>) -> Reading<DateTime<Utc>> {
    let text = match value {
        None | Some(Value::Null) => return Reading::Absent,
        Some(Value::String(s)) => s.as_str(),
        Some(other) => return Reading::Unreadable(raw_text(other)),
    };
    match parse_time(Some(text)) {
        Some(t) => Reading::Valid(t),
        None => Reading::Unreadable(raw_text(&Value::String(text.to_string()))),
    }
}

/// A raw value as JSON text (control characters escaped by JSON itself), shortened to 80 characters, for a
/// report.
fn raw_text(value: &Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(80) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

pub(crate) fn parse_time(text: Option<&str>) -> Option<DateTime<Utc>> {
    let t = text?;
    if t.is_empty() || t.trim() != t {
        return None;
    }
    DateTime::parse_from_rfc3339(t)
        .map(|d| d.with_timezone(&Utc))
        .or_else(|_| {
            chrono::NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S%.f").map(|n| n.and_utc())
        })
        .ok()
}

/// Deserializers that never fail a whole page over one odd field: a value of another JSON type becomes
/// its JSON text (identifiers, names) or is dropped (counters).
mod lenient {
    use serde::{Deserialize, Deserializer};
    use serde_json::Value;

    pub fn text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        Ok(match Value::deserialize(d)? {
            Value::Null => None,
            Value::String(s) => Some(s),
            other => Some(other.to_string()),
        })
    }

    pub fn integer<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
        Ok(Value::deserialize(d)?.as_i64())
    }
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

/// Items accepted in one page: far above the documented 300, so that only a broken or hostile answer
/// meets it, and low enough that a page decodes into a few megabytes whatever its bytes hold.
pub const MAX_PAGE_ITEMS: usize = 10_000;

#[derive(Deserialize)]
pub(crate) struct Page {
    #[serde(default)]
    pub(crate) value: crate::paging::CappedVec<DelegatedAdminCustomer, MAX_PAGE_ITEMS>,
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
///
/// The listing always ends: `opts.timeout` bounds the whole listing, every page included; a link already
/// followed, a page that adds no customer not listed before while more would follow (a service that
/// ignores `$skip` does that), or a page over [`MAX_PAGE_ITEMS`] items ends it with `server_error`.
pub async fn for_each_page(
    client: &Client,
    opts: &CallOptions,
    req: &ListCustomersRequest,
    mut on_page: impl FnMut(Vec<DelegatedAdminCustomer>),
) -> Result<(Option<u64>, Option<String>)> {
    req.validate()?;
    let call = Call::new(client, &SERVICE, opts)?;
    let page_size = req.page_size();
    let mut skip = req.skip.unwrap_or(0);
    let mut url = first_page_url(&call, req, page_size, skip);
    let mut count = None;
    // Once the service has handed out a nextLink, it pages: stop where it stops. `$skip` paging is only for
    // a service that never links (a full last page then costs one empty request).
    let mut linked = false;
    let mut guard = crate::paging::ListingGuard::new(call.service.name);
    let mut listed = 0u64;
    loop {
        guard
            .visit(&url)
            .map_err(|why| call.error(ErrorKind::ServerError, why))?;
        let page: Page = call
            .execute(
                &Request::new(Method::GET, url.clone()),
                crate::paging::read_capped,
            )
            .await?;
        let page_value = page.value.into_inner();
        let got = page_value.len() as u64;
        let added = guard.count_new(page_value.iter().map(|c| c.tenant_id()));
        count = count.or(page.count);
        on_page(page_value);
        if !req.all_pages {
            return Ok((count, page.next_link));
        }
        listed += got;
        if req.max_results.is_some_and(|max| listed >= max) {
            return Ok((count, None));
        }
        let next = match (page.next_link, page_size) {
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
        if added == 0 {
            let why = if linked {
                "a page listed no customer that was not listed before, yet linked to another page"
                    .to_string()
            } else {
                format!("the page at $skip={} repeated customers already listed: the service seems to ignore $skip", skip - got)
            };
            return Err(guard.stuck(&call, why));
        }
        url = next;
    }
}

fn first_page_url(
    call: &Call,
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
