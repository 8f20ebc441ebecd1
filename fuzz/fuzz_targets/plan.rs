//! A cleanup plan file (`cleanup::Plan`): read, written, read again.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = delegated_admin::fuzzing::plan(data) {
        panic!("{e}");
    }
});
