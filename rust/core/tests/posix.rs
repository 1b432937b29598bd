//! The guarantee suite on the POSIX backend, plus what only POSIX has: file modes, root confinement,
//! permission errors, the link() fallback, cross-process races and writers killed mid-write.

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

#[test]
fn posix_permission_denied_names_uids_mode_and_fix() {
    let root = TempRoot::new(0o755);
    std::fs::create_dir(root.path().join("locked")).unwrap();
    // SAFETY: geteuid cannot fail.
    let message = if unsafe { libc::geteuid() } == 0 {
        // Root ignores modes: the check runs in a child that is uid/gid 65534 (nobody).
        let env = [("COMMITFS_ROOT", root.path().to_str().unwrap().to_string())];
        let mut child = ChildProc::spawn("eacces", &env, Some(65534));
        let msg = child.next_message().expect("child reports the error");
        child.finish();
        assert!(msg.contains("uid 65534 gid 65534"), "{msg}");
        msg
    } else {
        std::fs::set_permissions(root.path().join("locked"), std::fs::Permissions::from_mode(0o555)).unwrap();
        let fs = posix_fs(root.path(), &[]);
        fs.create(&base("/locked/f"), false).map(|_| ()).unwrap_err().to_string()
    };
    assert!(message.contains("PermissionDenied"), "{message}");
    assert!(message.contains("owned by uid") && message.contains("mode 0"), "{message}");
    assert!(message.contains("chown") && message.contains("access point"), "{message}");
}

fn race_env(root: &TempRoot, id: usize, rounds: usize, extra: &str) -> Vec<(&'static str, String)> {
    vec![
        ("COMMITFS_ROOT", root.path().to_str().unwrap().to_string()),
        ("COMMITFS_ID", id.to_string()),
        ("COMMITFS_ROUNDS", rounds.to_string()),
        ("COMMITFS_NOREPLACE", extra.to_string()),
    ]
}

/// Runs `procs` children in `role`; all prepare, then start together; returns each round's winners.
fn cross_process_race(root: &TempRoot, role: &str, procs: usize, rounds: usize, noreplace: &str) -> Vec<Vec<usize>> {
    let mut children: Vec<ChildProc> =
        (0..procs).map(|id| ChildProc::spawn(role, &race_env(root, id, rounds, noreplace), None)).collect();
    for c in &mut children {
        c.expect("ready");
    }
    for c in &mut children {
        c.send_go();
    }
    let mut winners = vec![Vec::new(); rounds];
    for (id, c) in children.into_iter().enumerate() {
        for msg in c.finish() {
            let (round, outcome) = msg.split_once(' ').unwrap();
            match outcome {
                "ok" => winners[round.parse::<usize>().unwrap()].push(id),
                "exists" => {}
                other => panic!("child {id}: {other}"),
            }
        }
    }
    winners
}

fn race_bytes(id: usize, round: usize) -> Vec<u8> {
    format!("process {id} round {round}\n").repeat(100 + id).into_bytes()
}

fn check_exclusive_create_across_processes(noreplace: &str) {
    let root = TempRoot::new(0o700);
    let fs = posix_fs(root.path(), &[]);
    fs.mkdirs(&base("/race")).unwrap();
    let winners = cross_process_race(&root, "create", 16, 50, noreplace);
    for (round, w) in winners.iter().enumerate() {
        assert_eq!(w.len(), 1, "round {round}: exactly one process wins, got {w:?}");
        assert_eq!(g::read_all(&fs, &base(&format!("/race/r{round}"))).unwrap(), race_bytes(w[0], round));
    }
    assert_eq!(root.raw_names("race").len(), 50, "no temp files left behind");
}

#[test]
fn posix_cross_process_exclusive_create_16x50() {
    check_exclusive_create_across_processes("auto");
}

#[test]
fn posix_cross_process_exclusive_create_link_fallback_16x50() {
    check_exclusive_create_across_processes("link");
}

#[test]
fn posix_cross_process_rename_onto_one_destination_16x50() {
    let root = TempRoot::new(0o700);
    let fs = posix_fs(root.path(), &[("fsync", "false")]);
    for id in 0..16 {
        for round in 0..50 {
            g::put(&fs, &base(&format!("/src/p{id}-r{round}")), &race_bytes(id, round));
        }
    }
    fs.mkdirs(&base("/dst")).unwrap();
    let winners = cross_process_race(&root, "rename", 16, 50, "auto");
    for (round, w) in winners.iter().enumerate() {
        assert_eq!(w.len(), 1, "round {round}: exactly one rename wins, got {w:?}");
        assert_eq!(g::read_all(&fs, &base(&format!("/dst/r{round}"))).unwrap(), race_bytes(w[0], round));
    }
    assert_eq!(root.raw_names("src").len(), 16 * 50 - 50, "losers keep their sources");
}

/// A slow writer child of `name` under /k, once it has written its first MiB.
fn slow_writer(root: &TempRoot, name: &str) -> ChildProc {
    let env = [("COMMITFS_ROOT", root.path().to_str().unwrap().to_string()), ("COMMITFS_NAME", name.to_string())];
    let mut child = ChildProc::spawn("slow-writer", &env, None);
    child.expect("writing");
    child
}

/// The one temp of `name` in `dir`.
fn temp_of(root: &TempRoot, dir: &str, name: &str) -> String {
    let prefix = format!(".{name}.commitfs-");
    let temps: Vec<String> = root.raw_names(dir).into_iter().filter(|n| n.starts_with(&prefix)).collect();
    assert_eq!(temps.len(), 1, "one temp of {name} in {dir}: {temps:?}");
    temps.into_iter().next().unwrap()
}

/// `temp` with field `i` of its writer (`<machine>-<pid>-<start>`) replaced by `f(field)`.
fn alter_writer(temp: &str, i: usize, f: impl Fn(u64) -> u64) -> String {
    let (head, tail) = temp.rsplit_once(".commitfs-").unwrap();
    let mut parts: Vec<String> = tail.split('-').map(str::to_string).collect();
    let width = parts[i].len();
    parts[i] = format!("{:0width$x}", f(u64::from_str_radix(&parts[i], 16).unwrap()));
    format!("{head}.commitfs-{}", parts.join("-"))
}

#[test]
fn posix_kill9_mid_write_never_publishes_and_the_dead_writers_temp_is_swept_at_once() {
    let root = TempRoot::new(0o700);
    let fs = posix_fs(root.path(), &[]); // default max age (24 h): no temp here is old
    fs.mkdirs(&base("/k")).unwrap();
    let mut doomed = slow_writer(&root, "big");
    let mut alive = slow_writer(&root, "live");
    let mut ours = fs.create(&base("/k/ours"), false).unwrap();
    ours.write(b"written by the test process itself").unwrap();
    let doomed_temp = temp_of(&root, "k", "big");
    let alive_temp = temp_of(&root, "k", "live");
    for _ in 0..3 {
        assert!(g::names(&fs, &base("/k")).is_empty(), "temps are hidden");
    }
    assert_eq!(root.raw_names("k").len(), 3, "live writers' temps are never swept: {:?}", root.raw_names("k"));

    doomed.child.kill().unwrap(); // SIGKILL
    doomed.child.wait().unwrap();
    // Other writers, as the sweep sees them: another host (kept: the age rule applies), and a process
    // whose pid now belongs to a later one (another start time: swept).
    let foreign = alter_writer(&doomed_temp, 0, |m| m ^ 1);
    let reused = alter_writer(&alive_temp, 2, |start| start + 1);
    for name in [&foreign, &reused] {
        std::fs::write(root.path().join("k").join(name), b"x").unwrap();
    }
    assert!(!fs.exists(&base("/k/big")).unwrap(), "nothing published after kill -9");
    assert!(g::names(&fs, &base("/k")).is_empty(), "temps are hidden");
    let mut left = vec![alive_temp.clone(), foreign.clone(), temp_of(&root, "k", "ours")];
    left.sort();
    assert_eq!(root.raw_names("k"), left, "the next listing swept the dead writer's and the reused pid's temps");

    ours.commit().unwrap();
    alive.child.kill().unwrap();
    alive.child.wait().unwrap();
    assert_eq!(g::names(&fs, &base("/k")), ["ours"]);
    let mut left = vec![foreign, "ours".to_string()];
    left.sort();
    assert_eq!(root.raw_names("k"), left, "only the other host's young temp waits for the max age");
}

/// Not a test of its own: the entry point of the child processes above (a no-op without a role).
#[test]
fn child_process_role() {
    let Ok(role) = std::env::var(ROLE) else { return };
    let root = std::path::PathBuf::from(env("COMMITFS_ROOT"));
    match role.as_str() {
        "create" | "rename" => {
            let noreplace = env("COMMITFS_NOREPLACE");
            let fs = posix_fs(&root, &[("noreplace", noreplace.as_str())]);
            let id: usize = env("COMMITFS_ID").parse().unwrap();
            let rounds: usize = env("COMMITFS_ROUNDS").parse().unwrap();
            let outcome = |r: commitfs_core::Result<()>| match r {
                Ok(()) => "ok".to_string(),
                Err(e) if e.kind == ErrorKind::AlreadyExists => "exists".to_string(),
                Err(e) => format!("error {e}"),
            };
            if role == "create" {
                // Every writer opens before any process commits, so all 16 contend at commit.
                let mut writers: Vec<_> = (0..rounds)
                    .map(|round| {
                        let mut w = fs.create(&base(&format!("/race/r{round}")), false).unwrap();
                        w.write(&race_bytes(id, round)).unwrap();
                        w
                    })
                    .collect();
                say("ready");
                wait_for_go();
                for (round, w) in writers.iter_mut().enumerate() {
                    say(&format!("{round} {}", outcome(w.commit())));
                }
            } else {
                say("ready");
                wait_for_go();
                for round in 0..rounds {
                    let r = fs.rename(&base(&format!("/src/p{id}-r{round}")), &base(&format!("/dst/r{round}")), RenameMode::Into);
                    say(&format!("{round} {}", outcome(r)));
                }
            }
        }
        "slow-writer" => {
            let fs = posix_fs(&root, &[]);
            let mut w = fs.create(&base(&format!("/k/{}", env("COMMITFS_NAME"))), false).unwrap();
            w.write(&vec![9u8; 1 << 20]).unwrap();
            say("writing");
            loop {
                w.write(&vec![9u8; 300 * 1024]).unwrap();
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        "eacces" => {
            let fs = posix_fs(&root, &[]);
            let e = fs.create(&base("/locked/f"), false).map(|_| ()).unwrap_err();
            let mkdir = fs.mkdirs(&base("/locked/d")).unwrap_err();
            assert_eq!(mkdir.kind, ErrorKind::PermissionDenied, "{mkdir}");
            say(&format!("{:?} {e}", e.kind));
        }
        other => panic!("unknown child role {other}"),
    }
}
