//! The emulated endpoints, one module per service, and the control endpoints.

pub mod arm;
pub mod cloudcockpit;
pub mod control;
pub mod customers_api;
pub mod graph;
pub mod identity;
pub mod managed_identity;
pub mod partner_center;
