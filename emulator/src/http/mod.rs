//! The HTTP plumbing shared by every service: query strings, per-service error bodies, the request
//! recorder and the gate (latency, faults, rate limit, failures, bearer tokens) in front of services.

pub mod context;
pub mod errors;
pub mod fault_response;
pub mod gate;
mod partial_body;
pub mod query;
pub mod record;
pub mod service;
