//! Request counts per operation, measured with the counting HTTP connector against SeaweedFS (copy mode
//! header) and moto (copy mode multipart). The numbers are printed (run with --nocapture) and bounded.

mod guarantees;
mod support;

use commitfs_core::{Backend, CreateOptions, ErrorKind};
use guarantees as g;
use std::collections::BTreeMap;
use support::*;

fn total(m: &BTreeMap<String, u64>) -> u64 {
    m.get("requests").copied().unwrap_or(0)
}

/// Round trips: requests sent together count once.
fn trips(m: &BTreeMap<String, u64>) -> u64 {
    m.get("round_trips").copied().unwrap_or(0)
}

fn measure_all(kind: &'static str) {
    let f = Fixture::s3(kind, &[]);
    let b = fresh_base("requests");
    let file = g::p(&b, "dir/file");
    g::put(&f.fs, &file, b"hello");
    // Warm up the once-per-store copy-mode probe.
    g::put(&f.fs, &g::p(&b, "warm"), b"w");
    f.fs.rename(&g::p(&b, "warm"), &g::p(&b, "warm2")).unwrap();
    // ... and the first listing's look at the rename journal (once per store per interval).
    f.fs.list(&b, None, 1).unwrap();
    let mut report = Vec::new();
    let mut note = |op: &str, m: &BTreeMap<String, u64>| {
        eprintln!("{kind}: {op}: {} requests {m:?}", total(m));
        report.push((op.to_string(), total(m)));
    };

    // Copy-if-not-exists: one CopyObject (header mode) or create + copy part + complete (multipart mode).
    let copy = if kind == "seaweed" { 1 } else { 3 };

    let (st, m) = f.measure(|| f.backend.file_status(&file).unwrap());
    assert!(st.is_some());
    note("backend file_status (getFileStatus of a file)", &m);
    assert_eq!(m.get("HEAD"), Some(&1));
    assert_eq!(total(&m), 1, "getFileStatus of a file = one HEAD");

    let (st, m) = f.measure(|| f.fs.status(&file).unwrap());
    assert_eq!((st.is_dir, st.len), (false, 5));
    note("fs.status of a file", &m);
    assert_eq!(total(&m), 1, "a file: one LIST of the name's prefix");

    let (st, m) = f.measure(|| f.fs.status(&g::p(&b, "dir")).unwrap());
    assert!(st.is_dir);
    note("fs.status of a directory", &m);
    assert_eq!(total(&m), 1, "a directory: the same one LIST");

    let (r, m) = f.measure(|| f.fs.exists(&g::p(&b, "missing")).unwrap());
    assert!(!r);
    note("fs.exists of a missing path", &m);
    assert_eq!(total(&m), 1, "nothing there: the same one LIST");

    let new = g::p(&b, "dir/new");
    let (_, m) = f.measure(|| {
        let mut w = f.backend.create(&new, &CreateOptions { overwrite: false }).unwrap();
        w.write(b"abc").unwrap();
        w.commit().unwrap();
    });
    note("backend exclusive create of a small file", &m);
    assert_eq!(total(&m), 1, "the backend's create only PUTs: fs.rs made the checks");
    assert_eq!(m.get("PUT"), Some(&1), "one PUT at commit");

    let (_, m) = f.measure(|| exclusive_put(&f, &g::p(&b, "dir/new2")));
    note("fs.create(overwrite=false)+write+close of a small file", &m);
    assert_eq!(total(&m), 2, "one LIST finds a file or a directory at the path, then PUT");
    assert_eq!((m.get("LIST"), m.get("PUT")), (Some(&1), Some(&1)));

    let (_, m) = f.measure(|| g::put(&f.fs, &g::p(&b, "dir/new3"), b"abc"));
    note("fs.create(overwrite=true)+write+close of a small file", &m);
    assert_eq!(total(&m), 2, "LIST of the path's directory prefix, then PUT");
    assert_eq!(trips(&m), 2);

    let (r, m) = f.measure(|| f.fs.create(&g::p(&b, "dir/new2"), false).map(|_| ()));
    assert_eq!(r.unwrap_err().kind, ErrorKind::AlreadyExists);
    note("fs.create(overwrite=false) of an existing file (refused at open)", &m);
    assert_eq!((total(&m), trips(&m)), (1, 1), "the one LIST, nothing written");

    f.fs.mkdirs(&g::p(&b, "dir/taken")).unwrap();
    let (r, m) = f.measure(|| f.fs.create(&g::p(&b, "dir/taken"), false).map(|_| ()));
    assert_eq!(r.unwrap_err().kind, ErrorKind::AlreadyExists);
    note("fs.create(overwrite=false) over a directory (refused at open)", &m);
    assert_eq!(total(&m), 1, "the same LIST sees the directory");
    f.fs.delete(&g::p(&b, "dir/taken"), false).unwrap();

    let dst = g::p(&b, "dir/renamed");
    let (_, m) = f.measure(|| f.fs.rename(&new, &dst).unwrap());
    note("fs.rename of a file within its directory", &m);
    assert_eq!(total(&m), 1 + copy + 1, "LIST of dst (the shared parent needs no HEAD), copy, DELETE");

    f.fs.mkdirs(&g::p(&b, "other")).unwrap();
    let moved = g::p(&b, "other/moved");
    let (_, m) = f.measure(|| f.fs.rename(&dst, &moved).unwrap());
    note("fs.rename of a file to another directory", &m);
    assert_eq!(total(&m), 1 + copy + 1, "one LIST from the parent's key sees it is no file and dst/, copy, DELETE");
    f.fs.rename(&moved, &dst).unwrap();

    let deep = g::p(&b, "other/x/y/moved");
    let (_, m) = f.measure(|| f.fs.rename(&dst, &deep).unwrap());
    note("fs.rename of a file into three new directory levels", &m);
    assert_eq!(total(&m), 1 + copy + 1, "the same one LIST covers every new ancestor");
    f.fs.rename(&deep, &dst).unwrap();

    let (r, m) = f.measure(|| f.fs.rename(&dst, &g::p(&b, "dir/new2/sub/target")));
    assert_eq!(r.unwrap_err().kind, ErrorKind::ParentNotDirectory);
    note("fs.rename of a file below a file (refused)", &m);
    assert_eq!(total(&m), 1, "the LIST from dir/new2 sees that key first, nothing copied");
    assert!(f.fs.exists(&dst).unwrap());

    // Past the LIST's page (100 keys) the rest is asked in one more round trip.
    let crowded = g::p(&b, "crowded");
    for i in 0..120 {
        g::put(&f.fs, &g::p(&crowded, &format!("a{i:03}")), b"");
    }
    let (_, m) = f.measure(|| f.fs.rename(&dst, &g::p(&crowded, "z")).unwrap());
    note("fs.rename of a file into another directory past 100 keys", &m);
    assert_eq!(total(&m), 2 + copy + 1, "LIST of crowded, then LIST of crowded/z/, copy, DELETE");
    f.fs.rename(&g::p(&crowded, "z"), &dst).unwrap();
    let (r, m) = f.measure(|| f.fs.rename(&dst, &g::p(&crowded, "a119/z")));
    assert_eq!(r.unwrap_err().kind, ErrorKind::ParentNotDirectory);
    assert_eq!(total(&m), 3, "LIST of crowded, then HEAD of crowded/a119 + LIST of its z/ (sent together)");

    let (_, m) = f.measure(|| g::read_all(&f.fs, &dst).unwrap());
    note("open+read of a small file", &m);
    assert_eq!(total(&m), 1, "one GET at open fetches a small file whole");

    let (_, m) = f.measure(|| f.fs.list(&g::p(&b, "dir"), None, 1000).unwrap());
    note("list of a directory of files", &m);
    assert_eq!(total(&m), 1);

    let (_, m) = f.measure(|| f.fs.list(&b, None, 1000).unwrap());
    note("list of a directory with three child directories", &m);
    assert!(total(&m) <= 4, "one LIST (+1 per child directory on SeaweedFS)");

    let (_, m) = f.measure(|| f.fs.mkdirs(&g::p(&b, "made/deep")).unwrap());
    note("mkdirs of two new levels under an existing dir", &m);
    assert_eq!(total(&m), 5, "LIST of the path, LIST of made/, LIST of the base + HEAD of made, PUT");

    let (_, m) = f.measure(|| f.fs.mkdirs(&g::p(&b, "made/deep/one")).unwrap());
    note("mkdirs of one new level under an existing dir", &m);
    assert_eq!(total(&m), 3, "LIST of the path, LIST of the parent, PUT");

    let (_, m) = f.measure(|| f.fs.mkdirs(&g::p(&b, "made")).unwrap());
    note("mkdirs of an existing directory", &m);
    assert_eq!(total(&m), 1, "one LIST sees the directory");

    let (r, m) = f.measure(|| f.fs.mkdirs(&g::p(&b, "dir/new2/sub")));
    assert_eq!(r.unwrap_err().kind, ErrorKind::ParentNotDirectory);
    note("mkdirs below a file (refused)", &m);
    assert_eq!(total(&m), 4, "LIST of the path, LIST of the parent, LIST of dir/ + HEAD of the parent (a file)");

    let (_, m) = f.measure(|| assert!(f.fs.delete(&dst, false).unwrap()));
    note("fs.delete of a file beside others", &m);
    assert_eq!(total(&m), 2, "LIST of the directory's first keys (the file, its siblings), DELETE");

    let lone = g::p(&b, "lone/file");
    g::put(&f.fs, &lone, b"1");
    let (_, m) = f.measure(|| assert!(f.fs.delete(&lone, false).unwrap()));
    note("fs.delete of the only file of an implicit directory", &m);
    assert_eq!(total(&m), 3, "LIST, then DELETE + the parent's marker PUT (sent together)");
    assert!(f.fs.status(&g::p(&b, "lone")).unwrap().is_dir, "the directory stays, as with S3A");
    let (_, m) = f.measure(|| assert!(!f.fs.delete(&lone, false).unwrap()));
    assert_eq!(total(&m), 1, "nothing there: one LIST");

    let (_, m) = f.measure(|| assert!(f.fs.delete(&g::p(&b, "dir"), true).unwrap()));
    note("fs.delete of a directory with 3 files, recursive", &m);

    eprintln!("{kind} summary: {report:?}");
}

/// `fs.s3c.create.performance` (here through its S3A fallback key): no open-time probe but the HEAD that
/// makes an exclusive create fail fast.
fn measure_create_performance(kind: &'static str) {
    let f = Fixture::s3(kind, &[("fs.s3a.create.performance", "true")]);
    let b = fresh_base("create-performance");
    let (_, m) = f.measure(|| exclusive_put(&f, &g::p(&b, "dir/new")));
    eprintln!("{kind}: create.performance: exclusive create of a small file: {m:?}");
    assert_eq!((total(&m), trips(&m)), (2, 2), "HEAD + PUT");
    let (_, m) = f.measure(|| g::put(&f.fs, &g::p(&b, "dir/new"), b"again"));
    eprintln!("{kind}: create.performance: overwriting create of a small file: {m:?}");
    assert_eq!(total(&m), 1, "PUT only");
    let (r, m) = f.measure(|| f.fs.create(&g::p(&b, "dir/new"), false).map(|_| ()));
    assert_eq!(r.unwrap_err().kind, ErrorKind::AlreadyExists, "an exclusive create still fails fast");
    assert_eq!(total(&m), 1);
    let mut w = f.fs.create(&g::p(&b, "dir/late"), false).unwrap();
    exclusive_put(&f, &g::p(&b, "dir/late"));
    w.write(b"second").unwrap();
    assert_eq!(w.commit().unwrap_err().kind, ErrorKind::AlreadyExists, "and stays exclusive at commit");
}

/// `fs.s3c.rename.performance`: a file rename is the conditional copy and the DELETE, nothing else.
fn measure_rename_performance(kind: &'static str) {
    let f = Fixture::s3(kind, &[("fs.s3c.rename.performance", "true")]);
    let b = fresh_base("rename-performance");
    let copy = if kind == "seaweed" { 1 } else { 3 };
    g::put(&f.fs, &g::p(&b, "warm"), b"w");
    f.fs.rename(&g::p(&b, "warm"), &g::p(&b, "warm2")).unwrap(); // the once-per-store copy-mode probe
    g::put(&f.fs, &g::p(&b, "d/tmp"), b"new");
    let (_, m) = f.measure(|| f.fs.rename(&g::p(&b, "d/tmp"), &g::p(&b, "d/final")).unwrap());
    eprintln!("{kind}: rename.performance: file rename: {m:?}");
    assert_eq!(total(&m), copy + 1, "COPY + DELETE");
    g::put(&f.fs, &g::p(&b, "d/tmp"), b"late");
    let (r, m) = f.measure(|| f.fs.rename(&g::p(&b, "d/tmp"), &g::p(&b, "e/final")));
    r.unwrap();
    assert_eq!(total(&m), copy + 1, "into another directory as well");
    g::put(&f.fs, &g::p(&b, "d/tmp"), b"loser");
    let r = f.fs.rename_no_replace(&g::p(&b, "d/tmp"), &g::p(&b, "d/final"));
    assert_eq!(r.unwrap_err().kind, ErrorKind::AlreadyExists, "still never overwrites");
    assert_eq!(g::read_all(&f.fs, &g::p(&b, "d/final")).unwrap(), b"new");
    assert!(f.fs.exists(&g::p(&b, "d/tmp")).unwrap(), "the loser keeps its source");
}

#[test]
fn seaweed_rename_performance_request_counts() {
    measure_rename_performance("seaweed");
}

#[test]
fn moto_rename_performance_request_counts() {
    measure_rename_performance("moto");
}

fn exclusive_put(f: &Fixture, p: &commitfs_core::FsPath) {
    let mut w = f.fs.create(p, false).unwrap();
    w.write(b"abc").unwrap();
    w.commit().unwrap();
}

#[test]
fn seaweed_create_performance_request_counts() {
    measure_create_performance("seaweed");
}

#[test]
fn moto_create_performance_request_counts() {
    measure_create_performance("moto");
}

#[test]
fn seaweed_request_counts() {
    measure_all("seaweed");
}

#[test]
fn moto_request_counts() {
    measure_all("moto");
}
