//! io::Error → commitfs `Error`, in one place. Permission errors explain the classic EFS/NFS trap: the
//! process runs as a uid that does not own the directory.

use crate::error::{Error, ErrorKind};
use std::io;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

/// Maps `e`, raised while doing `what` on `local` (shown to the user as `shown`).
pub fn map(e: io::Error, what: &str, shown: &str, local: &Path) -> Error {
    let kind = match e.raw_os_error() {
        Some(libc::ENOENT) => ErrorKind::NotFound,
        Some(libc::EEXIST) => ErrorKind::AlreadyExists,
        Some(libc::ENOTDIR) => ErrorKind::ParentNotDirectory,
        Some(libc::ENOTEMPTY) => ErrorKind::DirectoryNotEmpty,
        Some(libc::EISDIR) => ErrorKind::IsDirectory,
        Some(libc::EACCES) => return permission_denied(e, what, shown, local),
        Some(libc::EPERM) => return not_permitted(e, what, shown, local),
        Some(libc::EROFS) => {
            return Error::at(ErrorKind::PermissionDenied, shown, format!(
                "cannot {what}: the filesystem holding {} is mounted read-only ({e}); remount it read-write \
                 or write elsewhere", local.display())).with_source(e)
        }
        _ => ErrorKind::Io,
    };
    let message = match kind {
        ErrorKind::NotFound => format!("cannot {what}: no such file or directory"),
        ErrorKind::AlreadyExists => format!("cannot {what}: already exists"),
        ErrorKind::ParentNotDirectory => format!("cannot {what}: a component of the path is a file, not a directory"),
        ErrorKind::DirectoryNotEmpty => format!("cannot {what}: directory is not empty"),
        ErrorKind::IsDirectory => format!("cannot {what}: it is a directory"),
        _ => format!("cannot {what} ({}): {e}", local.display()),
    };
    Error::at(kind, shown, message).with_source(e)
}

/// EPERM is not about ownership of the directory (that is EACCES): the file is immutable or append-only
/// (`chattr +i`/`+a`), a sticky directory protects another user's entry, or the operation needs privileges
/// (chown to another user).
fn not_permitted(e: io::Error, what: &str, shown: &str, local: &Path) -> Error {
    Error::at(ErrorKind::PermissionDenied, shown, format!(
        "cannot {what}: operation not permitted ({e}) on {}: the file or its directory may be immutable or \
         append-only (lsattr shows i/a; chattr -i removes it), a sticky directory may protect another user's \
         entry, or the change needs privileges this process lacks (chown to another user needs root)",
        local.display())).with_source(e)
}

fn permission_denied(e: io::Error, what: &str, shown: &str, local: &Path) -> Error {
    // SAFETY: geteuid/getegid cannot fail.
    let (uid, gid) = unsafe { (libc::geteuid(), libc::getegid()) };
    // The directory whose permissions decide: the path itself if it is a directory, else its parent.
    let dir = match std::fs::metadata(local) {
        Ok(m) if m.is_dir() => local.to_path_buf(),
        _ => local.parent().unwrap_or(local).to_path_buf(),
    };
    let owner = match std::fs::metadata(&dir) {
        Ok(m) => format!(
            "directory {} is owned by uid {} gid {} with mode {:04o}",
            dir.display(),
            m.uid(),
            m.gid(),
            m.mode() & 0o7777
        ),
        Err(_) => format!("directory {} could not be inspected either", dir.display()),
    };
    Error::at(
        ErrorKind::PermissionDenied,
        shown,
        format!(
            "cannot {what}: permission denied ({e}); this process runs as uid {uid} gid {gid}, {owner}. \
             Fix: run as the owning uid, or chown/chmod the directory so this uid may write it; \
             on Amazon EFS use an access point whose POSIX user matches the directory owner"
        ),
    )
    .with_source(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// EPERM (immutable file, sticky directory, chown without privilege) is not blamed on the owner of
    /// the directory, as EACCES is; EROFS names the read-only mount.
    #[test]
    fn eperm_and_erofs_get_their_own_messages() {
        let local = Path::new("/tmp");
        let eperm = map(io::Error::from_raw_os_error(libc::EPERM), "delete the file", "filec:///f", local);
        assert_eq!(eperm.kind, ErrorKind::PermissionDenied);
        assert!(eperm.message.contains("immutable") && !eperm.message.contains("owned by uid"), "{}", eperm.message);
        let erofs = map(io::Error::from_raw_os_error(libc::EROFS), "create a file", "filec:///f", local);
        assert_eq!(erofs.kind, ErrorKind::PermissionDenied);
        assert!(erofs.message.contains("read-only"), "{}", erofs.message);
        let eacces = map(io::Error::from_raw_os_error(libc::EACCES), "create a file", "filec:///f", local);
        assert!(eacces.message.contains("owned by uid"), "{}", eacces.message);
    }
}
