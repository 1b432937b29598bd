//! The guarantee suite and the object-layout rules on the memory backend (object_store InMemory).

mod guarantees;
mod support;

use commitfs_core::{ErrorKind, FsPath, RenameMode};
use guarantees as g;
use support::s3_cases as cases;
use support::*;

fn base(rel: &str) -> FsPath {
    FsPath::parse(rel).unwrap()
}

g::guarantee_tests!(Fixture::memory(), |f| &f.fs, |g| base(&format!("/{g}"));
    memory_g1_exclusive_create_16x50 => g1_exclusive_create(16, 50);
    memory_g3_overwrite_atomic_5000_versions => g3_overwrite_atomic(5000);
    memory_g4_rename_file_16x50 => g4_rename_file(16, 50);
    memory_g5_rename_dir => g5_rename_dir();
    memory_g6_listing_consistency_200 => g6_listing_consistency(200);
    memory_g8_delete_status_list_read_1000 => g8_delete_status_list_read(1000);
);

#[test]
fn memory_g2_invisible_until_close() {
    let f = Fixture::memory();
    g::g2_invisible_until_close(&f.fs, &base("/g2"));
    assert_eq!(f.raw(&base("/g2")), ["sibling", "target"], "no staging or marker residue");
}

/// G7 as far as an in-process store goes (it lives as long as the process): when close returns, the store
/// itself holds the whole object at its final key, so another filesystem over the same store reads it.
#[test]
fn memory_g7_the_store_holds_the_file_when_close_returns() {
    use object_store::ObjectStoreExt;
    let f = Fixture::memory();
    let other = commitfs_core::FileSystem::new(std::sync::Arc::new(f.backend.clone()));
    let b = base("/g7");
    for i in 0..20 {
        let p = g::p(&b, &format!("durable{i}"));
        let data = vec![i as u8; 1000 * (i + 1)];
        g::put(&f.fs, &p, &data);
        let stored = commitfs_core::runtime::block_on(f.backend.store().head(&object_store::path::Path::from(p.key()))).unwrap();
        assert_eq!(stored.size, data.len() as u64, "{p}: the store holds the whole object");
        assert_eq!(g::read_all(&other, &p).unwrap(), data);
    }
}

#[test]
fn memory_rename_dir_with_2500_entries() {
    let f = Fixture::memory();
    let src = base("/big/src");
    for i in 0..2500 {
        g::put(&f.fs, &g::p(&src, &format!("d{}/f{i:05}", i % 7)), format!("{i}").as_bytes());
    }
    f.fs.mkdirs(&g::p(&src, "empty")).unwrap();
    f.fs.rename(&src, &base("/big/dst"), RenameMode::Into).unwrap();
    assert!(!f.fs.exists(&src).unwrap());
    let keys = f.raw(&base("/big/dst"));
    assert_eq!(keys.len(), 2501, "2500 files and the empty directory's marker");
    assert!(keys.contains(&"empty/".to_string()));
    assert_eq!(g::read_all(&f.fs, &base("/big/dst/d3/f00003")).unwrap(), b"3");
    assert_eq!(f.raw(&base("/big/src")).len(), 0);
}

#[test]
fn memory_large_exclusive_create_goes_through_staging() {
    // 21 MiB in 8 MiB parts: past one part (the default 64 MiB would make it one conditional PUT).
    let conf = commitfs_core::Config::from_pairs([("fs.memc.multipart.size", "8M")]);
    let f = Fixture::new(commitfs_core::object::ObjectBackend::memory("memc", "test", &conf).unwrap());
    let path = base("/large/file");
    let data: Vec<u8> = (0..21 << 20).map(|i: u32| (i % 251) as u8).collect();
    let mut w = f.fs.create(&path, false).unwrap();
    for chunk in data.chunks(1 << 20) {
        w.write(chunk).unwrap();
    }
    assert!(!f.fs.exists(&path).unwrap(), "invisible while uploading");
    w.commit().unwrap();
    assert_eq!(g::read_all(&f.fs, &path).unwrap(), data);
    // A second exclusive create of the same size loses at commit time.
    let backend = f.backend.clone();
    let mut w2 = commitfs_core::Backend::create(&backend, &path, &commitfs_core::CreateOptions::new(false)).unwrap();
    for chunk in data.chunks(1 << 20) {
        w2.write(chunk).unwrap();
    }
    assert_eq!(w2.commit().unwrap_err().kind, ErrorKind::AlreadyExists);
    assert_eq!(f.backend.raw_keys("_commitfs/staging/").unwrap(), Vec::<String>::new(), "staging cleaned");
}

#[test]
fn memory_markers_follow_the_s3a_layout() {
    let f = Fixture::memory();
    let b = base("/layout");
    f.fs.mkdirs(&g::p(&b, "empty/deeper")).unwrap();
    g::put(&f.fs, &g::p(&b, "dir/file"), b"x");
    assert_eq!(f.raw(&b), ["dir/file", "empty/deeper/"]);
    assert_eq!(g::names(&f.fs, &b), ["dir", "empty"]);
    assert!(f.fs.delete(&g::p(&b, "dir/file"), false).unwrap());
    assert_eq!(f.raw(&b), ["dir/", "empty/deeper/"], "the parent survives as a marker, as with S3A");
    assert!(f.fs.status(&g::p(&b, "dir")).unwrap().is_dir);
    assert!(f.fs.list_all(&base("/")).unwrap().iter().all(|e| !e.path.name().starts_with("_commitfs")));
}

#[test]
fn memory_recursive_delete_leaves_nothing() {
    cases::recursive_delete_leaves_nothing(&Fixture::memory());
}

/// Nothing lands below a file by rename (the ancestors of the destination that are not the source's are
/// checked) or mkdirs (however deep). `create` does not look at the parent where directories are implicit
/// (S3A's rule, declared to the contract suites by `create-file-under-file-allowed`).
#[test]
fn memory_nothing_below_a_file() {
    let f = Fixture::memory();
    let b = base("/under");
    g::put(&f.fs, &g::p(&b, "file"), b"f");
    g::put(&f.fs, &g::p(&b, "src"), b"s");
    for dst in ["file/target", "file/parent/target", "file/parent/deeper/target"] {
        assert_eq!(g::kind(f.fs.rename(&g::p(&b, "src"), &g::p(&b, dst), RenameMode::Into)), Some(ErrorKind::ParentNotDirectory), "{dst}");
        assert_eq!(g::kind(f.fs.rename(&g::p(&b, "src"), &g::p(&b, dst), RenameMode::Exact)), Some(ErrorKind::ParentNotDirectory), "{dst}");
        assert_eq!(g::kind(f.fs.mkdirs(&g::p(&b, dst))), Some(ErrorKind::ParentNotDirectory), "{dst}");
    }
    assert_eq!(g::kind(f.fs.mkdirs(&g::p(&b, "file"))), Some(ErrorKind::AlreadyExists));
    assert_eq!(f.raw(&b), ["file", "src"], "nothing written");
    f.fs.mkdirs(&g::p(&b, "dir/a/b")).unwrap();
    f.fs.rename(&g::p(&b, "src"), &g::p(&b, "dir/a/b/moved"), RenameMode::Into).unwrap();
    f.fs.rename(&g::p(&b, "dir/a/b/moved"), &g::p(&b, "dir/a/b/again"), RenameMode::Into).unwrap();
    assert_eq!(f.raw(&b), ["dir/a/b/", "dir/a/b/again", "file"]);
}

#[test]
fn memory_entry_probe_sees_past_name_sharing_siblings() {
    cases::entry_probe_sees_past_name_sharing_siblings(&Fixture::memory());
}

#[test]
fn memory_read_patterns_against_the_readahead() {
    support::read_cases::read_patterns(&Fixture::memory());
}

/// Recovery has one owner that reports: an unreadable intent record does not fail the listing that
/// triggered the roll-forward, but the failure is counted and kept (and `recover` returns it).
#[test]
fn memory_recovery_failure_before_a_listing_is_reported() {
    use commitfs_core::object::ObjectBackend;
    use object_store::ObjectStoreExt;
    let conf = commitfs_core::Config::from_pairs([("fs.memc.rename.recovery.grace", "0")]);
    let f = Fixture::new(ObjectBackend::memory("memc", "recovery", &conf).unwrap());
    g::put(&f.fs, &base("/d/f"), b"f");
    let record = object_store::path::Path::from("_commitfs/journal/0000000000001-corrupt.json");
    commitfs_core::runtime::block_on(f.backend.store().put(&record, b"not json".to_vec().into())).unwrap();
    assert_eq!(g::names(&f.fs, &base("/d")), ["f"], "the listing still answers");
    let report = f.backend.recovery_report();
    assert_eq!((report.runs, report.failures, report.rolled_forward), (1, 1, 0), "{report:?}");
    assert!(report.last_failure.as_deref().is_some_and(|m| m.contains("corrupt.json") && m.contains("unreadable")), "{report:?}");
    let err = f.backend.recover().unwrap_err();
    assert!(err.to_string().contains("corrupt.json"), "{err}");
    assert_eq!(f.backend.recovery_report().failures, 2);
}
