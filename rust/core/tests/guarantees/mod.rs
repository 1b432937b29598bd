//! The commitfs guarantees G1–G8, written once against `FileSystem` so every backend (POSIX, memory,
//! moto, SeaweedFS) is held to the same contract. Include with `mod guarantees;` and call each `gN_*`
//! with a filesystem and a fresh base directory that no other test uses. Round and thread counts are
//! parameters: local backends run the full counts, network-backed stores may pass smaller ones.

#![allow(dead_code)]

/// One `#[test]` per guarantee check for a backend, so each backend's file states only its fixture and
/// counts: `guarantee_tests!(fixture, |f| fs of f, |g| base of g; test_name => gN_check(counts...); ...)`.
/// `f` holds the fixture for the whole test (a temporary root lives as long as it); `g` is the check's
/// short name (`g1`...), for the test's base directory. Checks with backend-specific assertions (G2's raw
/// residue, G7 where it differs) stay written out in the backend's file.
#[allow(unused_macros)]
macro_rules! guarantee_tests {
    ($fixture:expr, |$f:ident| $fs:expr, |$g:ident| $base:expr; $($name:ident => $check:ident($($arg:expr),*);)+) => {
        $(
            #[test]
            fn $name() {
                let $f = $fixture;
                let $g: &str = &stringify!($check)[..2];
                $crate::guarantees::$check($fs, &$base, $($arg),*);
            }
        )+
    };
}
#[allow(unused_imports)]
pub(crate) use guarantee_tests;

use commitfs_core::{ErrorKind, FileSystem, FsPath, RenameMode, Result};
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Barrier;

pub fn p(base: &FsPath, rel: &str) -> FsPath {
    FsPath::parse(&format!("{}/{}", base.as_str().trim_end_matches('/'), rel)).unwrap()
}

/// Creates `path` with `data` (overwrite allowed) and commits.
pub fn put(fs: &FileSystem, path: &FsPath, data: &[u8]) {
    let mut w = fs.create(path, true).unwrap_or_else(|e| panic!("create {path}: {e}"));
    w.write(data).unwrap();
    w.commit().unwrap_or_else(|e| panic!("commit {path}: {e}"));
}

/// The whole content of `path`, read through positioned reads up to the length seen at open.
pub fn read_all(fs: &FileSystem, path: &FsPath) -> Result<Vec<u8>> {
    let r = fs.open(path)?;
    let mut buf = vec![0u8; r.len() as usize];
    let mut done = 0;
    while done < buf.len() {
        let n = r.read_at(done as u64, &mut buf[done..])?;
        assert!(n > 0, "{path}: read_at returned 0 at {done} before the length {} seen at open", buf.len());
        done += n;
    }
    Ok(buf)
}

/// Names of the entries of directory `dir`, in listing order.
pub fn names(fs: &FileSystem, dir: &FsPath) -> Vec<String> {
    fs.list_all(dir).unwrap_or_else(|e| panic!("list {dir}: {e}")).into_iter().map(|s| s.path.name().to_string()).collect()
}

pub fn kind<T>(r: Result<T>) -> Option<ErrorKind> {
    r.err().map(|e| e.kind)
}

fn assert_kind<T: std::fmt::Debug>(r: Result<T>, expected: ErrorKind, what: &str) {
    match r {
        Err(e) if e.kind == expected => {}
        other => panic!("{what}: expected {expected:?}, got {other:?}"),
    }
}

/// The bytes a contender writes: distinct per (round, contender) and long enough to span several writes.
fn contender_bytes(round: usize, id: usize) -> Vec<u8> {
    format!("round {round} contender {id};").repeat(64 + id).into_bytes()
}

/// G1: `threads` contenders create the same path with overwrite=false in each of `rounds` rounds. All open
/// before any commits; exactly one commit wins, every other contender gets AlreadyExists (at open or at
/// commit), and the file holds the winner's bytes.
pub fn g1_exclusive_create(fs: &FileSystem, base: &FsPath, threads: usize, rounds: usize) {
    fs.mkdirs(base).unwrap();
    let opened = Barrier::new(threads);
    let wins: Vec<AtomicUsize> = (0..rounds).map(|_| AtomicUsize::new(usize::MAX)).collect();
    let win_count: Vec<AtomicUsize> = (0..rounds).map(|_| AtomicUsize::new(0)).collect();
    std::thread::scope(|s| {
        for id in 0..threads {
            let (opened, wins, win_count) = (&opened, &wins, &win_count);
            s.spawn(move || {
                for round in 0..rounds {
                    let path = p(base, &format!("r{round}"));
                    let writer = match fs.create(&path, false) {
                        Ok(mut w) => {
                            w.write(&contender_bytes(round, id)).unwrap();
                            Some(w)
                        }
                        Err(e) => {
                            assert_eq!(e.kind, ErrorKind::AlreadyExists, "open of {path}: {e}");
                            None
                        }
                    };
                    opened.wait();
                    if let Some(mut w) = writer {
                        match w.commit() {
                            Ok(()) => {
                                win_count[round].fetch_add(1, Ordering::SeqCst);
                                wins[round].store(id, Ordering::SeqCst);
                            }
                            Err(e) => assert_eq!(e.kind, ErrorKind::AlreadyExists, "commit of {path}: {e}"),
                        }
                    }
                }
            });
        }
    });
    for round in 0..rounds {
        assert_eq!(win_count[round].load(Ordering::SeqCst), 1, "round {round}: exactly one create must win");
        let winner = wins[round].load(Ordering::SeqCst);
        let path = p(base, &format!("r{round}"));
        assert_eq!(read_all(fs, &path).unwrap(), contender_bytes(round, winner), "{path} holds the winner's bytes");
    }
    assert_eq!(names(fs, base).len(), rounds, "no temporary entries are listed after the races");
}

/// G2: while a file is being written the final path does not exist and the listing shows nothing new;
/// after abort (explicit or by drop) nothing remains; after commit exactly the file appears.
pub fn g2_invisible_until_close(fs: &FileSystem, base: &FsPath) {
    let sibling = p(base, "sibling");
    put(fs, &sibling, b"x");
    let target = p(base, "target");
    for how in ["abort", "drop", "commit"] {
        let mut w = fs.create(&target, false).unwrap();
        for _ in 0..64 {
            w.write(&[7u8; 64 * 1024]).unwrap();
        }
        assert_eq!(w.bytes_written(), 64 * 64 * 1024);
        assert!(!fs.exists(&target).unwrap(), "{target} visible before commit ({how})");
        assert_eq!(names(fs, base), ["sibling"], "listing during write ({how})");
        match how {
            "abort" => {
                w.abort();
                w.abort(); // idempotent
            }
            "drop" => drop(w),
            _ => w.commit().unwrap(),
        }
        if how == "commit" {
            assert_eq!(names(fs, base), ["sibling", "target"]);
            assert_eq!(fs.status(&target).unwrap().len, 64 * 64 * 1024);
        } else {
            assert!(!fs.exists(&target).unwrap(), "{target} exists after {how}");
            assert_eq!(names(fs, base), ["sibling"], "listing after {how}");
        }
    }
}

/// Version `v` of the G3 file: one repeated byte, a length that differs per version.
fn version_bytes(v: usize) -> Vec<u8> {
    vec![(v % 251) as u8 + 1; 1000 + (v % 7) * 3000]
}

/// G3: overwrite=true replaces atomically: a concurrent reader sees only complete versions.
pub fn g3_overwrite_atomic(fs: &FileSystem, base: &FsPath, versions: usize) {
    let path = p(base, "versioned");
    put(fs, &path, &version_bytes(0));
    let done = AtomicBool::new(false);
    let reads = AtomicUsize::new(0);
    std::thread::scope(|s| {
        s.spawn(|| {
            while !done.load(Ordering::SeqCst) {
                let data = read_all(fs, &path).unwrap_or_else(|e| panic!("reader: {e}"));
                assert!(!data.is_empty(), "reader saw an empty file");
                let v = data[0] as usize - 1;
                assert!(data.iter().all(|&b| b == data[0]), "reader saw mixed content");
                assert!((0..versions).any(|cand| cand % 251 == v && version_bytes(cand).len() == data.len()),
                    "reader saw a partial version: byte {} length {}", data[0], data.len());
                reads.fetch_add(1, Ordering::SeqCst);
            }
        });
        for v in 1..versions {
            put(fs, &path, &version_bytes(v));
        }
        done.store(true, Ordering::SeqCst);
    });
    assert!(reads.load(Ordering::SeqCst) > 0);
    assert_eq!(read_all(fs, &path).unwrap(), version_bytes(versions - 1));
}

/// G4: file rename is atomic and never overwrites; `threads` distinct sources renamed onto one
/// destination per round leave exactly one winner; errors for missing sources; into a directory moves
/// below it.
pub fn g4_rename_file(fs: &FileSystem, base: &FsPath, threads: usize, rounds: usize) {
    let a = p(base, "a");
    let b = p(base, "b");
    put(fs, &a, b"A");
    put(fs, &b, b"B");
    assert_kind(fs.rename(&a, &b, RenameMode::Into), ErrorKind::AlreadyExists, "rename onto an existing file");
    assert_eq!(read_all(fs, &a).unwrap(), b"A");
    assert_eq!(read_all(fs, &b).unwrap(), b"B");
    assert_kind(fs.rename(&p(base, "missing"), &p(base, "m2"), RenameMode::Into), ErrorKind::NotFound, "missing source");
    if !fs.capabilities().implicit_directories {
        assert_kind(fs.rename(&a, &p(base, "no/such/dir/a"), RenameMode::Into), ErrorKind::NotFound, "missing destination parent");
    }
    let c = p(base, "c");
    fs.rename(&a, &c, RenameMode::Into).unwrap();
    assert!(!fs.exists(&a).unwrap());
    assert_eq!(read_all(fs, &c).unwrap(), b"A");
    let dir = p(base, "into");
    fs.mkdirs(&dir).unwrap();
    fs.rename(&c, &dir, RenameMode::Into).unwrap();
    assert_eq!(read_all(fs, &p(base, "into/c")).unwrap(), b"A");
    assert!(!fs.exists(&c).unwrap());

    let race = p(base, "race");
    for round in 0..rounds {
        for id in 0..threads {
            put(fs, &p(&race, &format!("src/r{round}-{id}")), &contender_bytes(round, id));
        }
    }
    fs.mkdirs(&p(&race, "dst")).unwrap();
    let start = Barrier::new(threads);
    let winners: Vec<parking_lot::Mutex<Vec<usize>>> = (0..rounds).map(|_| Default::default()).collect();
    std::thread::scope(|s| {
        for id in 0..threads {
            let (start, winners, race) = (&start, &winners, &race);
            s.spawn(move || {
                for (round, winner) in winners.iter().enumerate() {
                    start.wait();
                    let src = p(race, &format!("src/r{round}-{id}"));
                    match fs.rename(&src, &p(race, &format!("dst/r{round}")), RenameMode::Into) {
                        Ok(()) => winner.lock().push(id),
                        Err(e) => assert_eq!(e.kind, ErrorKind::AlreadyExists, "rename {src}: {e}"),
                    }
                }
            });
        }
    });
    for (round, winner) in winners.iter().enumerate() {
        let w = winner.lock().clone();
        assert_eq!(w.len(), 1, "round {round}: exactly one rename must win, got {w:?}");
        let dst = p(&race, &format!("dst/r{round}"));
        assert_eq!(read_all(fs, &dst).unwrap(), contender_bytes(round, w[0]));
        for id in 0..threads {
            let src = p(&race, &format!("src/r{round}-{id}"));
            assert_eq!(fs.exists(&src).unwrap(), id != w[0], "{src}: losers keep their source");
        }
    }
}

/// G5: directory rename with nested content; into an existing directory moves below it; into its own
/// subtree is refused; onto an existing file is refused.
pub fn g5_rename_dir(fs: &FileSystem, base: &FsPath) {
    let tree = ["d/f1", "d/sub/f2", "d/sub/deeper/f3"];
    for f in tree {
        put(fs, &p(base, f), f.as_bytes());
    }
    fs.rename(&p(base, "d"), &p(base, "e"), RenameMode::Into).unwrap();
    assert!(!fs.exists(&p(base, "d")).unwrap());
    for f in tree {
        let moved = p(base, &f.replacen("d/", "e/", 1));
        assert_eq!(read_all(fs, &moved).unwrap(), f.as_bytes(), "{moved}");
    }
    fs.mkdirs(&p(base, "parent")).unwrap();
    fs.rename(&p(base, "e"), &p(base, "parent"), RenameMode::Into).unwrap();
    assert_eq!(read_all(fs, &p(base, "parent/e/sub/deeper/f3")).unwrap(), b"d/sub/deeper/f3");
    assert_eq!(names(fs, &p(base, "parent/e")), ["f1", "sub"]);
    assert_kind(fs.rename(&p(base, "parent"), &p(base, "parent/e/sub"), RenameMode::Into), ErrorKind::InvalidArgument, "into own subtree");
    put(fs, &p(base, "file"), b"f");
    assert_kind(fs.rename(&p(base, "parent/e"), &p(base, "file"), RenameMode::Into), ErrorKind::AlreadyExists, "directory onto a file");
    assert_eq!(names(fs, base), ["file", "parent"]);
}

/// G6: once commit/rename/delete return, status and listing agree immediately, every time.
pub fn g6_listing_consistency(fs: &FileSystem, base: &FsPath, rounds: usize) {
    let (src_dir, dst_dir) = (p(base, "src"), p(base, "dst"));
    fs.mkdirs(&src_dir).unwrap();
    fs.mkdirs(&dst_dir).unwrap();
    for round in 0..rounds {
        let name = format!("f{round:04}");
        let (src, dst) = (p(&src_dir, &name), p(&dst_dir, &name));
        put(fs, &src, name.as_bytes());
        assert_eq!(fs.status(&src).unwrap().len, name.len() as u64);
        assert!(names(fs, &src_dir).contains(&name), "{src} listed after commit");
        fs.rename(&src, &dst, RenameMode::Into).unwrap();
        assert_kind(fs.status(&src), ErrorKind::NotFound, "status of a renamed source");
        assert!(!names(fs, &src_dir).contains(&name), "{src} unlisted after rename");
        assert!(names(fs, &dst_dir).contains(&name), "{dst} listed after rename");
        assert!(fs.delete(&dst, false).unwrap());
        assert_kind(fs.status(&dst), ErrorKind::NotFound, "status of a deleted file");
        assert!(!names(fs, &dst_dir).contains(&name), "{dst} unlisted after delete");
    }
}

/// G7: each commit triggers the backend's durability step, observed through `counters()`: the counter
/// named `counter` grows by at least `min_per_commit` per committed file.
pub fn g7_durability_counters(fs: &FileSystem, base: &FsPath, counter: &str, min_per_commit: u64, commits: usize) {
    assert!(fs.capabilities().durable_close, "a durable backend reports durable_close");
    let read = |fs: &FileSystem| fs.counters().into_iter().find(|(k, _)| k == counter).map(|(_, v)| v).unwrap_or(0);
    fs.mkdirs(base).unwrap();
    for i in 0..commits {
        let before = read(fs);
        put(fs, &p(base, &format!("durable{i}")), b"data");
        let after = read(fs);
        assert!(after - before >= min_per_commit, "commit {i}: '{counter}' grew by {} (< {min_per_commit})", after - before);
    }
}

/// G8: deletes, mkdirs over a file, status fields, paged listing of `entries` entries with small pages,
/// positioned and ranged reads, end of file.
pub fn g8_delete_status_list_read(fs: &FileSystem, base: &FsPath, entries: usize) {
    // Deletes.
    let f = p(base, "del/file");
    put(fs, &f, b"abc");
    assert!(fs.delete(&f, false).unwrap());
    assert!(!fs.delete(&f, false).unwrap(), "deleting a missing file returns false");
    let empty = p(base, "del/empty");
    fs.mkdirs(&empty).unwrap();
    assert!(fs.delete(&empty, false).unwrap());
    assert!(!fs.exists(&empty).unwrap());
    put(fs, &p(base, "del/full/a/b"), b"b");
    assert_kind(fs.delete(&p(base, "del/full"), false), ErrorKind::DirectoryNotEmpty, "non-recursive delete");
    assert!(fs.delete(&p(base, "del/full"), true).unwrap());
    assert!(!fs.exists(&p(base, "del/full/a/b")).unwrap());
    assert!(!fs.exists(&p(base, "del/full")).unwrap());

    // mkdirs over a file, and below a file.
    let file = p(base, "plain");
    put(fs, &file, b"0123456789");
    assert!(fs.mkdirs(&file).is_err(), "mkdirs over a file must fail");
    assert!(fs.mkdirs(&p(base, "plain/below")).is_err(), "mkdirs below a file must fail");
    if !fs.capabilities().implicit_directories {
        // Where directories are implicit, create does not probe its parent (S3A's rule; see fs.rs).
        assert!(fs.create(&p(base, "plain/below"), true).is_err(), "create below a file must fail");
    }

    // Status.
    let st = fs.status(&file).unwrap();
    assert!(!st.is_dir);
    assert_eq!(st.len, 10);
    assert_eq!(st.path, file);
    assert!(st.modified_ms > 0, "files carry a modification time");
    let dst = fs.status(&p(base, "del")).unwrap();
    assert!(dst.is_dir);
    assert_kind(fs.status(&p(base, "nothing")), ErrorKind::NotFound, "status of a missing path");
    assert_kind(fs.create(&p(base, "del"), true).map(|_| ()), ErrorKind::AlreadyExists, "create over a directory");

    // Paged listing.
    let many = p(base, "many");
    let expected: BTreeSet<String> = (0..entries).map(|i| format!("e{i:05}")).collect();
    for name in &expected {
        put(fs, &p(&many, name), name.as_bytes());
    }
    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    let mut pages = 0;
    loop {
        let page = fs.list(&many, after.as_deref(), 97).unwrap();
        assert!(page.entries.len() <= 97);
        pages += 1;
        seen.extend(page.entries.iter().map(|e| e.path.name().to_string()));
        match page.next {
            Some(n) => after = Some(n),
            None => break,
        }
    }
    assert!(pages >= entries / 97, "listing came in pages");
    assert_eq!(seen, expected.iter().cloned().collect::<Vec<_>>(), "paged listing: sorted, complete, no duplicates");
    assert_eq!(fs.list(&file, None, 10).unwrap().entries.len(), 1, "listing a file yields the file");

    // Positioned and ranged reads, end of file.
    let r = fs.open(&file).unwrap();
    assert_eq!(r.len(), 10);
    let mut buf = [0u8; 4];
    assert_eq!(r.read_at(3, &mut buf).unwrap(), 4);
    assert_eq!(&buf, b"3456");
    assert_eq!(r.read_at(8, &mut buf).unwrap(), 2, "short read at the end");
    assert_eq!(&buf[..2], b"89");
    assert_eq!(r.read_at(10, &mut buf).unwrap(), 0, "read at EOF");
    assert_eq!(r.read_at(100, &mut buf).unwrap(), 0, "read past EOF");
    let ranges = r.read_ranges(&[0..2, 5..7, 9..10]).unwrap();
    assert_eq!(ranges.iter().map(|b| b.to_vec()).collect::<Vec<_>>(), [b"01".to_vec(), b"56".to_vec(), b"9".to_vec()]);
    assert_kind(r.read_ranges(std::slice::from_ref(&(8..12))), ErrorKind::EndOfFile, "range past the end");
    assert_kind(fs.open(&p(base, "nothing")).map(|_| ()), ErrorKind::NotFound, "open of a missing file");
    assert!(fs.open(&p(base, "del")).is_err(), "open of a directory must fail");
}
