//! The probe directory of `doctor` and `bench`: made below the user's URI, and removed afterwards together
//! with whatever of that URI's path it had to create, so nothing is left behind — no probe files, and on
//! object stores no directory markers for a base directory that did not exist before.

use commitfs_core::{FileSystem, FsPath, Result};

pub struct Scratch<'a> {
    fs: &'a FileSystem,
    pub dir: FsPath,
    /// `base`, then its ancestors up to the outermost one that did not exist before: removed in that order.
    created: Vec<FsPath>,
}

impl<'a> Scratch<'a> {
    /// Creates `base/name` (and `base` and its missing ancestors).
    pub fn create(fs: &'a FileSystem, base: &FsPath, name: &str) -> Result<Self> {
        let dir = base.child(name)?;
        let mut created = Vec::new();
        for p in std::iter::once(base.clone()).chain(base.ancestors()) {
            if p.is_root() || fs.exists(&p)? {
                break;
            }
            created.push(p);
        }
        let scratch = Scratch { fs, dir, created };
        fs.mkdirs(&scratch.dir)?;
        Ok(scratch)
    }

    /// Removes the probe directory, then the directories created for it, innermost first and only while
    /// empty (a non-recursive delete refuses anything someone else wrote there meanwhile). Errors are
    /// ignored: clean-up must not hide the result; `doctor` reports what remains.
    pub fn remove(&self) {
        let _ = self.fs.delete(&self.dir, true);
        for p in &self.created {
            if self.fs.delete(p, false).is_err() {
                break;
            }
        }
    }

    /// Whether anything the probe made is still there.
    pub fn remains(&self) -> bool {
        self.fs.exists(&self.dir).unwrap_or(true) || self.created.iter().any(|p| self.fs.exists(p).unwrap_or(true))
    }
}
