//! Cross-cutting controls of the service endpoints: injected faults, the rate limiters, ARM's delete
//! buckets, the counters and the request log.

pub mod delete_buckets;
pub mod faults;
pub mod limiter;
pub mod reqlog;
pub mod stats;
