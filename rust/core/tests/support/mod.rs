//! Shared by the object-store tests: starts a test S3 server through tests/servers/launch.py (one per
//! test binary and kind, stopped when the test process exits: the launcher watches its stdin pipe), and
//! builds filesystems on it, each under its own fresh bucket prefix so tests never see each other.

#![allow(dead_code)]

pub mod cost;
pub mod read_cases;
pub mod s3_cases;
pub mod wire;

use commitfs_core::object::ObjectBackend;
use commitfs_core::{Config, FileSystem, FsPath};
use once_cell::sync::Lazy;
use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

#[derive(Clone, Debug)]
pub struct Server {
    pub kind: &'static str,
    pub endpoint: String,
    pub bucket: String,
    pub access_key: String,
    pub secret_key: String,
    pub region: String,
}

struct Running {
    server: Server,
    _child: Child,
}

static SERVERS: Lazy<Mutex<HashMap<&'static str, Arc<Running>>>> = Lazy::new(|| Mutex::new(HashMap::new()));

fn launcher() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/servers/launch.py")
}

fn json_field(line: &str, key: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("launcher said {line:?}: {e}"));
    match &v[key] {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The shared server of `kind` ("moto" or "seaweed"), started on first use.
pub fn server(kind: &'static str) -> Server {
    let mut servers = SERVERS.lock().unwrap();
    if let Some(r) = servers.get(kind) {
        return r.server.clone();
    }
    let (server, child, _pid) = launch(kind);
    servers.insert(kind, Arc::new(Running { server: server.clone(), _child: child }));
    server
}

/// A server of `kind` of the caller's own (tests that stop or kill it), the launcher process (which
/// stops the server when its stdin closes) and the server's pid (its process group).
pub fn launch(kind: &'static str) -> (Server, Child, i32) {
    launch_on(kind, None)
}

/// As `launch`, with the server's state in `data_dir` (seaweed only), kept when it stops: launching
/// again on the same directory restarts the server on the same data, endpoint and credentials.
pub fn launch_on(kind: &'static str, data_dir: Option<&std::path::Path>) -> (Server, Child, i32) {
    let mut cmd = Command::new("python3");
    cmd.arg(launcher()).arg(kind);
    if let Some(dir) = data_dir {
        cmd.arg("--data-dir").arg(dir);
    }
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("cannot run python3 tests/servers/launch.py");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    assert!(!line.trim().is_empty(), "launch.py {kind} printed nothing (see its stderr above)");
    let server = Server {
        kind,
        endpoint: json_field(&line, "endpoint"),
        bucket: json_field(&line, "bucket"),
        access_key: json_field(&line, "access_key"),
        secret_key: json_field(&line, "secret_key"),
        region: json_field(&line, "region"),
    };
    let pid = json_field(&line, "pid").parse().expect("launch.py reports the server pid");
    (server, child, pid)
}

impl Server {
    /// S3A-style configuration for this server, plus `extra` pairs.
    pub fn config(&self, extra: &[(&str, &str)]) -> Config {
        let mut c = Config::from_pairs([
            ("fs.s3c.endpoint", self.endpoint.as_str()),
            ("fs.s3c.endpoint.region", self.region.as_str()),
            ("fs.s3c.path.style.access", "true"),
            ("fs.s3a.access.key", self.access_key.as_str()),
            ("fs.s3a.secret.key", self.secret_key.as_str()),
            ("fs.s3c.copy-if-not-exists", if self.kind == "moto" { "multipart" } else { "header" }),
        ]);
        for (k, v) in extra {
            c.set(*k, *v);
        }
        c
    }

    pub fn backend(&self, extra: &[(&str, &str)]) -> ObjectBackend {
        ObjectBackend::s3("s3c", &self.bucket, &self.config(extra)).unwrap_or_else(|e| panic!("s3 backend: {e}"))
    }
}

static UNIQUE: AtomicUsize = AtomicUsize::new(0);

/// A base directory no other test (or earlier run against the same server) uses.
pub fn fresh_base(test: &str) -> FsPath {
    let n = UNIQUE.fetch_add(1, Ordering::SeqCst);
    FsPath::parse(&format!("/t-{}-{}-{n}/{test}", std::process::id(), rand_suffix())).unwrap()
}

fn rand_suffix() -> String {
    format!("{:08x}", rand::random::<u32>())
}

/// A filesystem plus the backend handle (for raw keys and counters).
pub struct Fixture {
    pub fs: FileSystem,
    pub backend: ObjectBackend,
}

impl Fixture {
    pub fn new(backend: ObjectBackend) -> Self {
        Fixture { fs: FileSystem::new(Arc::new(backend.clone())), backend }
    }
    pub fn memory() -> Self {
        Self::new(ObjectBackend::memory("memc", "test", &Config::new()).unwrap())
    }
    /// The policy (`create.performance`, `rename.performance`) comes from the same configuration.
    pub fn s3(kind: &'static str, extra: &[(&str, &str)]) -> Self {
        Self::s3_on(&server(kind), extra)
    }
    /// As `s3`, on a given server.
    pub fn s3_on(server: &Server, extra: &[(&str, &str)]) -> Self {
        let backend = server.backend(extra);
        let policy = commitfs_core::Policy::from_config("s3c", &server.bucket, &server.config(extra)).unwrap_or_else(|e| panic!("policy: {e}"));
        Fixture { fs: FileSystem::with_policy(Arc::new(backend.clone()), policy), backend }
    }
    /// Raw keys under `base` (relative to it), markers included.
    pub fn raw(&self, base: &FsPath) -> Vec<String> {
        let prefix = base.dir_prefix();
        self.backend.raw_keys(&prefix).unwrap().into_iter().map(|k| k[prefix.len()..].to_string()).collect()
    }
    pub fn count(&self, name: &str) -> u64 {
        self.fs.counters().into_iter().find(|(k, _)| k == name).map(|(_, v)| v).unwrap_or(0)
    }
    /// Requests by kind made while running `f`.
    pub fn measure<T>(&self, f: impl FnOnce() -> T) -> (T, std::collections::BTreeMap<String, u64>) {
        let before: HashMap<String, u64> = self.fs.counters().into_iter().collect();
        let out = f();
        let delta = self
            .fs
            .counters()
            .into_iter()
            .map(|(k, v)| { let b = before.get(&k).copied().unwrap_or(0); (k, v - b) })
            .filter(|(_, v)| *v > 0)
            .collect();
        (out, delta)
    }
}

/// In a child started by `spawn_child_role`: the parent's server of `kind`.
pub fn parent_server(kind: &'static str) -> Server {
    let var = |k: &str| std::env::var(k).unwrap_or_else(|_| panic!("{k} is set by spawn_child_role"));
    Server {
        kind,
        endpoint: var("COMMITFS_TEST_ENDPOINT"),
        bucket: var("COMMITFS_TEST_BUCKET"),
        access_key: var("COMMITFS_TEST_AK"),
        secret_key: var("COMMITFS_TEST_SK"),
        region: "us-east-1".into(),
    }
}

/// Re-runs this test binary as a child process in `role` (`env` = `value`), talking to `server`, and
/// returns it once it printed `ready` on stdout: the crash tests kill it from there.
pub fn spawn_child_role(server: &Server, test_name: &str, env: &str, value: String, ready: &str) -> Child {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([test_name, "--exact", "--nocapture", "--test-threads=1"])
        .env(env, value)
        .env("COMMITFS_TEST_ENDPOINT", &server.endpoint)
        .env("COMMITFS_TEST_BUCKET", &server.bucket)
        .env("COMMITFS_TEST_AK", &server.access_key)
        .env("COMMITFS_TEST_SK", &server.secret_key)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    while !line.contains(ready) {
        line.clear();
        assert!(out.read_line(&mut line).unwrap() > 0, "child ended before printing {ready}");
    }
    child
}
