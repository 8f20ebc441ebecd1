//! An Azure-AsyncOperation status body, as the long-running delete reads it.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = delegated_admin::fuzzing::lro_status(data) {
        panic!("{e}");
    }
});
