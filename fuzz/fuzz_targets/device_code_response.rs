//! The device code response (`identity::DeviceCodeResponse`) and its arithmetic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = delegated_admin::fuzzing::device_code_response(data) {
        panic!("{e}");
    }
});
