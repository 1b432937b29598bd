//! Drives tests/faults/fault_proxy.py: starts it in front of an S3 server, switches its fault rate, reads
//! its counts. The proxy stops when this process exits (it watches its stdin pipe) or when dropped.
#![allow(dead_code)] // each test binary uses a part

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Command, Stdio};

pub struct FaultProxy {
    child: Child,
    pub endpoint: String,
    control: String,
}

impl FaultProxy {
    pub fn start(upstream: &str, seed: u64, rate: f64, stall_seconds: f64) -> FaultProxy {
        let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/faults/fault_proxy.py");
        let mut child = Command::new("python3")
            .arg(script)
            .args(["--upstream", upstream, "--seed", &seed.to_string(), "--rate", &rate.to_string()])
            .args(["--stall-seconds", &stall_seconds.to_string()])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("cannot run python3 tests/faults/fault_proxy.py");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let v: serde_json::Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("fault_proxy said {line:?}: {e}"));
        let field = |k: &str| v[k].as_str().unwrap_or_else(|| panic!("fault_proxy: no {k} in {line}")).to_string();
        FaultProxy { endpoint: field("endpoint"), control: field("control"), child }
    }

    /// The backend's view through the proxy: short request timeout, quick and bounded retries.
    pub fn backend_settings(&self) -> Vec<(&'static str, String)> {
        vec![
            ("fs.s3c.endpoint", self.endpoint.clone()),
            ("fs.s3c.connection.request.timeout", "2s".into()),
            ("fs.s3c.retry.interval", "20ms".into()),
            ("fs.s3c.retry.limit", "4".into()),
            ("fs.s3c.retry.timeout", "20s".into()),
        ]
    }

    fn call(&self, method: &str, target: &str) -> serde_json::Value {
        let addr = self.control.trim_start_matches("http://");
        let mut s = std::net::TcpStream::connect(addr).expect("fault_proxy control endpoint");
        write!(s, "{method} {target} HTTP/1.1\r\nHost: {addr}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").unwrap();
        let mut response = String::new();
        s.read_to_string(&mut response).unwrap();
        let body = response.split_once("\r\n\r\n").map(|(_, b)| b).unwrap_or("");
        serde_json::from_str(body).unwrap_or_else(|e| panic!("fault_proxy control answered {response:?}: {e}"))
    }

    /// `{requests, faults: {kind: n}, injected}`.
    pub fn stats(&self) -> serde_json::Value {
        self.call("GET", "/stats")
    }

    pub fn injected(&self) -> u64 {
        self.stats()["injected"].as_u64().unwrap_or(0)
    }

    /// Injects `fault` (`drop`, `reset`, `503`...) into the next request whose request line contains
    /// `matching`, whatever the rate.
    pub fn arm(&self, fault: &str, matching: &str) {
        self.call("POST", &format!("/arm?fault={fault}&match={matching}"));
    }

    pub fn set_rate(&self, rate: f64) {
        self.call("POST", &format!("/rate?value={rate}"));
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        drop(self.child.kill());
        drop(self.child.wait());
    }
}
