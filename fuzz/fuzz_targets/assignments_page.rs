//! An ARM registration assignments page (`lighthouse::Page`) and its nextLink.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = delegated_admin::fuzzing::assignments_page(data) {
        panic!("{e}");
    }
});
