//! The main job, end to end, on the bundled emulator, through the C ABI (the same functions C, C# and
//! PowerShell call): start the emulator, list the delegated admin customers, find the DAP relationships
//! inactive for more than 90 days (holding those whose customer has no active GDAP relationship), remove
//! one, plan and apply the cleanup of the rest, list the GDAP relationships expiring soon and turn
//! auto-extend on for one (Microsoft Graph), list and remove an Azure Lighthouse assignment, and print what
//! happened.
//!
//!   cargo run --example demo [-- --customers 500]

use delegated_admin::ffi::*;
use delegated_admin_emulator::{Config, Emulator};
use serde_json::{json, Value};
use std::ffi::{c_char, CStr, CString};

type Export = extern "C" fn(*const c_char) -> *mut c_char;

/// One C call: JSON in, envelope out, freed with da_string_free.
fn call(f: Export, request: &Value) -> Value {
    let input = CString::new(request.to_string()).expect("JSON has no NUL");
    let out = f(input.as_ptr());
    // SAFETY: the library returns a NUL-terminated UTF-8 string that we own until da_string_free.
    let text = unsafe { CStr::from_ptr(out) }
        .to_string_lossy()
        .into_owned();
    unsafe { da_string_free(out) };
    let envelope: Value = serde_json::from_str(&text).expect("envelopes are JSON");
    if envelope["ok"] != json!(true) {
        eprintln!("  error: {}", envelope["error"]);
        std::process::exit(1);
    }
    envelope["result"].clone()
}

/// `--customers N` (or `--customers=N`); anything else is refused with the usage.
fn customers_arg() -> usize {
    const USAGE: &str =
        "usage: cargo run --example demo [-- --customers N]   (N >= 0, default 500)";
    let mut customers = 500;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = match arg.split_once('=') {
            Some(("--customers", v)) => Some(v.to_string()),
            None if arg == "--customers" => args.next(),
            None if arg == "--help" || arg == "-h" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            _ => {
                eprintln!("demo: unknown option '{arg}'\n{USAGE}");
                std::process::exit(2);
            }
        };
        match value.as_deref().map(str::parse) {
            Some(Ok(n)) => customers = n,
            _ => {
                eprintln!("demo: --customers needs a number\n{USAGE}");
                std::process::exit(2);
            }
        }
    }
    customers
}

fn main() {
    let customers = customers_arg();
    let version = unsafe { CStr::from_ptr(da_version()) }.to_string_lossy();
    println!(
        "delegated-admin {version}: the DAP cleanup on the bundled emulator, through the C ABI\n"
    );

    let emu = Emulator::start(Config {
        customers,
        ..Config::default()
    })
    .expect("emulator starts");
    let fx = emu.fixtures();
    println!("1. Emulator listening on {} ({} customers; identity, Partner Center, customers API, CloudCockpit, ARM, Microsoft Graph)", emu.url(), customers);
    let base = |extra: Value| {
        let mut r = json!({
            "endpoint": emu.url(), "authority": emu.url(),
            "auth": { "tenantId": fx["tenantId"], "clientId": fx["clientId"], "clientSecret": fx["clientSecret"] },
        });
        for (k, v) in extra.as_object().unwrap() {
            r[k] = v.clone();
        }
        r
    };

    let all = call(
        da_list_delegated_admin_customers,
        &base(json!({ "allPages": true, "count": true })),
    );
    let list = all["customers"].as_array().unwrap();
    let dap = list
        .iter()
        .filter(|c| c["dapEnabled"] == json!(true))
        .count();
    println!(
        "2. Listed {} delegated admin customers (every page, $count {}): {} with DAP",
        list.len(),
        all["count"],
        dap
    );

    let plan = call(da_plan_dap_cleanup, &base(json!({ "inactiveDays": 90 })));
    let held: Vec<&Value> = plan["kept"]
        .as_array()
        .map(|k| {
            k.iter()
                .filter(|e| e["reason"] == "no_active_gdap")
                .collect()
        })
        .unwrap_or_default();
    println!(
        "3. Planned: {} DAP relationships inactive for more than 90 days with GDAP in place, {} customers kept ({} of them inactive but held: no active GDAP relationship, so removing DAP would leave no admin access)",
        plan["summary"]["candidates"], plan["summary"]["kept"], held.len()
    );
    for c in plan["candidates"].as_array().unwrap().iter().take(3) {
        println!(
            "     {} {}: {}",
            c["customerTenantId"].as_str().unwrap(),
            c["organizationDisplayName"].as_str().unwrap_or(""),
            c["detail"].as_str().unwrap()
        );
    }

    // Any emulator size works: with few customers there may be no inactive DAP relationship at all.
    let candidates = plan["candidates"].as_array().cloned().unwrap_or_default();
    match candidates.first() {
        Some(first) => {
            let removed = call(
                da_remove_dap_relationship,
                &base(json!({ "customerTenantId": first["customerTenantId"] })),
            );
            println!(
                "4. Removed one DAP relationship: {} ({}) -> allowDelegatedAccess {}",
                removed["customerTenantId"].as_str().unwrap_or(""),
                first["organizationDisplayName"].as_str().unwrap_or(""),
                removed["allowDelegatedAccess"]
            );
        }
        None => println!("4. No DAP relationship is inactive for more than 90 days: nothing to remove one by one"),
    }

    let journal =
        std::env::temp_dir().join(format!("delegated-admin-demo-{}.jsonl", std::process::id()));
    let report = call(
        da_apply_dap_cleanup,
        &base(
            json!({ "plan": plan, "journalPath": journal.to_str(), "concurrency": 8, "requestsPerSecond": 50 }),
        ),
    );
    let c = &report["counts"];
    println!(
        "5. Applied the plan: {} removed, {} failed, {} candidates skipped ({} customers in all; journal {})",
        c["removed"], c["failed"], c["skippedCandidates"], c["customers"], journal.display()
    );
    for o in report["outcomes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["stage"] == "apply" && o["outcome"] == "skipped")
        .take(2)
    {
        println!(
            "     skipped {}: {}",
            o["customerTenantId"].as_str().unwrap(),
            o["reason"].as_str().unwrap_or("")
        );
    }

    // GDAP through Microsoft Graph: what expires soon, and auto-extend for one that may be extended.
    let expiring = call(
        da_list_gdap_relationships,
        &base(json!({ "status": "active", "expiringWithinDays": 60 })),
    );
    let expiring = expiring["relationships"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let active = call(
        da_list_gdap_relationships,
        &base(json!({ "status": "active" })),
    );
    let active = active["relationships"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    println!(
        "6. GDAP (Microsoft Graph): {} active relationships, {} ending within 60 days",
        active.len(),
        expiring.len()
    );
    let holds_global_admin = |r: &Value| {
        r["accessDetails"]["unifiedRoles"]
            .as_array()
            .is_some_and(|roles| {
                roles
                    .iter()
                    .any(|x| x["roleDefinitionId"] == "62e90394-69f5-4237-9190-012177145e10")
            })
    };
    for r in expiring.iter().take(3) {
        println!(
            "     {} ends {} (auto-extend {}{})",
            r["displayName"].as_str().unwrap_or(""),
            r["endDateTime"].as_str().unwrap_or("?"),
            r["autoExtendDuration"].as_str().unwrap_or("?"),
            if holds_global_admin(r) {
                ", holds Global Administrator: cannot be auto-extended"
            } else {
                ""
            }
        );
    }
    // The relationship as listed goes back as is (its ETag is sent as If-Match).
    let extendable = expiring
        .iter()
        .chain(active.iter())
        .find(|r| r["autoExtendDuration"] == "PT0S" && !holds_global_admin(r));
    match extendable {
        Some(r) => {
            let extended = call(
                da_set_gdap_auto_extend,
                &base(json!({ "relationship": r, "autoExtendDuration": "P180D" })),
            );
            println!(
                "7. Turned on auto-extend (P180D) for \"{}\" ending {}: autoExtendDuration {}",
                r["displayName"].as_str().unwrap_or(""),
                r["endDateTime"].as_str().unwrap_or("?"),
                extended["relationship"]["autoExtendDuration"]
                    .as_str()
                    .unwrap_or("?")
            );
        }
        None => println!("7. No active GDAP relationship can be auto-extended"),
    }

    match fx["relationships"].as_array().and_then(|r| r.first()) {
        Some(rel) => {
            let updated = call(
                da_update_delegated_admin_relationship,
                &base(json!({
                    "tenantDomain": fx["tenantDomain"], "customerId": rel["customerId"], "relationshipId": rel["relationshipId"],
                    "providerInstanceId": rel["providerInstanceId"], "autoExtendEnabled": true,
                })),
            );
            println!(
                "8. Turned on auto-extend for GDAP relationship {} (CloudCockpit)",
                updated["relationshipId"].as_str().unwrap_or("")
            );
        }
        None => println!("8. The emulator has no CloudCockpit relationship to update"),
    }

    let list = match fx["subscriptions"][0]["subscriptionId"].as_str() {
        Some(subscription) => {
            let scope = format!("/subscriptions/{subscription}");
            let assignments = call(
                da_list_lighthouse_assignments,
                &base(json!({ "scope": scope, "includeDefinition": true })),
            );
            let list = assignments["assignments"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            println!(
                "9. Azure Lighthouse: {} registration assignments on {scope}",
                list.len()
            );
            list
        }
        None => {
            println!("9. Azure Lighthouse: the emulator delegates no subscription");
            Vec::new()
        }
    };
    for a in &list {
        let d = &a["properties"]["registrationDefinition"]["properties"];
        println!(
            "     {} managed by {} ({})",
            a["name"].as_str().unwrap_or(""),
            d["managedByTenantName"].as_str().unwrap_or("?"),
            d["registrationDefinitionName"].as_str().unwrap_or("")
        );
    }
    match list.first() {
        Some(first) => {
            let gone = call(
                da_remove_lighthouse_assignment,
                &base(json!({ "assignmentId": first["id"], "wait": true })),
            );
            println!(
                "10. Removed Lighthouse assignment {}: {}",
                first["name"].as_str().unwrap_or(""),
                gone["status"].as_str().unwrap_or("")
            );
        }
        None => println!("10. No Lighthouse assignment to remove"),
    }

    let stats = emu.stats();
    println!(
        "\nThe emulator served {} service requests and {} token requests.",
        stats["serviceRequests"], stats["tokenRequests"]
    );
    let _ = std::fs::remove_file(journal);
}
