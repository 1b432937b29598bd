//! The POSIX guarantees that need other processes: exclusive create and rename raced by 16 processes,
//! writers killed mid-write (kill -9), and permission errors as another uid sees them. The children are
//! this test binary again, run in a role (`child_process_role`).

mod guarantees;
mod posix_support;

use commitfs_core::{ErrorKind, FsPath, RenameMode};
use guarantees as g;
use posix_support::*;
use std::os::unix::fs::PermissionsExt;
use std::time::Duration;

fn base(rel: &str) -> FsPath {
    FsPath::parse(rel).unwrap()
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
