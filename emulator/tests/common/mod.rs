//! A small blocking HTTP/1.1 client on `std::net::TcpStream` (one request per connection), and
//! helpers shared by the emulator's tests.
#![allow(dead_code)]

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use delegated_admin_emulator::{Config, Emulator};
use serde_json::Value;

pub const PARTNER_CENTER: &str = "https://api.partnercenter.microsoft.com/.default";
pub const CUSTOMERS_API: &str = "https://api.partnercustomeradministration.microsoft.com/.default";
pub const CLOUDCOCKPIT: &str = "api://b92a36a4-feb8-4f47-a69c-29a180aa6d0a/.default";
pub const ARM: &str = "https://management.azure.com/.default";
pub const GRAPH: &str = "https://graph.microsoft.com/.default";
pub const CUSTOMERS_PATH: &str = "/CustomerServiceAdminApi/Web/v1/delegatedAdminCustomers";

#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// False when the connection closed before the announced body was complete.
    pub complete: bool,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {} {}", self.status, self.text()))
    }
}

/// `(status line + headers, rest)`.
fn split_head(raw: &[u8]) -> Option<(String, &[u8])> {
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    Some((
        String::from_utf8_lossy(&raw[..end]).into_owned(),
        &raw[end + 4..],
    ))
}

/// Decodes a chunked body; the flag says whether the terminating chunk arrived.
fn dechunk(mut rest: &[u8]) -> (Vec<u8>, bool) {
    let mut body = Vec::new();
    loop {
        let Some(line_end) = rest.windows(2).position(|w| w == b"\r\n") else {
            return (body, false);
        };
        let size_text = String::from_utf8_lossy(&rest[..line_end]).into_owned();
        let Ok(size) = usize::from_str_radix(size_text.trim(), 16) else {
            return (body, false);
        };
        rest = &rest[line_end + 2..];
        if size == 0 {
            return (body, true);
        }
        if rest.len() < size + 2 {
            body.extend_from_slice(&rest[..rest.len().min(size)]);
            return (body, false);
        }
        body.extend_from_slice(&rest[..size]);
        rest = &rest[size + 2..];
    }
}

fn host_of(base: &str) -> &str {
    base.trim_start_matches("http://").trim_end_matches('/')
}

/// Sends one request (`target` is a path with query, or an absolute URL on this server) and reads
/// the answer until the server closes the connection.
pub fn send_with_timeout(
    base: &str,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: Option<&[u8]>,
    timeout: Duration,
) -> io::Result<Reply> {
    let target = target.strip_prefix(base).unwrap_or(target);
    let host = host_of(base);
    let mut stream = TcpStream::connect(host)?;
    stream.set_read_timeout(Some(timeout))?;
    let mut head = format!("{method} {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if let Some(body) = body {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    if let Some(body) = body {
        stream.write_all(body)?;
    }
    let mut raw = Vec::new();
    let mut buffer = [0u8; 16384];
    loop {
        match stream.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => raw.extend_from_slice(&buffer[..n]),
            Err(e) if e.kind() == io::ErrorKind::ConnectionReset && !raw.is_empty() => break,
            Err(e) => return Err(e),
        }
    }
    let (head, rest) = split_head(&raw)
        .ok_or_else(|| io::Error::new(io::ErrorKind::UnexpectedEof, "no complete response head"))?;
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    let mut reply = Reply {
        status,
        headers,
        body: Vec::new(),
        complete: true,
    };
    if reply
        .header("transfer-encoding")
        .is_some_and(|v| v.eq_ignore_ascii_case("chunked"))
    {
        let (body, complete) = dechunk(rest);
        reply.body = body;
        reply.complete = complete;
    } else if let Some(length) = reply
        .header("content-length")
        .and_then(|v| v.parse::<usize>().ok())
    {
        reply.complete = rest.len() >= length;
        reply.body = rest[..rest.len().min(length)].to_vec();
    } else {
        reply.body = rest.to_vec();
    }
    Ok(reply)
}

pub fn send(
    base: &str,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: Option<&[u8]>,
) -> Reply {
    send_with_timeout(base, method, target, headers, body, Duration::from_secs(20))
        .unwrap_or_else(|e| panic!("{method} {target}: {e}"))
}

pub fn get(emu: &Emulator, target: &str, token: &str) -> Reply {
    let auth = format!("Bearer {token}");
    send(emu.url(), "GET", target, &[("Authorization", &auth)], None)
}

pub fn json_request(
    emu: &Emulator,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &Value,
) -> Reply {
    let mut all = vec![("Content-Type", "application/json")];
    all.extend_from_slice(headers);
    send(
        emu.url(),
        method,
        target,
        &all,
        Some(body.to_string().as_bytes()),
    )
}

pub fn form(emu: &Emulator, target: &str, pairs: &[(&str, &str)]) -> Reply {
    let body = pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&");
    send(
        emu.url(),
        "POST",
        target,
        &[("Content-Type", "application/x-www-form-urlencoded")],
        Some(body.as_bytes()),
    )
}

pub fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

pub fn start(config: Config) -> Emulator {
    Emulator::start(config).expect("emulator starts")
}

pub fn small() -> Emulator {
    start(Config::default())
}

/// A client credentials token for `scope`.
pub fn token(emu: &Emulator, scope: &str) -> String {
    let f = emu.fixtures();
    let reply = form(
        emu,
        &format!("/{}/oauth2/v2.0/token", f["tenantId"].as_str().unwrap()),
        &[
            ("grant_type", "client_credentials"),
            ("client_id", f["clientId"].as_str().unwrap()),
            ("client_secret", f["clientSecret"].as_str().unwrap()),
            ("scope", scope),
        ],
    );
    assert_eq!(reply.status, 200, "{}", reply.text());
    reply.json()["access_token"].as_str().unwrap().to_string()
}

/// Decodes base64url without padding (what JWT parts use).
pub fn base64url_decode(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in text.bytes() {
        let v = ALPHABET
            .iter()
            .position(|a| *a == c)
            .unwrap_or_else(|| panic!("not base64url: {text}")) as u32;
        acc = acc << 6 | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}

/// Encodes base64url without padding.
pub fn base64url_encode(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}

/// The header and the claims of a JWT access token (it must have three parts).
pub fn jwt_parts(token: &str) -> (Value, Value) {
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3, "a JWT has three parts: {token}");
    let part = |p: &str| serde_json::from_slice(&base64url_decode(p)).expect("a JSON part");
    (part(parts[0]), part(parts[1]))
}

/// The claims of a JWT access token.
pub fn claims(token: &str) -> Value {
    jwt_parts(token).1
}

/// The token endpoint of the partner tenant.
pub fn token_path(emu: &Emulator) -> String {
    format!(
        "/{}/oauth2/v2.0/token",
        emu.fixtures()["tenantId"].as_str().unwrap()
    )
}

/// Seconds since the Unix epoch.
pub fn now_epoch() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}
