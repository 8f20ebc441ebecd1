//! Microsoft Graph's GDAP API (`tenantRelationships/delegatedAdminRelationships` and
//! `delegatedAdminCustomers`), v1.0.

use crate::service::{Hosted, Service};

/// Microsoft Graph, per cloud (US Government L4; DoD tenants use `dod-graph.microsoft.us` through a custom
/// cloud).
pub static SERVICE: Service = Service {
    id: "graph",
    name: "Microsoft Graph",
    correlation_header: "client-request-id",
    read_error: crate::service_error::by_status,
    public: Some(Hosted {
        endpoint: "https://graph.microsoft.com",
        scope: "https://graph.microsoft.com/.default",
    }),
    us_government: Some(Hosted {
        endpoint: "https://graph.microsoft.us",
        scope: "https://graph.microsoft.us/.default",
    }),
    china: Some(Hosted {
        endpoint: "https://microsoftgraph.chinacloudapi.cn",
        scope: "https://microsoftgraph.chinacloudapi.cn/.default",
    }),
};
