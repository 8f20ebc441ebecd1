mod common;

use std::collections::HashSet;
use std::time::{Duration, Instant};

use common::*;
use delegated_admin_emulator::{Config, Emulator};
use serde_json::Value;

fn list(emu: &Emulator, token: &str, query: &str) -> Reply {
    get(emu, &format!("{CUSTOMERS_PATH}?{query}"), token)
}

/// Every item of every page, following nextLink.
fn all_pages(emu: &Emulator, token: &str, query: &str) -> (Vec<Value>, usize) {
    let mut items = Vec::new();
    let mut pages = 0;
    let mut next = Some(format!("{}{CUSTOMERS_PATH}?{query}", emu.url()));
    while let Some(link) = next {
        let reply = get(emu, &link, token);
        assert_eq!(reply.status, 200, "{link}: {}", reply.text());
        let body = reply.json();
        items.extend(body["value"].as_array().unwrap().iter().cloned());
        next = body["@odata.nextLink"].as_str().map(str::to_string);
        pages += 1;
    }
    (items, pages)
}

#[test]
fn paging_visits_every_customer_once() {
    let emu = start(Config {
        customers: 23,
        ..Config::default()
    });
    let t = token(&emu, CUSTOMERS_API);
    let first = list(&emu, &t, "$top=7&$count=true").json();
    assert_eq!(first["@odata.count"], 23);
    assert_eq!(
        first["@odata.context"],
        format!(
            "{}/CustomerServiceAdminApi/Web/v1/$metadata#delegatedAdminCustomers",
            emu.url()
        )
    );
    let (items, pages) = all_pages(&emu, &t, "$top=7");
    assert_eq!(pages, 4);
    let ids: HashSet<&str> = items.iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), 23);
    let exact = list(&emu, &t, "$top=23").json();
    assert!(exact.get("@odata.nextLink").is_none());
    assert_eq!(exact["value"].as_array().unwrap().len(), 23);
    // Without $top the page size is 100.
    assert!(list(&emu, &t, "").json().get("@odata.nextLink").is_none());
}

#[test]
fn resources_have_the_documented_fields() {
    let emu = small();
    let t = token(&emu, CUSTOMERS_API);
    let body = list(&emu, &t, "$top=50").json();
    let fields = [
        "id",
        "customerTenantId",
        "organizationDisplayName",
        "partnerAgentCount",
        "partnerSignInCount",
        "globalAdminSignInCount",
        "dapEnabled",
        "startDateTime",
        "endDateTime",
        "lastSignInDateTime",
    ];
    let mut non_ascii = 0;
    for c in body["value"].as_array().unwrap() {
        let object = c.as_object().unwrap();
        assert_eq!(object.len(), fields.len());
        for f in fields {
            assert!(object.contains_key(f), "{f}");
        }
        assert_eq!(c["id"], c["customerTenantId"]);
        let start = c["startDateTime"].as_str().unwrap();
        assert_eq!(start.len(), "2021-08-06T21:15:04.3461507Z".len(), "{start}");
        assert!(start.ends_with('Z'));
        if !c["organizationDisplayName"].as_str().unwrap().is_ascii() {
            non_ascii += 1;
        }
        assert_eq!(
            c["dapEnabled"].as_bool().unwrap(),
            c["endDateTime"].is_null()
        );
    }
    assert!(non_ascii > 0, "some names are not ASCII");
    let c = &body["value"][0];
    assert_eq!(emu.customer(c["id"].as_str().unwrap()).unwrap(), *c);
}

#[test]
fn filter_finds_exactly_the_inactive_dap_customers() {
    let emu = start(Config {
        customers: 200,
        inactive_dap: Some(57),
        ..Config::default()
    });
    let t = token(&emu, CUSTOMERS_API);
    let f = emu.fixtures();
    let now = chrono::DateTime::parse_from_rfc3339(f["now"].as_str().unwrap()).unwrap();
    let cutoff =
        (now - chrono::Duration::days(90)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let filter = format!(
        "dapEnabled eq true and (lastSignInDateTime lt {cutoff} or lastSignInDateTime eq null)"
    );
    let query = format!("$count=true&$top=300&$filter={}", encode(&filter));
    let body = list(&emu, &t, &query).json();
    assert_eq!(body["@odata.count"], 57);
    let ids: HashSet<&str> = body["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 57);
    for sample in f["inactiveDapCustomerIds"].as_array().unwrap() {
        assert!(ids.contains(sample.as_str().unwrap()));
    }
    assert_eq!(f["inactiveDapCustomerIds"].as_array().unwrap().len(), 20);
    // Some inactive customers never signed in at all.
    assert!(body["value"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["lastSignInDateTime"].is_null()));

    // `+` means a space, option names are case-insensitive, quoted dates work.
    let plus = list(
        &emu,
        &t,
        &format!("$COUNT=true&$Filter=dapEnabled+eq+true+and+lastSignInDateTime+lt+'{cutoff}'"),
    )
    .json();
    assert!(plus["@odata.count"].as_u64().unwrap() <= 57);
    let disabled = list(&emu, &t, "$count=true&$filter=not+dapEnabled").json()["@odata.count"]
        .as_u64()
        .unwrap();
    let enabled = list(&emu, &t, "$count=true&$filter=dapEnabled+eq+true").json()["@odata.count"]
        .as_u64()
        .unwrap();
    assert_eq!(disabled + enabled, 200);
    let nulls = list(&emu, &t, "$count=true&$filter=endDateTime+ne+null").json()["@odata.count"]
        .as_u64()
        .unwrap();
    assert_eq!(nulls, disabled);
}

#[test]
fn orderby_sorts_with_nulls_first() {
    let emu = start(Config {
        customers: 120,
        ..Config::default()
    });
    let t = token(&emu, CUSTOMERS_API);
    let (asc, _) = all_pages(&emu, &t, "$orderBy=lastSignInDateTime&$top=50");
    let dates: Vec<Option<&str>> = asc
        .iter()
        .map(|c| c["lastSignInDateTime"].as_str())
        .collect();
    assert!(dates[0].is_none());
    assert!(
        dates.windows(2).all(|w| w[0] <= w[1]),
        "ascending, nulls first"
    );
    let (desc, _) = all_pages(&emu, &t, "$orderby=organizationDisplayName%20desc&$top=300");
    let names: Vec<&str> = desc
        .iter()
        .map(|c| c["organizationDisplayName"].as_str().unwrap())
        .collect();
    assert!(names.windows(2).all(|w| w[0] >= w[1]));
    let (dap, _) = all_pages(&emu, &t, "$orderby=dapEnabled+desc");
    let flags: Vec<bool> = dap
        .iter()
        .map(|c| c["dapEnabled"].as_bool().unwrap())
        .collect();
    assert!(flags.windows(2).all(|w| w[0] >= w[1]));
}

#[test]
fn select_skip_and_bad_options() {
    let emu = small();
    let t = token(&emu, CUSTOMERS_API);
    let body = list(
        &emu,
        &t,
        "$select=id,organizationDisplayName&$top=2&$skip=3",
    )
    .json();
    let item = body["value"][0].as_object().unwrap();
    assert_eq!(item.len(), 2);
    assert!(item.contains_key("organizationDisplayName"));
    let unskipped = list(&emu, &t, "$top=4").json();
    assert_eq!(body["value"][0]["id"], unskipped["value"][3]["id"]);
    let next = body["@odata.nextLink"].as_str().unwrap();
    assert!(
        next.contains("$skip=5") && next.contains("$select=id,organizationDisplayName"),
        "{next}"
    );

    for (query, fragment) in [
        ("$top=301", "$top"),
        ("$top=0", "$top"),
        ("$top=abc", "$top"),
        ("$skip=-1", "$skip"),
        ("$select=nope", "nope"),
        ("$orderby=partnerAgentCount", "partnerAgentCount"),
        ("$filter=dapEnabled+eq", "expected a value"),
        ("$filter=bogus+eq+1", "bogus"),
        ("$filter=(dapEnabled+eq+true", "')'"),
        ("$filter=lastSignInDateTime+lt+yesterday", "date-time"),
        ("$expand=x", "$expand"),
    ] {
        let reply = list(&emu, &t, query);
        assert_eq!(reply.status, 400, "{query}");
        let body = reply.json();
        assert_eq!(body["code"], 800002, "{query}");
        assert!(
            body["description"].as_str().unwrap().contains(fragment),
            "{query}: {body}"
        );
    }
}

#[test]
fn a_hundred_thousand_customers_page_quickly() {
    let emu = start(Config {
        customers: 100_000,
        ..Config::default()
    });
    let t = token(&emu, CUSTOMERS_API);
    let started = Instant::now();
    let body = list(&emu, &t, "$top=300&$skip=60000&$count=true&$filter=dapEnabled+eq+true&$orderby=organizationDisplayName").json();
    let elapsed = started.elapsed();
    assert_eq!(body["value"].as_array().unwrap().len(), 300);
    assert!(body["@odata.count"].as_u64().unwrap() > 60_300);
    let page = list(&emu, &t, "$top=300&$skip=3000").json();
    assert_eq!(page["value"].as_array().unwrap().len(), 300);
    // Generous for unoptimized builds on a busy machine; release builds answer in a few ms.
    assert!(elapsed < Duration::from_secs(2), "{elapsed:?}");
}
