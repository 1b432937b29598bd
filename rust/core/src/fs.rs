//! Hadoop's filesystem semantics (filesystem.md), implemented once over any `Backend`. Each rule below is
//! a check made with the cheapest primitive that answers it, so the S3 request counts stay minimal.

use crate::backend::{Backend, Capabilities, CreateOptions, FileStatus, ListPage, Probe, Reader, Removed, Writer};
use crate::error::{Error, ErrorKind, Result};
use crate::path::FsPath;
use std::sync::Arc;

/// Entries per listing page when the caller does not say.
pub const DEFAULT_PAGE: usize = 1000;

pub struct FileSystem {
    backend: Arc<dyn Backend>,
}

impl FileSystem {
    pub fn new(backend: Arc<dyn Backend>) -> Self {
        FileSystem { backend }
    }

    pub fn backend(&self) -> &Arc<dyn Backend> {
        &self.backend
    }
    pub fn capabilities(&self) -> Capabilities {
        self.backend.capabilities()
    }
    pub fn display(&self, p: &FsPath) -> String {
        self.backend.display(p)
    }
    pub fn counters(&self) -> Vec<(String, u64)> {
        self.backend.counters()
    }

    fn not_found(&self, p: &FsPath) -> Error {
        Error::not_found(self.display(p))
    }

    pub fn status(&self, p: &FsPath) -> Result<FileStatus> {
        if p.is_root() {
            return Ok(self.backend.dir_status(p)?.unwrap_or_else(|| FileStatus::dir(p.clone(), 0)));
        }
        self.backend.status(p)?.ok_or_else(|| self.not_found(p))
    }

    pub fn exists(&self, p: &FsPath) -> Result<bool> {
        Ok(p.is_root() || self.backend.status(p)?.is_some())
    }

    /// One page of a listing. Listing a file yields that file (Hadoop's `listStatus` rule).
    pub fn list(&self, p: &FsPath, start_after: Option<&str>, max: usize) -> Result<ListPage> {
        let max = if max == 0 { DEFAULT_PAGE } else { max };
        if let Some(page) = self.backend.list_page(p, start_after, max)? {
            return Ok(page);
        }
        if p.is_root() {
            return Ok(ListPage::default());
        }
        match self.backend.file_status(p)? {
            Some(f) if start_after.is_none() => Ok(ListPage { entries: vec![f], next: None }),
            Some(_) => Ok(ListPage::default()),
            None => Err(self.not_found(p)),
        }
    }

    /// Every entry of a listing, page by page.
    pub fn list_all(&self, p: &FsPath) -> Result<Vec<FileStatus>> {
        let mut out = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let page = self.list(p, after.as_deref(), DEFAULT_PAGE)?;
            out.extend(page.entries);
            match page.next {
                Some(n) => after = Some(n),
                None => return Ok(out),
            }
        }
    }

    /// Creates `p` and any missing parents. A file at `p` → AlreadyExists; a file at an ancestor →
    /// ParentNotDirectory.
    pub fn mkdirs(&self, p: &FsPath) -> Result<()> {
        if p.is_root() {
            return Ok(());
        }
        if self.capabilities().implicit_directories {
            return self.mkdirs_implicit(p);
        }
        match self.backend.status(p)? {
            Some(s) if s.is_dir => return Ok(()),
            Some(_) => return Err(self.file_in_the_way(p)),
            None => {}
        }
        let mut missing = vec![p.clone()];
        for a in p.ancestors().filter(|a| !a.is_root()) {
            match self.backend.status(&a)? {
                Some(s) if s.is_dir => break,
                Some(_) => return Err(self.parent_is_file(p, &a)),
                None => missing.push(a),
            }
        }
        for d in missing.iter().rev() {
            self.backend.mkdir(d)?;
        }
        Ok(())
    }

    /// Where directories are implicit only the leaf's marker is written, once no ancestor is a file. The
    /// walk lists each ancestor (a hit ends it: a directory's ancestors are directories) and, in the same
    /// round trip, HEADs the level below it, which the previous list found empty and so may be a file.
    /// One new level: LIST of `p` (a file or a directory?), LIST of the parent, PUT.
    fn mkdirs_implicit(&self, p: &FsPath) -> Result<()> {
        match self.backend.probe(&[Probe::Entry(p)])?.pop().flatten() {
            Some(s) if s.is_dir => return Ok(()),
            Some(_) => return Err(self.file_in_the_way(p)),
            None => {}
        }
        // The last level listed empty: not a directory, perhaps a file.
        let mut below: Option<FsPath> = None;
        for a in p.ancestors() {
            let mut probes = Vec::with_capacity(2);
            if !a.is_root() {
                probes.push(Probe::Dir(&a));
            }
            if let Some(b) = &below {
                probes.push(Probe::File(b));
            }
            let found = self.backend.probe(&probes)?;
            if let Some(b) = below.as_ref().filter(|_| found.last().is_some_and(Option::is_some)) {
                return Err(self.parent_is_file(p, b));
            }
            if a.is_root() || found[0].is_some() {
                break;
            }
            below = Some(a);
        }
        self.backend.mkdir(p)
    }

    fn file_in_the_way(&self, p: &FsPath) -> Error {
        Error::at(ErrorKind::AlreadyExists, self.display(p), "cannot create a directory: a file exists at this path")
    }

    fn parent_is_file(&self, p: &FsPath, ancestor: &FsPath) -> Error {
        Error::at(ErrorKind::ParentNotDirectory, self.display(p),
            format!("the ancestor {} is a file, not a directory", self.display(ancestor)))
    }

    /// Opens a writer. Open-time checks (Hadoop's contract): a directory at `p` always fails; an existing
    /// file fails unless `overwrite`; a file as parent fails where directories are real. The backend
    /// enforces `overwrite=false` again, atomically, at commit.
    pub fn create(&self, p: &FsPath, overwrite: bool) -> Result<Box<dyn Writer>> {
        if p.is_root() {
            return Err(Error::at(ErrorKind::IsDirectory, self.display(p), "cannot create a file at the root"));
        }
        if self.capabilities().implicit_directories {
            self.create_checks_implicit(p, overwrite)?;
        } else {
            if let Some(s) = self.backend.status(p)? {
                self.refuse_create_over(p, s.is_dir, overwrite)?;
            }
            if let Some(parent) = p.parent().filter(|q| !q.is_root()) {
                match self.backend.status(&parent)? {
                    Some(s) if s.is_dir => {}
                    Some(_) => return Err(self.parent_is_file(p, &parent)),
                    None => self.mkdirs(&parent)?,
                }
            }
        }
        self.backend.create(p, &CreateOptions { overwrite })
    }

    /// One request: for `overwrite=false` a LIST that finds a file or a directory at `p`, else a LIST of
    /// `p/` (a file there may be replaced). With the backend's relaxed checks (S3A's `create.performance`)
    /// only a HEAD of `p` when `overwrite=false`, to fail fast. As S3A, the parent is not probed: where
    /// directories are implicit a file as parent is refused by mkdirs and rename, not by create (the
    /// contract option `create-file-under-file-allowed` says so).
    fn create_checks_implicit(&self, p: &FsPath, overwrite: bool) -> Result<()> {
        let probe = match (overwrite, self.backend.relaxed_create_checks()) {
            (false, false) => Probe::Entry(p),
            (false, true) => Probe::File(p),
            (true, false) => Probe::Dir(p),
            (true, true) => return Ok(()),
        };
        match self.backend.probe(&[probe])?.pop().flatten() {
            Some(s) => self.refuse_create_over(p, s.is_dir, overwrite),
            None => Ok(()),
        }
    }

    fn refuse_create_over(&self, p: &FsPath, is_dir: bool, overwrite: bool) -> Result<()> {
        if is_dir {
            return Err(Error::at(ErrorKind::AlreadyExists, self.display(p), "cannot create a file: a directory exists at this path"));
        }
        if !overwrite {
            return Err(Error::at(ErrorKind::AlreadyExists, self.display(p), "file already exists and overwrite is false"));
        }
        Ok(())
    }

    pub fn open(&self, p: &FsPath) -> Result<Box<dyn Reader>> {
        self.backend.open(p)
    }

    /// Renames without ever overwriting (Hadoop `rename` with `Options.Rename.NONE` semantics):
    /// - `dst` an existing directory → the source moves below it, keeping its name;
    /// - `dst` (or that target) an existing file → AlreadyExists;
    /// - a directory into its own subtree → InvalidArgument; the root cannot be renamed;
    /// - missing source → NotFound; missing destination parent → NotFound (where directories are real);
    /// - a file as an ancestor of the destination → ParentNotDirectory.
    pub fn rename(&self, src: &FsPath, dst: &FsPath) -> Result<()> {
        if src.is_root() {
            return Err(Error::at(ErrorKind::InvalidArgument, self.display(src), "the root directory cannot be renamed"));
        }
        if src == dst {
            return self.status(src).map(|_| ());
        }
        if dst.is_under_or_same(src) {
            return Err(Error::at(ErrorKind::InvalidArgument, self.display(dst),
                format!("cannot rename {} into its own subtree", self.display(src))));
        }
        let dst_is_dir = self.probe_destination(src, dst)?;
        let target = if dst_is_dir { dst.child(src.name())? } else { dst.clone() };
        if &target == src {
            return Ok(());
        }
        self.rename_to(src, &target, !dst_is_dir)
    }

    /// Renames `src` to exactly `dst`, never into it (FileContext's `Options.Rename.NONE`): anything at
    /// `dst`, a directory included, → AlreadyExists. Same request count as `rename`.
    pub fn rename_no_replace(&self, src: &FsPath, dst: &FsPath) -> Result<()> {
        if src.is_root() {
            return Err(Error::at(ErrorKind::InvalidArgument, self.display(src), "the root directory cannot be renamed"));
        }
        if dst.is_under_or_same(src) && src != dst {
            return Err(Error::at(ErrorKind::InvalidArgument, self.display(dst),
                format!("cannot rename {} into its own subtree", self.display(src))));
        }
        if src == dst {
            self.status(src)?;
            return Err(Error::already_exists(self.display(dst)));
        }
        if self.probe_destination(src, dst)? {
            return Err(Error::at(ErrorKind::AlreadyExists, self.display(dst), "a directory exists at the destination"));
        }
        self.rename_to(src, dst, true)
    }

    /// Renames `src` to exactly `dst`, replacing what is there (FileContext's `Options.Rename.OVERWRITE`,
    /// the rules of Hadoop's `AbstractFileSystem.renameInternal(src, dst, true)`):
    /// - missing source → NotFound; `src == dst` → AlreadyExists; the root, or a directory into its own
    ///   subtree → InvalidArgument;
    /// - a file and a directory (either way round) → Io; `dst` a non-empty directory → DirectoryNotEmpty;
    /// - `dst` missing: its parent missing → NotFound, a file → ParentNotDirectory (where directories are
    ///   real; where they are implicit, as `rename`: only a file among the new ancestors is refused).
    ///
    /// A file onto a file (or onto nothing) is atomic for readers of `dst`: they see the old file or the
    /// new one, never nothing (`Backend::replace_file`). On S3 that costs one LIST (`probe_target`), a COPY
    /// and a DELETE. A directory onto an empty
    /// directory deletes `dst`, then renames: not atomic (a reader can find `dst` missing in between).
    pub fn rename_replace(&self, src: &FsPath, dst: &FsPath) -> Result<()> {
        if src.is_root() {
            return Err(Error::at(ErrorKind::InvalidArgument, self.display(src), "the root directory cannot be renamed"));
        }
        if src == dst {
            self.status(src)?;
            return Err(Error::at(ErrorKind::AlreadyExists, self.display(dst), "the source and the destination are the same"));
        }
        if dst.is_under_or_same(src) {
            return Err(Error::at(ErrorKind::InvalidArgument, self.display(dst),
                format!("cannot rename {} into its own subtree", self.display(src))));
        }
        let existing = self.probe_replaced(src, dst)?;
        if existing.as_ref().is_some_and(|d| d.is_dir) {
            return self.replace_dir(src, dst);
        }
        match self.backend.replace_file(src, dst) {
            Err(e) if matches!(e.kind, ErrorKind::NotFound | ErrorKind::IsDirectory) => match self.backend.status(src)? {
                None => Err(self.not_found(src)),
                Some(s) if s.is_dir && existing.is_some() => Err(self.kinds_differ(src, dst)),
                Some(s) if s.is_dir => self.rename_to(src, dst, false),
                Some(_) => Err(e), // the source is a file: what went missing is the destination's parent
            },
            other => other,
        }
    }

    /// What is at `dst` before it is replaced; refuses a destination whose parent cannot hold it.
    fn probe_replaced(&self, src: &FsPath, dst: &FsPath) -> Result<Option<FileStatus>> {
        let existing = self.probe_target(src, dst)?;
        if existing.is_none() && !self.capabilities().implicit_directories {
            self.require_parent_dir(dst)?;
        }
        Ok(existing)
    }

    /// A directory onto the existing directory `dst`: only if `dst` is empty; delete, then rename (not
    /// atomic: Hadoop's generic order, and S3 has no atomic directory replace).
    fn replace_dir(&self, src: &FsPath, dst: &FsPath) -> Result<()> {
        match self.backend.status(src)? {
            None => return Err(self.not_found(src)),
            Some(s) if !s.is_dir => return Err(self.kinds_differ(src, dst)),
            Some(_) => {}
        }
        let children = self.backend.list_page(dst, None, 1)?.map(|pg| pg.entries).unwrap_or_default();
        if !children.is_empty() || dst.is_root() {
            return Err(Error::at(ErrorKind::DirectoryNotEmpty, self.display(dst),
                format!("cannot replace a non-empty directory with {}: empty or delete it first", self.display(src))));
        }
        self.backend.delete_dir(dst)?;
        self.rename_to(src, dst, false)
    }

    fn kinds_differ(&self, src: &FsPath, dst: &FsPath) -> Error {
        Error::at(ErrorKind::Io, self.display(dst), format!(
            "cannot replace it with {}: a file can only replace a file and a directory only a directory", self.display(src)))
    }

    /// Whether `dst` is a directory (see `probe_target`); not asked under relaxed rename checks.
    fn probe_destination(&self, src: &FsPath, dst: &FsPath) -> Result<bool> {
        if self.backend.relaxed_rename_checks() {
            return Ok(false);
        }
        Ok(self.probe_target(src, dst)?.is_some_and(|s| s.is_dir))
    }

    /// What is at `dst`. Where directories are implicit, the ancestors of `dst` that are not ancestors of
    /// `src` (those are directories: `src` is in them) are checked in the same look, so nothing lands
    /// below a file; a rename within one directory asks nothing more.
    fn probe_target(&self, src: &FsPath, dst: &FsPath) -> Result<Option<FileStatus>> {
        if dst.is_root() {
            return Ok(Some(FileStatus::dir(dst.clone(), 0)));
        }
        if !self.capabilities().implicit_directories {
            return self.backend.status(dst);
        }
        let mut ancestors: Vec<FsPath> = dst.ancestors().filter(|a| !a.is_root() && !src.is_under_or_same(a)).collect();
        ancestors.reverse();
        let view = self.backend.rename_destination(dst, &ancestors)?;
        if let Some(i) = view.file_ancestor {
            return Err(self.parent_is_file(dst, &ancestors[i]));
        }
        Ok(view.existing)
    }

    fn rename_to(&self, src: &FsPath, target: &FsPath, check_parent: bool) -> Result<()> {
        if check_parent && !self.capabilities().implicit_directories {
            self.require_parent_dir(target)?;
        }
        match self.backend.rename_file(src, target) {
            Err(e) if matches!(e.kind, ErrorKind::NotFound | ErrorKind::IsDirectory) => {
                if self.backend.dir_status(src)?.is_none() {
                    return Err(self.not_found(src));
                }
                if self.backend.status(target)?.is_some() {
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
        match self.backend.status(&parent)? {
            Some(s) if s.is_dir => Ok(()),
            Some(_) => Err(self.parent_is_file(p, &parent)),
            None => Err(Error::at(ErrorKind::NotFound, self.display(p),
                format!("the destination's parent directory {} does not exist", self.display(&parent)))),
        }
    }

    /// Deletes `p`. Ok(false) when nothing was there. A non-empty directory without `recursive` →
    /// DirectoryNotEmpty. The root itself is never deleted: a recursive delete of `/` empties it.
    pub fn delete(&self, p: &FsPath, recursive: bool) -> Result<bool> {
        if !p.is_root() {
            match self.backend.delete_if_file(p)? {
                Removed::File => return Ok(true),
                Removed::Nothing => return Ok(false),
                Removed::Directory => {}
            }
        }
        let children = self.backend.list_page(p, None, 1)?.map(|pg| pg.entries).unwrap_or_default();
        if !children.is_empty() && !recursive {
            return Err(Error::at(ErrorKind::DirectoryNotEmpty, self.display(p),
                "directory is not empty: delete it recursively or empty it first"));
        }
        if p.is_root() {
            for child in self.list_all(p)? {
                self.delete(&child.path, true)?;
            }
            return Ok(!children.is_empty());
        }
        self.backend.delete_dir(p)
    }
}
