//! Fault injection against SeaweedFS. tests/faults/fault_proxy.py sits between the backend and the server
//! and, on ~20% of requests, resets the connection, drops the response after the server acted, answers
//! 503/500, or stalls past the request timeout. Workers run many small operations through it; after each
//! one, the true state is read straight from the server (no proxy) and must match the outcome:
//! a success did exactly what it said; a failure left the previous state (or, where an operation has two
//! steps, a state the message describes) and never hides a success: an exclusive create or rename whose
//! object is in place reports success, and two writers never both win. At the end the proxy's rate goes
//! to 0 and everything is read back through it.
//!
//! CI runs until ≥ 150 faults are injected (well under a minute); COMMITFS_SOAK=1 runs ≥ 1,000 (or
//! COMMITFS_SOAK_FAULTS) and prints `faults: faults=N violations=0` for scripts/soak.sh once all checks
//! passed (a violation fails the test at once).
//! Also: the server stopped (SIGSTOP) or killed mid multipart upload gives a clean, bounded IOException
//! and no visible object. Restarts on the same data are in restart.rs.

mod faults_support;
mod guarantees;
mod support;

use commitfs_core::{ErrorKind, FileSystem, FsPath, RenameMode, Result};
use faults_support::FaultProxy;
use guarantees as g;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};
use support::*;

/// Longer than the request timeout below: a stalled request ends by the client's timeout.
const STALL_SECONDS: f64 = 3.0;
const WORKERS: usize = 6;

fn write(fs: &FileSystem, p: &FsPath, overwrite: bool, data: &[u8]) -> Result<()> {
    let mut w = fs.create(p, overwrite)?;
    w.write(data)?;
    w.commit()
}

fn fresh_content(tag: &str) -> Vec<u8> {
    format!("{tag}-{:016x}", rand::random::<u64>()).into_bytes()
}

#[derive(Default)]
struct Tally {
    ok: AtomicU64,
    failed: AtomicU64,
}

struct Worker<'a> {
    faulty: &'a FileSystem,
    oracle: &'a FileSystem,
    dir: FsPath,
    /// The true content of every file in `dir`, re-read from the server after each operation.
    model: BTreeMap<String, Vec<u8>>,
    next_name: usize,
    tally: &'a Tally,
}

impl<'a> Worker<'a> {
    fn path(&self, name: &str) -> FsPath {
        g::p(&self.dir, name)
    }
    fn fresh_name(&mut self) -> String {
        self.next_name += 1;
        format!("f{:05}", self.next_name)
    }
    fn existing_name(&self) -> Option<String> {
        let n = self.model.len();
        (n > 0).then(|| self.model.keys().nth(rand::random::<usize>() % n).unwrap().clone())
    }
    /// The server's truth for `name`, without the proxy.
    fn truth(&mut self, name: &str) -> Option<Vec<u8>> {
        let found = match g::read_all(self.oracle, &self.path(name)) {
            Ok(d) => Some(d),
            Err(e) if e.kind == ErrorKind::NotFound => None,
            Err(e) => panic!("oracle read of {name}: {e}"),
        };
        match &found {
            Some(d) => self.model.insert(name.to_string(), d.clone()),
            None => self.model.remove(name),
        };
        found
    }
    fn count<T>(&self, r: &Result<T>) {
        let c = if r.is_ok() { &self.tally.ok } else { &self.tally.failed };
        c.fetch_add(1, Ordering::Relaxed);
    }

    fn step(&mut self) {
        let existing = self.existing_name();
        match (rand::random::<u32>() % 16, existing) {
            (0..=3, _) => {
                let n = self.fresh_name();
                self.create_exclusive(n)
            }
            (4, Some(n)) => self.create_exclusive(n),
            (5..=6, Some(n)) => self.overwrite(n),
            (7..=8, Some(n)) => {
                let other = self.existing_name().filter(|o| *o != n && rand::random::<u32>() % 4 == 0);
                let dst = other.unwrap_or_else(|| self.fresh_name());
                self.rename(n, dst)
            }
            (9, Some(n)) => self.delete(n),
            (10..=11, _) => self.list(),
            (12..=13, Some(n)) => self.read(n),
            (14, _) => self.duel_create(),
            (15, Some(n)) => self.duel_rename(n),
            _ => self.list(),
        }
    }

    fn create_exclusive(&mut self, name: String) {
        let before = self.model.get(&name).cloned();
        let data = fresh_content("excl");
        let r = write(self.faulty, &self.path(&name), false, &data);
        self.count(&r);
        let after = self.truth(&name);
        match &r {
            Ok(()) => {
                assert!(before.is_none(), "exclusive create of existing {name} reported success");
                assert_eq!(after, Some(data), "exclusive create of {name} succeeded: the file is ours");
            }
            Err(e) => assert_eq!(after, before, "exclusive create of {name} failed ({e}): nothing changed, in particular it is not ours"),
        }
    }

    fn overwrite(&mut self, name: String) {
        let before = self.model.get(&name).cloned();
        let data = fresh_content("over");
        let r = write(self.faulty, &self.path(&name), true, &data);
        self.count(&r);
        let after = self.truth(&name);
        match &r {
            Ok(()) => assert_eq!(after, Some(data), "overwrite of {name} succeeded"),
            Err(e) => assert!(after == before || after.as_ref() == Some(&data), "overwrite of {name} failed ({e}): old or new, nothing else"),
        }
    }

    fn rename(&mut self, src: String, dst: String) {
        let (src_before, dst_before) = (self.model.get(&src).cloned(), self.model.get(&dst).cloned());
        let r = self.faulty.rename(&self.path(&src), &self.path(&dst), RenameMode::Into);
        self.count(&r);
        let (src_after, dst_after) = (self.truth(&src), self.truth(&dst));
        match &r {
            Ok(()) => {
                assert!(dst_before.is_none(), "rename {src} over existing {dst} reported success");
                assert_eq!((src_after, dst_after), (None, src_before), "rename {src} -> {dst} succeeded");
            }
            Err(e) if dst_before.is_some() => {
                assert_eq!((src_after, dst_after), (src_before, dst_before), "refused rename {src} -> {dst} ({e}) changed nothing")
            }
            Err(e) => {
                assert_eq!(src_after, src_before, "failed rename {src} -> {dst} ({e}) keeps the source: else it succeeded");
                assert!(dst_after.is_none() || dst_after == src_before, "failed rename {src} -> {dst} ({e}): copy or nothing");
            }
        }
    }

    fn delete(&mut self, name: String) {
        let before = self.model.get(&name).cloned();
        let r = self.faulty.delete(&self.path(&name), false);
        self.count(&r);
        let after = self.truth(&name);
        match &r {
            Ok(true) => assert_eq!(after, None, "delete of {name} succeeded"),
            Ok(false) => panic!("delete of existing {name} found nothing to delete"),
            Err(e) => assert!(after.is_none() || after == before, "failed delete of {name} ({e})"),
        }
    }

    fn list(&mut self) {
        let r = self.faulty.list_all(&self.dir);
        self.count(&r);
        if let Ok(entries) = r {
            let names: Vec<String> = entries.into_iter().map(|e| e.path.name().to_string()).collect();
            let expected: Vec<String> = self.model.keys().cloned().collect();
            assert_eq!(names, expected, "listing of {}", self.dir);
        }
    }

    fn read(&mut self, name: String) {
        let r = g::read_all(self.faulty, &self.path(&name));
        self.count(&r);
        if let Ok(d) = r {
            assert_eq!(Some(&d), self.model.get(&name), "read of {name}");
        }
    }

    /// Two exclusive creates of one new name at once: at most one wins, and the one whose content is in
    /// place won.
    fn duel_create(&mut self) {
        let name = self.fresh_name();
        let p = self.path(&name);
        let (a, b) = (fresh_content("duel-a"), fresh_content("duel-b"));
        let (ra, rb) = std::thread::scope(|s| {
            let ta = s.spawn(|| write(self.faulty, &p, false, &a));
            let tb = s.spawn(|| write(self.faulty, &p, false, &b));
            (ta.join().unwrap(), tb.join().unwrap())
        });
        self.count(&ra);
        self.count(&rb);
        let after = self.truth(&name);
        assert!(!(ra.is_ok() && rb.is_ok()), "two exclusive creates of {name} both succeeded");
        for (r, data, who) in [(&ra, &a, "a"), (&rb, &b, "b")] {
            assert_eq!(r.is_ok(), after.as_ref() == Some(data), "writer {who} of {name}: {:?}", r.as_ref().err());
        }
    }

    /// `name` and a second file renamed to one new name at once: at most one wins, and a rename whose
    /// source is gone and content in place won.
    fn duel_rename(&mut self, name: String) {
        let rival = self.fresh_name();
        g::put(self.oracle, &self.path(&rival), &fresh_content("rival"));
        self.truth(&rival);
        let dst = self.fresh_name();
        let (pa, pb, pd) = (self.path(&name), self.path(&rival), self.path(&dst));
        let (ra, rb) = std::thread::scope(|s| {
            let ta = s.spawn(|| self.faulty.rename(&pa, &pd, RenameMode::Into));
            let tb = s.spawn(|| self.faulty.rename(&pb, &pd, RenameMode::Into));
            (ta.join().unwrap(), tb.join().unwrap())
        });
        self.count(&ra);
        self.count(&rb);
        let before = (self.model.get(&name).cloned(), self.model.get(&rival).cloned());
        let (a_after, b_after, d_after) = (self.truth(&name), self.truth(&rival), self.truth(&dst));
        assert!(!(ra.is_ok() && rb.is_ok()), "two renames to {dst} both succeeded");
        for (r, src_before, src_after, who) in [(&ra, &before.0, &a_after, &name), (&rb, &before.1, &b_after, &rival)] {
            let moved = src_after.is_none() && d_after.is_some() && &d_after == src_before;
            assert_eq!(r.is_ok(), moved, "rename {who} -> {dst}: {:?}", r.as_ref().err());
        }
    }
}

fn soak() -> bool {
    std::env::var("COMMITFS_SOAK").is_ok_and(|v| v == "1")
}

#[test]
fn seaweed_operations_under_injected_faults_succeed_right_or_fail_cleanly() {
    let soak_faults = std::env::var("COMMITFS_SOAK_FAULTS").ok().and_then(|v| v.parse().ok()).unwrap_or(1000);
    let (target, deadline) = if soak() { (soak_faults, Duration::from_secs(900)) } else { (150, Duration::from_secs(55)) };
    let server = server("seaweed");
    let seed = rand::random::<u32>() as u64;
    let proxy = FaultProxy::start(&server.endpoint, seed, 0.2, STALL_SECONDS);
    let conf = proxy.backend_settings();
    let pairs: Vec<(&str, &str)> = conf.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let faulty = Fixture::new(server.backend(&pairs));
    let oracle = Fixture::new(server.backend(&[]));
    let base = fresh_base("faults");
    let tally = Tally::default();
    let stop = AtomicBool::new(false);
    let started = Instant::now();
    let models: Vec<(FsPath, BTreeMap<String, Vec<u8>>)> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..WORKERS)
            .map(|i| {
                let (faulty, oracle, tally, stop, base) = (&faulty.fs, &oracle.fs, &tally, &stop, &base);
                s.spawn(move || {
                    let mut w = Worker { faulty, oracle, dir: g::p(base, &format!("w{i}")), model: BTreeMap::new(), next_name: 0, tally };
                    while !stop.load(Ordering::Relaxed) {
                        w.step();
                    }
                    (w.dir, w.model)
                })
            })
            .collect();
        while proxy.injected() < target && started.elapsed() < deadline {
            std::thread::sleep(Duration::from_millis(200));
        }
        stop.store(true, Ordering::Relaxed);
        workers.into_iter().map(|w| w.join().unwrap()).collect()
    });
    let elapsed = started.elapsed();
    let stats = proxy.stats();
    eprintln!(
        "faults (seed {seed}): {} operations ok, {} failed cleanly in {elapsed:?}; proxy: {stats}",
        tally.ok.load(Ordering::Relaxed),
        tally.failed.load(Ordering::Relaxed)
    );
    let injected = stats["injected"].as_u64().unwrap();
    assert!(injected >= target, "only {injected} faults injected in {elapsed:?}");
    for kind in ["reset", "drop", "503", "500", "stall"] {
        assert!(stats["faults"][kind].as_u64().unwrap() > 0, "no '{kind}' fault was injected");
    }

    proxy.set_rate(0.0);
    for (dir, model) in &models {
        let names: Vec<String> = g::names(&faulty.fs, dir);
        assert_eq!(names, model.keys().cloned().collect::<Vec<_>>(), "fault-free listing of {dir}");
        for (name, data) in model {
            assert_eq!(&g::read_all(&faulty.fs, &g::p(dir, name)).unwrap(), data, "fault-free read of {dir}/{name}");
        }
    }
    println!("faults: faults={injected} violations=0");
}

fn signal_group(pid: i32, sig: libc::c_int) {
    // SAFETY: plain syscall; `pid` leads the process group of a server this test launched.
    assert_eq!(unsafe { libc::killpg(pid, sig) }, 0, "killpg({pid}, {sig})");
}

/// Writes 12 MiB (two parts under way), then runs `disrupt`, then writes 12 MiB more and commits: the
/// commit must fail with an IOException within the retry budget.
fn upload_through(f: &Fixture, p: &FsPath, disrupt: impl FnOnce()) -> Duration {
    let mut w = f.fs.create(p, false).unwrap();
    let mib = vec![7u8; 1 << 20];
    for _ in 0..12 {
        w.write(&mib).unwrap();
    }
    disrupt();
    let started = Instant::now();
    let r = (|| {
        for _ in 0..12 {
            w.write(&mib)?;
        }
        w.commit()
    })();
    let took = started.elapsed();
    let e = r.expect_err("the upload cannot complete while the server is down");
    assert_eq!(e.kind, ErrorKind::Io, "{e}");
    assert!(took < Duration::from_secs(60), "the failure took {took:?}");
    eprintln!("upload failed cleanly after {took:?}: {e}");
    took
}

#[test]
fn seaweed_server_stopped_or_killed_mid_upload_fails_cleanly() {
    let (server, mut launcher, pid) = launch("seaweed"); // our own: this test stops and kills it
    let f = Fixture::new(server.backend(&[
        ("fs.s3c.connection.request.timeout", "2s"),
        ("fs.s3c.retry.limit", "2"),
        ("fs.s3c.retry.timeout", "5s"),
        ("fs.s3c.multipart.size", "5M"),
    ]));
    let b = fresh_base("server-down");

    // Hung server: requests time out; once it resumes, nothing of the upload is visible.
    let hung = g::p(&b, "hung");
    upload_through(&f, &hung, || signal_group(pid, libc::SIGSTOP));
    signal_group(pid, libc::SIGCONT);
    assert!(!f.fs.exists(&hung).unwrap(), "a failed upload publishes nothing");
    assert_eq!(f.raw(&b), Vec::<String>::new(), "nothing visible under the directory");
    assert_eq!(f.backend.raw_keys("_commitfs/staging/").unwrap(), Vec::<String>::new(), "no staging object");

    // Killed server: connections refused; the error is prompt and clean. (Restarting on the same data,
    // and what is visible then, is restart.rs's subject.)
    upload_through(&f, &g::p(&b, "killed"), || signal_group(pid, libc::SIGKILL));
    drop(launcher.kill());
    drop(launcher.wait());
}
