//! `FileSystem::rename(.., RenameMode::Replace)` (FileContext's rename with `Options.Rename.OVERWRITE`, as Spark's default
//! checkpoint manager commits state deltas): Hadoop's rules on every backend (POSIX, memory, moto,
//! SeaweedFS), atomicity for readers of the destination while writers replace it, and the S3 request
//! count of the common case.

mod guarantees;
mod posix_support;
mod support;

use commitfs_core::{ErrorKind, FileSystem, FsPath, RenameMode};
use guarantees as g;
use posix_support::{posix_fs, TempRoot};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use support::*;

fn expect_kind(r: commitfs_core::Result<()>, kind: ErrorKind, what: &str) {
    match r {
        Err(e) if e.kind == kind => {}
        other => panic!("{what}: expected {kind:?}, got {other:?}"),
    }
}

fn text(fs: &FileSystem, p: &FsPath) -> String {
    String::from_utf8(g::read_all(fs, p).unwrap_or_else(|e| panic!("read {p}: {e}"))).unwrap()
}

/// Each rule of `AbstractFileSystem.renameInternal(src, dst, overwrite=true)`.
fn semantics(fs: &FileSystem, base: &FsPath) {
    let p = |rel: &str| g::p(base, rel);
    fs.mkdirs(base).unwrap();
    // A file onto a file: replaced, the source gone.
    g::put(fs, &p("d/src"), b"new");
    g::put(fs, &p("d/dst"), b"old");
    fs.rename(&p("d/src"), &p("d/dst"), RenameMode::Replace).unwrap();
    assert_eq!(text(fs, &p("d/dst")), "new");
    assert!(!fs.exists(&p("d/src")).unwrap());
    // A file onto nothing: a plain rename.
    fs.rename(&p("d/dst"), &p("d/fresh"), RenameMode::Replace).unwrap();
    assert_eq!(text(fs, &p("d/fresh")), "new");
    assert!(!fs.exists(&p("d/dst")).unwrap());
    // Across directories.
    fs.mkdirs(&p("e")).unwrap();
    g::put(fs, &p("e/there"), b"old");
    fs.rename(&p("d/fresh"), &p("e/there"), RenameMode::Replace).unwrap();
    assert_eq!(text(fs, &p("e/there")), "new");
    // A missing source, with or without a destination.
    expect_kind(fs.rename(&p("d/missing"), &p("e/there"), RenameMode::Replace), ErrorKind::NotFound, "missing source onto a file");
    expect_kind(fs.rename(&p("d/missing"), &p("d/none"), RenameMode::Replace), ErrorKind::NotFound, "missing source onto nothing");
    assert_eq!(text(fs, &p("e/there")), "new", "a failed replace leaves the destination alone");
    // The same path.
    expect_kind(fs.rename(&p("e/there"), &p("e/there"), RenameMode::Replace), ErrorKind::AlreadyExists, "src == dst");
    expect_kind(fs.rename(&p("e/gone"), &p("e/gone"), RenameMode::Replace), ErrorKind::NotFound, "src == dst, missing");
    assert_eq!(text(fs, &p("e/there")), "new");
    // A file onto a directory and a directory onto a file.
    fs.mkdirs(&p("dir")).unwrap();
    expect_kind(fs.rename(&p("e/there"), &p("dir"), RenameMode::Replace), ErrorKind::Io, "file onto a directory");
    expect_kind(fs.rename(&p("dir"), &p("e/there"), RenameMode::Replace), ErrorKind::Io, "directory onto a file");
    assert!(fs.status(&p("dir")).unwrap().is_dir);
    assert_eq!(text(fs, &p("e/there")), "new");
    // A directory onto a non-empty directory, then onto an empty one.
    g::put(fs, &p("srcdir/a"), b"A");
    g::put(fs, &p("full/x"), b"X");
    expect_kind(fs.rename(&p("srcdir"), &p("full"), RenameMode::Replace), ErrorKind::DirectoryNotEmpty, "onto a non-empty dir");
    assert_eq!(text(fs, &p("full/x")), "X");
    fs.rename(&p("srcdir"), &p("dir"), RenameMode::Replace).unwrap();
    assert_eq!(text(fs, &p("dir/a")), "A");
    assert!(!fs.exists(&p("srcdir")).unwrap());
    // A directory onto nothing.
    fs.rename(&p("dir"), &p("moved"), RenameMode::Replace).unwrap();
    assert_eq!(text(fs, &p("moved/a")), "A");
    // Into its own subtree; the root.
    expect_kind(fs.rename(&p("moved"), &p("moved/sub"), RenameMode::Replace), ErrorKind::InvalidArgument, "into its own subtree");
    expect_kind(fs.rename(&FsPath::root(), &p("r"), RenameMode::Replace), ErrorKind::InvalidArgument, "the root");
    // The destination's parent is a file.
    g::put(fs, &p("plain"), b"P");
    expect_kind(fs.rename(&p("e/there"), &p("plain/below"), RenameMode::Replace), ErrorKind::ParentNotDirectory, "parent is a file");
    assert_eq!(text(fs, &p("e/there")), "new");
    // The destination's parent is missing: NotFound on every backend (Hadoop's rename-with-options API;
    // FileSystem.rename(src, dst) creates it implicitly on S3, as S3A does).
    for mode in [RenameMode::Replace, RenameMode::Exact] {
        expect_kind(fs.rename(&p("e/there"), &p("no/such/f"), mode), ErrorKind::NotFound, "missing parent");
        expect_kind(fs.rename(&p("moved"), &p("no/such/d"), mode), ErrorKind::NotFound, "missing parent of a directory");
        assert_eq!(text(fs, &p("e/there")), "new");
        assert!(!fs.exists(&p("no")).unwrap(), "{mode:?}: nothing created");
    }
    if fs.capabilities().implicit_directories {
        fs.rename(&p("e/there"), &p("no/such/f"), RenameMode::Into).unwrap();
        assert_eq!(text(fs, &p("no/such/f")), "new");
        // An existing parent known only by the files below it (no marker) is a directory.
        fs.rename(&p("no/such/f"), &p("no/such/g"), RenameMode::Exact).unwrap();
        fs.rename(&p("no/such/g"), &p("e/there"), RenameMode::Exact).unwrap();
    }
}

/// Writers publish versions to temp names and replace `dst` with them while readers loop on `dst`: a
/// reader never finds `dst` missing, short or mixed.
fn readers_never_see_a_gap(fs: &FileSystem, base: &FsPath, writers: usize, rounds: usize) {
    let dst = g::p(base, "state/1.delta");
    let version = |w: usize, r: usize| format!("writer {w} round {r};").repeat(200 + w * 7 + r % 5).into_bytes();
    g::put(fs, &dst, &version(0, 0));
    let done = AtomicBool::new(false);
    let reads = AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                while !done.load(Ordering::SeqCst) {
                    let data = g::read_all(fs, &dst).unwrap_or_else(|e| panic!("reader: {dst} went missing or failed: {e}"));
                    let t = String::from_utf8(data).expect("utf-8");
                    let first = t.split(';').next().unwrap().to_string();
                    let parsed: Vec<usize> = first.split(' ').filter_map(|w| w.parse().ok()).collect();
                    assert_eq!(parsed.len(), 2, "reader saw {first:?}");
                    assert_eq!(t.as_bytes(), version(parsed[0], parsed[1]), "reader saw a partial or mixed file");
                    reads.fetch_add(1, Ordering::SeqCst);
                }
            });
        }
        let handles: Vec<_> = (1..=writers)
            .map(|w| {
                let (dst, version) = (&dst, &version);
                s.spawn(move || {
                    for r in 0..rounds {
                        let tmp = g::p(base, &format!("state/.1.delta.{w}.{r}.tmp"));
                        g::put(fs, &tmp, &version(w, r));
                        fs.rename(&tmp, dst, RenameMode::Replace).unwrap_or_else(|e| panic!("writer {w} round {r}: {e}"));
                    }
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
        done.store(true, Ordering::SeqCst);
    });
    assert!(reads.load(Ordering::SeqCst) > 0, "the readers ran");
    assert_eq!(g::names(fs, &g::p(base, "state")), ["1.delta"], "every temp file was renamed away");
}

fn total(m: &BTreeMap<String, u64>) -> u64 {
    m.get("requests").copied().unwrap_or(0)
}

/// File onto a file, and onto nothing, within one directory or into another: LIST + the move (across
/// directories the one LIST starts at the new parent's key and also sees that it is no file). The move is
/// one RenameObject on SeaweedFS, COPY + DeleteObjects on moto (no RenameObject).
fn request_counts(kind: &'static str) {
    let f = Fixture::s3(kind, &[]);
    f.backend.rename_mode().unwrap(); // the once-per-store probe
    let moves = if kind == "seaweed" { 1 } else { 2 };
    let b = fresh_base("replace-requests");
    let p = |rel: &str| g::p(&b, rel);
    g::put(&f.fs, &p("d/dst"), b"old");
    g::put(&f.fs, &p("d/tmp1"), b"new");
    g::put(&f.fs, &p("d/tmp2"), b"newer");
    let expect = |what: &str, m: &BTreeMap<String, u64>, requests: u64, trips: u64| {
        eprintln!("{kind}: {what}: {m:?}");
        assert_eq!((total(m), m.get("round_trips").copied().unwrap_or(0)), (requests, trips), "{what}: {m:?}");
    };
    let (_, m) = f.measure(|| f.fs.rename(&p("d/tmp1"), &p("d/dst"), RenameMode::Replace).unwrap());
    expect("file onto a file", &m, 1 + moves, 1 + moves);
    if kind == "seaweed" {
        assert_eq!((m.get("LIST"), m.get("RENAME")), (Some(&1), Some(&1)));
    } else {
        assert_eq!((m.get("LIST"), m.get("COPY"), m.get("DELETE")), (Some(&1), Some(&1), Some(&1)), "the source goes in one DeleteObject");
    }
    assert_eq!(text(&f.fs, &p("d/dst")), "new");
    let (_, m) = f.measure(|| f.fs.rename(&p("d/tmp2"), &p("d/fresh"), RenameMode::Replace).unwrap());
    expect("file onto nothing", &m, 1 + moves, 1 + moves);
    f.fs.mkdirs(&p("e")).unwrap();
    let (_, m) = f.measure(|| f.fs.rename(&p("d/fresh"), &p("e/x"), RenameMode::Replace).unwrap());
    expect("file onto nothing in another directory", &m, 1 + moves, 1 + moves);
    assert_eq!(f.raw(&b), ["d/dst", "e/", "e/x"]);
    let (r, m) = f.measure(|| f.fs.rename(&p("e/x"), &p("none/x"), RenameMode::Replace));
    assert_eq!(r.unwrap_err().kind, ErrorKind::NotFound);
    expect("file into a missing directory", &m, 1, 1);
    // The destination probe of an exact rename into another directory is still the one LIST (the copy
    // that follows may first verify the store's copy-if-not-exists mode, once per store).
    let (_, m) = f.measure(|| f.fs.rename(&p("e/x"), &p("d/x"), RenameMode::Exact).unwrap());
    assert_eq!((m.get("LIST"), m.get("HEAD")), (Some(&1), None), "exact file into another existing directory: {m:?}");
}

fn memory() -> FileSystem {
    Fixture::memory().fs
}

#[test]
fn posix_rename_replace_semantics() {
    let root = TempRoot::new(0o700);
    semantics(&posix_fs(root.path(), &[]), &FsPath::parse("/base").unwrap());
}

#[test]
fn posix_rename_replace_is_atomic_for_readers_4x100() {
    let root = TempRoot::new(0o700);
    let fs = posix_fs(root.path(), &[]);
    let base = FsPath::parse("/race").unwrap();
    fs.mkdirs(&g::p(&base, "state")).unwrap();
    readers_never_see_a_gap(&fs, &base, 4, 100);
}

#[test]
fn posix_rename_replace_fsyncs_like_a_rename() {
    let root = TempRoot::new(0o700);
    let fs = posix_fs(root.path(), &[]);
    let base = FsPath::parse("/sync").unwrap();
    g::put(&fs, &g::p(&base, "src"), b"new");
    g::put(&fs, &g::p(&base, "dst"), b"old");
    let count = |k: &str| fs.counters().into_iter().find(|(n, _)| n == k).map(|(_, v)| v).unwrap();
    let (fsyncs, renames) = (count("fsync"), count("rename"));
    fs.rename(&g::p(&base, "src"), &g::p(&base, "dst"), RenameMode::Replace).unwrap();
    assert_eq!((count("fsync") - fsyncs, count("rename") - renames), (1, 1), "one rename(2), one directory fsync (G7)");
}

#[test]
fn memory_rename_replace_semantics() {
    semantics(&memory(), &fresh_base("semantics"));
}

#[test]
fn memory_rename_replace_is_atomic_for_readers_4x100() {
    readers_never_see_a_gap(&memory(), &fresh_base("race"), 4, 100);
}

#[test]
fn moto_rename_replace_semantics() {
    semantics(&Fixture::s3("moto", &[]).fs, &fresh_base("semantics"));
}

#[test]
fn moto_rename_replace_is_atomic_for_readers_2x15() {
    readers_never_see_a_gap(&Fixture::s3("moto", &[]).fs, &fresh_base("race"), 2, 15);
}

#[test]
fn moto_rename_replace_request_counts() {
    request_counts("moto");
}

#[test]
fn seaweed_rename_replace_semantics() {
    semantics(&Fixture::s3("seaweed", &[]).fs, &fresh_base("semantics"));
}

#[test]
fn seaweed_rename_replace_is_atomic_for_readers_3x30() {
    readers_never_see_a_gap(&Fixture::s3("seaweed", &[]).fs, &fresh_base("race"), 3, 30);
}

#[test]
fn seaweed_rename_replace_request_counts() {
    request_counts("seaweed");
}
