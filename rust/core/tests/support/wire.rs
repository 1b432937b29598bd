//! tests/servers/wire_proxy.py from Rust: a recording proxy (forward or reverse, optionally TLS or
//! answering as an AWS bucket in another region), and the requests it logged.

use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// A running wire_proxy.py (stopped when dropped: its stdin closes) and the requests it logged.
pub struct WireProxy {
    pub port: u16,
    log: std::path::PathBuf,
    child: Child,
}

impl WireProxy {
    pub fn start(args: &[&str]) -> Self {
        let log = std::env::temp_dir().join(format!("commitfs-wire-{}-{:08x}.jsonl", std::process::id(), rand::random::<u32>()));
        let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/servers/wire_proxy.py");
        let mut child = Command::new("python3").arg(script).arg(&log).args(args).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let port = serde_json::from_str::<Value>(&line).unwrap_or_else(|e| panic!("wire_proxy said {line:?}: {e}"))["port"].as_u64().unwrap() as u16;
        WireProxy { port, log, child }
    }
    pub fn requests(&self) -> Vec<Value> {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        text.lines().map(|l| serde_json::from_str(l).unwrap()).collect()
    }
}

impl Drop for WireProxy {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.log);
    }
}

