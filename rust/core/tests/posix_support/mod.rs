//! Helpers for the POSIX tests: private temp roots, filesystems over them, and child processes (this
//! same test binary re-executed with a role in the environment) for cross-process races and kill -9.

#![allow(dead_code)]

use commitfs_core::{Config, FileSystem};
use std::io::{BufRead, BufReader, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The test that plays a child's role; a no-op when run without a role.
pub const CHILD_TEST: &str = "child_process_role";
pub const ROLE: &str = "COMMITFS_TEST_ROLE";

/// A private directory removed on drop.
pub struct TempRoot(pub PathBuf);

impl TempRoot {
    pub fn new(mode: u32) -> TempRoot {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "commitfs-posix-{}-{}-{:x}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst),
            rand::random::<u32>()
        ));
        std::fs::create_dir(&dir).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(mode)).unwrap();
        TempRoot(dir)
    }
    pub fn path(&self) -> &Path {
        &self.0
    }
    pub fn raw_names(&self, rel: &str) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(self.0.join(rel))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        v.sort();
        v
    }
}

impl Drop for TempRoot {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// An unshared `filec` filesystem rooted at `root`, with extra `fs.filec.*` options.
pub fn posix_fs(root: &Path, extra: &[(&str, &str)]) -> FileSystem {
    let mut conf = Config::from_pairs([("fs.filec.root", root.to_str().unwrap())]);
    for (k, v) in extra {
        conf.set(format!("fs.filec.{k}"), *v);
    }
    commitfs_core::registry::build("filec", "", &conf).unwrap()
}

/// A child process running `role` with `env`, stdin and stdout piped.
pub struct ChildProc {
    pub child: Child,
    out: BufReader<ChildStdout>,
}

impl ChildProc {
    pub fn spawn(role: &str, env: &[(&str, String)], uid: Option<u32>) -> ChildProc {
        let mut cmd = Command::new(std::env::current_exe().unwrap());
        cmd.args(["--exact", CHILD_TEST, "--nocapture", "--test-threads=1", "-q"])
            .env(ROLE, role)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        for (k, v) in env {
            cmd.env(k, v);
        }
        if let Some(id) = uid {
            use std::os::unix::process::CommandExt;
            cmd.gid(id).uid(id);
        }
        let mut child = cmd.spawn().unwrap();
        let out = BufReader::new(child.stdout.take().unwrap());
        ChildProc { child, out }
    }

    /// The next `@@`-prefixed line the child printed (the harness prints other lines too).
    pub fn next_message(&mut self) -> Option<String> {
        let mut line = String::new();
        loop {
            line.clear();
            if self.out.read_line(&mut line).unwrap() == 0 {
                return None;
            }
            if let Some(m) = line.trim_end().strip_prefix("@@") {
                return Some(m.to_string());
            }
        }
    }

    pub fn expect(&mut self, msg: &str) {
        assert_eq!(self.next_message().as_deref(), Some(msg), "child protocol");
    }

    pub fn send_go(&mut self) {
        let stdin = self.child.stdin.as_mut().unwrap();
        stdin.write_all(b"go\n").unwrap();
        stdin.flush().unwrap();
    }

    /// All remaining messages, then the exit status must be success.
    pub fn finish(mut self) -> Vec<String> {
        let mut msgs = Vec::new();
        while let Some(m) = self.next_message() {
            msgs.push(m);
        }
        let status = self.child.wait().unwrap();
        assert!(status.success(), "child failed: {status}");
        msgs
    }
}

/// In a child: prints a protocol message.
pub fn say(msg: &str) {
    let mut out = std::io::stdout().lock();
    writeln!(out, "@@{msg}").unwrap();
    out.flush().unwrap();
}

/// In a child: blocks until the parent says go.
pub fn wait_for_go() {
    let mut line = String::new();
    std::io::stdin().read_line(&mut line).unwrap();
    assert_eq!(line.trim(), "go");
}

pub fn env(key: &str) -> String {
    std::env::var(key).unwrap_or_else(|_| panic!("child needs {key}"))
}

pub fn umask() -> u32 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let v = status.lines().find_map(|l| l.strip_prefix("Umask:")).unwrap();
    u32::from_str_radix(v.trim(), 8).unwrap()
}
