//! Request counts per operation, measured with the counting HTTP connector against SeaweedFS (copy mode
//! header, RenameObject) and moto (copy mode multipart, no RenameObject: renames copy then delete). The
//! numbers are printed (run with --nocapture) and bounded.

mod guarantees;
mod support;

use commitfs_core::{Backend, CreateOptions, ErrorKind, Probe, RenameMode};
use guarantees as g;
use std::collections::BTreeMap;
use support::cost;
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
    f.fs.rename(&g::p(&b, "warm"), &g::p(&b, "warm2"), RenameMode::Into).unwrap();
    // ... and the first listing's look at the rename journal (once per store per interval).
    f.fs.list(&b, None, 1).unwrap();
    let mut report = Vec::new();
    let mut note = |op: &str, m: &BTreeMap<String, u64>| {
        eprintln!("{kind}: {op}: {} requests {m:?}", total(m));
        report.push((op.to_string(), total(m)));
    };

    let moves = cost::move_file(kind);

    let (st, m) = f.measure(|| f.backend.probe(&[Probe::File(&file)]).unwrap().pop().flatten());
    assert!(st.is_some());
    note("backend file_status (getFileStatus of a file)", &m);
    assert_eq!(m.get("HEAD"), Some(&1));
    assert_eq!(total(&m), cost::HEAD, "getFileStatus of a file = one HEAD");

    let (st, m) = f.measure(|| f.fs.status(&file).unwrap());
    assert_eq!((st.is_dir, st.len), (false, 5));
    note("fs.status of a file", &m);
    assert_eq!((total(&m), m.get("HEAD")), (cost::STATUS_FILE, Some(&1)), "a file: one HEAD");

    let (st, m) = f.measure(|| f.fs.status(&g::p(&b, "dir")).unwrap());
    assert!(st.is_dir);
    note("fs.status of a directory", &m);
    assert_eq!((total(&m), m.get("HEAD"), m.get("LIST")), (cost::STATUS_DIR, Some(&1), Some(&1)), "a directory: HEAD (404), LIST");

    let (r, m) = f.measure(|| f.fs.status(&g::p(&b, "missing")));
    assert_eq!(r.unwrap_err().kind, ErrorKind::NotFound);
    assert_eq!(total(&m), cost::STATUS_MISSING, "nothing: HEAD (404), LIST (empty)");

    if kind == "moto" {
        // A file and a directory under one name (other tools can write both on S3; SeaweedFS's filer
        // cannot hold them): the file, as the entry LIST said.
        g::put(&f.fs, &g::p(&b, "both/inner"), b"in");
        commitfs_core::runtime::block_on(object_store::ObjectStoreExt::put(&*f.backend.store(),
            &object_store::path::Path::from(g::p(&b, "both").key()), bytes::Bytes::from_static(b"shadow").into())).unwrap();
        let st = f.fs.status(&g::p(&b, "both")).unwrap();
        assert_eq!((st.is_dir, st.len), (false, 6), "the key itself wins over keys below it");
    }

    let (r, m) = f.measure(|| f.fs.exists(&g::p(&b, "missing")).unwrap());
    assert!(!r);
    note("fs.exists of a missing path", &m);
    assert_eq!(total(&m), cost::LIST, "nothing there: the same one LIST");

    let new = g::p(&b, "dir/new");
    let (_, m) = f.measure(|| {
        let mut w = f.backend.create(&new, &CreateOptions::new(false)).unwrap();
        w.write(b"abc").unwrap();
        w.commit().unwrap();
    });
    note("backend exclusive create of a small file", &m);
    assert_eq!(total(&m), cost::PUT, "the backend's create only PUTs: fs/ made the checks");
    assert_eq!(m.get("PUT"), Some(&1), "one PUT at commit");

    let (_, m) = f.measure(|| exclusive_put(&f, &g::p(&b, "dir/new2")));
    note("fs.create(overwrite=false)+write+close of a small file", &m);
    assert_eq!(total(&m), cost::CREATE_SMALL, "one LIST finds a file or a directory at the path, then PUT");
    assert_eq!((m.get("LIST"), m.get("PUT")), (Some(&1), Some(&1)));

    let (_, m) = f.measure(|| g::put(&f.fs, &g::p(&b, "dir/new3"), b"abc"));
    note("fs.create(overwrite=true)+write+close of a small file", &m);
    assert_eq!(total(&m), cost::CREATE_SMALL, "LIST of the path's directory prefix, then PUT");
    assert_eq!(trips(&m), 2);

    let (r, m) = f.measure(|| f.fs.create(&g::p(&b, "dir/new2"), false).map(|_| ()));
    assert_eq!(r.unwrap_err().kind, ErrorKind::AlreadyExists);
    note("fs.create(overwrite=false) of an existing file (refused at open)", &m);
    assert_eq!((total(&m), trips(&m)), (cost::LIST, 1), "the one LIST, nothing written");

    f.fs.mkdirs(&g::p(&b, "dir/taken")).unwrap();
    let (r, m) = f.measure(|| f.fs.create(&g::p(&b, "dir/taken"), false).map(|_| ()));
    assert_eq!(r.unwrap_err().kind, ErrorKind::AlreadyExists);
    note("fs.create(overwrite=false) over a directory (refused at open)", &m);
    assert_eq!(total(&m), cost::LIST, "the same LIST sees the directory");
    f.fs.delete(&g::p(&b, "dir/taken"), false).unwrap();

    let dst = g::p(&b, "dir/renamed");
    let (_, m) = f.measure(|| f.fs.rename(&new, &dst, RenameMode::Into).unwrap());
    note("fs.rename of a file within its directory", &m);
    assert_eq!(total(&m), cost::LIST + moves, "LIST of dst (the shared parent needs no HEAD), the move");
    if kind == "seaweed" {
        assert_eq!((m.get("RENAME"), m.get("COPY"), m.get("DELETE_OBJECTS")), (Some(&1), None, None), "RenameObject alone: {m:?}");
    } else {
        assert_eq!(m.get("DELETE_OBJECTS"), None, "the source goes in a DeleteObject: {m:?}");
    }

    f.fs.mkdirs(&g::p(&b, "other")).unwrap();
    let moved = g::p(&b, "other/moved");
    let (_, m) = f.measure(|| f.fs.rename(&dst, &moved, RenameMode::Into).unwrap());
    note("fs.rename of a file to another directory", &m);
    assert_eq!(total(&m), cost::LIST + moves, "one LIST from the parent's key sees it is no file and dst/, the move");
    f.fs.rename(&moved, &dst, RenameMode::Into).unwrap();

    let deep = g::p(&b, "other/x/y/moved");
    let (_, m) = f.measure(|| f.fs.rename(&dst, &deep, RenameMode::Into).unwrap());
    note("fs.rename of a file into three new directory levels", &m);
    assert_eq!(total(&m), cost::LIST + moves, "the same one LIST covers every new ancestor");
    f.fs.rename(&deep, &dst, RenameMode::Into).unwrap();

    let (r, m) = f.measure(|| f.fs.rename(&dst, &g::p(&b, "dir/new2/sub/target"), RenameMode::Into));
    assert_eq!(r.unwrap_err().kind, ErrorKind::ParentNotDirectory);
    note("fs.rename of a file below a file (refused)", &m);
    assert_eq!(total(&m), cost::LIST, "the LIST from dir/new2 sees that key first, nothing copied");
    assert!(f.fs.exists(&dst).unwrap());

    // Past the LIST's page (100 keys) the rest is asked in one more round trip.
    let crowded = g::p(&b, "crowded");
    for i in 0..120 {
        g::put(&f.fs, &g::p(&crowded, &format!("a{i:03}")), b"");
    }
    let (_, m) = f.measure(|| f.fs.rename(&dst, &g::p(&crowded, "z"), RenameMode::Into).unwrap());
    note("fs.rename of a file into another directory past 100 keys", &m);
    assert_eq!(total(&m), cost::RENAME_PROBE_PAST_PAGE + moves, "LIST of crowded, then LIST of crowded/z/, the move");
    f.fs.rename(&g::p(&crowded, "z"), &dst, RenameMode::Into).unwrap();
    let (r, m) = f.measure(|| f.fs.rename(&dst, &g::p(&crowded, "a119/z"), RenameMode::Into));
    assert_eq!(r.unwrap_err().kind, ErrorKind::ParentNotDirectory);
    assert_eq!(total(&m), cost::LIST + cost::HEAD + cost::LIST, "LIST of crowded, then HEAD of crowded/a119 + LIST of its z/ (sent together)");

    g::put(&f.fs, &g::p(&b, "dir/replacement"), b"replacement");
    let (_, m) = f.measure(|| f.fs.rename(&g::p(&b, "dir/replacement"), &g::p(&b, "dir/new3"), RenameMode::Replace).unwrap());
    note("fs.rename(OVERWRITE) of a file onto a file", &m);
    assert_eq!(total(&m), cost::LIST + cost::replace_file(kind), "the LIST of dst, the unconditional move");
    assert_eq!(g::read_all(&f.fs, &g::p(&b, "dir/new3")).unwrap(), b"replacement");

    let (_, m) = f.measure(|| g::read_all(&f.fs, &dst).unwrap());
    note("open+read of a small file", &m);
    assert_eq!(total(&m), cost::GET, "one GET at open fetches a small file whole");

    let (_, m) = f.measure(|| f.fs.list(&g::p(&b, "dir"), None, 1000).unwrap());
    note("list of a directory of files", &m);
    assert_eq!(total(&m), cost::LIST);

    let (_, m) = f.measure(|| f.fs.list(&b, None, 1000).unwrap());
    note("list of a directory with three child directories", &m);
    assert!(total(&m) <= cost::LIST + 3 * cost::LIST, "one LIST (+1 per child directory on SeaweedFS)");

    // A marker alone (an empty directory) is a directory, never a file of its own name.
    f.fs.mkdirs(&g::p(&b, "dir/marked")).unwrap();
    let (st, m) = f.measure(|| f.fs.status(&g::p(&b, "dir/marked")).unwrap());
    assert!(st.is_dir);
    assert_eq!(total(&m), cost::STATUS_DIR);

    let (_, m) = f.measure(|| f.fs.mkdirs(&g::p(&b, "made/deep")).unwrap());
    note("mkdirs of two new levels under an existing dir", &m);
    assert_eq!(total(&m), cost::MKDIRS_TWO_LEVELS, "LIST of the path, LIST of made/, LIST of the base + HEAD of made, PUT");

    let (_, m) = f.measure(|| f.fs.mkdirs(&g::p(&b, "made/deep/one")).unwrap());
    note("mkdirs of one new level under an existing dir", &m);
    assert_eq!(total(&m), cost::MKDIRS_ONE_LEVEL, "LIST of the path, LIST of the parent, PUT");

    let (_, m) = f.measure(|| f.fs.mkdirs(&g::p(&b, "made")).unwrap());
    note("mkdirs of an existing directory", &m);
    assert_eq!(total(&m), cost::LIST, "one LIST sees the directory");

    let (r, m) = f.measure(|| f.fs.mkdirs(&g::p(&b, "dir/new2/sub")));
    assert_eq!(r.unwrap_err().kind, ErrorKind::ParentNotDirectory);
    note("mkdirs below a file (refused)", &m);
    assert_eq!(total(&m), cost::MKDIRS_BELOW_A_FILE, "LIST of the path, LIST of the parent, LIST of dir/ + HEAD of the parent (a file)");

    g::put(&f.fs, &g::p(&b, "dir/zz-later"), b"1");
    let (_, m) = f.measure(|| assert!(f.fs.delete(&dst, false).unwrap()));
    note("fs.delete of a file with a later sibling", &m);
    assert_eq!(total(&m), cost::DELETE_FILE, "LIST from the file's key (the file, the sibling after it), DELETE");
    assert_eq!((m.get("DELETE"), m.get("DELETE_OBJECTS")), (Some(&1), None), "a DeleteObject, not a DeleteObjects POST: {m:?}");
    let (_, m) = f.measure(|| assert!(f.fs.delete(&g::p(&b, "dir/zz-later"), false).unwrap()));
    note("fs.delete of the last file of a directory", &m);
    assert_eq!(total(&m), cost::DELETE_LAST_FILE, "LIST from the file's key (nothing after it), DELETE + the marker PUT");

    let (_, m) = f.measure(|| assert!(!f.fs.delete(&g::p(&crowded, "temp"), false).unwrap()));
    note("fs.delete of a missing file behind 120 keys", &m);
    assert_eq!(total(&m), cost::LIST, "one LIST from the name's key, whatever sorts before it");

    let lone = g::p(&b, "lone/file");
    g::put(&f.fs, &lone, b"1");
    let (_, m) = f.measure(|| assert!(f.fs.delete(&lone, false).unwrap()));
    note("fs.delete of the only file of an implicit directory", &m);
    assert_eq!(total(&m), cost::DELETE_LAST_FILE, "LIST, then DELETE + the parent's marker PUT (sent together)");
    assert!(f.fs.status(&g::p(&b, "lone")).unwrap().is_dir, "the directory stays, as with S3A");
    let (_, m) = f.measure(|| assert!(!f.fs.delete(&lone, false).unwrap()));
    assert_eq!(total(&m), cost::LIST, "nothing there: one LIST");

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
    assert_eq!((total(&m), trips(&m)), (cost::HEAD + cost::PUT, 2), "HEAD + PUT");
    let (_, m) = f.measure(|| g::put(&f.fs, &g::p(&b, "dir/new"), b"again"));
    eprintln!("{kind}: create.performance: overwriting create of a small file: {m:?}");
    assert_eq!(total(&m), cost::PUT, "PUT only");
    let (r, m) = f.measure(|| f.fs.create(&g::p(&b, "dir/new"), false).map(|_| ()));
    assert_eq!(r.unwrap_err().kind, ErrorKind::AlreadyExists, "an exclusive create still fails fast");
    assert_eq!(total(&m), cost::HEAD);
    let mut w = f.fs.create(&g::p(&b, "dir/late"), false).unwrap();
    exclusive_put(&f, &g::p(&b, "dir/late"));
    w.write(b"second").unwrap();
    assert_eq!(w.commit().unwrap_err().kind, ErrorKind::AlreadyExists, "and stays exclusive at commit");
}

/// `create.performance` asked on the call (`create_with(.., performance = true)`, the checkpoint
/// manager's `createFile().opt(...)`): an exclusive create is the conditional PUT alone, and a lost race
/// is refused at commit, naming the path, with nothing overwritten.
fn measure_create_per_call_performance(kind: &'static str) {
    let f = Fixture::s3(kind, &[]);
    let b = fresh_base("create-per-call");
    let p = g::p(&b, "state/0/1.delta");
    let write = |data: &[u8]| {
        let mut w = f.fs.create_with(&p, &CreateOptions::new(false), true)?;
        w.write(data)?;
        w.commit()
    };
    let (r, m) = f.measure(|| write(b"first"));
    r.unwrap();
    eprintln!("{kind}: per-call create.performance: exclusive create of a small file: {m:?}");
    assert_eq!((total(&m), m.get("PUT")), (cost::CREATE_PER_CALL_PERFORMANCE, Some(&1)), "the conditional PUT alone");
    let (r, m) = f.measure(|| write(b"second"));
    let e = r.unwrap_err();
    assert_eq!(e.kind, ErrorKind::AlreadyExists, "{e}");
    assert!(e.to_string().contains(p.key()), "the message names the path: {e}");
    assert_eq!(total(&m), cost::CREATE_PER_CALL_PERFORMANCE_LOST, "PUT (412), then the winner's token: {m:?}");
    assert_eq!(g::read_all(&f.fs, &p).unwrap(), b"first", "the winner's bytes stay");
}

#[test]
fn seaweed_create_per_call_performance_request_counts() {
    measure_create_per_call_performance("seaweed");
}

#[test]
fn moto_create_per_call_performance_request_counts() {
    measure_create_per_call_performance("moto");
}

/// `fs.s3c.rename.performance`: a file rename is the move (one RenameObject, or the conditional copy and
/// the DELETE), nothing else.
fn measure_rename_performance(kind: &'static str) {
    let f = Fixture::s3(kind, &[("fs.s3c.rename.performance", "true")]);
    let b = fresh_base("rename-performance");
    let moves = cost::move_file(kind);
    g::put(&f.fs, &g::p(&b, "warm"), b"w");
    f.fs.rename(&g::p(&b, "warm"), &g::p(&b, "warm2"), RenameMode::Into).unwrap(); // the once-per-store mode probes
    g::put(&f.fs, &g::p(&b, "d/tmp"), b"new");
    let (_, m) = f.measure(|| f.fs.rename(&g::p(&b, "d/tmp"), &g::p(&b, "d/final"), RenameMode::Into).unwrap());
    eprintln!("{kind}: rename.performance: file rename: {m:?}");
    assert_eq!(total(&m), moves, "RenameObject alone (SeaweedFS), COPY + DELETE (moto)");
    g::put(&f.fs, &g::p(&b, "d/tmp"), b"late");
    let (r, m) = f.measure(|| f.fs.rename(&g::p(&b, "d/tmp"), &g::p(&b, "e/final"), RenameMode::Into));
    r.unwrap();
    assert_eq!(total(&m), moves, "into another directory as well");
    g::put(&f.fs, &g::p(&b, "d/tmp"), b"loser");
    let r = f.fs.rename(&g::p(&b, "d/tmp"), &g::p(&b, "d/final"), RenameMode::Exact);
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

/// A tree lists flat, as S3A lists it for `listFiles(path, true)` and content summaries: 40 files in 41
/// directories (and an empty directory's marker) in one LIST, 1,001 keys in ceil(1001 / 1000) = 2 when
/// the caller asks 1,000 a page; left to the store (`paging.maximum`, 5,000 as S3A's) one LIST on
/// SeaweedFS, which answers as many keys as asked (AWS caps a page at 1,000), for the tree and for the
/// directory alike.
fn measure_tree_listing(kind: &'static str) {
    let f = Fixture::s3(kind, &[]);
    let b = fresh_base("tree");
    for i in 0..40 {
        g::put(&f.fs, &g::p(&b, &format!("d{i}/e{}/f", i % 3)), b"x");
    }
    f.fs.mkdirs(&g::p(&b, "empty")).unwrap();
    f.fs.list(&b, None, 1).unwrap(); // the first listing's look for interrupted renames, once a minute
    let (page, m) = f.measure(|| f.fs.list_tree(&b, None, 1000).unwrap());
    assert_eq!((m.get("LIST"), total(&m)), (Some(&1), 1), "{kind}: {m:?}");
    assert!(page.next.is_none());
    assert_eq!(page.entries.iter().filter(|e| !e.is_dir).count(), 40);
    assert!(page.entries.iter().any(|e| e.is_dir && e.path == g::p(&b, "empty")), "the marker is a directory");
    let mut sorted = page.entries.clone();
    sorted.sort_by(|a, c| a.path.to_string().cmp(&c.path.to_string()));
    assert_eq!(sorted, page.entries, "in path order");
    let big = fresh_base("tree-big");
    let names: Vec<String> = (0..1001).map(|i| format!("k{i:05}")).collect();
    let puts = names.iter().map(|n| {
        let store = f.backend.store().clone();
        let loc = object_store::path::Path::from(g::p(&big, n).key());
        async move { object_store::ObjectStoreExt::put(&store, &loc, bytes::Bytes::from_static(b"y").into()).await.unwrap() }
    });
    commitfs_core::runtime::block_on(futures::StreamExt::collect::<Vec<_>>(futures::StreamExt::buffer_unordered(futures::stream::iter(puts), 32)));
    let (count, m) = f.measure(|| {
        let (mut after, mut n) = (None::<String>, 0);
        loop {
            let page = f.fs.list_tree(&big, after.as_deref(), 1000).unwrap();
            n += page.entries.len();
            match page.next {
                Some(next) => after = Some(next),
                None => return n,
            }
        }
    });
    assert_eq!(count, 1001);
    assert_eq!((m.get("LIST"), total(&m)), (Some(&2), 2), "{kind}: {m:?}");
    let store_pages = |tree: bool| {
        let (mut after, mut n) = (None::<String>, 0);
        loop {
            let page = if tree { f.fs.list_tree(&big, after.as_deref(), 0) } else { f.fs.list(&big, after.as_deref(), 0) };
            let page = page.unwrap();
            n += page.entries.len();
            match page.next {
                Some(next) => after = Some(next),
                None => return n,
            }
        }
    };
    for tree in [true, false] {
        let (count, m) = f.measure(|| store_pages(tree));
        eprintln!("{kind}: 1,001 keys, the store's page (tree: {tree}): {m:?}");
        assert_eq!(count, 1001);
        if kind == "seaweed" {
            assert_eq!((m.get("LIST"), total(&m)), (Some(&1), 1), "one LIST of up to 5,000 keys: {m:?}");
        } else {
            assert!(total(&m) <= 2, "{m:?}");
        }
    }
    let (r, _) = f.measure(|| f.fs.list_tree(&g::p(&b, "d1/e1/f"), None, 1000));
    assert_eq!(r.unwrap().entries.len(), 1, "a file lists as itself");
    assert_eq!(f.fs.list_tree(&g::p(&b, "missing"), None, 1000).unwrap_err().kind, ErrorKind::NotFound);
}

#[test]
fn seaweed_tree_listing_request_counts() {
    measure_tree_listing("seaweed");
}

#[test]
fn moto_tree_listing_request_counts() {
    measure_tree_listing("moto");
}
