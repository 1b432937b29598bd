//! SeaweedFS killed (SIGKILL) and restarted on the same data directory and port while one FileSystem
//! keeps working through it. Three workers run without pause — small PUTs (exclusive creates, overwrites,
//! deletes), multipart uploads and file renames — and the server is killed at a moment when all three
//! have a request in flight, then restarted (tests/servers/launch.py --data-dir).
//!
//! After each operation, the truth is read from the server by a second client that waits out the
//! restart. A success did exactly what it said; a failure left the previous state or, when the server
//! acted but died before answering, the complete new one — never a partial object, never another
//! writer's, never an AlreadyExists for a name only we use. After each restart, with the workers held,
//! every file committed so far is listed and read back through the *same* FileSystem (its pooled
//! connections all died with the server): all there, all intact.
//!
//! CI: 3 restarts (~25 s). COMMITFS_SOAK=1: COMMITFS_SOAK_RESTARTS (default 40). Prints one
//! `restart: faults=N violations=M` line that scripts/soak.sh sums; fails on any violation.

mod guarantees;
mod support;

use commitfs_core::{ErrorKind, FileSystem, FsPath, RenameMode, Result};
use guarantees as g;
use parking_lot::{Mutex, RwLock};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Child;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};
use support::*;

/// A SeaweedFS of this test's own whose state lives in a kept directory, so it can die and come back.
struct Restartable {
    dir: PathBuf,
    server: Server,
    launcher: Child,
    pid: i32,
}

impl Restartable {
    fn start() -> Self {
        let dir = std::env::temp_dir().join(format!("commitfs-restart-{}-{:08x}", std::process::id(), rand::random::<u32>()));
        let (server, launcher, pid) = launch_on("seaweed", Some(&dir)); // launch.py creates it 0700
        Restartable { dir, server, launcher, pid }
    }

    fn kill(&mut self) {
        // SAFETY: plain syscall; `pid` leads the process group of the server this test launched.
        assert_eq!(unsafe { libc::killpg(self.pid, libc::SIGKILL) }, 0, "killpg({})", self.pid);
        drop(self.launcher.wait()); // the launcher notices and exits, keeping the data directory
    }

    fn restart(&mut self) -> Duration {
        let started = Instant::now();
        let (server, launcher, pid) = launch_on("seaweed", Some(&self.dir));
        assert_eq!((&server.endpoint, &server.access_key), (&self.server.endpoint, &self.server.access_key), "same port and identity");
        (self.launcher, self.pid) = (launcher, pid);
        started.elapsed()
    }
}

impl Drop for Restartable {
    fn drop(&mut self) {
        // SAFETY: as in kill(); the data is thrown away, so no graceful stop is needed.
        unsafe { libc::killpg(self.pid, libc::SIGKILL) };
        drop(self.launcher.wait());
        drop(std::fs::remove_dir_all(&self.dir));
    }
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum Kind {
    SmallPut,
    Multipart,
    Rename,
}
const KINDS: [Kind; 3] = [Kind::SmallPut, Kind::Multipart, Kind::Rename];

/// What the workers and the restarting thread share.
struct Shared<'a> {
    faulty: &'a FileSystem,
    oracle: &'a FileSystem,
    /// Workers hold it shared for each step; the restarter takes it to check with everyone idle.
    gate: RwLock<()>,
    stop: AtomicBool,
    /// Per kind: a request of the FileSystem under test is in flight.
    busy: [AtomicBool; 3],
    /// Per worker: its directory and the true content of every file in it.
    models: Vec<(FsPath, Mutex<BTreeMap<String, Vec<u8>>>)>,
    violations: Mutex<Vec<String>>,
    ok: AtomicU64,
    failed: AtomicU64,
    /// Failed operations whose effect was nevertheless complete (the server acted, then died).
    unacknowledged: AtomicU64,
}

impl Shared<'_> {
    fn check(&self, cond: bool, what: impl FnOnce() -> String) {
        if !cond {
            let what = what();
            eprintln!("VIOLATION: {what}");
            self.violations.lock().push(what);
        }
    }
    fn tally<T>(&self, r: &Result<T>) {
        let c = if r.is_ok() { &self.ok } else { &self.failed };
        c.fetch_add(1, Ordering::Relaxed);
    }

    /// Every file of every worker, listed and read through the FileSystem under test.
    fn verify_all(&self, when: &str) {
        for (dir, model) in &self.models {
            let model = model.lock();
            match self.faulty.list_all(dir) {
                Ok(entries) => {
                    let names: Vec<String> = entries.iter().map(|e| e.path.name().to_string()).collect();
                    self.check(names == model.keys().cloned().collect::<Vec<_>>(), || format!("{when}: listing of {dir}: {names:?}"));
                }
                Err(e) => self.check(false, || format!("{when}: listing {dir} failed: {e}")),
            }
            for (name, data) in model.iter() {
                let r = g::read_all(self.faulty, &g::p(dir, name));
                self.check(r.as_ref().ok() == Some(data), || format!("{when}: {dir}/{name} lost or changed: {:?}", r.err()));
            }
        }
    }
}

struct Worker<'s, 'a> {
    kind: Kind,
    shared: &'s Shared<'a>,
    index: usize,
    next_name: usize,
}

fn content(len: usize) -> Vec<u8> {
    let seed = rand::random::<u64>().to_le_bytes();
    seed.iter().cycle().take(len).copied().collect()
}

impl Worker<'_, '_> {
    fn dir(&self) -> &FsPath {
        &self.shared.models[self.index].0
    }
    fn model(&self) -> parking_lot::MutexGuard<'_, BTreeMap<String, Vec<u8>>> {
        self.shared.models[self.index].1.lock()
    }
    fn fresh_name(&mut self) -> String {
        self.next_name += 1;
        format!("f{:05}", self.next_name)
    }
    fn oldest_name(&self) -> Option<String> {
        self.model().keys().next().cloned()
    }
    fn random_name(&self) -> Option<String> {
        let m = self.model();
        (!m.is_empty()).then(|| m.keys().nth(rand::random::<usize>() % m.len()).unwrap().clone())
    }

    /// One call of the FileSystem under test, flagged as in flight for the restarter.
    fn call<T>(&self, f: impl FnOnce(&FileSystem) -> Result<T>) -> Result<T> {
        self.shared.busy[self.kind as usize].store(true, Ordering::SeqCst);
        let r = f(self.shared.faulty);
        self.shared.busy[self.kind as usize].store(false, Ordering::SeqCst);
        self.shared.tally(&r);
        r
    }

    /// The server's truth for `name` (waiting out a restart), recorded in the model.
    fn truth(&self, name: &str) -> Option<Vec<u8>> {
        let found = match g::read_all(self.shared.oracle, &g::p(self.dir(), name)) {
            Ok(d) => Some(d),
            Err(e) if e.kind == ErrorKind::NotFound => None,
            Err(e) => panic!("oracle read of {name}: {e}"),
        };
        let mut m = self.model();
        match &found {
            Some(d) => m.insert(name.to_string(), d.clone()),
            None => m.remove(name),
        };
        found
    }

    fn step(&mut self) {
        let size = |small: bool| if small { 1 + rand::random::<usize>() % 65536 } else { (6 << 20) + rand::random::<usize>() % 4096 };
        let roll = rand::random::<u32>() % 8;
        let count = self.model().len();
        match self.kind {
            Kind::SmallPut if roll < 4 || count == 0 => self.write(None, size(true)),
            Kind::SmallPut if roll < 6 => self.write(self.random_name(), size(true)),
            Kind::SmallPut if count > 20 => self.delete(self.oldest_name().unwrap()),
            Kind::SmallPut => self.list_and_read(),
            Kind::Multipart if count > 2 => self.delete(self.oldest_name().unwrap()),
            Kind::Multipart => self.write(if roll < 2 { self.random_name() } else { None }, size(false)),
            Kind::Rename if roll < 2 && count > 0 => self.rename(self.random_name().unwrap()),
            Kind::Rename => {
                let src = self.fresh_name();
                g::put(self.shared.oracle, &g::p(self.dir(), &src), &content(1 + rand::random::<usize>() % 8192));
                self.truth(&src);
                self.rename(src)
            }
        }
    }

    /// Exclusive create of a fresh name (`existing` None) or overwrite of `existing`.
    fn write(&mut self, existing: Option<String>, len: usize) {
        let overwrite = existing.is_some();
        let name = existing.unwrap_or_else(|| self.fresh_name());
        let before = self.model().get(&name).cloned();
        let data = content(len);
        let path = g::p(self.dir(), &name);
        let r = self.call(|fs| {
            let mut w = fs.create(&path, overwrite)?;
            w.write(&data)?;
            w.commit()
        });
        let after = self.truth(&name);
        let what = if overwrite { "overwrite" } else { "exclusive create" };
        let s = self.shared;
        match &r {
            Ok(()) => s.check(after.as_ref() == Some(&data), || format!("{what} of {path} succeeded but the file is not ours")),
            Err(e) => {
                s.check(after == before || after.as_ref() == Some(&data), || format!("{what} of {path} failed ({e}): neither old nor new content"));
                s.check(e.kind != ErrorKind::AlreadyExists, || format!("{what} of {path}, a name only we use: {e}"));
                if after != before {
                    s.unacknowledged.fetch_add(1, Ordering::Relaxed);
                }
            }
        }
    }

    fn rename(&mut self, src: String) {
        let dst = self.fresh_name();
        let content = self.model().get(&src).cloned();
        let (from, to) = (g::p(self.dir(), &src), g::p(self.dir(), &dst));
        let r = self.call(|fs| fs.rename(&from, &to, RenameMode::Into));
        let after = (self.truth(&src), self.truth(&dst));
        let s = self.shared;
        match &r {
            Ok(()) => s.check(after == (None, content.clone()), || format!("rename {from} -> {to} succeeded but left {:?}", presence(&after))),
            Err(e) => {
                let copied = (content.clone(), content.clone());
                s.check(after == (content.clone(), None) || after == (None, content.clone()) || after == copied,
                    || format!("rename {from} -> {to} failed ({e}) and left {:?}", presence(&after)));
                s.check(e.kind != ErrorKind::AlreadyExists, || format!("rename {from} -> {to}, a name only we use: {e}"));
                if after.1.is_some() {
                    s.unacknowledged.fetch_add(1, Ordering::Relaxed);
                }
            }
        }
    }

    fn delete(&mut self, name: String) {
        let before = self.model().get(&name).cloned();
        let path = g::p(self.dir(), &name);
        let r = self.call(|fs| fs.delete(&path, false));
        let after = self.truth(&name);
        let s = self.shared;
        match &r {
            Ok(_) => s.check(after.is_none(), || format!("delete of {path} succeeded but the file is there")),
            Err(e) => s.check(after.is_none() || after == before, || format!("delete of {path} failed ({e}) and changed the file")),
        }
    }

    fn list_and_read(&mut self) {
        let dir = self.dir().clone();
        if let Ok(entries) = self.call(|fs| fs.list_all(&dir)) {
            let names: Vec<String> = entries.iter().map(|e| e.path.name().to_string()).collect();
            let expected: Vec<String> = self.model().keys().cloned().collect();
            self.shared.check(names == expected, || format!("listing of {dir}: {names:?}, expected {expected:?}"));
        }
        if let Some(name) = self.random_name() {
            let expected = self.model().get(&name).cloned();
            if let Ok(d) = self.call(|fs| g::read_all(fs, &g::p(&dir, &name))) {
                self.shared.check(Some(&d) == expected.as_ref(), || format!("read of {dir}/{name} returned other content"));
            }
        }
    }
}

fn presence(state: &(Option<Vec<u8>>, Option<Vec<u8>>)) -> (bool, bool) {
    (state.0.is_some(), state.1.is_some())
}

fn restarts_wanted() -> usize {
    if std::env::var("COMMITFS_SOAK").is_ok_and(|v| v == "1") {
        std::env::var("COMMITFS_SOAK_RESTARTS").ok().and_then(|v| v.parse().ok()).unwrap_or(40)
    } else {
        3
    }
}

#[test]
fn seaweed_killed_and_restarted_on_its_data_mid_operations_loses_nothing_and_the_client_recovers() {
    let restarts = restarts_wanted();
    let mut seaweed = Restartable::start();
    // The client under test: bounded retries, about as long as a restart, so some operations caught by a
    // kill fail and others complete once the server is back.
    let faulty = Fixture::new(seaweed.server.backend(&[
        ("fs.s3c.connection.request.timeout", "5s"),
        ("fs.s3c.retry.interval", "100ms"),
        ("fs.s3c.retry.limit", "5"),
        ("fs.s3c.retry.timeout", "8s"),
        ("fs.s3c.multipart.size", "5M"),
    ]));
    // The referee: waits out any restart.
    let oracle = Fixture::new(seaweed.server.backend(&[
        ("fs.s3c.connection.request.timeout", "10s"),
        ("fs.s3c.retry.interval", "100ms"),
        ("fs.s3c.retry.limit", "200"),
        ("fs.s3c.retry.timeout", "90s"),
    ]));
    let base = fresh_base("restart");
    let shared = Shared {
        faulty: &faulty.fs,
        oracle: &oracle.fs,
        gate: RwLock::new(()),
        stop: AtomicBool::new(false),
        busy: Default::default(),
        models: KINDS.iter().map(|k| (g::p(&base, &format!("{k:?}")), Mutex::new(BTreeMap::new()))).collect(),
        violations: Mutex::new(Vec::new()),
        ok: AtomicU64::new(0),
        failed: AtomicU64::new(0),
        unacknowledged: AtomicU64::new(0),
    };
    let mut hit = [0u64; 3];
    let mut restart_time = Duration::ZERO;
    let started = Instant::now();
    std::thread::scope(|s| {
        for (index, kind) in KINDS.into_iter().enumerate() {
            let shared = &shared;
            s.spawn(move || {
                let mut w = Worker { kind, shared, index, next_name: 0 };
                while !shared.stop.load(Ordering::Relaxed) {
                    let _step = shared.gate.read();
                    w.step();
                }
            });
        }
        for round in 0..restarts {
            std::thread::sleep(Duration::from_millis(300 + rand::random::<u64>() % 1200));
            // Kill when every kind has a request in flight (or after 5 s, whatever is then in flight).
            let waiting = Instant::now();
            while !shared.busy.iter().all(|b| b.load(Ordering::SeqCst)) && waiting.elapsed() < Duration::from_secs(5) {
                std::thread::sleep(Duration::from_micros(500));
            }
            let caught: Vec<bool> = shared.busy.iter().map(|b| b.load(Ordering::SeqCst)).collect();
            seaweed.kill();
            for (h, c) in hit.iter_mut().zip(&caught) {
                *h += *c as u64;
            }
            std::thread::sleep(Duration::from_millis(rand::random::<u64>() % 500));
            restart_time += seaweed.restart();
            let _all_idle = shared.gate.write();
            shared.verify_all(&format!("after restart {}", round + 1));
        }
        shared.stop.store(true, Ordering::Relaxed);
    });
    shared.verify_all("at the end");
    let violations = shared.violations.lock().len();
    let files: usize = shared.models.iter().map(|(_, m)| m.lock().len()).sum();
    eprintln!(
        "restart: {restarts} restarts in {:?} (restarts took {:?} in all); kills caught in flight: small PUT {}, multipart {}, rename {}; \
         operations: {} ok, {} failed cleanly, {} of those complete though unacknowledged; {files} files checked after each restart",
        started.elapsed(), restart_time, hit[0], hit[1], hit[2],
        shared.ok.load(Ordering::Relaxed), shared.failed.load(Ordering::Relaxed), shared.unacknowledged.load(Ordering::Relaxed)
    );
    println!("restart: faults={restarts} violations={violations}");
    assert_eq!(violations, 0, "violations: {:#?}", shared.violations.lock());
    assert!(hit.iter().all(|h| *h > 0), "a kill caught each kind of operation in flight: {hit:?}");
    assert!(shared.failed.load(Ordering::Relaxed) > 0, "some operations were caught by a kill");
}
