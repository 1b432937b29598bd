//! The `commitfs` binary end to end on a real directory (filec://); S3 doctor verdicts live in
//! doctor_s3.rs.

use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn commitfs(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_commitfs")).args(args).output().expect("run commitfs")
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("commitfs-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn uri(p: &Path) -> String {
    format!("filec://{}", p.display())
}

#[test]
fn cli_posix_put_cat_ls_mv_rm() {
    let d = scratch("files");
    let local = d.join("local.txt");
    std::fs::write(&local, b"hello commitfs").unwrap();
    let f = uri(&d.join("store/a.txt"));
    let o = commitfs(&["put", local.to_str().unwrap(), &f]);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(commitfs(&["cat", &f]).stdout, b"hello commitfs");

    let again = commitfs(&["put", local.to_str().unwrap(), &f]);
    assert_eq!(again.status.code(), Some(1), "exclusive put must refuse: {}", text(&again));
    assert!(text(&again).contains("exists"), "{}", text(&again));
    assert!(commitfs(&["put", "-f", local.to_str().unwrap(), &f]).status.success());

    let ls = commitfs(&["ls", &uri(&d.join("store"))]);
    assert!(text(&ls).contains("a.txt") && text(&ls).contains(" 14 "), "{}", text(&ls));

    let g = uri(&d.join("store/b.txt"));
    assert!(commitfs(&["put", local.to_str().unwrap(), &g]).status.success());
    let mv = commitfs(&["mv", &f, &g]);
    assert_eq!(mv.status.code(), Some(1), "mv onto an existing file must refuse: {}", text(&mv));
    let h = uri(&d.join("store/c.txt"));
    assert!(commitfs(&["mv", &f, &h]).status.success());
    assert!(!d.join("store/a.txt").exists() && d.join("store/c.txt").exists());

    assert!(commitfs(&["mkdir", &uri(&d.join("store/sub/deeper"))]).status.success());
    let ls_r = commitfs(&["ls", "-R", &uri(&d.join("store"))]);
    assert!(text(&ls_r).contains("deeper"), "{}", text(&ls_r));
    let rm = commitfs(&["rm", &uri(&d.join("store"))]);
    assert_eq!(rm.status.code(), Some(1), "non-recursive rm of a non-empty dir: {}", text(&rm));
    assert!(text(&rm).contains("not empty"), "{}", text(&rm));
    assert!(commitfs(&["rm", "-r", &uri(&d.join("store"))]).status.success());
    assert!(!d.join("store").exists());
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn cli_reads_defines_and_site_xml() {
    let d = scratch("conf");
    std::fs::write(d.join("x"), b"1").unwrap();
    // fs.filec.root confines paths: "/" now means the scratch directory.
    let o = commitfs(&["-D", &format!("fs.filec.root={}", d.display()), "ls", "filec:///"]);
    assert!(o.status.success() && text(&o).contains("/x"), "{}", text(&o));
    let xml = d.join("core-site.xml");
    std::fs::write(&xml, format!("<configuration><property><name>fs.filec.root</name><value>{}</value></property></configuration>", d.display())).unwrap();
    let o = commitfs(&["--conf", xml.to_str().unwrap(), "stat", "filec:///x"]);
    assert!(o.status.success(), "{}", text(&o));
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn cli_usage_and_bad_input_errors_are_clear() {
    assert_eq!(commitfs(&[]).status.code(), Some(2));
    assert_eq!(commitfs(&["frobnicate", "filec:///tmp"]).status.code(), Some(2));
    let o = commitfs(&["ls", "hdfs://nn/x"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("not a commitfs scheme"), "{}", text(&o));
    let o = commitfs(&["-D", "novalue", "ls", "filec:///tmp"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let o = commitfs(&["cat", "filec:///definitely/not/here"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("/definitely/not/here"), "{}", text(&o));
}

#[test]
fn cli_doctor_trusts_a_writable_local_directory() {
    let d = scratch("doctor-ok");
    let o = commitfs(&["doctor", &uri(&d)]);
    let t = text(&o);
    assert_eq!(o.status.code(), Some(0), "{t}");
    for row in ["permissions", "RENAME_NOREPLACE", "hard links", "fsync", "exclusive create race", "rename without overwrite", "safe for commits", "fs.AbstractFileSystem.filec.impl"] {
        assert!(t.contains(row), "missing '{row}' in:\n{t}");
    }
    assert_eq!(std::fs::read_dir(&d).unwrap().count(), 0, "doctor must clean up after itself");
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn cli_doctor_refuses_a_directory_owned_by_another_uid() {
    if !nix::unistd::geteuid().is_root() {
        panic!("this test needs root to create a directory owned by another uid (CI runs as root)");
    }
    let d = scratch("doctor-uid");
    let locked = d.join("locked");
    std::fs::create_dir(&locked).unwrap();
    std::os::unix::fs::chown(&locked, Some(4321), Some(4321)).unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o700)).unwrap();
    std::fs::set_permissions(&d, std::fs::Permissions::from_mode(0o755)).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_commitfs"))
        .args(["doctor", &uri(&locked)])
        .uid(65534)
        .gid(65534)
        .output()
        .unwrap();
    let t = text(&o);
    assert_eq!(o.status.code(), Some(3), "{t}");
    for needle in ["uid 65534", "gid 65534", "owner uid 4321", "gid 4321", "mode 700", "Fix:", "access point", "NOT safe"] {
        assert!(t.contains(needle), "missing '{needle}' in:\n{t}");
    }
    std::fs::remove_dir_all(&d).unwrap();
}

/// A new user's first commands: help on stdout (exit 0, also after a command), the version, and `-D` or
/// `--conf` wherever they are typed.
#[test]
fn cli_help_version_and_options_anywhere() {
    for args in [&["--help"][..], &["-h"], &["help"], &["ls", "--help"]] {
        let o = commitfs(args);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", text(&o));
        assert!(String::from_utf8_lossy(&o.stdout).contains("usage: commitfs"), "{args:?}: help goes to stdout");
        assert!(o.stderr.is_empty(), "{args:?}: {}", text(&o));
    }
    let o = commitfs(&["--version"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&o.stdout).trim(), format!("commitfs {}", env!("CARGO_PKG_VERSION")));
    let d = scratch("anywhere");
    std::fs::write(d.join("x"), b"1").unwrap();
    let root = format!("fs.filec.root={}", d.display());
    for args in [&["ls", "filec:///", "-D", &root][..], &["ls", "-D", &root, "filec:///"], &["ls", &format!("-D{root}"), "filec:///"]] {
        let o = commitfs(args);
        assert!(o.status.success() && text(&o).contains("filec:///x"), "{args:?}: {}", text(&o));
    }
    let xml = d.join("core-site.xml");
    std::fs::write(&xml, format!("<configuration><property><name>fs.filec.root</name><value>{}</value></property></configuration>", d.display())).unwrap();
    let o = commitfs(&["stat", "filec:///x", "--conf", xml.to_str().unwrap()]);
    assert!(o.status.success() && text(&o).contains("filec:///x"), "{}", text(&o));
    std::fs::remove_dir_all(&d).unwrap();
}

/// `ls` as `hadoop fs -ls`: aligned columns with a local `yyyy-mm-dd hh:mm` time; `ls -R` in name order,
/// each directory followed by its contents.
#[test]
fn cli_ls_columns_human_times_and_sorted_recursion() {
    let d = scratch("ls");
    for f in ["b/z", "a/y", "a/x", "c", "a/sub/w"] {
        let p = d.join(f);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, vec![b'.'; f.len() * 100]).unwrap();
    }
    let o = commitfs(&["ls", "-R", &uri(&d)]);
    assert!(o.status.success(), "{}", text(&o));
    let out = String::from_utf8_lossy(&o.stdout).to_string();
    let names: Vec<&str> = out.lines().map(|l| l.rsplit(' ').next().unwrap().trim_start_matches(&uri(&d)).trim_start_matches('/')).collect();
    assert_eq!(names, ["a", "a/sub", "a/sub/w", "a/x", "a/y", "b", "b/z", "c"], "{out}");
    let columns: Vec<usize> = out.lines().map(|l| l.find("filec://").unwrap()).collect();
    assert!(columns.windows(2).all(|w| w[0] == w[1]), "paths aligned:\n{out}");
    let year = out.lines().next().unwrap().split_whitespace().nth(4).unwrap().to_string();
    assert!(year.len() == 10 && year.starts_with("20") && year.as_bytes()[4] == b'-', "a date column:\n{out}");
    let o = commitfs(&["stat", "-l", &uri(&d.join("c"))]);
    assert!(o.status.success() && String::from_utf8_lossy(&o.stdout).contains(&format!("{year} ")), "{}", text(&o));
    std::fs::remove_dir_all(&d).unwrap();
}

/// `bench` and `doctor` remove their probe directory and any directory they had to create for it.
#[test]
fn cli_bench_and_doctor_leave_nothing_behind() {
    let d = scratch("leftovers");
    let o = commitfs(&["bench", &uri(&d.join("new/deeper")), "-n", "3"]);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(std::fs::read_dir(&d).unwrap().count(), 0, "bench left {:?}", std::fs::read_dir(&d).unwrap().collect::<Vec<_>>());
    let o = commitfs(&["doctor", &uri(&d)]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(std::fs::read_dir(&d).unwrap().count(), 0, "doctor left files");
    std::fs::remove_dir_all(&d).unwrap();
}

/// Progress (bars, doctor's and recover's live steps) is for a terminal: piped, stderr stays empty and
/// stdout has the results only.
#[test]
fn cli_progress_is_quiet_when_piped() {
    let d = scratch("quiet");
    let local = d.join("big.bin");
    std::fs::write(&local, vec![7u8; 3 << 20]).unwrap();
    let f = uri(&d.join("store/big.bin"));
    let put = commitfs(&["put", local.to_str().unwrap(), &f]);
    assert!(put.status.success() && put.stdout.is_empty() && put.stderr.is_empty(), "{}", text(&put));
    let back = d.join("back.bin");
    let get = commitfs(&["get", &f, back.to_str().unwrap()]);
    assert!(get.status.success() && get.stdout.is_empty() && get.stderr.is_empty(), "{}", text(&get));
    assert_eq!(std::fs::read(&back).unwrap().len(), 3 << 20);
    let bench = commitfs(&["bench", &uri(&d.join("bench")), "-n", "5"]);
    assert!(bench.status.success() && bench.stderr.is_empty(), "{}", text(&bench));
    let doctor = commitfs(&["doctor", &uri(&d.join("store"))]);
    assert_eq!(doctor.status.code(), Some(0), "{}", text(&doctor));
    assert!(doctor.stderr.is_empty(), "doctor's live steps went to a pipe: {}", text(&doctor));
    let out = String::from_utf8_lossy(&doctor.stdout);
    assert!(out.contains("spark.sql.streaming.checkpointFileManagerClass=io.commitfs.spark.CommitCheckpointFileManager")
        && out.contains("spark.hadoop.fs.filec.impl="), "{out}");
    std::fs::remove_dir_all(&d).unwrap();
}
