//! A DAP cleanup's target: one customer, named by its tenant id. Its outcomes, journal lines and report rows
//! have the fields they always had (`customerTenantId`, `organizationDisplayName`, outcome `removed`).

use crate::engine::{self, Target};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DapTarget {
    pub customer_tenant_id: String,
    #[serde(default)]
    pub organization_display_name: Option<String>,
}

impl Target for DapTarget {
    const KEY_FIELD: &'static str = "customerTenantId";
    const DONE: &'static str = "removed";
    const DONE_COUNT: &'static str = "removed";
    const CSV_COLUMNS: &'static [&'static str] = &["customerTenantId", "organizationDisplayName"];

    fn key(&self) -> &str {
        &self.customer_tenant_id
    }

    fn display_name(&self) -> Option<&str> {
        self.organization_display_name.as_deref()
    }

    fn customer_tenant_id(&self) -> Option<&str> {
        Some(&self.customer_tenant_id)
    }

    fn csv_cells(&self) -> Vec<String> {
        vec![
            self.customer_tenant_id.clone(),
            self.organization_display_name.clone().unwrap_or_default(),
        ]
    }
}

/// How one customer of a DAP cleanup ended.
pub type Outcome = engine::Outcome<DapTarget>;
/// The report of a DAP cleanup: one outcome per customer of the plan.
pub type Report = engine::Report<DapTarget>;
