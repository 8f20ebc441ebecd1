//! Cross-cutting controls of the service endpoints: injected faults, the rate limiter, the counters
//! and the request log.

pub mod faults;
pub mod limiter;
pub mod reqlog;
pub mod stats;
