//! `da_access_ledger` in validate-only mode: any bytes as its request (cut at the first NUL), the envelope checked
//! by `delegated_admin::fuzzing::ffi_request`.
#![no_main]

use delegated_admin::fuzzing::{ffi_request, Export};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = ffi_request(Export::AccessLedger, data) {
        panic!("{e}");
    }
});
