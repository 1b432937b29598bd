//! The guarantee suite on the POSIX backend, plus what only POSIX has: file modes, root confinement,
//! the link() fallback, syscall counts, temp sweeping. What needs other processes (cross-process races,
//! writers killed mid-write, permission errors seen by another uid) is in `posix_processes.rs`.

mod guarantees;
mod posix_support;

use commitfs_core::{ErrorKind, FileSystem, FsPath, RenameMode};
use guarantees as g;
use posix_support::*;
use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;
use std::time::Duration;

fn root_fs(extra: &[(&str, &str)]) -> (TempRoot, FileSystem) {
    let root = TempRoot::new(0o700);
    let fs = posix_fs(root.path(), extra);
    (root, fs)
}

fn base(rel: &str) -> FsPath {
    FsPath::parse(rel).unwrap()
}

const LINK: &[(&str, &str)] = &[("noreplace", "link")];

g::guarantee_tests!(root_fs(&[]), |r| &r.1, |g| base(&format!("/{g}"));
    posix_g1_exclusive_create_16x50 => g1_exclusive_create(16, 50);
    posix_g3_overwrite_atomic_500_versions => g3_overwrite_atomic(500);
    posix_g4_rename_file_16x50 => g4_rename_file(16, 50);
    posix_g5_rename_dir => g5_rename_dir();
    posix_g6_listing_consistency_200 => g6_listing_consistency(200);
    posix_g7_file_and_directory_fsync_per_commit => g7_durability_counters("fsync", 2, 20);
);

g::guarantee_tests!(root_fs(LINK), |r| &r.1, |g| base(&format!("/{g}"));
    posix_g4_rename_file_link_fallback_16x50 => g4_rename_file(16, 50);
    posix_g5_rename_dir_without_renameat2 => g5_rename_dir();
);

g::guarantee_tests!(root_fs(&[("fsync", "false")]), |r| &r.1, |g| base(&format!("/{g}"));
    posix_g8_delete_status_list_read_2500 => g8_delete_status_list_read(2500);
);

#[test]
fn posix_g1_exclusive_create_link_fallback_16x50() {
    let (_r, fs) = root_fs(LINK);
    g::g1_exclusive_create(&fs, &base("/g1"), 16, 50);
    assert!(counter(&fs, "link") >= 50 && counter(&fs, "rename") == 0, "the link() path was used");
}

#[test]
fn posix_g2_invisible_until_close() {
    let (r, fs) = root_fs(&[]);
    g::g2_invisible_until_close(&fs, &base("/g2"));
    assert_eq!(r.raw_names("g2"), ["sibling", "target"], "no temp left on disk");
}

#[test]
fn posix_backend_rename_file_contract_in_both_modes() {
    for extra in [&[][..], LINK] {
        let (_r, fs) = root_fs(extra);
        let b = fs.backend();
        g::put(&fs, &base("/f"), b"f");
        g::put(&fs, &base("/taken"), b"t");
        fs.mkdirs(&base("/dir")).unwrap();
        let kind = |r: commitfs_core::Result<()>| r.unwrap_err().kind;
        assert_eq!(kind(b.rename_file(&base("/dir"), &base("/x"), false)), ErrorKind::IsDirectory);
        assert_eq!(kind(b.rename_file(&base("/none"), &base("/x"), false)), ErrorKind::NotFound);
        assert_eq!(kind(b.rename_file(&base("/f"), &base("/taken"), false)), ErrorKind::AlreadyExists);
        let e = b.rename_file(&base("/f"), &base("/no/parent"), false).unwrap_err();
        assert!(e.kind == ErrorKind::NotFound && e.message.contains("filec:///no"), "{e}");
        assert_eq!(kind(b.rename_dir(&base("/dir"), &base("/taken"))), ErrorKind::AlreadyExists);
        b.rename_file(&base("/f"), &base("/dir/f"), false).unwrap();
        assert_eq!(g::read_all(&fs, &base("/dir/f")).unwrap(), b"f");
        assert_eq!(g::names(&fs, &FsPath::root()), ["dir", "taken"]);
    }
}

fn counter(fs: &FileSystem, name: &str) -> u64 {
    fs.counters().into_iter().find(|(k, _)| k == name).map(|(_, v)| v).unwrap()
}

/// Syscalls of one small commit through `FileSystem::create` (open-time checks included), with the
/// default root `/` (no confinement, the production setting for EFS mounts).
fn syscalls_per_small_commit(fsync: &str) -> BTreeMap<String, u64> {
    let root = TempRoot::new(0o700);
    let conf = commitfs_core::Config::from_pairs([("fs.filec.fsync", fsync)]);
    let fs = commitfs_core::registry::build("filec", "", &conf).unwrap();
    let dir = FsPath::parse(root.path().to_str().unwrap()).unwrap();
    g::put(&fs, &g::p(&dir, "warm"), b"x");
    let before: BTreeMap<_, _> = fs.counters().into_iter().collect();
    let mut w = fs.create(&g::p(&dir, "f"), false).unwrap();
    w.write(b"small").unwrap();
    w.commit().unwrap();
    fs.counters().into_iter().map(|(k, v)| (k.clone(), v - before[&k])).filter(|(_, v)| *v > 0).collect()
}

#[test]
fn posix_syscalls_per_small_commit_with_and_without_fsync() {
    let with = syscalls_per_small_commit("true");
    let without = syscalls_per_small_commit("false");
    for fsync in ["true", "false"] {
        let root = TempRoot::new(0o700);
        let fs = posix_fs(root.path(), &[("fsync", fsync)]);
        fs.mkdirs(&base("/t")).unwrap();
        let start = std::time::Instant::now();
        for i in 0..200 {
            g::put(&fs, &base(&format!("/t/f{i}")), b"small");
        }
        eprintln!("small commits with fsync={fsync}: {:.1} us each", start.elapsed().as_secs_f64() * 1e6 / 200.0);
    }
    eprintln!("syscalls per small commit: fsync=true {with:?} total {}; fsync=false {without:?} total {}",
        with.values().sum::<u64>(), without.values().sum::<u64>());
    assert_eq!(with.get("fsync"), Some(&2), "file + directory fsync");
    assert_eq!(without.get("fsync"), None);
    for m in [&with, &without] {
        assert_eq!((m["open"] - m.get("fsync").map_or(0, |_| 1), m["write"], m["fchmod"], m["rename"]), (1, 1, 1, 1));
        assert_eq!(m["stat"], 2, "fs.rs open-time checks: the path and its parent");
        assert_eq!(m.get("realpath"), None, "no confinement cost with root /");
    }
}

#[test]
fn posix_temp_is_0600_while_writing_and_final_mode_follows_umask() {
    let (r, fs) = root_fs(&[]);
    let path = base("/modes/f");
    fs.mkdirs(&path.parent().unwrap()).unwrap();
    let mut w = fs.create(&path, false).unwrap();
    w.write(&[1u8; 1 << 20]).unwrap();
    let temps = r.raw_names("modes");
    assert_eq!(temps.len(), 1);
    assert!(temps[0].starts_with(".f.commitfs-") && temps[0].ends_with(".tmp"), "{temps:?}");
    let mode = std::fs::metadata(r.path().join("modes").join(&temps[0])).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600 & !umask(), "temp files are private while being written");
    w.commit().unwrap();
    let st = fs.status(&path).unwrap();
    assert_eq!(st.permission, 0o666 & !umask());
    assert_eq!(r.raw_names("modes"), ["f"]);
    assert!(!st.owner.is_empty() && !st.group.is_empty());
}

#[test]
fn posix_other_dotfiles_stay_visible() {
    let (r, fs) = root_fs(&[]);
    for name in [".hidden", ".x.commitfs-notatemp.tmp", "plain"] {
        std::fs::write(r.path().join(name), b"x").unwrap();
    }
    std::fs::write(r.path().join(".y.commitfs-0123456789abcdef.tmp"), b"x").unwrap();
    assert_eq!(g::names(&fs, &FsPath::root()), [".hidden", ".x.commitfs-notatemp.tmp", "plain"]);
}

/// Makes `path` look `secs` old to the sweeper.
fn age(path: &std::path::Path, secs: u64) {
    let old = std::time::SystemTime::now() - Duration::from_secs(secs);
    std::fs::File::open(path).unwrap().set_modified(old).unwrap();
}

#[test]
fn posix_stale_temps_and_interrupted_deletes_are_hidden_then_swept() {
    let (r, fs) = root_fs(&[("temp.max-age", "1h")]);
    let dir = r.path().join("d");
    std::fs::create_dir_all(dir.join(".gone.commitfs-00000000000000aa.tmp/sub")).unwrap();
    std::fs::write(dir.join(".gone.commitfs-00000000000000aa.tmp/sub/x"), b"x").unwrap();
    std::fs::write(dir.join(".old.commitfs-00000000000000bb.tmp"), b"x").unwrap();
    std::fs::write(dir.join(".young.commitfs-00000000000000cc.tmp"), b"x").unwrap();
    std::fs::write(dir.join("kept"), b"x").unwrap();
    age(&dir.join(".gone.commitfs-00000000000000aa.tmp"), 7200);
    age(&dir.join(".old.commitfs-00000000000000bb.tmp"), 7200);
    assert_eq!(g::names(&fs, &base("/d")), ["kept"]);
    assert_eq!(r.raw_names("d"), [".young.commitfs-00000000000000cc.tmp", "kept"], "only temps past the max age go");
    // A recursive delete renames the directory away first, so it vanishes in one step.
    g::put(&fs, &base("/tree/a/b"), b"b");
    assert!(fs.delete(&base("/tree"), true).unwrap());
    assert_eq!(r.raw_names(""), ["d"]);
}

#[test]
fn posix_root_confinement_and_configuration_errors() {
    let outside = TempRoot::new(0o700);
    std::fs::write(outside.path().join("secret"), b"s").unwrap();
    let (r, fs) = root_fs(&[]);
    std::os::unix::fs::symlink(outside.path(), r.path().join("escape")).unwrap();
    g::put(&fs, &base("/inside"), b"in");
    assert!(r.path().join("inside").exists(), "paths map below the root");
    let refused = fs.open(&base("/escape/secret")).map(|_| ()).unwrap_err();
    assert_eq!(refused.kind, ErrorKind::PermissionDenied, "{refused}");
    assert!(refused.message.contains("outside the configured root"), "{refused}");
    assert_eq!(fs.create(&base("/escape/new"), false).map(|_| ()).unwrap_err().kind, ErrorKind::PermissionDenied);
    assert_eq!(fs.rename(&base("/inside"), &base("/escape/inside"), RenameMode::Into).unwrap_err().kind, ErrorKind::PermissionDenied);
    assert!(!outside.path().join("new").exists() && !outside.path().join("inside").exists());

    let conf = commitfs_core::Config::new();
    let e = commitfs_core::registry::build("filec", "host", &conf).err().unwrap();
    assert!(e.message.contains("takes no authority"), "{e}");
    let missing = commitfs_core::Config::from_pairs([("fs.filec.root", "/no/such/commitfs/root")]);
    assert_eq!(commitfs_core::registry::build("filec", "", &missing).err().unwrap().kind, ErrorKind::InvalidArgument);
    let fs_default = commitfs_core::registry::build("filec", "", &conf).unwrap();
    let abs = FsPath::parse(r.path().join("inside").to_str().unwrap()).unwrap();
    assert_eq!(g::read_all(&fs_default, &abs).unwrap(), b"in", "default root is /");
    assert!(fs.display(&base("/a")).starts_with("filec:///a"));
}
