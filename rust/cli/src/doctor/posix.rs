//! POSIX probes: who may write here, what filesystem this is (NFS/EFS detection), and whether the
//! kernel gives the primitives commitfs publishes with: renameat2(RENAME_NOREPLACE), hard links, O_EXCL,
//! fsync.

use super::{Report, Verdict};
use commitfs_core::{Config, Error, Location, Result};
use std::ffi::CString;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Returns whether the end-to-end probes can run (the directory is usable at all).
pub fn probe(loc: &Location, conf: &Config, report: &mut Report) -> Result<bool> {
    let root = commitfs_core::settings::PosixSettings::read(&loc.scheme, conf)?.root;
    let target = Path::new(&root).join(loc.path.key());
    let dir = nearest_existing_dir(&target)?;
    if dir != target {
        report.add("directory", Verdict::Info,
            format!("{} does not exist yet; probing {}, where it would be created", target.display(), dir.display()));
    }
    let meta = std::fs::metadata(&dir).map_err(|e| Error::io(dir.display(), e.to_string()))?;
    let (uid, gid) = (nix::unistd::geteuid().as_raw(), nix::unistd::getegid().as_raw());
    if !writable(&dir) {
        report.add("permissions", Verdict::Fail, format!(
            "this process (uid {uid}, gid {gid}) cannot create files in {}: owner uid {}, gid {}, mode {:o}.\n\
             Fix: run as uid {} (or a member of gid {} with group write), or `chown {uid}:{gid} {}` / \
             `chmod u+w,g+w`; on EFS, mount through an access point whose POSIX user is uid {}.",
            dir.display(), meta.uid(), meta.gid(), meta.mode() & 0o7777, meta.uid(), meta.gid(), dir.display(), meta.uid()));
        return Ok(false);
    }
    report.add("permissions", Verdict::Ok, format!(
        "uid {uid}/gid {gid} may write {} (owner {}:{}, mode {:o})", dir.display(), meta.uid(), meta.gid(), meta.mode() & 0o7777));
    report.add("filesystem", Verdict::Info, describe_mount(&dir));
    let scratch = dir.join(format!(".commitfs-doctor-posix-{}", std::process::id()));
    std::fs::create_dir(&scratch).map_err(|e| Error::io(scratch.display(), format!("cannot create: {e}")))?;
    let result = primitives(&scratch, report);
    let _ = std::fs::remove_dir_all(&scratch);
    result.map(|_| true)
}

fn nearest_existing_dir(p: &Path) -> Result<PathBuf> {
    let mut cur = p.to_path_buf();
    loop {
        match std::fs::metadata(&cur) {
            Ok(m) if m.is_dir() => return Ok(cur),
            Ok(_) => return Err(Error::at(commitfs_core::ErrorKind::ParentNotDirectory, cur.display(), "is a file, not a directory")),
            Err(_) => {
                if !cur.pop() {
                    return Err(Error::not_found(p.display()));
                }
            }
        }
    }
}

fn cstr(p: &Path) -> CString {
    CString::new(p.as_os_str().as_bytes()).expect("paths from the OS have no NUL")
}

fn writable(dir: &Path) -> bool {
    unsafe { libc::access(cstr(dir).as_ptr(), libc::W_OK | libc::X_OK) == 0 }
}

/// The mount holding `dir`, from /proc/mounts (longest matching mount point), with an NFS/EFS note.
fn describe_mount(dir: &Path) -> String {
    let canon = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let mounts = std::fs::read_to_string("/proc/mounts").unwrap_or_default();
    let best = mounts
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            (f.len() >= 4).then(|| (f[0].to_string(), f[1].replace("\\040", " "), f[2].to_string(), f[3].to_string()))
        })
        .filter(|(_, mp, _, _)| canon.starts_with(mp))
        .max_by_key(|(_, mp, _, _)| mp.len());
    match best {
        Some((src, mp, fstype, opts)) => {
            let kind = if fstype.starts_with("nfs") && (src.contains(".efs.") || src.contains("amazonaws")) {
                "Amazon EFS (NFS): hard links and fsync are supported; RENAME_NOREPLACE is not, so commitfs publishes with link()+unlink()"
            } else if fstype.starts_with("nfs") {
                "NFS: commitfs publishes with link()+unlink() where the server lacks RENAME_NOREPLACE"
            } else {
                "local filesystem"
            };
            format!("{fstype} on {mp} from {src} ({opts})\n{kind}")
        }
        None => "unknown (no /proc/mounts entry)".into(),
    }
}

fn primitives(scratch: &Path, report: &mut Report) -> Result<()> {
    let a = scratch.join("a");
    let b = scratch.join("b");
    let io = |p: &Path, e: std::io::Error| Error::io(p.display(), e.to_string());
    std::fs::write(&a, b"a").map_err(|e| io(&a, e))?;
    std::fs::write(&b, b"b").map_err(|e| io(&b, e))?;

    let excl = std::fs::OpenOptions::new().write(true).create_new(true).open(&a);
    match excl {
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => report.add("O_EXCL create", Verdict::Ok, "refuses an existing file"),
        Err(e) => report.add("O_EXCL create", Verdict::Fail, format!("unexpected error: {e}")),
        Ok(_) => report.add("O_EXCL create", Verdict::Fail, "O_EXCL opened an existing file: exclusive create is not enforced"),
    }

    // The core's own primitive (raw renameat2 syscall, renamex_np on macOS): what commitfs publishes with.
    let noreplace = match commitfs_core::posix::rename_noreplace(&a, &b) {
        Ok(()) => {
            report.add("RENAME_NOREPLACE", Verdict::Fail, "renameat2(RENAME_NOREPLACE) replaced an existing file");
            false
        }
        Err(e) if e.raw_os_error() == Some(libc::EEXIST) => {
            report.add("RENAME_NOREPLACE", Verdict::Ok, "supported and enforced: atomic rename without overwrite");
            true
        }
        Err(e) => {
            report.add("RENAME_NOREPLACE", Verdict::Info, format!("not available here ({e}): commitfs falls back to link()+unlink()"));
            false
        }
    };

    let c = scratch.join("c");
    match (std::fs::hard_link(&a, &c), std::fs::hard_link(&a, &b)) {
        (Ok(()), Err(e)) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            report.add("hard links", Verdict::Ok, "link() works and refuses an existing name")
        }
        (Ok(()), other) => report.add("hard links", Verdict::Fail, format!("link() onto an existing name gave {other:?}")),
        (Err(e), _) if noreplace => report.add("hard links", Verdict::Info, format!("not supported ({e}); not needed: RENAME_NOREPLACE works")),
        (Err(e), _) => report.add("hard links", Verdict::Fail,
            format!("neither RENAME_NOREPLACE nor link() work ({e}): no atomic rename without overwrite is possible here")),
    }

    let t = Instant::now();
    let synced = std::fs::File::open(&a).and_then(|f| f.sync_all()).and_then(|_| std::fs::File::open(scratch)?.sync_all());
    match synced {
        Ok(()) => report.add("fsync", Verdict::Ok, format!("file + directory fsync took {:.2} ms", t.elapsed().as_secs_f64() * 1000.0)),
        Err(e) => report.add("fsync", Verdict::Fail, format!("fsync failed ({e}): close cannot be made durable")),
    }
    Ok(())
}
