//! The few system calls the POSIX backend needs beyond std (renameat2 NOREPLACE, link, directory
//! fsync), each counted, so `counters()` reports exactly what a commit costs.

use std::ffi::{CStr, CString};
use std::fs::File;
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// Syscall kinds, in the order `counters()` reports them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Open,
    Read,
    Write,
    Fsync,
    Fchmod,
    Rename,
    Link,
    Unlink,
    Stat,
    Mkdir,
    Rmdir,
    Readdir,
    Realpath,
    Chmod,
    Chown,
    Utimes,
    Statvfs,
}

/// Each `Op`'s name, indexed by `Op as usize`.
const NAMES: [&str; 17] = [
    "open", "read", "write", "fsync", "fchmod", "rename", "link", "unlink", "stat", "mkdir", "rmdir", "readdir", "realpath",
    "chmod", "chown", "utimes", "statvfs",
];
const _: () = assert!(Op::Statvfs as usize + 1 == NAMES.len(), "every Op has a name");

/// Cumulative syscall counts. Relaxed atomics: the counts are statistics, not synchronisation.
#[derive(Default)]
pub struct Counters([AtomicU64; NAMES.len()]);

impl Counters {
    pub fn add(&self, op: Op) {
        self.0[op as usize].fetch_add(1, Ordering::Relaxed);
    }
    pub fn snapshot(&self) -> Vec<(String, u64)> {
        NAMES.iter().zip(&self.0).map(|(name, n)| (name.to_string(), n.load(Ordering::Relaxed))).collect()
    }
}

fn cstr(p: &Path) -> io::Result<CString> {
    CString::new(p.as_os_str().as_bytes()).map_err(|_| io::Error::from_raw_os_error(libc::EINVAL))
}

/// Renames `from` to `to` in one atomic step that fails with EEXIST (or ENOTEMPTY) when `to` exists:
/// renameat2(RENAME_NOREPLACE) on Linux (the raw syscall: glibc's wrapper needs glibc 2.28 and the
/// library promises 2.17), renamex_np(RENAME_EXCL) on macOS. Elsewhere ENOSYS, so callers fall back
/// to link()+unlink(); [`is_unsupported`] tells that errno apart.
pub fn rename_noreplace(from: &Path, to: &Path) -> io::Result<()> {
    rename_excl(&cstr(from)?, &cstr(to)?)
}

#[cfg(target_os = "linux")]
fn rename_excl(from: &CStr, to: &CStr) -> io::Result<()> {
    // SAFETY: both are valid NUL-terminated paths; AT_FDCWD resolves them like rename(2).
    let rc = unsafe {
        libc::syscall(libc::SYS_renameat2, libc::AT_FDCWD, from.as_ptr(), libc::AT_FDCWD, to.as_ptr(), libc::RENAME_NOREPLACE)
    };
    if rc == 0 { Ok(()) } else { Err(io::Error::last_os_error()) }
}

#[cfg(target_os = "macos")]
fn rename_excl(from: &CStr, to: &CStr) -> io::Result<()> {
    // SAFETY: both are valid NUL-terminated paths.
    let rc = unsafe { libc::renamex_np(from.as_ptr(), to.as_ptr(), libc::RENAME_EXCL) };
    if rc == 0 { Ok(()) } else { Err(io::Error::last_os_error()) }
}

#[cfg(not(any(target_os = "linux", target_os = "macos")))]
fn rename_excl(_: &CStr, _: &CStr) -> io::Result<()> {
    Err(io::Error::from_raw_os_error(libc::ENOSYS))
}

/// Whether `errno` from [`rename_noreplace`] means "not available on this kernel or filesystem" (NFS,
/// old kernels, other systems) rather than a failure of this rename. macOS' ENOTSUP differs from
/// EOPNOTSUPP; on Linux they are one value.
pub fn is_unsupported(errno: i32) -> bool {
    errno == libc::ENOSYS || errno == libc::EOPNOTSUPP || errno == libc::ENOTSUP
}

/// How names are published without replacing an existing entry.
pub struct NoReplace {
    /// Set once renameat2(RENAME_NOREPLACE) is known not to work here (NFS, old kernels), or forced by
    /// configuration: from then on link()+unlink() is used without trying renameat2 first.
    use_link: AtomicBool,
}

/// The outcome of a publish attempt when the destination was taken.
pub enum Published {
    Done,
    Exists,
}

impl NoReplace {
    pub fn new(force_link: bool) -> Self {
        NoReplace { use_link: AtomicBool::new(force_link) }
    }

    pub fn uses_link(&self) -> bool {
        self.use_link.load(Ordering::Relaxed)
    }

    /// Renames `from` to `to` atomically, failing (Exists) if `to` exists. Directories too.
    /// Returns Err(ENOSYS-like) only when renameat2 is unsupported and `allow_link` is false.
    pub fn rename(&self, c: &Counters, from: &Path, to: &Path, allow_link: bool) -> io::Result<Published> {
        if !self.uses_link() {
            c.add(Op::Rename);
            let err = match rename_noreplace(from, to) {
                Ok(()) => return Ok(Published::Done),
                Err(e) => e,
            };
            match err.raw_os_error() {
                Some(libc::EEXIST) | Some(libc::ENOTEMPTY) => return Ok(Published::Exists),
                // EINVAL also means "directory into its own subtree": that is the caller's error.
                Some(libc::EINVAL) if to.starts_with(from) => return Err(err),
                Some(e) if e == libc::EINVAL || is_unsupported(e) => {
                    self.use_link.store(true, Ordering::Relaxed);
                }
                _ => return Err(err),
            }
        }
        if !allow_link {
            return Err(io::Error::from_raw_os_error(libc::EOPNOTSUPP));
        }
        self.link_then_unlink(c, from, to)
    }

    /// link(from, to) then unlink(from): never replaces `to` (link fails with EEXIST atomically, also
    /// on NFS). Between the two calls both names exist, and two concurrent renames of the SAME source
    /// to different destinations may both succeed (two names, one file): the documented cost of the fallback.
    fn link_then_unlink(&self, c: &Counters, from: &Path, to: &Path) -> io::Result<Published> {
        c.add(Op::Link);
        match std::fs::hard_link(from, to) {
            Ok(()) => {}
            Err(e) if e.raw_os_error() == Some(libc::EEXIST) => {
                // NFS may retransmit a LINK whose first attempt succeeded and report EEXIST for our
                // own link: we won if `to` is the very inode of `from` (open(2)'s O_EXCL advice).
                c.add(Op::Stat);
                c.add(Op::Stat);
                let same = match (std::fs::symlink_metadata(from), std::fs::symlink_metadata(to)) {
                    (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
                    _ => false,
                };
                if !same {
                    return Ok(Published::Exists);
                }
            }
            Err(e) => return Err(e),
        }
        c.add(Op::Unlink);
        std::fs::remove_file(from)?;
        Ok(Published::Done)
    }
}

/// fsync of a directory, making entries created, renamed or removed in it durable.
pub fn fsync_dir(c: &Counters, dir: &Path) -> io::Result<()> {
    c.add(Op::Open);
    let d = File::open(dir)?;
    c.add(Op::Fsync);
    d.sync_all()
}

/// The process umask, read once without changing it where the kernel tells it (/proc, Linux ≥ 4.7);
/// otherwise the classic set-and-restore, done once at first use.
pub fn umask() -> u32 {
    static UMASK: once_cell::sync::Lazy<u32> = once_cell::sync::Lazy::new(|| {
        if let Ok(status) = std::fs::read_to_string("/proc/self/status") {
            if let Some(v) = status.lines().find_map(|l| l.strip_prefix("Umask:")) {
                if let Ok(m) = u32::from_str_radix(v.trim(), 8) {
                    return m;
                }
            }
        }
        // SAFETY: umask only swaps the process mask; restored immediately.
        unsafe {
            let old = libc::umask(0o022);
            libc::umask(old);
            old as u32
        }
    });
    *UMASK
}
