//! A `delegatedAdminCustomers` page (`customers::Page`), planned and its nextLink followed.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = delegated_admin::fuzzing::customers_page(data) {
        panic!("{e}");
    }
});
