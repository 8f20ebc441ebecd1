//! The identity platform's token response (`identity::TokenResponse::into_token`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = delegated_admin::fuzzing::token_response(data) {
        panic!("{e}");
    }
});
