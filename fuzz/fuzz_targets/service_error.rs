//! Any service's error body (`service_error::parse`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = delegated_admin::fuzzing::service_error(data) {
        panic!("{e}");
    }
});
