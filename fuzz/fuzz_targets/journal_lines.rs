//! A journal file's lines (`cleanup::journal::Record`), read and written back.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = delegated_admin::fuzzing::journal_lines(data) {
        panic!("{e}");
    }
});
