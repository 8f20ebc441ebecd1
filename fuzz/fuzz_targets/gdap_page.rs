//! A page of Microsoft Graph GDAP relationships, as the listing and the cleanup's GDAP rule read it.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = delegated_admin::fuzzing::gdap_page(data) {
        panic!("{e}");
    }
});
