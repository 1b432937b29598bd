//! Recursive removal of a directory tree, counting every syscall. Symlinks are removed, never followed.

use super::sys::{Counters, Op};
use std::io;
use std::path::Path;

/// Removes `dir` and everything below it. Entries that vanish concurrently are ignored; entries created
/// concurrently make the final rmdir fail with ENOTEMPTY, in which case the walk is retried a few times.
pub fn remove_tree(c: &Counters, dir: &Path) -> io::Result<()> {
    let mut attempts = 0;
    loop {
        match remove_once(c, dir) {
            Err(e) if e.raw_os_error() == Some(libc::ENOTEMPTY) && attempts < 3 => attempts += 1,
            other => return other,
        }
    }
}

fn remove_once(c: &Counters, dir: &Path) -> io::Result<()> {
    c.add(Op::Readdir);
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let is_dir = entry.file_type().map(|t| t.is_dir()).unwrap_or(false);
        let result = if is_dir {
            remove_tree(c, &path)
        } else {
            c.add(Op::Unlink);
            std::fs::remove_file(&path)
        };
        match result {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            other => other?,
        }
    }
    c.add(Op::Rmdir);
    std::fs::remove_dir(dir)
}
