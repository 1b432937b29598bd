//! RenameObject (`fs.s3c.rename.mode`): `auto` finds it on SeaweedFS and falls back to copying on moto
//! (which lacks it: it takes the request for a plain PUT); `rename-object` where it is missing or not
//! what it claims is refused naming the key. On SeaweedFS: 16
//! renames onto one destination leave one winner; lost answers (the proxy drops the response after the
//! server acted) resolve to the truth; a renamer killed with SIGKILL leaves each file whole at its source
//! or its destination, never at neither.

mod faults_support;
mod guarantees;
mod support;

use commitfs_core::{ErrorKind, FsPath, RenameMode};
use faults_support::FaultProxy;
use guarantees as g;
use support::*;

const ROLE_ENV: &str = "COMMITFS_TEST_CHILD_FILE_RENAMER";
const CRASH_FILES: usize = 60;

#[test]
fn auto_mode_uses_rename_object_on_seaweed_and_copies_on_moto() {
    assert_eq!(Fixture::s3("seaweed", &[]).backend.rename_mode().unwrap(), "rename-object");
    assert_eq!(Fixture::s3("seaweed", &[("fs.s3c.rename.mode", "copy")]).backend.rename_mode().unwrap(), "copy");
    assert_eq!(Fixture::s3("moto", &[]).backend.rename_mode().unwrap(), "copy", "moto has no RenameObject");

    let forced = Fixture::s3("moto", &[("fs.s3c.rename.mode", "rename-object")]);
    // moto takes `PUT ...?renameObject` for a plain PUT of an empty object: the probe sees nothing moved.
    let e = forced.backend.rename_mode().unwrap_err();
    assert_eq!(e.kind, ErrorKind::Unsafe, "{e}");
    assert!(e.to_string().contains("fs.s3c.rename.mode"), "the message names the key: {e}");
    let b = fresh_base("forced");
    g::put(&forced.fs, &g::p(&b, "a"), b"a");
    let e = forced.fs.rename(&g::p(&b, "a"), &g::p(&b, "b"), RenameMode::Into).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Unsafe, "{e}");
    assert_eq!(g::read_all(&forced.fs, &g::p(&b, "a")).unwrap(), b"a", "nothing moved");

    // Copy mode on SeaweedFS still moves files the old way.
    let copying = Fixture::s3("seaweed", &[("fs.s3c.rename.mode", "copy")]);
    let b = fresh_base("copy-mode");
    g::put(&copying.fs, &g::p(&b, "a"), b"a");
    g::put(&copying.fs, &g::p(&b, "warm"), b"w");
    copying.fs.rename(&g::p(&b, "warm"), &g::p(&b, "warm2"), RenameMode::Into).unwrap(); // the copy-mode probe
    let (_, m) = copying.measure(|| copying.fs.rename(&g::p(&b, "a"), &g::p(&b, "b"), RenameMode::Into).unwrap());
    assert_eq!((m.get("COPY"), m.get("RENAME")), (Some(&1), None), "{m:?}");
}

#[test]
fn seaweed_rename_object_16_renames_onto_one_destination() {
    let f = Fixture::s3("seaweed", &[]);
    let (_, m) = f.measure(|| g::g4_rename_file(&f.fs, &fresh_base("race16"), 16, 3));
    assert_eq!(m.get("COPY"), None, "renames never copy here: {m:?}");
    assert!(m.get("RENAME").copied().unwrap_or(0) >= 3 * 16, "{m:?}");
}

#[test]
fn seaweed_rename_object_directory_rename_moves_each_file_in_one_request() {
    let f = Fixture::s3("seaweed", &[]);
    let b = fresh_base("dir");
    for name in ["d/a", "d/b", "d/sub/c"] {
        g::put(&f.fs, &g::p(&b, name), name.as_bytes());
    }
    f.fs.mkdirs(&g::p(&b, "d/empty")).unwrap();
    assert_eq!(f.backend.rename_mode().unwrap(), "rename-object"); // the probe, once per store
    let (_, m) = f.measure(|| f.fs.rename(&g::p(&b, "d"), &g::p(&b, "e"), RenameMode::Into).unwrap());
    // One RenameObject of `d` itself (404: no such file, so a directory rename), then one per file.
    assert_eq!((m.get("RENAME"), m.get("COPY")), (Some(&4), None), "{m:?}");
    assert_eq!(f.raw(&b), ["e/a", "e/b", "e/empty/", "e/sub/c"]);
    for name in ["a", "b", "sub/c"] {
        assert_eq!(g::read_all(&f.fs, &g::p(&b, &format!("e/{name}"))).unwrap(), format!("d/{name}").as_bytes());
    }
}

/// Every outcome of a RenameObject whose answer the proxy drops once the server acted (the retry meets
/// the rename already done), or drops on every attempt (the retries run out): reported as what happened.
#[test]
fn seaweed_rename_object_lost_answers_resolve_to_what_happened() {
    let server = server("seaweed");
    let proxy = FaultProxy::start(&server.endpoint, 1, 0.0, 3.0);
    // No destination probe: every rename below sends its RenameObject, whatever is at the destination.
    let mut settings = proxy.backend_settings();
    settings.push(("fs.s3c.rename.performance", "true".into()));
    let pairs: Vec<(&str, &str)> = settings.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let faulty = Fixture::s3_on(&server, &pairs);
    let truth = Fixture::new(server.backend(&[]));
    assert_eq!(faulty.backend.rename_mode().unwrap(), "rename-object");
    let b = fresh_base("lost");
    let p = |n: &str| g::p(&b, n);
    let read = |n: &str| g::read_all(&truth.fs, &p(n)).ok();
    let drop_next = |times: usize| (0..times).for_each(|_| proxy.arm("drop", "renameObject"));

    // The first answer lost: the retry gets 404 (source gone); the destination is ours.
    g::put(&faulty.fs, &p("a"), b"A");
    drop_next(1);
    faulty.fs.rename(&p("a"), &p("a2"), RenameMode::Exact).unwrap();
    assert_eq!((read("a"), read("a2")), (None, Some(b"A".to_vec())));

    // Every answer lost (the retries run out): resolved by looking.
    g::put(&faulty.fs, &p("b"), b"B");
    drop_next(5);
    faulty.fs.rename(&p("b"), &p("b2"), RenameMode::Exact).unwrap();
    assert_eq!((read("b"), read("b2")), (None, Some(b"B".to_vec())));

    // Onto an existing file: the 412 was real, whatever the retries saw; nothing moved.
    g::put(&faulty.fs, &p("c"), b"C");
    g::put(&faulty.fs, &p("taken"), b"T");
    drop_next(1);
    let e = faulty.fs.rename(&p("c"), &p("taken"), RenameMode::Exact).unwrap_err();
    assert_eq!(e.kind, ErrorKind::AlreadyExists, "{e}");
    assert_eq!((read("c"), read("taken")), (Some(b"C".to_vec()), Some(b"T".to_vec())));

    // A replace (no precondition) whose answer is lost.
    drop_next(1);
    faulty.fs.rename(&p("c"), &p("taken"), RenameMode::Replace).unwrap();
    assert_eq!((read("c"), read("taken")), (None, Some(b"C".to_vec())));

    // A missing source stays a missing source.
    drop_next(1);
    let e = faulty.fs.rename(&p("never"), &p("n2"), RenameMode::Exact).unwrap_err();
    assert_eq!(e.kind, ErrorKind::NotFound, "{e}");

    // The request never reached the server (connection reset before forwarding): the retry does it.
    g::put(&faulty.fs, &p("d"), b"D");
    proxy.arm("reset", "renameObject");
    faulty.fs.rename(&p("d"), &p("d2"), RenameMode::Exact).unwrap();
    assert_eq!((read("d"), read("d2")), (None, Some(b"D".to_vec())));

    // A directory rename with one file's answer lost.
    for name in ["dir/x", "dir/y", "dir/z"] {
        g::put(&faulty.fs, &p(name), name.as_bytes());
    }
    proxy.arm("drop", "dir2/y?renameObject");
    faulty.fs.rename(&p("dir"), &p("dir2"), RenameMode::Into).unwrap();
    assert_eq!(g::names(&truth.fs, &p("dir2")), ["x", "y", "z"]);
    assert!(!truth.fs.exists(&p("dir")).unwrap());
    assert_eq!(proxy.stats()["faults"]["drop"].as_u64(), Some(10), "every armed drop was used");
}

/// The child half: moves `CRASH_FILES` files one by one (even ones onto free names, odd ones replacing
/// an existing file) until killed.
fn child_file_renamer_if_asked() {
    let Ok(base) = std::env::var(ROLE_ENV) else { return };
    let f = Fixture::new(parent_server("seaweed").backend(&[]));
    let b = FsPath::parse(&base).unwrap();
    println!("RENAMING");
    for i in 0..CRASH_FILES {
        let mode = if i % 2 == 0 { RenameMode::Exact } else { RenameMode::Replace };
        f.fs.rename(&g::p(&b, &format!("src/f{i:02}")), &g::p(&b, &format!("dst/f{i:02}")), mode).unwrap();
    }
    println!("RENAMED");
    std::process::exit(0);
}

#[test]
fn seaweed_rename_object_killed_renamer_leaves_each_file_whole_somewhere() {
    child_file_renamer_if_asked();
    let f = Fixture::s3("seaweed", &[]);
    for round in 0..3u64 {
        let b = fresh_base("killed");
        let content = |i: usize| format!("file {i} of {b}").into_bytes();
        for i in 0..CRASH_FILES {
            g::put(&f.fs, &g::p(&b, &format!("src/f{i:02}")), &content(i));
            if i % 2 == 1 {
                g::put(&f.fs, &g::p(&b, &format!("dst/f{i:02}")), b"old");
            }
        }
        let test = "seaweed_rename_object_killed_renamer_leaves_each_file_whole_somewhere";
        let mut child = spawn_child_role(&server("seaweed"), test, ROLE_ENV, b.to_string(), "RENAMING");
        std::thread::sleep(std::time::Duration::from_millis(30 + 60 * round));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let mut moved = 0;
        for i in 0..CRASH_FILES {
            let src = g::read_all(&f.fs, &g::p(&b, &format!("src/f{i:02}"))).ok();
            let dst = g::read_all(&f.fs, &g::p(&b, &format!("dst/f{i:02}"))).ok();
            let old = (i % 2 == 1).then(|| b"old".to_vec());
            match (src, dst) {
                (Some(s), d) if s == content(i) && d == old => {}
                (None, Some(d)) if d == content(i) => moved += 1,
                other => panic!("round {round}, file {i}: source and destination are {other:?}"),
            }
        }
        eprintln!("round {round}: killed after {moved} of {CRASH_FILES} renames");
    }
}
