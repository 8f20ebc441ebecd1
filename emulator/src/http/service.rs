//! The five bearer-protected services and what distinguishes them on the wire.

use crate::state::tokens::Audience;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Service {
    /// Partner Center REST (`/v1/customers/...`).
    PartnerCenter,
    /// Partner Customer Delegated Administration (`/CustomerServiceAdminApi/...`).
    CustomersApi,
    /// CloudCockpit (`/v1/Customers/...`).
    CloudCockpit,
    /// Azure Resource Manager, Microsoft.ManagedServices (`/subscriptions/...`).
    Arm,
    /// Microsoft Graph v1.0, GDAP (`/v1.0/tenantRelationships/...`).
    Graph,
}

impl Service {
    pub const ALL: [Service; 5] = [
        Service::PartnerCenter,
        Service::CustomersApi,
        Service::CloudCockpit,
        Service::Arm,
        Service::Graph,
    ];

    /// The position in [`Service::ALL`].
    pub fn index(self) -> usize {
        match self {
            Service::PartnerCenter => 0,
            Service::CustomersApi => 1,
            Service::CloudCockpit => 2,
            Service::Arm => 3,
            Service::Graph => 4,
        }
    }

    /// The key of this service in the counters (`throttledByService`) and the names of its limit
    /// (`--rate-limit-<kebab-case>`).
    pub fn id(self) -> &'static str {
        match self {
            Service::PartnerCenter => "partnerCenter",
            Service::CustomersApi => "customersApi",
            Service::CloudCockpit => "cloudCockpit",
            Service::Arm => "arm",
            Service::Graph => "graph",
        }
    }

    pub fn audience(self) -> Audience {
        match self {
            Service::PartnerCenter => Audience::PartnerCenter,
            Service::CustomersApi => Audience::CustomersApi,
            Service::CloudCockpit => Audience::CloudCockpit,
            Service::Arm => Audience::Arm,
            Service::Graph => Audience::Graph,
        }
    }

    /// The header a correlation id travels in (echoed on the answer).
    pub fn correlation_header(self) -> &'static str {
        match self {
            Service::PartnerCenter | Service::CustomersApi => "MS-CorrelationId",
            Service::CloudCockpit => "X-Correlation-Id",
            Service::Arm => "x-ms-correlation-request-id",
            Service::Graph => "client-request-id",
        }
    }

    /// The header the answer's request id travels in.
    pub fn request_id_header(self) -> &'static str {
        match self {
            Service::PartnerCenter | Service::CustomersApi => "MS-RequestId",
            Service::CloudCockpit => "X-Request-Id",
            Service::Arm => "x-ms-request-id",
            Service::Graph => "request-id",
        }
    }

    /// Whether the caller's ids are echoed (Partner Center: a missing `MS-RequestId` is minted, a
    /// missing `MS-CorrelationId` stays missing) or new ones are minted when absent (Graph: a missing
    /// `client-request-id` is answered with the request id).
    pub fn echoes_request_id(self) -> bool {
        matches!(self, Service::PartnerCenter | Service::CustomersApi)
    }
}
