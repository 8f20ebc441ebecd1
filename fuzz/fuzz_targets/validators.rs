//! Scope, assignment id, orderBy, base URL, GUID/tenant/path segment (first byte chooses).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = delegated_admin::fuzzing::validators(data) {
        panic!("{e}");
    }
});
