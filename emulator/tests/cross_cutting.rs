mod common;

use std::time::{Duration, Instant};

use common::*;
use delegated_admin_emulator::{Config, Emulator, Faults, RateLimit, ServiceRateLimits};
use serde_json::json;

fn arm_list(emu: &Emulator) -> String {
    let sub = emu.fixtures()["subscriptions"][0]["subscriptionId"]
        .as_str()
        .unwrap()
        .to_string();
    format!("/subscriptions/{sub}/providers/Microsoft.ManagedServices/registrationAssignments?api-version=2022-10-01")
}

#[test]
fn rate_limit_answers_429_with_retry_after() {
    let emu = start(Config {
        rate_limit: 3,
        ..Config::default()
    });
    let t = token(&emu, CUSTOMERS_API);
    let statuses: Vec<u16> = (0..8)
        .map(|_| get(&emu, CUSTOMERS_PATH, &t).status)
        .collect();
    assert!(statuses.contains(&429), "{statuses:?}");
    assert!(
        statuses.iter().filter(|s| **s == 200).count() <= 6,
        "{statuses:?}"
    );
    let throttled = (0..10)
        .map(|_| get(&emu, CUSTOMERS_PATH, &t))
        .find(|r| r.status == 429)
        .unwrap();
    let seconds: u64 = throttled.header("Retry-After").unwrap().parse().unwrap();
    assert!(seconds >= 1);
    let body = throttled.json();
    assert_eq!(body["statusCode"], 429);
    assert!(body["message"]
        .as_str()
        .unwrap()
        .starts_with("Rate limit is exceeded. Try again in"));
    assert!(emu.stats()["throttled"].as_u64().unwrap() >= 1);
    // Identity and control endpoints are never throttled.
    for _ in 0..5 {
        token(&emu, ARM);
        assert_eq!(
            send(emu.url(), "GET", "/_emulator/stats", &[], None).status,
            200
        );
    }
    std::thread::sleep(Duration::from_millis(1100));
    assert_eq!(get(&emu, CUSTOMERS_PATH, &t).status, 200);
}

#[test]
fn arm_throttling_body() {
    let emu = start(Config {
        rate_limit: 1,
        ..Config::default()
    });
    let t = token(&emu, ARM);
    let target = arm_list(&emu);
    let replies: Vec<Reply> = (0..4).map(|_| get(&emu, &target, &t)).collect();
    let throttled = replies.iter().find(|r| r.status == 429).expect("throttled");
    assert_eq!(throttled.json()["error"]["code"], "TooManyRequests");
}

#[test]
fn each_service_has_a_limit_of_its_own() {
    let emu = start(Config {
        service_rate_limits: ServiceRateLimits {
            arm: Some(RateLimit {
                requests: 2,
                per: Duration::from_secs(60),
            }),
            ..ServiceRateLimits::default()
        },
        ..Config::default()
    });
    let arm = token(&emu, ARM);
    let customers = token(&emu, CUSTOMERS_API);
    let target = arm_list(&emu);
    let statuses: Vec<u16> = (0..4).map(|_| get(&emu, &target, &arm).status).collect();
    // Two in the minute's window, unless the window turned between them (then at most four).
    assert!(statuses.starts_with(&[200, 200]), "{statuses:?}");
    let throttled = (0..3)
        .map(|_| get(&emu, &target, &arm))
        .find(|r| r.status == 429)
        .expect("ARM's own limit");
    assert_eq!(throttled.json()["error"]["code"], "TooManyRequests");
    let seconds: u64 = throttled.header("Retry-After").unwrap().parse().unwrap();
    assert!(
        (1..=60).contains(&seconds),
        "{seconds}: until the minute's window ends"
    );
    // The other services are not limited by ARM's.
    for _ in 0..10 {
        assert_eq!(get(&emu, CUSTOMERS_PATH, &customers).status, 200);
    }
    let stats = emu.stats();
    let arm_throttled = stats["throttledByService"]["arm"].as_u64().unwrap();
    assert!(arm_throttled >= 1);
    assert_eq!(stats["throttled"].as_u64().unwrap(), arm_throttled);
    for service in ["partnerCenter", "customersApi", "cloudCockpit", "graph"] {
        assert_eq!(stats["throttledByService"][service], 0, "{service}");
    }
    assert_eq!(stats["armDeleteThrottled"], 0, "not the delete bucket");
}

#[test]
fn fail_rate_answers_503() {
    let emu = start(Config {
        fail_rate: 1.0,
        ..Config::default()
    });
    let t = token(&emu, CUSTOMERS_API);
    let reply = get(&emu, CUSTOMERS_PATH, &t);
    assert_eq!(reply.status, 503);
    assert!(reply.header("Retry-After").is_none());
    assert_eq!(reply.json()["source"], "PartnerFD");
    assert_eq!(emu.stats()["injectedFailures"], 1);

    let half = start(Config {
        fail_rate: 0.5,
        seed: 7,
        ..Config::default()
    });
    let t = token(&half, CUSTOMERS_API);
    let failed = (0..100)
        .filter(|_| get(&half, CUSTOMERS_PATH, &t).status == 503)
        .count();
    assert!((25..=75).contains(&failed), "{failed}");
}

#[test]
fn latency_delays_service_requests_only() {
    let emu = start(Config {
        latency: Duration::from_millis(300),
        ..Config::default()
    });
    let started = Instant::now();
    let t = token(&emu, CUSTOMERS_API);
    assert!(
        started.elapsed() < Duration::from_millis(250),
        "identity is not delayed"
    );
    // Concurrent requests are delayed concurrently, not one after another.
    let started = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..8 {
            s.spawn(|| assert_eq!(get(&emu, CUSTOMERS_PATH, &t).status, 200));
        }
    });
    let elapsed = started.elapsed();
    assert!(
        elapsed >= Duration::from_millis(300) && elapsed < Duration::from_millis(1500),
        "{elapsed:?}"
    );
}

#[test]
fn each_fault_kind() {
    let emu = small();
    let t = token(&emu, CUSTOMERS_API);

    emu.set_faults(Faults {
        reset_mid_body: 1,
        ..Faults::default()
    });
    let reset = get(&emu, CUSTOMERS_PATH, &t);
    assert_eq!(reset.status, 200);
    assert!(!reset.complete, "the chunked body never ends");
    assert!(!reset.body.is_empty());

    emu.set_faults(Faults {
        truncated_body: 1,
        ..Faults::default()
    });
    let truncated = get(&emu, CUSTOMERS_PATH, &t);
    let announced: usize = truncated.header("content-length").unwrap().parse().unwrap();
    assert!(!truncated.complete && truncated.body.len() < announced);

    emu.set_faults(Faults {
        non_json: 1,
        ..Faults::default()
    });
    let text = get(&emu, CUSTOMERS_PATH, &t);
    assert_eq!(text.status, 200);
    assert!(text
        .header("content-type")
        .unwrap()
        .starts_with("text/plain"));
    assert!(serde_json::from_slice::<serde_json::Value>(&text.body).is_err());

    emu.set_faults(Faults {
        html_error: 1,
        ..Faults::default()
    });
    let html = get(&emu, CUSTOMERS_PATH, &t);
    assert_eq!(html.status, 502);
    assert!(html.text().contains("<html>"));

    emu.set_faults(Faults {
        server_error: 1,
        ..Faults::default()
    });
    let error = get(&emu, CUSTOMERS_PATH, &t);
    assert_eq!(error.status, 500);
    assert_eq!(error.json()["code"], 800003);

    emu.set_faults(Faults {
        throttle: 1,
        retry_after: Some(7),
        ..Faults::default()
    });
    let seconds = get(&emu, CUSTOMERS_PATH, &t);
    assert_eq!(seconds.status, 429);
    assert_eq!(seconds.header("Retry-After"), Some("7"));
    emu.set_faults(Faults {
        throttle: 1,
        ..Faults::default()
    });
    let bare = get(&emu, CUSTOMERS_PATH, &t);
    assert_eq!(bare.status, 429);
    assert!(bare.header("Retry-After").is_none());
    emu.set_faults(Faults {
        throttle: 1,
        retry_after: Some(2),
        retry_after_http_date: true,
        ..Faults::default()
    });
    let dated = get(&emu, CUSTOMERS_PATH, &t);
    assert!(dated.header("Retry-After").unwrap().ends_with(" GMT"));

    emu.set_faults(Faults {
        hang: 1,
        ..Faults::default()
    });
    let hung = send_with_timeout(
        emu.url(),
        "GET",
        CUSTOMERS_PATH,
        &[("Authorization", &format!("Bearer {t}"))],
        None,
        Duration::from_millis(700),
    );
    assert!(hung.is_err(), "no answer");
    assert_eq!(emu.requests().last().unwrap().status, 0);

    emu.set_faults(Faults {
        token_expiry: true,
        ..Faults::default()
    });
    assert_eq!(get(&emu, CUSTOMERS_PATH, &t).status, 401);
    assert_eq!(emu.stats()["injectedFailures"], 9);
    // Everything consumed: back to normal.
    let t = token(&emu, CUSTOMERS_API);
    assert_eq!(get(&emu, CUSTOMERS_PATH, &t).status, 200);
}

#[test]
fn faults_over_http_with_a_path_prefix_and_counters() {
    let emu = small();
    let t = token(&emu, CUSTOMERS_API);
    let arm_token = token(&emu, ARM);
    let set = json_request(
        &emu,
        "POST",
        "/_emulator/faults",
        &[],
        &json!({ "serverError": 2, "pathPrefix": "/CustomerServiceAdminApi/" }),
    );
    assert_eq!(set.status, 200);
    assert_eq!(set.json()["serverError"], 2);
    assert_eq!(
        get(&emu, &arm_list(&emu), &arm_token).status,
        200,
        "another path does not consume it"
    );
    assert_eq!(get(&emu, CUSTOMERS_PATH, &t).status, 500);
    assert_eq!(get(&emu, CUSTOMERS_PATH, &t).status, 500);
    assert_eq!(get(&emu, CUSTOMERS_PATH, &t).status, 200);

    json_request(
        &emu,
        "POST",
        "/_emulator/faults",
        &[],
        &json!({ "htmlError": 5 }),
    );
    assert_eq!(
        send(emu.url(), "POST", "/_emulator/faults/clear", &[], None).status,
        204
    );
    assert_eq!(get(&emu, CUSTOMERS_PATH, &t).status, 200);
    let invalid = send(
        emu.url(),
        "POST",
        "/_emulator/faults",
        &[],
        Some(b"{\"hang\":\"x\"}"),
    );
    assert_eq!(invalid.status, 400);
}

#[test]
fn request_log_never_holds_tokens() {
    let emu = small();
    let t = token(&emu, CUSTOMERS_API);
    let reply = send(
        emu.url(),
        "GET",
        &format!("{CUSTOMERS_PATH}?$top=2&access_token=leak"),
        &[
            ("Authorization", &format!("Bearer {t}")),
            ("MS-CorrelationId", "corr-1"),
        ],
        None,
    );
    assert_eq!(reply.status, 200);
    let log = emu.requests();
    assert_eq!(log.len(), 2);
    let token_request = &log[0];
    assert_eq!(token_request.method, "POST");
    assert!(token_request.path.ends_with("/oauth2/v2.0/token"));
    let entry = &log[1];
    assert_eq!(entry.path, CUSTOMERS_PATH);
    assert_eq!(entry.status, 200);
    assert!(entry.had_authorization);
    assert_eq!(entry.correlation_id.as_deref(), Some("corr-1"));
    assert_eq!(entry.request_id.as_deref(), reply.header("MS-RequestId"));
    assert_eq!(entry.query.as_deref(), Some("$top=2&access_token=REDACTED"));

    let over_http = send(emu.url(), "GET", "/_emulator/requests", &[], None).text();
    let secret = emu.fixtures()["clientSecret"].as_str().unwrap().to_string();
    for text in [over_http.clone(), format!("{log:?}")] {
        assert!(!text.contains(&t), "the bearer token is never logged");
        assert!(!text.contains(&secret));
        assert!(!text.contains("leak"));
    }
    assert!(over_http.contains("\"hadAuthorization\":true"));
    assert_eq!(
        emu.service_request_count(),
        2,
        "control requests are not counted"
    );
    assert_eq!(emu.stats()["byStatus"]["200"], 2);
    assert_eq!(
        send(emu.url(), "POST", "/_emulator/requests/clear", &[], None).status,
        204
    );
    assert!(emu.requests().is_empty());
}

#[test]
fn seeding_is_deterministic_and_drop_stops_the_server() {
    // Everything but the start time and the port is a function of the seed.
    let strip = |mut f: serde_json::Value| {
        let url = f["url"].as_str().unwrap().to_string();
        f.as_object_mut().unwrap().remove("now");
        let text = f.to_string().replace(&url, "http://EMULATOR");
        serde_json::from_str::<serde_json::Value>(&text).unwrap()
    };
    let a = start(Config {
        seed: 42,
        ..Config::default()
    });
    let b = start(Config {
        seed: 42,
        ..Config::default()
    });
    let c = start(Config {
        seed: 43,
        ..Config::default()
    });
    assert_eq!(strip(a.fixtures()), strip(b.fixtures()));
    assert_ne!(strip(a.fixtures()), strip(c.fixtures()));
    let id = a.fixtures()["inactiveDapCustomerIds"][0]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        a.customer(&id).unwrap()["organizationDisplayName"],
        b.customer(&id).unwrap()["organizationDisplayName"]
    );
    let over_http = send(a.url(), "GET", "/_emulator/fixtures", &[], None).json();
    assert_eq!(over_http, a.fixtures());

    // A hung request does not keep Drop from returning.
    a.set_faults(Faults {
        hang: 1,
        ..Faults::default()
    });
    let url = a.url().to_string();
    let t = token(&a, CUSTOMERS_API);
    let hung = std::thread::spawn(move || {
        send_with_timeout(
            &url,
            "GET",
            CUSTOMERS_PATH,
            &[("Authorization", &format!("Bearer {t}"))],
            None,
            Duration::from_secs(10),
        )
    });
    std::thread::sleep(Duration::from_millis(200));
    let url = a.url().to_string();
    drop(a);
    assert!(hung.join().unwrap().is_err());
    assert!(std::net::TcpStream::connect(url.trim_start_matches("http://")).is_err());
}
