//! Directory rename killed mid-way on SeaweedFS, then rolled forward, once per way of moving a file
//! (`fs.s3c.rename.mode`: `copy`, where the source keys stay until every copy landed, and `rename-object`,
//! where each file leaves the source as it arrives). The test binary re-executes itself as the renamer
//! (role in COMMITFS_TEST_CHILD_RENAMER, as posix.rs and s3_cases do for writers), kills it with SIGKILL
//! once some files have landed, and checks that recovery — explicit (`recover()`, several
//! at once) or triggered by a reader's listing — leaves every file at the destination with its content,
//! nothing at the source, nothing duplicated, no intent record.

mod guarantees;
mod support;

use commitfs_core::object::ObjectBackend;
use commitfs_core::{Backend, FsPath, RenameMode};
use guarantees as g;
use std::collections::BTreeMap;
use support::*;

const ROLE_ENV: &str = "COMMITFS_TEST_CHILD_RENAMER";
const FILES: usize = 300;
const JOURNAL: &str = "_commitfs/journal/";

/// The child half: renames `src` to `dst` slowly (one file at a time) in the given rename mode, so the
/// parent can kill it part way.
fn child_renamer_if_asked() {
    let Ok(spec) = std::env::var(ROLE_ENV) else { return };
    let [src, dst, mode]: [&str; 3] = spec.split(' ').collect::<Vec<_>>().try_into().unwrap();
    let server = parent_server("seaweed");
    let f = Fixture::new(server.backend(&[("fs.s3c.copy.concurrency", "1"), ("fs.s3c.rename.mode", mode)]));
    println!("RENAMING");
    f.fs.rename(&FsPath::parse(src).unwrap(), &FsPath::parse(dst).unwrap(), RenameMode::Into).unwrap();
    println!("RENAMED");
    std::process::exit(0);
}

/// Plants `FILES` files (distinct contents, some nested) and one empty directory under `src`; returns
/// the expected tree relative to the directory, `name/` for the empty one.
fn plant(f: &Fixture, src: &FsPath) -> BTreeMap<String, Vec<u8>> {
    let run = rand::random::<u32>();
    let tree: BTreeMap<String, Vec<u8>> =
        (0..FILES).map(|i| (format!("d{}/f{i:04}", i % 7), format!("file {i} of run {run:08x}").into_bytes())).collect();
    let store = f.backend.store();
    commitfs_core::runtime::block_on(async {
        use futures::StreamExt;
        use object_store::ObjectStoreExt;
        futures::stream::iter(tree.iter().map(|(rel, data)| {
            let store = store.clone();
            let key = format!("{}/{rel}", src.key());
            let data = data.clone();
            async move { store.put(&object_store::path::Path::parse(&key).unwrap(), data.into()).await.unwrap() }
        }))
        .buffer_unordered(32)
        .collect::<Vec<_>>()
        .await;
    });
    f.fs.mkdirs(&g::p(src, "empty")).unwrap();
    let mut expected = tree;
    expected.insert("empty/".into(), Vec::new());
    expected
}

/// Starts the child renamer (`mode`: `copy` or `rename-object`), kills it once `min_copied` keys are at
/// `dst`, and checks it died part way with every file in place at the source or the destination.
fn rename_and_kill(server: &Server, test_name: &str, f: &Fixture, (src, dst): (&FsPath, &FsPath), mode: &str, min_copied: usize) {
    let mut child = spawn_child_role(server, test_name, ROLE_ENV, format!("{src} {dst} {mode}"), "RENAMING");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while f.backend.raw_keys(&dst.dir_prefix()).unwrap().len() < min_copied {
        assert!(std::time::Instant::now() < deadline, "the child copied fewer than {min_copied} keys in 60 s");
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let copied = f.backend.raw_keys(&dst.dir_prefix()).unwrap().len();
    let left = f.backend.raw_keys(&src.dir_prefix()).unwrap().len();
    eprintln!("killed the renamer with {copied} keys copied, {left} source keys left");
    assert!(copied < FILES + 1, "killed part way");
    if mode == "copy" {
        assert_eq!(left, FILES + 1, "copies made, no source deleted yet");
    } else {
        // Each file is at one of its two keys (RenameObject is atomic); the empty directory's marker,
        // which RenameObject cannot move, may be at both.
        assert!(copied + left >= FILES + 1 && copied + left <= FILES + 2, "no file lost or doubled: {copied} + {left}");
    }
    assert_eq!(intents_naming(f, src), 1, "the intent record outlives the renamer");
}

/// Intent records whose source is `src` (other tests share the journal).
fn intents_naming(f: &Fixture, src: &FsPath) -> usize {
    let store = f.backend.store();
    f.backend
        .raw_keys(JOURNAL)
        .unwrap()
        .iter()
        .filter(|k| {
            let body = commitfs_core::runtime::block_on(async {
                use object_store::ObjectStoreExt;
                match store.get(&object_store::path::Path::parse(k.as_str()).unwrap()).await {
                    Ok(r) => r.bytes().await.unwrap().to_vec(),
                    Err(_) => Vec::new(), // retired meanwhile
                }
            });
            serde_json::from_slice::<serde_json::Value>(&body).is_ok_and(|v| v["src"] == src.dir_prefix())
        })
        .count()
}

fn check_moved(f: &Fixture, src: &FsPath, dst: &FsPath, expected: &BTreeMap<String, Vec<u8>>) {
    assert!(!f.fs.exists(src).unwrap(), "the source is gone");
    assert_eq!(f.raw(src), Vec::<String>::new());
    let keys: Vec<String> = f.raw(dst);
    assert_eq!(keys, expected.keys().cloned().collect::<Vec<_>>(), "every key once at the destination, nothing else");
    for (rel, data) in expected.iter().filter(|(k, _)| !k.ends_with('/')) {
        assert_eq!(&g::read_all(&f.fs, &g::p(dst, rel)).unwrap(), data, "{rel}");
    }
}

/// The crash tests run one at a time: a recoverer rolls forward every stale intent in the bucket, so two
/// at once would finish each other's renames.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn recovering(server: &Server) -> ObjectBackend {
    server.backend(&[("fs.s3c.rename.recovery.grace", "0s")])
}

#[test]
fn seaweed_killed_dir_rename_is_rolled_forward_by_concurrent_recoverers() {
    child_renamer_if_asked();
    let _serial = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let server = server("seaweed");
    let f = Fixture::new(server.backend(&[]));
    let b = fresh_base("crash-recover");
    let (src, dst) = (g::p(&b, "src"), g::p(&b, "dst"));
    let expected = plant(&f, &src);
    rename_and_kill(&server, "seaweed_killed_dir_rename_is_rolled_forward_by_concurrent_recoverers", &f, (&src, &dst), "copy", 40);

    let started = std::time::Instant::now();
    let results: Vec<_> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..3).map(|_| s.spawn(|| recovering(&server).recover())).collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    eprintln!("3 concurrent recoveries took {:?}: {results:?}", started.elapsed());
    let mine: Vec<_> = results
        .into_iter()
        .flat_map(|r| r.expect("every recoverer succeeds"))
        .filter(|r| r.src == f.backend.display(&src))
        .collect();
    assert!(!mine.is_empty(), "some recoverer rolled the rename forward");
    assert!(mine.iter().all(|r| r.dst == f.backend.display(&dst) && r.conflicts.is_empty()), "{mine:?}");
    check_moved(&f, &src, &dst, &expected);
    assert_eq!(intents_naming(&f, &src), 0, "the intent is retired");
    assert!(recovering(&server).recover().unwrap().iter().all(|r| r.src != f.backend.display(&src)), "nothing left to do");
}

#[test]
fn seaweed_killed_dir_rename_is_rolled_forward_by_a_reader_listing() {
    child_renamer_if_asked();
    let _serial = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let server = server("seaweed");
    let f = Fixture::new(server.backend(&[]));
    let b = fresh_base("crash-list");
    let (src, dst) = (g::p(&b, "src"), g::p(&b, "dst"));
    let expected = plant(&f, &src);
    rename_and_kill(&server, "seaweed_killed_dir_rename_is_rolled_forward_by_a_reader_listing", &f, (&src, &dst), "rename-object", 100);

    // A fresh reader (as after a driver restart): its first listing looks at the journal once.
    let reader = Fixture::new(recovering(&server));
    let (names, counts) = reader.measure(|| g::names(&reader.fs, &b));
    eprintln!("first listing after the crash: {counts:?}");
    assert_eq!(names, ["dst"], "the reader sees the rename completed");
    check_moved(&reader, &src, &dst, &expected);
    assert_eq!(intents_naming(&f, &src), 0, "the intent is retired");
    let (_, again) = reader.measure(|| g::names(&reader.fs, &b));
    assert!(again.get("LIST") < counts.get("LIST"), "later listings do not look at the journal again: {again:?}");
}

#[test]
fn completed_dir_rename_leaves_no_intent() {
    let f = Fixture::memory();
    let b = FsPath::parse("/journal").unwrap();
    g::put(&f.fs, &g::p(&b, "src/a"), b"a");
    f.fs.rename(&g::p(&b, "src"), &g::p(&b, "dst"), RenameMode::Into).unwrap();
    assert_eq!(f.backend.raw_keys(JOURNAL).unwrap(), Vec::<String>::new(), "the intent is retired on success");
    assert_eq!(f.backend.recover_older_than(std::time::Duration::ZERO).unwrap(), vec![]);
    assert_eq!(g::names(&f.fs, &b), ["dst"]);
}

/// A recoverer moves only what existed when the rename began: a file written at the source path later
/// (after the renamer finished but before a slow recoverer read the record) stays where it was written.
#[test]
fn recovery_moves_only_keys_older_than_the_intent() {
    let f = Fixture::memory();
    let b = FsPath::parse("/stale").unwrap();
    g::put(&f.fs, &g::p(&b, "src/a"), b"a");
    let intent = serde_json::json!({"version": 1, "src": "stale/src/", "dst": "stale/dst/", "token": "t", "started_ms": 0});
    commitfs_core::runtime::block_on(async {
        use object_store::ObjectStoreExt;
        let record = object_store::path::Path::from(format!("{JOURNAL}0000000000000-t.json"));
        f.backend.store().put(&record, serde_json::to_vec(&intent).unwrap().into()).await.unwrap();
    });
    std::thread::sleep(std::time::Duration::from_millis(2100)); // past the one-second mtime slack
    g::put(&f.fs, &g::p(&b, "src/late"), b"late");
    let done = f.backend.recover_older_than(std::time::Duration::ZERO).unwrap();
    assert_eq!(done.len(), 1);
    assert_eq!((done[0].moved, done[0].dst.as_str()), (1, "memc://test/stale/dst"));
    assert_eq!(f.raw(&b), ["dst/a", "src/late"]);
    assert_eq!(f.backend.raw_keys(JOURNAL).unwrap(), Vec::<String>::new());
}
