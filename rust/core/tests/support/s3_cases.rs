//! S3-specific checks run on every S3 server (moto.rs, seaweed.rs): the S3A key layout, odd key
//! characters, the write-token resolution of a 412, large exclusive creates, and writers killed mid
//! upload.

use super::*;
use crate::guarantees as g;
use commitfs_core::object::TOKEN_ATTRIBUTE;
use commitfs_core::{Backend, ErrorKind, RenameMode};
use object_store::path::Path;
use object_store::{Attribute, Attributes, PutOptions};

/// Names S3A writes unencoded: the key must be the raw UTF-8 path, and everything must round-trip.
pub fn odd_keys_round_trip(f: &Fixture) {
    let b = fresh_base("odd");
    let names = ["sp ace", "ünï cödé", "%41%2F", "a+b", "k=v", "h#sh", "q?x", "c:d", "amp&er", "emoji-\u{1F600}", "tab\u{A0}nbsp"];
    for n in names {
        g::put(&f.fs, &g::p(&b, n), n.as_bytes());
    }
    let mut expected: Vec<String> = names.iter().map(|s| s.to_string()).collect();
    expected.sort();
    assert_eq!(f.raw(&b), expected, "raw keys are the names, unencoded");
    assert_eq!(g::names(&f.fs, &b), expected);
    for n in names {
        let p = g::p(&b, n);
        assert_eq!(g::read_all(&f.fs, &p).unwrap(), n.as_bytes(), "{p}");
        assert!(!f.fs.status(&p).unwrap().is_dir);
        f.fs.rename(&p, &g::p(&b, &format!("moved {n}")), RenameMode::Into).unwrap();
    }
    f.fs.rename(&b, &fresh_base("odd-moved"), RenameMode::Into).unwrap();
}

/// The layout S3A reads: file keys, and `dir/` markers for empty directories.
pub fn markers_follow_the_s3a_layout(f: &Fixture) {
    let b = fresh_base("layout");
    f.fs.mkdirs(&g::p(&b, "empty/deeper")).unwrap();
    g::put(&f.fs, &g::p(&b, "dir/file"), b"x");
    assert_eq!(f.raw(&b), ["dir/file", "empty/deeper/"]);
    assert_eq!(g::names(&f.fs, &b), ["dir", "empty"]);
    assert!(f.fs.status(&g::p(&b, "empty/deeper")).unwrap().is_dir);
    // A marker planted by S3A (an empty object named `x/`) reads as a directory.
    assert!(f.fs.delete(&g::p(&b, "dir/file"), false).unwrap());
    assert_eq!(f.raw(&b), ["dir/", "empty/deeper/"], "the parent survives as a marker, as with S3A");
    assert!(f.fs.status(&g::p(&b, "dir")).unwrap().is_dir);
    assert_eq!(g::names(&f.fs, &g::p(&b, "dir")), Vec::<String>::new());
    // Creating a file in a marker-only directory keeps the marker (S3A 3.5 keeps markers).
    g::put(&f.fs, &g::p(&b, "dir/again"), b"y");
    assert_eq!(f.raw(&b), ["dir/", "dir/again", "empty/deeper/"]);
    assert!(f.fs.delete(&g::p(&b, "dir"), true).unwrap());
    assert!(!f.fs.exists(&g::p(&b, "dir")).unwrap(), "a deleted directory is gone at once");
    assert_eq!(f.raw(&b), ["", "empty/deeper/"], "the base keeps a marker, as with S3A");
    assert_eq!(g::names(&f.fs, &b), ["empty"], "no stale directory listed");
}

/// A conditional PUT whose first attempt landed but whose answer was lost is retried and gets 412:
/// the token stored with the object says it was ours.
pub fn lost_response_is_resolved_by_the_token(f: &Fixture) {
    let b = fresh_base("token");
    let p = g::p(&b, "f");
    let store = f.backend.store();
    let mut attrs = Attributes::new();
    attrs.insert(Attribute::Metadata(TOKEN_ATTRIBUTE.into()), "first-attempt-token".into());
    let loc = Path::parse(p.key()).unwrap();
    store.put_opts(&loc, b"data".to_vec().into(), PutOptions { attributes: attrs, ..Default::default() }).await_blocking();
    let mut ours = f.backend.create_with_token(&p, false, "first-attempt-token");
    ours.write(b"data").unwrap();
    ours.commit().expect("the 412 is our own earlier attempt");
    let mut theirs = f.backend.create_with_token(&p, false, "another-writer");
    theirs.write(b"data").unwrap();
    assert_eq!(theirs.commit().unwrap_err().kind, ErrorKind::AlreadyExists);
    // The same for rename: the copy's 412 with the source's token on the target was our copy.
    let src = g::p(&b, "src");
    g::put(&f.fs, &src, b"s");
    let dst = g::p(&b, "dst");
    f.backend.rename_file(&src, &dst, false).unwrap();
    assert!(!f.fs.exists(&src).unwrap());
    assert_eq!(f.backend.rename_file(&g::p(&b, "f"), &dst, false).unwrap_err().kind, ErrorKind::AlreadyExists);
}

trait Blocking {
    fn await_blocking(self);
}
impl<F: std::future::Future<Output = object_store::Result<object_store::PutResult>>> Blocking for F {
    fn await_blocking(self) {
        commitfs_core::runtime::block_on(self).unwrap();
    }
}

/// ≥ 20 MiB with overwrite=false: multipart to a staging key, copy-if-not-exists, staging deleted; a
/// second one loses with AlreadyExists; overwrite=true replaces through a direct multipart upload.
pub fn large_exclusive_create(f: &Fixture) {
    let b = fresh_base("large");
    let p = g::p(&b, "big");
    let data: Vec<u8> = (0..(21u32 << 20)).map(|i| (i % 253) as u8).collect();
    let write = |overwrite: bool, data: &[u8]| {
        let mut w = f.backend.create(&p, &commitfs_core::CreateOptions::new(overwrite)).unwrap();
        for c in data.chunks(1 << 20) {
            w.write(c).unwrap();
        }
        w.commit()
    };
    let (r, counts) = f.measure(|| write(false, &data));
    r.unwrap();
    eprintln!("{}: large exclusive create of 21 MiB: {counts:?}", f.backend.display(&p));
    assert_eq!(g::read_all(&f.fs, &p).unwrap(), data);
    assert_eq!(write(false, &data).unwrap_err().kind, ErrorKind::AlreadyExists);
    let data2: Vec<u8> = data.iter().map(|b| b ^ 0x55).collect();
    write(true, &data2).unwrap();
    assert_eq!(g::read_all(&f.fs, &p).unwrap(), data2);
    assert_eq!(f.raw(&b), ["big"]);
    assert!(f.backend.raw_keys("_commitfs/staging/").unwrap().is_empty(), "staging deleted after publish");
}

pub const CHILD_ENV: &str = "COMMITFS_TEST_CHILD_WRITER";

/// The child half of `killed_writer_leaves_nothing`: writes forever (well past one part) and says when
/// the multipart upload is under way.
pub fn child_writer_if_asked() {
    let Ok(spec) = std::env::var(CHILD_ENV) else { return };
    let (kind, key) = spec.split_once(' ').unwrap();
    let kind: &'static str = if kind == "moto" { "moto" } else { "seaweed" };
    let server = parent_server(kind);
    let fs = Fixture::new(server.backend(&[]));
    let p = FsPath::parse(key).unwrap();
    let mut w = fs.fs.create(&p, false).unwrap();
    let mut sent = 0usize;
    loop {
        w.write(&[9u8; 1 << 20]).unwrap();
        sent += 1;
        if sent == 12 {
            println!("UPLOADING");
        }
        std::thread::sleep(std::time::Duration::from_millis(if sent > 12 { 200 } else { 0 }));
    }
}

/// G2 under kill -9: a process killed mid multipart upload never makes the final key exist, and leaves
/// nothing visible (an incomplete upload is not an object).
pub fn killed_writer_leaves_nothing(server: &Server, test_name: &str) {
    let b = fresh_base("killed");
    let p = g::p(&b, "never");
    let mut child = spawn_child_role(server, test_name, CHILD_ENV, format!("{} {}", server.kind, p), "UPLOADING");
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let f = Fixture::new(server.backend(&[]));
    assert!(!f.fs.exists(&p).unwrap(), "the final key never exists");
    assert_eq!(f.raw(&b), Vec::<String>::new(), "nothing visible under the directory");
    assert!(f.fs.list_all(&FsPath::root()).unwrap().iter().all(|e| !e.path.name().starts_with("_commitfs")));
}

/// A recursive delete removes the whole tree, whatever built it (nested empty directories, implicit
/// directories, markers rewritten by deletes, renamed files and directories), and the next test's tree
/// under the same name starts empty: the Hadoop contract suites' teardown and set-up in one. On SeaweedFS
/// this fails with `fs.s3c.list.verify-directories=false`: its delimited listings keep showing the deleted
/// tree for a while (the litter the s3c contract suites once saw under /test).
pub fn recursive_delete_leaves_nothing(f: &Fixture) {
    let b = fresh_base("rmtree");
    let t = g::p(&b, "test");
    for round in 0..3 {
        f.fs.mkdirs(&g::p(&t, "a/b/c")).unwrap();
        f.fs.mkdirs(&g::p(&t, "e")).unwrap();
        for file in ["a/f1", "a/b/f2", "x/y/z/f3", "a/b/c/d/f4"] {
            g::put(&f.fs, &g::p(&t, file), b"x");
        }
        assert!(f.fs.delete(&g::p(&t, "a/f1"), false).unwrap());
        f.fs.rename(&g::p(&t, "x/y/z/f3"), &g::p(&t, "x/moved"), RenameMode::Into).unwrap();
        f.fs.rename(&g::p(&t, "x"), &g::p(&t, "x2"), RenameMode::Into).unwrap();
        assert!(f.fs.delete(&g::p(&t, "x2/moved"), false).unwrap());
        assert!(f.fs.delete(&g::p(&t, "a/b/c/d"), true).unwrap());
        assert!(f.fs.delete(&t, true).unwrap(), "round {round}");
        assert!(!f.fs.exists(&t).unwrap(), "round {round}: the deleted tree is gone");
        assert_eq!(f.raw(&b), [""], "round {round}: only the parent's marker is left (S3A keeps the parent)");
        assert_eq!(g::names(&f.fs, &b), Vec::<String>::new(), "round {round}: nothing listed");
        f.fs.mkdirs(&g::p(&t, "subfolder")).unwrap();
        assert_eq!(g::names(&f.fs, &t), ["subfolder"], "round {round}: a fresh tree holds only what was made");
        assert!(f.fs.delete(&t, true).unwrap());
    }
}

/// `create` and `mkdirs` find a file or a directory at a path with one LIST of the name's prefix. More
/// siblings sharing that prefix (`x.00`, `x-d/`: bytes below `/`) than the LIST's page holds sort before
/// `x/`: the probe must still see the directory (its second LIST) and must not take a sibling for `x`.
pub fn entry_probe_sees_past_name_sharing_siblings(f: &Fixture) {
    let b = fresh_base("entry-probe");
    for i in 0..20 {
        g::put(&f.fs, &g::p(&b, &format!("x.{i:02}")), b"sibling");
    }
    g::put(&f.fs, &g::p(&b, "x-d/child"), b"cousin");
    let x = g::p(&b, "x");
    drop(f.fs.create(&x, false).expect("only siblings share the name: x is free"));
    f.fs.mkdirs(&x).unwrap();
    for overwrite in [false, true] {
        assert_eq!(g::kind(f.fs.create(&x, overwrite).map(|_| ())), Some(ErrorKind::AlreadyExists), "a directory is at x");
    }
    f.fs.mkdirs(&x).expect("mkdirs of an existing directory");
    assert!(f.fs.delete(&x, true).unwrap());
    g::put(&f.fs, &x, b"file");
    assert_eq!(g::kind(f.fs.create(&x, false).map(|_| ())), Some(ErrorKind::AlreadyExists), "a file is at x");
    assert_eq!(g::kind(f.fs.mkdirs(&x)), Some(ErrorKind::AlreadyExists), "mkdirs over a file");
    assert_eq!(g::read_all(&f.fs, &x).unwrap(), b"file");
    assert_eq!(g::names(&f.fs, &b).len(), 22, "20 siblings, x-d and x");
}
