//! Calls through an outbound proxy: an explicit `proxy` (with credentials kept as secrets), `HTTP_PROXY` from
//! the environment (in a child process, so that the variable is the process's from its start), and `"none"`
//! ignoring the environment. The proxy is a small loopback forward proxy written here; every request goes
//! only to loopback.

mod common;
use common::*;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

/// What the proxy saw of one request.
#[derive(Debug, Clone)]
struct Seen {
    target: String,
    proxy_authorization: Option<String>,
}

/// A forward proxy for plain HTTP on loopback: takes absolute-form requests, forwards them to their
/// (loopback) host, relays the answer. Answers 407 to requests without the expected credentials when
/// `require` is set.
struct Proxy {
    url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

fn start_proxy(require: Option<String>) -> Proxy {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let record = record.clone();
            let require = require.clone();
            std::thread::spawn(move || serve(stream, &record, require.as_deref()));
        }
    });
    Proxy { url, seen }
}

fn serve(client: TcpStream, record: &Mutex<Vec<Seen>>, require: Option<&str>) {
    let mut reader = BufReader::new(client.try_clone().unwrap());
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let mut parts = line.split_whitespace();
        let (method, target) = (
            parts.next().unwrap_or("").to_string(),
            parts.next().unwrap_or("").to_string(),
        );
        let mut headers = Vec::new();
        let mut auth = None;
        let mut length = 0usize;
        loop {
            let mut h = String::new();
            reader.read_line(&mut h).unwrap();
            if h == "\r\n" || h.is_empty() {
                break;
            }
            let lower = h.to_ascii_lowercase();
            if let Some(v) = lower.strip_prefix("proxy-authorization:") {
                auth = Some(h[h.len() - v.len()..].trim().to_string());
                continue;
            }
            if let Some(v) = lower.strip_prefix("content-length:") {
                length = v.trim().parse().unwrap_or(0);
            }
            if lower.starts_with("connection:") || lower.starts_with("proxy-connection:") {
                continue;
            }
            headers.push(h);
        }
        let mut body = vec![0u8; length];
        reader.read_exact(&mut body).unwrap();
        record.lock().unwrap().push(Seen {
            target: target.clone(),
            proxy_authorization: auth.clone(),
        });
        let mut out = client.try_clone().unwrap();
        if let Some(expected) = require {
            if auth.as_deref() != Some(expected) {
                let _ = out.write_all(b"HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"test\"\r\nContent-Length: 0\r\n\r\n");
                continue;
            }
        }
        // http://127.0.0.1:PORT/path?q -> 127.0.0.1:PORT and /path?q
        let rest = target.strip_prefix("http://").expect("absolute-form");
        let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        assert!(
            host.starts_with("127.0.0.1:"),
            "the proxy only forwards to loopback: {host}"
        );
        let mut upstream = TcpStream::connect(host).unwrap();
        let mut head = format!(
            "{method} {} HTTP/1.1\r\n",
            if path.is_empty() { "/" } else { path }
        );
        for h in &headers {
            head.push_str(h);
        }
        head.push_str("Connection: close\r\n\r\n");
        upstream.write_all(head.as_bytes()).unwrap();
        upstream.write_all(&body).unwrap();
        let mut answer = Vec::new();
        upstream.read_to_end(&mut answer).unwrap();
        // The answer ends the client's connection too (we asked upstream for close).
        let _ = out.write_all(&answer);
        return;
    }
}

const PROXY_PASSWORD: &str = "proxy-password-never-shown-7731";

fn basic(user: &str, password: &str) -> String {
    use std::fmt::Write as _;
    // RFC 7617 base64 of user:password (written out here so the test does not lean on the library).
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let input = format!("{user}:{password}").into_bytes();
    let mut out = String::new();
    for chunk in input.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.write_char(A[(n >> (18 - 6 * i)) as usize & 63] as char)
                    .unwrap();
            } else {
                out.push('=');
            }
        }
    }
    format!("Basic {out}")
}

#[test]
fn an_explicit_proxy_carries_every_request_with_its_credentials() {
    let emu = start();
    let proxy = start_proxy(Some(basic("partner-proxy", PROXY_PASSWORD)));
    let listed = ok(
        da_list_delegated_admin_customers,
        &request(
            &emu,
            json!({ "top": 3, "proxy": { "url": proxy.url, "username": "partner-proxy", "password": PROXY_PASSWORD } }),
        ),
    );
    assert_eq!(listed["customers"].as_array().unwrap().len(), 3);
    let seen = proxy.seen.lock().unwrap().clone();
    assert!(
        seen.iter().any(|s| s.target.contains("/oauth2/v2.0/token")),
        "the token request went through the proxy: {seen:?}"
    );
    assert!(
        seen.iter()
            .any(|s| s.target.contains("delegatedAdminCustomers")),
        "{seen:?}"
    );
    assert!(
        seen.iter().all(|s| s.proxy_authorization.is_some()),
        "{seen:?}"
    );

    // Wrong proxy credentials: a 407 is an error, and the password appears nowhere in it.
    let text = call_text(
        da_list_delegated_admin_customers,
        &request(
            &emu,
            json!({ "top": 3, "proxy": { "url": proxy.url, "username": "partner-proxy", "password": format!("{PROXY_PASSWORD}-wrong") } }),
        ),
    );
    let env: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(env["ok"], false, "{env}");
    assert!(!text.contains(PROXY_PASSWORD), "{text}");
}

#[test]
fn a_proxy_url_with_credentials_in_it_or_another_scheme_is_refused() {
    let emu = start();
    for bad in [
        json!("http://user:pw@127.0.0.1:1"),
        json!("socks5://127.0.0.1:1"),
        json!({ "url": "http://127.0.0.1:1", "password": "x" }),
        json!({ "url": "http://127.0.0.1:1", "extra": 1 }),
        json!(42),
    ] {
        let before = count_requests(&emu);
        let e = err(
            da_list_delegated_admin_customers,
            &request(&emu, json!({ "proxy": bad })),
        );
        assert_eq!(e["kind"], "invalid_request", "{e}");
        assert!(!e.to_string().contains("pw@"), "{e}");
        assert_eq!(count_requests(&emu), before);
    }
}

/// Not a test of its own: the body of the child process of `http_proxy_from_the_environment_is_honoured`.
#[test]
#[ignore = "run only as a child process"]
fn child_lists_customers() {
    let Ok(request) = std::env::var("DA_CHILD_REQUEST") else {
        return;
    };
    let request: Value = serde_json::from_str(&request).unwrap();
    println!(
        "ENVELOPE {}",
        call(da_list_delegated_admin_customers, &request)
    );
}

fn run_child(request: &Value, env: &[(&str, &str)]) -> Value {
    let mut cmd = std::process::Command::new(std::env::current_exe().unwrap());
    cmd.args([
        "--exact",
        "child_lists_customers",
        "--ignored",
        "--nocapture",
        "--test-threads=1",
    ])
    .env("DA_CHILD_REQUEST", request.to_string());
    for name in [
        "HTTP_PROXY",
        "http_proxy",
        "HTTPS_PROXY",
        "https_proxy",
        "ALL_PROXY",
        "all_proxy",
        "NO_PROXY",
        "no_proxy",
    ] {
        cmd.env_remove(name);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout
        .lines()
        .find_map(|l| l.find("ENVELOPE ").map(|at| &l[at + "ENVELOPE ".len()..]))
        .unwrap_or_else(|| panic!("the child printed no envelope: {stdout}"));
    serde_json::from_str(line).unwrap()
}

#[test]
fn http_proxy_from_the_environment_is_honoured_and_none_ignores_it() {
    let emu = start();
    let proxy = start_proxy(None);
    let env = [("HTTP_PROXY", proxy.url.as_str())];
    let listed = run_child(&request(&emu, json!({ "top": 2 })), &env);
    assert_eq!(listed["ok"], true, "{listed}");
    let through = proxy.seen.lock().unwrap().len();
    assert!(
        through >= 2,
        "token request and listing went through HTTP_PROXY: {through}"
    );

    let direct = run_child(&request(&emu, json!({ "top": 2, "proxy": "none" })), &env);
    assert_eq!(direct["ok"], true, "{direct}");
    assert_eq!(
        proxy.seen.lock().unwrap().len(),
        through,
        "\"none\" ignores HTTP_PROXY"
    );

    // NO_PROXY wins for the hosts it names.
    let excluded = run_child(
        &request(&emu, json!({ "top": 2 })),
        &[env[0], ("NO_PROXY", "127.0.0.1")],
    );
    assert_eq!(excluded["ok"], true, "{excluded}");
    assert_eq!(proxy.seen.lock().unwrap().len(), through);
}
