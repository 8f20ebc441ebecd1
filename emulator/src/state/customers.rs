//! The delegated admin customers: storage, lookup, ordering and paging, and their JSON form.
//!
//! Orderings by name and dates never change after seeding (only `dapEnabled`/`endDateTime` do), so they
//! are computed once; a page is then one pass over a precomputed order, with no sort and no clones.

use std::collections::HashMap;

use serde::ser::{Serialize, SerializeMap, Serializer};
use uuid::Uuid;

use crate::timefmt::{format_ticks, Ticks};

/// One delegatedAdminCustomers resource, compactly (100,000 of them take about 15 MB).
#[derive(Clone, Debug)]
pub struct Customer {
    pub id: Uuid,
    pub name: Box<str>,
    pub partner_agent_count: u32,
    pub partner_sign_in_count: u32,
    pub global_admin_sign_in_count: u32,
    pub dap_enabled: bool,
    pub start: Ticks,
    pub end: Option<Ticks>,
    pub last_sign_in: Option<Ticks>,
    /// Raw values served instead of the typed ones (odd data from the service, for tests); `None` for
    /// every seeded customer.
    pub raw: Option<Box<RawFields>>,
}

/// Fields served verbatim (`set`: any JSON) or left out (`omit`), by field name.
#[derive(Clone, Debug, Default, PartialEq, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RawFields {
    pub set: serde_json::Map<String, serde_json::Value>,
    pub omit: Vec<String>,
}

/// The fields of the resource, in the order the service writes them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Id,
    CustomerTenantId,
    OrganizationDisplayName,
    PartnerAgentCount,
    PartnerSignInCount,
    GlobalAdminSignInCount,
    DapEnabled,
    StartDateTime,
    EndDateTime,
    LastSignInDateTime,
}

impl Field {
    pub const ALL: [Field; 10] = [
        Field::Id,
        Field::CustomerTenantId,
        Field::OrganizationDisplayName,
        Field::PartnerAgentCount,
        Field::PartnerSignInCount,
        Field::GlobalAdminSignInCount,
        Field::DapEnabled,
        Field::StartDateTime,
        Field::EndDateTime,
        Field::LastSignInDateTime,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Field::Id => "id",
            Field::CustomerTenantId => "customerTenantId",
            Field::OrganizationDisplayName => "organizationDisplayName",
            Field::PartnerAgentCount => "partnerAgentCount",
            Field::PartnerSignInCount => "partnerSignInCount",
            Field::GlobalAdminSignInCount => "globalAdminSignInCount",
            Field::DapEnabled => "dapEnabled",
            Field::StartDateTime => "startDateTime",
            Field::EndDateTime => "endDateTime",
            Field::LastSignInDateTime => "lastSignInDateTime",
        }
    }

    /// Field names are matched case-insensitively (the service documents `OrganizationDisplayName`).
    pub fn parse(name: &str) -> Option<Field> {
        Field::ALL
            .into_iter()
            .find(|f| f.name().eq_ignore_ascii_case(name))
    }

    fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

/// A set of fields (`$select`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FieldMask(u16);

impl FieldMask {
    pub const ALL: FieldMask = FieldMask(0x3FF);

    pub fn of(fields: &[Field]) -> FieldMask {
        FieldMask(fields.iter().fold(0, |m, f| m | f.bit()))
    }

    pub fn contains(self, field: Field) -> bool {
        self.0 & field.bit() != 0
    }
}

/// A customer serialized with only the fields of a mask.
pub struct CustomerView<'a> {
    pub customer: &'a Customer,
    pub mask: FieldMask,
}

impl Serialize for CustomerView<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let c = self.customer;
        let date = |t: Option<Ticks>| t.map(format_ticks);
        let mut map = serializer.serialize_map(None)?;
        for field in Field::ALL {
            if !self.mask.contains(field) {
                continue;
            }
            let key = field.name();
            if let Some(raw) = &c.raw {
                if raw.omit.iter().any(|o| o.eq_ignore_ascii_case(key)) {
                    continue;
                }
                if let Some(value) = raw.set.get(key) {
                    map.serialize_entry(key, value)?;
                    continue;
                }
            }
            match field {
                Field::Id | Field::CustomerTenantId => {
                    map.serialize_entry(key, &c.id.hyphenated())?
                }
                Field::OrganizationDisplayName => map.serialize_entry(key, &*c.name)?,
                Field::PartnerAgentCount => map.serialize_entry(key, &c.partner_agent_count)?,
                Field::PartnerSignInCount => map.serialize_entry(key, &c.partner_sign_in_count)?,
                Field::GlobalAdminSignInCount => {
                    map.serialize_entry(key, &c.global_admin_sign_in_count)?
                }
                Field::DapEnabled => map.serialize_entry(key, &c.dap_enabled)?,
                Field::StartDateTime => map.serialize_entry(key, &format_ticks(c.start))?,
                Field::EndDateTime => map.serialize_entry(key, &date(c.end))?,
                Field::LastSignInDateTime => map.serialize_entry(key, &date(c.last_sign_in))?,
            }
        }
        map.end()
    }
}

/// The `$orderBy` fields the service allows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SortKey {
    OrganizationDisplayName,
    DapEnabled,
    StartDateTime,
    LastSignInDateTime,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Order {
    pub key: SortKey,
    pub descending: bool,
}

/// One page of matching customers (indices into the store).
pub struct Page {
    pub indices: Vec<u32>,
    /// Total number of matches, when asked for.
    pub total: Option<usize>,
    /// Whether more matches follow this page.
    pub more: bool,
}

pub struct CustomerStore {
    customers: Vec<Customer>,
    by_id: HashMap<Uuid, u32>,
    by_name: Vec<u32>,
    by_start: Vec<u32>,
    by_last_sign_in: Vec<u32>,
}

impl CustomerStore {
    pub fn new(customers: Vec<Customer>) -> Self {
        let indices = || (0..customers.len() as u32).collect::<Vec<u32>>();
        let mut by_name = indices();
        by_name.sort_by(|a, b| {
            customers[*a as usize]
                .name
                .cmp(&customers[*b as usize].name)
        });
        let mut by_start = indices();
        by_start.sort_by_key(|i| customers[*i as usize].start);
        let mut by_last_sign_in = indices();
        by_last_sign_in.sort_by_key(|i| customers[*i as usize].last_sign_in);
        let by_id = customers
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id, i as u32))
            .collect();
        CustomerStore {
            customers,
            by_id,
            by_name,
            by_start,
            by_last_sign_in,
        }
    }

    pub fn len(&self) -> usize {
        self.customers.len()
    }

    pub fn get(&self, index: u32) -> &Customer {
        &self.customers[index as usize]
    }

    pub fn find(&self, id: &Uuid) -> Option<u32> {
        self.by_id.get(id).copied()
    }

    /// Serves these raw values for the customer at `index` from now on (replacing earlier ones).
    pub fn set_raw(&mut self, index: u32, raw: RawFields) {
        let customer = &mut self.customers[index as usize];
        customer.raw = (raw != RawFields::default()).then(|| Box::new(raw));
    }

    /// Ends the DAP relationship at `now`; false when it had already ended.
    pub fn remove_dap(&mut self, index: u32, now: Ticks) -> bool {
        let customer = &mut self.customers[index as usize];
        if !customer.dap_enabled {
            return false;
        }
        customer.dap_enabled = false;
        customer.end = Some(now);
        true
    }

    /// Matches of `filter` in `order`, skipping `skip`, at most `size` of them. Counts every match only
    /// when `count` is set; otherwise stops at the first match after the page.
    pub fn page(
        &self,
        filter: &dyn Fn(&Customer) -> bool,
        order: Option<Order>,
        skip: usize,
        size: usize,
        count: bool,
    ) -> Page {
        let mut indices = Vec::with_capacity(size.min(self.len()));
        let mut matched = 0usize;
        let mut more = false;
        for index in self.ordered(order) {
            if !filter(self.get(index)) {
                continue;
            }
            matched += 1;
            if matched <= skip {
                continue;
            }
            if indices.len() < size {
                indices.push(index);
            } else {
                more = true;
                if !count {
                    break;
                }
            }
        }
        Page {
            indices,
            total: count.then_some(matched),
            more,
        }
    }

    /// Store indices in the requested order; ties keep seeding order (reversed when descending).
    fn ordered(&self, order: Option<Order>) -> Box<dyn Iterator<Item = u32> + '_> {
        let all = 0..self.len() as u32;
        let Some(order) = order else {
            return Box::new(all);
        };
        let sorted = match order.key {
            SortKey::OrganizationDisplayName => &self.by_name,
            SortKey::StartDateTime => &self.by_start,
            SortKey::LastSignInDateTime => &self.by_last_sign_in,
            SortKey::DapEnabled => {
                let with =
                    move |dap: bool| all.clone().filter(move |i| self.get(*i).dap_enabled == dap);
                return if order.descending {
                    Box::new(with(true).rev().chain(with(false).rev()))
                } else {
                    Box::new(with(false).chain(with(true)))
                };
            }
        };
        if order.descending {
            Box::new(sorted.iter().rev().copied())
        } else {
            Box::new(sorted.iter().copied())
        }
    }
}
