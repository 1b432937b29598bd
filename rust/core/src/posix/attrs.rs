//! Metadata a caller sets (Hadoop's setPermission, setOwner, setTimes, as RawLocalFileSystem does them)
//! and the volume's space (`getStatus`). Each is one syscall on the local path, following symlinks.

use super::sys::{Counters, Op};
use crate::backend::{Attributes, Space};
use nix::unistd::{Gid, Group, Uid, User};
use std::ffi::CString;
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

/// Applies `attrs` to `local`: chmod, then chown, then utimensat, each only when asked.
pub fn set(c: &Counters, local: &Path, attrs: &Attributes) -> io::Result<()> {
    if let Some(mode) = attrs.permission {
        c.add(Op::Chmod);
        std::fs::set_permissions(local, std::fs::Permissions::from_mode(mode & 0o7777))?;
    }
    if attrs.owner.is_some() || attrs.group.is_some() {
        let uid = attrs.owner.as_deref().map(uid).transpose()?;
        let gid = attrs.group.as_deref().map(gid).transpose()?;
        c.add(Op::Chown);
        nix::unistd::chown(local, uid, gid).map_err(io::Error::from)?;
    }
    let times = attrs.times;
    if times.modified_ms.is_some() || times.accessed_ms.is_some() {
        c.add(Op::Utimes);
        utimes(local, times.accessed_ms, times.modified_ms)?;
    }
    Ok(())
}

/// A user by name, or by number where the name is one (ids without a name show as numbers).
fn uid(name: &str) -> io::Result<Uid> {
    match User::from_name(name) {
        Ok(Some(u)) => Ok(u.uid),
        _ => name.parse().map(Uid::from_raw).map_err(|_| unknown("user", name)),
    }
}

fn gid(name: &str) -> io::Result<Gid> {
    match Group::from_name(name) {
        Ok(Some(g)) => Ok(g.gid),
        _ => name.parse().map(Gid::from_raw).map_err(|_| unknown("group", name)),
    }
}

fn unknown(what: &str, name: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, format!("no {what} named {name:?} on this host (nor a numeric id)"))
}

fn timespec(ms: Option<i64>) -> libc::timespec {
    match ms {
        Some(ms) => libc::timespec { tv_sec: ms.div_euclid(1000) as libc::time_t, tv_nsec: (ms.rem_euclid(1000) * 1_000_000) as _ },
        None => libc::timespec { tv_sec: 0, tv_nsec: libc::UTIME_OMIT },
    }
}

fn c_path(local: &Path) -> io::Result<CString> {
    CString::new(local.as_os_str().as_bytes()).map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))
}

fn utimes(local: &Path, accessed_ms: Option<i64>, modified_ms: Option<i64>) -> io::Result<()> {
    let times = [timespec(accessed_ms), timespec(modified_ms)];
    let path = c_path(local)?;
    // SAFETY: a NUL-terminated path and two timespecs, as utimensat(2) takes them.
    if unsafe { libc::utimensat(libc::AT_FDCWD, path.as_ptr(), times.as_ptr(), 0) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// statvfs(2) of `root`: capacity and free space as an unprivileged user sees them (as `df`).
pub fn space(c: &Counters, root: &Path) -> io::Result<Space> {
    let path = c_path(root)?;
    c.add(Op::Statvfs);
    // SAFETY: statvfs fills the zeroed struct it is given.
    let mut st: libc::statvfs = unsafe { std::mem::zeroed() };
    if unsafe { libc::statvfs(path.as_ptr(), &mut st) } != 0 {
        return Err(io::Error::last_os_error());
    }
    let unit = st.f_frsize as u64;
    let capacity = st.f_blocks as u64 * unit;
    let free = st.f_bfree as u64 * unit;
    Ok(Space { capacity, used: capacity.saturating_sub(free), remaining: st.f_bavail as u64 * unit })
}
