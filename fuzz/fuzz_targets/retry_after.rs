//! A Retry-After / retry-after-ms header value and the waits computed from it.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = delegated_admin::fuzzing::retry_after(data) {
        panic!("{e}");
    }
});
