//! Bad or unusual S3 endpoint configuration never panics (issue 15): IP and `localhost` endpoints are
//! addressed path-style, a bare `host:port` follows `connection.ssl.enabled`, the signing region comes
//! from `AWS_REGION`, a refused connection fails within seconds naming the endpoint and the cause, and
//! a malformed endpoint is refused naming the key. Loopback only: a listener that records the first
//! request and answers 403.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::{Command, Output};
use std::sync::mpsc;
use std::time::{Duration, Instant};

fn commitfs(defines: &[&str], env: &[(&str, &str)], args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_commitfs"));
    for d in ["fs.s3c.access.key=AKIDEXAMPLE", "fs.s3c.secret.key=SECRET-42", "fs.s3c.retry.limit=0"].iter().chain(defines) {
        cmd.args(["-D", d]);
    }
    cmd.env_remove("AWS_REGION").env_remove("AWS_DEFAULT_REGION").env("RUST_BACKTRACE", "1");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.args(args).output().expect("run commitfs")
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

/// A clean failure: exit code 1, a message, no panic or backtrace.
fn assert_clean_failure(o: &Output) -> String {
    let t = text(o);
    assert_eq!(o.status.code(), Some(1), "{t}");
    assert!(!t.contains("panicked") && !t.contains("stack backtrace"), "{t}");
    t
}

/// Listens on `host`; returns its port and the first bytes of the first connection.
fn recorder(host: &str) -> (u16, mpsc::Receiver<Vec<u8>>) {
    let listener = TcpListener::bind((host, 0)).expect("bind loopback");
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        if let Ok((mut s, _)) = listener.accept() {
            s.set_read_timeout(Some(Duration::from_secs(5))).ok();
            let mut head = Vec::new();
            let mut buf = [0u8; 4096];
            while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 16384 {
                match s.read(&mut buf) {
                    Ok(n) if n > 0 => head.extend_from_slice(&buf[..n]),
                    _ => break,
                }
                if head.first() == Some(&0x16) {
                    break; // a TLS ClientHello: nothing to answer
                }
            }
            let _ = s.write_all(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            let _ = tx.send(head);
        }
    });
    (port, rx)
}

fn first_request(rx: &mpsc::Receiver<Vec<u8>>) -> String {
    String::from_utf8_lossy(&rx.recv_timeout(Duration::from_secs(10)).expect("a request")).to_string()
}

#[test]
fn an_ip_endpoint_without_path_style_is_addressed_path_style() {
    let (port, rx) = recorder("127.0.0.1");
    let o = commitfs(&[&format!("fs.s3c.endpoint=http://127.0.0.1:{port}")], &[], &["ls", "s3c://bucket/"]);
    assert_clean_failure(&o);
    let head = first_request(&rx);
    assert!(head.starts_with("GET /bucket/?"), "{head}");
}

#[test]
fn a_localhost_endpoint_is_addressed_path_style() {
    let (port, rx) = recorder("localhost");
    let o = commitfs(&[&format!("fs.s3c.endpoint=http://localhost:{port}")], &[], &["ls", "s3c://bucket/"]);
    assert_clean_failure(&o);
    let head = first_request(&rx).to_ascii_lowercase();
    assert!(head.starts_with("get /bucket/?") && head.contains(&format!("host: localhost:{port}")), "{head}");
}

#[test]
fn a_bare_host_port_follows_connection_ssl_enabled() {
    let (port, rx) = recorder("127.0.0.1");
    let o = commitfs(&[&format!("fs.s3c.endpoint=127.0.0.1:{port}"), "fs.s3c.connection.ssl.enabled=false"], &[], &["ls", "s3c://bucket/"]);
    assert_clean_failure(&o);
    assert!(first_request(&rx).starts_with("GET /bucket/?"), "plain HTTP");
    let (port, rx) = recorder("127.0.0.1");
    let o = commitfs(&[&format!("fs.s3c.endpoint=127.0.0.1:{port}")], &[], &["ls", "s3c://bucket/"]);
    let t = assert_clean_failure(&o);
    assert_eq!(rx.recv_timeout(Duration::from_secs(10)).expect("a connection").first(), Some(&0x16), "TLS by default: {t}");
    assert!(t.contains(&format!("127.0.0.1:{port}")), "names the endpoint: {t}");
}

#[test]
fn the_signing_region_comes_from_aws_region() {
    let (port, rx) = recorder("127.0.0.1");
    let o = commitfs(&[&format!("fs.s3c.endpoint=http://127.0.0.1:{port}")], &[("AWS_REGION", "eu-west-1")], &["ls", "s3c://bucket/"]);
    assert_clean_failure(&o);
    let head = first_request(&rx);
    assert!(head.contains("/eu-west-1/s3/aws4_request"), "{head}");
}

#[test]
fn a_refused_connection_fails_within_seconds_naming_endpoint_and_cause() {
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port(); // closed again
    for args in [["ls", "s3c://bucket/"], ["cat", "s3c://bucket/file"]] {
        let started = Instant::now();
        // The default retries (7, backoff from 100ms) would take ~13 s on a refused connection.
        let o = Command::new(env!("CARGO_BIN_EXE_commitfs"))
            .args(["-D", &format!("fs.s3c.endpoint=http://127.0.0.1:{port}"), "-D", "fs.s3c.access.key=A", "-D", "fs.s3c.secret.key=B"])
            .args(args)
            .output()
            .unwrap();
        let took = started.elapsed();
        let t = assert_clean_failure(&o);
        assert!(took < Duration::from_secs(8), "{args:?} took {took:?}: {t}");
        assert!(t.contains(&format!("127.0.0.1:{port}")) && t.contains("connection refused"), "{t}");
    }
}

#[test]
fn a_malformed_endpoint_is_refused_naming_the_key() {
    for bad in ["http://a b", "ftp://host", "http://", "http://[::1"] {
        let o = commitfs(&[&format!("fs.s3c.endpoint={bad}")], &[], &["ls", "s3c://bucket/"]);
        let t = assert_clean_failure(&o);
        assert!(t.contains("fs.s3c.endpoint="), "{bad}: {t}");
    }
}
