//! A quick sanity check that memory stays flat over many C ABI calls (the full figure over 100,000 calls is
//! `cargo run --release --example memory_flat`). Not a benchmark: the bound is generous.
//!
//! One test only, so that nothing else runs in this process meanwhile.

mod common;
use common::*;
use serde_json::json;

#[test]
fn memory_stays_flat_over_5000_calls() {
    let Some(_) = vm_rss_kib() else {
        eprintln!("no /proc/self/status: skipped");
        return;
    };
    let emu = start();
    let fx = emu.fixtures();
    let rel = fx["relationships"][0].clone();
    let list = request(&emu, json!({ "top": 1, "maxRetries": 0 }));
    let remove = request(
        &emu,
        json!({ "customerTenantId": fx["inactiveDapCustomerIds"][0], "maxRetries": 0 }),
    );
    let update = request(
        &emu,
        json!({ "tenantDomain": fx["tenantDomain"], "customerId": rel["customerId"],
                "relationshipId": rel["relationshipId"], "providerInstanceId": rel["providerInstanceId"],
                "autoExtendEnabled": true, "maxRetries": 0 }),
    );
    let bad_guid = request(&emu, json!({ "customerTenantId": "not-a-guid" }));
    let one = |i: usize| match i % 5 {
        0 => assert_eq!(call(da_list_delegated_admin_customers, &list)["ok"], true),
        1 => assert_eq!(call(da_remove_dap_relationship, &remove)["ok"], true),
        2 => assert_eq!(
            call(da_update_delegated_admin_relationship, &update)["ok"],
            true
        ),
        3 => assert_eq!(
            call_raw(da_list_delegated_admin_customers, b"{\"top\": 3")["error"]["kind"],
            "invalid_request"
        ),
        _ => assert_eq!(
            call(da_remove_dap_relationship, &bad_guid)["error"]["kind"],
            "invalid_request"
        ),
    };

    let mut series = Vec::new();
    for i in 0..5_000 {
        one(i);
        if (i + 1) % 1_000 == 0 {
            // The emulator's request log lives in this process too: keep it out of the figure.
            clear_emulator_requests(&emu);
            series.push((i + 1, vm_rss_kib().unwrap()));
        }
    }
    let at_1000 = series[0].1;
    let at_5000 = series.last().unwrap().1;
    let growth_kib = at_5000 as i64 - at_1000 as i64;
    eprintln!("VmRSS by calls (KiB): {series:?}; growth 1,000 → 5,000: {growth_kib:+} KiB");
    assert!(
        growth_kib < 20 * 1024,
        "RSS grew {growth_kib} KiB between 1,000 and 5,000 calls: {series:?}"
    );
}
