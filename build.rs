//! Generates the C header from `src/ffi/` with cbindgen into OUT_DIR, and copies it to
//! `include/delegated_admin.h` when it changed, except in CI (`CI` set), where a test compares the
//! committed header with the generated one so that a stale header fails the build's tests.

use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-changed=src/ffi");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    println!("cargo:rerun-if-env-changed=CI");
    let crate_dir =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"))
        .join("delegated_admin.h");
    let config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml"))
        .expect("cbindgen.toml is valid");
    let bindings = cbindgen::Builder::new()
        .with_crate(&crate_dir)
        .with_config(config)
        .generate()
        .expect("cbindgen can generate the header");
    bindings.write_to_file(&out);
    if std::env::var_os("CI").is_none() {
        let committed = crate_dir.join("include").join("delegated_admin.h");
        let new = std::fs::read(&out).expect("header was just written");
        if std::fs::read(&committed).ok().as_deref() != Some(new.as_slice()) {
            std::fs::create_dir_all(committed.parent().expect("include/ has a parent"))
                .expect("create include/");
            std::fs::write(&committed, new).expect("write include/delegated_admin.h");
        }
    }
}
