//! Rename, once for Hadoop's three flavours. They share every rule but what to do with what is already at
//! the destination; `RenameMode` names the flavour and the table below is the whole contract:
//!
//! | situation                                  | `Into` (FileSystem) | `Exact` (Rename.NONE) | `Replace` (Rename.OVERWRITE)     |
//! |--------------------------------------------|---------------------|-----------------------|----------------------------------|
//! | source is the root                         | InvalidArgument     | InvalidArgument       | InvalidArgument                  |
//! | source missing                             | NotFound            | NotFound              | NotFound                         |
//! | `src == dst`                               | file: Ok; dir: AlreadyExists (false), nothing done | AlreadyExists | AlreadyExists    |
//! | `dst` inside `src`                         | InvalidArgument     | InvalidArgument       | InvalidArgument                  |
//! | `dst` a directory                          | move to `dst/name`  | AlreadyExists         | dir onto empty dir: delete, then rename (not atomic); non-empty: DirectoryNotEmpty; file onto dir: Io |
//! | `dst` a file                               | AlreadyExists       | AlreadyExists         | file: atomic replace; dir: Io    |
//! | `dst` missing, its parent missing          | NotFound (S3: created) | NotFound           | NotFound                         |
//! | a file among `dst`'s ancestors             | ParentNotDirectory  | ParentNotDirectory    | ParentNotDirectory               |
//! | `Policy::relaxed_rename_checks`            | `dst` not probed    | `dst` not probed      | no effect                        |
//!
//! Where directories are implicit (object stores) a missing parent is no error for `Into` (S3A's
//! `rename(Path, Path)` creates it implicitly): only a file among the new ancestors is refused. `Exact` and
//! `Replace` keep their API's NotFound (as S3A does through Hadoop's generic checks). Both are found in
//! the same look as the destination (`probe_target`), which a rename within one directory never needs.

use super::FileSystem;
use crate::backend::{DeleteScope, FileStatus, Probe};
use crate::error::{Error, ErrorKind, Result};
use crate::path::FsPath;

/// Which of Hadoop's renames (see the module's table).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RenameMode {
    /// `FileSystem.rename`: into `dst` when it is an existing directory; never overwrites.
    Into,
    /// FileContext's `Options.Rename.NONE`: exactly to `dst`; anything there, a directory included, →
    /// AlreadyExists. Same request count as `Into`.
    Exact,
    /// `Options.Rename.OVERWRITE` (Hadoop's `AbstractFileSystem.renameInternal(src, dst, true)`):
    /// exactly to `dst`, replacing a file atomically for its readers (on S3: one LIST, a COPY and a
    /// DELETE), or an empty directory by delete then rename.
    Replace,
}

impl RenameMode {
    /// The answer when `src == dst` and the source exists. `Into`: true for a file, false for a directory
    /// (filesystem.md leaves it open; POSIX, RawLocalFileSystem and S3A answer so).
    fn onto_itself(self, fs: &FileSystem, dst: &FsPath, is_dir: bool) -> Result<()> {
        match self {
            RenameMode::Into if is_dir => {
                Err(Error::at(ErrorKind::AlreadyExists, fs.display(dst), "a directory renamed onto itself: nothing done"))
            }
            RenameMode::Into => Ok(()),
            RenameMode::Exact => Err(Error::already_exists(fs.display(dst))),
            RenameMode::Replace => {
                Err(Error::at(ErrorKind::AlreadyExists, fs.display(dst), "the source and the destination are the same"))
            }
        }
    }
}

impl FileSystem {
    /// Renames `src` to `dst` by the rules of `mode` (the module's table).
    pub fn rename(&self, src: &FsPath, dst: &FsPath, mode: RenameMode) -> Result<()> {
        if src.is_root() {
            return Err(Error::at(ErrorKind::InvalidArgument, self.display(src), "the root directory cannot be renamed"));
        }
        if src == dst {
            let is_dir = self.status(src)?.is_dir;
            return mode.onto_itself(self, dst, is_dir);
        }
        if dst.is_under_or_same(src) {
            return Err(Error::at(ErrorKind::InvalidArgument, self.display(dst),
                format!("cannot rename {} into its own subtree", self.display(src))));
        }
        match mode {
            RenameMode::Into => {
                let dst_is_dir = self.probe_destination(src, dst, false)?;
                let target = if dst_is_dir { dst.child(src.name())? } else { dst.clone() };
                if &target == src {
                    return Ok(());
                }
                self.rename_to(src, &target, !dst_is_dir)
            }
            RenameMode::Exact if self.probe_destination(src, dst, true)? => {
                Err(Error::at(ErrorKind::AlreadyExists, self.display(dst), "a directory exists at the destination"))
            }
            RenameMode::Exact => self.rename_to(src, dst, true),
            RenameMode::Replace => self.replace(src, dst),
        }
    }

    fn replace(&self, src: &FsPath, dst: &FsPath) -> Result<()> {
        let existing = self.probe_target(src, dst, true)?;
        if existing.is_none() && !self.capabilities().implicit_directories {
            self.require_parent_dir(dst)?;
        }
        if existing.as_ref().is_some_and(|d| d.is_dir) {
            return self.replace_dir(src, dst);
        }
        match self.backend.rename_file(src, dst, true) {
            Err(e) if matches!(e.kind, ErrorKind::NotFound | ErrorKind::IsDirectory) => match self.ask(Probe::Entry(src))? {
                None => Err(self.not_found(src)),
                Some(s) if s.is_dir && existing.is_some() => Err(self.kinds_differ(src, dst)),
                Some(s) if s.is_dir => self.rename_to(src, dst, false),
                Some(_) => Err(e), // the source is a file: what went missing is the destination's parent
            },
            other => other,
        }
    }

    /// A directory onto the existing directory `dst`: only if `dst` is empty; delete, then rename (not
    /// atomic: Hadoop's generic order, and S3 has no atomic directory replace).
    fn replace_dir(&self, src: &FsPath, dst: &FsPath) -> Result<()> {
        match self.ask(Probe::Entry(src))? {
            None => return Err(self.not_found(src)),
            Some(s) if !s.is_dir => return Err(self.kinds_differ(src, dst)),
            Some(_) => {}
        }
        let children = self.backend.list_page(dst, None, 1)?.map(|pg| pg.entries).unwrap_or_default();
        if !children.is_empty() || dst.is_root() {
            return Err(Error::at(ErrorKind::DirectoryNotEmpty, self.display(dst),
                format!("cannot replace a non-empty directory with {}: empty or delete it first", self.display(src))));
        }
        self.backend.delete(dst, DeleteScope::Tree)?;
        self.rename_to(src, dst, false)
    }

    fn kinds_differ(&self, src: &FsPath, dst: &FsPath) -> Error {
        Error::at(ErrorKind::Io, self.display(dst), format!(
            "cannot replace it with {}: a file can only replace a file and a directory only a directory", self.display(src)))
    }

    /// Whether `dst` is a directory (see `probe_target`); not asked under relaxed rename checks.
    fn probe_destination(&self, src: &FsPath, dst: &FsPath, parent_must_exist: bool) -> Result<bool> {
        if self.policy.relaxed_rename_checks {
            return Ok(false);
        }
        Ok(self.probe_target(src, dst, parent_must_exist)?.is_some_and(|s| s.is_dir))
    }

    /// What is at `dst`. Where directories are implicit, the ancestors of `dst` that are not ancestors of
    /// `src` (those are directories: `src` is in them) are checked in the same look, so nothing lands
    /// below a file, and with `parent_must_exist` so is `dst`'s parent when `dst` is absent (NotFound if it
    /// is not a directory); a rename within one directory asks nothing more. Where directories are real,
    /// `rename_to`/`replace` check the parent themselves.
    fn probe_target(&self, src: &FsPath, dst: &FsPath, parent_must_exist: bool) -> Result<Option<FileStatus>> {
        if dst.is_root() {
            return Ok(Some(FileStatus::dir(dst.clone(), 0)));
        }
        if !self.capabilities().implicit_directories {
            return self.ask(Probe::Entry(dst));
        }
        let mut ancestors: Vec<FsPath> = dst.ancestors().filter(|a| !a.is_root() && !src.is_under_or_same(a)).collect();
        if ancestors.is_empty() {
            return self.ask(Probe::Entry(dst));
        }
        ancestors.reverse();
        // The innermost ancestor not holding `src` is `dst`'s parent (an outer one holding `src` would
        // hold the parent too).
        let parent = ancestors[ancestors.len() - 1].clone();
        let mut probes = vec![Probe::Entry(dst), Probe::FirstFile(&ancestors)];
        if parent_must_exist {
            probes.push(Probe::Dir(&parent));
        }
        let mut found = self.backend.probe(&probes)?;
        let parent_dir = if parent_must_exist { found.pop().flatten() } else { None };
        if let Some(file) = found.pop().flatten() {
            return Err(self.parent_is_file(dst, &file.path));
        }
        let existing = found.pop().flatten();
        if parent_must_exist && existing.is_none() && parent_dir.is_none() {
            return Err(self.missing_parent(dst, &parent));
        }
        Ok(existing)
    }

    /// Renames `src` (a file, else a directory) to exactly `target`, which must not exist.
    fn rename_to(&self, src: &FsPath, target: &FsPath, check_parent: bool) -> Result<()> {
        if check_parent && !self.capabilities().implicit_directories {
            self.require_parent_dir(target)?;
        }
        match self.backend.rename_file(src, target, false) {
            Err(e) if matches!(e.kind, ErrorKind::NotFound | ErrorKind::IsDirectory) => {
                if self.ask(Probe::Dir(src))?.is_none() {
                    return Err(self.not_found(src));
                }
                if self.ask(Probe::Entry(target))?.is_some() {
                    return Err(Error::already_exists(self.display(target)));
                }
                self.backend.rename_dir(src, target)
            }
            other => other,
        }
    }

    fn require_parent_dir(&self, p: &FsPath) -> Result<()> {
        let Some(parent) = p.parent() else { return Ok(()) };
        if parent.is_root() {
            return Ok(());
        }
        match self.ask(Probe::Entry(&parent))? {
            Some(s) if s.is_dir => Ok(()),
            Some(_) => Err(self.parent_is_file(p, &parent)),
            None => Err(self.missing_parent(p, &parent)),
        }
    }

    fn missing_parent(&self, dst: &FsPath, parent: &FsPath) -> Error {
        Error::at(ErrorKind::NotFound, self.display(dst), format!(
            "the destination's parent directory {} does not exist; create it first (mkdirs)", self.display(parent)))
    }
}
