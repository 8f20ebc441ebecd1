mod common;

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn spawn(args: &[&str]) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_da-emulator"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("da-emulator starts");
    let mut line = String::new();
    BufReader::new(child.stdout.as_mut().unwrap())
        .read_line(&mut line)
        .unwrap();
    (child, line)
}

fn wait_exit(child: &mut Child, within: Duration) -> Option<std::process::ExitStatus> {
    let deadline = Instant::now() + within;
    while Instant::now() < deadline {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    None
}

#[test]
fn prints_one_line_and_exits_on_stdin_eof() {
    let (mut child, line) = spawn(&["--port", "0", "--customers", "5", "--exit-on-stdin-eof"]);
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .expect("the listening line")
        .to_string();
    assert!(url.starts_with("http://127.0.0.1:"), "{line}");
    let fixtures = common::send(&url, "GET", "/_emulator/fixtures", &[], None).json();
    assert_eq!(fixtures["customerCount"], 5);
    assert_eq!(fixtures["url"], url.as_str());
    drop(child.stdin.take());
    let status = wait_exit(&mut child, Duration::from_secs(10)).expect("exits on EOF");
    assert!(status.success());
    let mut rest = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut rest)
        .unwrap();
    assert_eq!(rest, "", "nothing else on stdout");
}

#[test]
fn stdin_eof_is_ignored_without_the_flag_and_sigterm_stops_it() {
    let (mut child, line) = spawn(&["--customers", "3"]);
    assert!(line.starts_with("listening on http://"));
    drop(child.stdin.take());
    assert!(wait_exit(&mut child, Duration::from_millis(500)).is_none());
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = wait_exit(&mut child, Duration::from_secs(10)).expect("exits on SIGTERM");
    assert!(status.success(), "{status:?}");
}

#[test]
fn help_and_bad_flags() {
    let help = Command::new(env!("CARGO_BIN_EXE_da-emulator"))
        .arg("--help")
        .output()
        .unwrap();
    assert!(help.status.success());
    assert!(String::from_utf8_lossy(&help.stdout).contains("--rate-limit"));
    let bad = Command::new(env!("CARGO_BIN_EXE_da-emulator"))
        .arg("--nope")
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(bad.stdout.is_empty());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--nope"));
}
