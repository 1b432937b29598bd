//! Hadoop's filesystem semantics (filesystem.md), implemented once over any `Backend`. Each rule below is
//! a check made with the cheapest primitive that answers it, so the S3 request counts stay minimal.

mod policy;
mod rename;

use crate::backend::{Attributes, Backend, Capabilities, CreateOptions, DeleteScope, FileStatus, ListPage, Probe, Reader, Removed, Writer};
use crate::error::{Error, ErrorKind, Result};
use crate::path::FsPath;
use std::sync::Arc;

pub use policy::Policy;
pub use rename::RenameMode;

/// Entries per listing page when neither the caller nor the backend says (`Backend::page_size`).
pub const DEFAULT_PAGE: usize = 1000;

pub struct FileSystem {
    backend: Arc<dyn Backend>,
    policy: Policy,
}

impl FileSystem {
    /// A filesystem with the default policy (every check made).
    pub fn new(backend: Arc<dyn Backend>) -> Self {
        Self::with_policy(backend, Policy::default())
    }

    pub fn with_policy(backend: Arc<dyn Backend>, policy: Policy) -> Self {
        FileSystem { backend, policy }
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

    pub fn policy(&self) -> Policy {
        self.policy
    }

    /// One status question to the backend.
    fn ask(&self, q: Probe<'_>) -> Result<Option<FileStatus>> {
        Ok(self.backend.probe(&[q])?.pop().flatten())
    }

    fn not_found(&self, p: &FsPath) -> Error {
        Error::not_found(self.display(p))
    }

    pub fn status(&self, p: &FsPath) -> Result<FileStatus> {
        if p.is_root() {
            return Ok(self.ask(Probe::Dir(p))?.unwrap_or_else(|| FileStatus::dir(p.clone(), 0)));
        }
        if !self.capabilities().implicit_directories {
            return self.ask(Probe::Entry(p))?.ok_or_else(|| self.not_found(p));
        }
        // A status is mostly asked of files (checkpoint and part files, rename sources): a HEAD answers
        // those ($0.0004 on S3 Standard, where the entry LIST costs $0.005), and only a miss pays the LIST
        // of `p/` that finds a directory (HEAD + LIST, as S3A). Same answers as the entry LIST: the key
        // `p` wins over keys below `p/` (a file shadowing a directory of the same name is a file in
        // both), a HEAD of `p` never sees the `p/` marker (nor, on SeaweedFS, the directory behind it:
        // 404, checked), and neither request consults the rename journal, so an interrupted directory
        // rename looks the same to both.
        if let Some(file) = self.ask(Probe::File(p))? {
            return Ok(file);
        }
        self.ask(Probe::Dir(p))?.ok_or_else(|| self.not_found(p))
    }

    /// The status in one look that answers a file, a directory and nothing alike (S3: the entry LIST),
    /// for callers whose path is usually a directory or absent: FileContext's `getFileStatus`, which is
    /// how Hadoop's create checks a parent and how `FileContext.util().exists` (Spark's checkpoint
    /// managers) asks, and createNonRecursive's parent check. `status` would cost those HEAD + LIST.
    pub fn status_in_one_look(&self, p: &FsPath) -> Result<FileStatus> {
        if p.is_root() {
            return self.status(p);
        }
        self.ask(Probe::Entry(p))?.ok_or_else(|| self.not_found(p))
    }

    pub fn exists(&self, p: &FsPath) -> Result<bool> {
        Ok(p.is_root() || self.ask(Probe::Entry(p))?.is_some())
    }

    /// One page of a listing (`max` 0: the backend's page, one request's worth). Listing a file yields that file (Hadoop's `listStatus` rule).
    pub fn list(&self, p: &FsPath, start_after: Option<&str>, max: usize) -> Result<ListPage> {
        let max = if max == 0 { self.backend.page_size() } else { max };
        match self.backend.list_page(p, start_after, max)? {
            Some(page) => Ok(page),
            None => self.list_non_directory(p, start_after),
        }
    }

    /// One page of everything below `p` at any depth (Hadoop's `listFiles(p, true)` and content summary)
    /// where the store lists trees flat (`Capabilities::flat_listing`): files, and the directories the
    /// store records, in path order; `next` resumes. Listing a file yields that file.
    pub fn list_tree(&self, p: &FsPath, start_after: Option<&str>, max: usize) -> Result<ListPage> {
        if !self.capabilities().flat_listing {
            return Err(Error::invalid(format!("{}: this store lists directory by directory", self.display(p))));
        }
        let max = if max == 0 { self.backend.page_size() } else { max };
        match self.backend.list_tree_page(p, start_after, max)? {
            Some(page) => Ok(page),
            None => self.list_non_directory(p, start_after),
        }
    }

    /// What listing `p` gives when it is no directory: the file, or NotFound.
    fn list_non_directory(&self, p: &FsPath, start_after: Option<&str>) -> Result<ListPage> {
        if p.is_root() {
            return Ok(ListPage::default());
        }
        match self.ask(Probe::File(p))? {
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
            let page = self.list(p, after.as_deref(), 0)?;
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
        self.mkdirs_with(p, None, None)
    }

    /// As `mkdirs`, where permissions are real giving the directories it creates these modes (Hadoop's
    /// mkdirs permission with the umask applied: `leaf` for `p`, `parents` for missing ancestors, as
    /// RawLocalFileSystem does); `None`: 0777 less the process umask. Existing directories keep theirs.
    pub fn mkdirs_with(&self, p: &FsPath, leaf: Option<u32>, parents: Option<u32>) -> Result<()> {
        if p.is_root() {
            return Ok(());
        }
        if self.capabilities().implicit_directories {
            return self.mkdirs_implicit(p);
        }
        match self.ask(Probe::Entry(p))? {
            Some(s) if s.is_dir => return Ok(()),
            Some(_) => return Err(self.file_in_the_way(p)),
            None => {}
        }
        let mut missing = vec![p.clone()];
        for a in p.ancestors().filter(|a| !a.is_root()) {
            match self.ask(Probe::Entry(&a))? {
                Some(s) if s.is_dir => break,
                Some(_) => return Err(self.parent_is_file(p, &a)),
                None => missing.push(a),
            }
        }
        for d in missing.iter().rev() {
            self.backend.mkdir(d)?;
            let mode = if d == p { leaf } else { parents };
            if let Some(permission) = mode.filter(|_| self.capabilities().permissions) {
                self.backend.set_attributes(d, &Attributes { permission: Some(permission), ..Attributes::default() })?;
            }
        }
        Ok(())
    }

    /// Hadoop's setPermission/setOwner/setTimes: NotFound if nothing is at `p`; a no-op on stores
    /// without such metadata (S3A's behaviour), which do not probe.
    pub fn set_attributes(&self, p: &FsPath, attrs: &Attributes) -> Result<()> {
        if !self.capabilities().permissions {
            return Ok(());
        }
        self.backend.set_attributes(p, attrs)
    }

    /// The volume's capacity, used and remaining bytes, where the store has a volume.
    pub fn space(&self) -> Result<Option<crate::backend::Space>> {
        self.backend.space()
    }

    /// Where directories are implicit only the leaf's marker is written, once no ancestor is a file. The
    /// walk lists each ancestor (a hit ends it: a directory's ancestors are directories) and, in the same
    /// round trip, HEADs the level below it, which the previous list found empty and so may be a file.
    /// One new level: LIST of `p` (a file or a directory?), LIST of the parent, PUT.
    fn mkdirs_implicit(&self, p: &FsPath) -> Result<()> {
        match self.ask(Probe::Entry(p))? {
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
        self.create_with(p, &CreateOptions::new(overwrite), false)
    }

    /// As `create`, with every option (the published file's permission), and `performance`: this call
    /// skips the open-time probes even where the store's policy does not (S3A's per-call
    /// `fs.s3a.create.performance` of `createFile()`); an exclusive create is then refused at commit.
    pub fn create_with(&self, p: &FsPath, opts: &CreateOptions, performance: bool) -> Result<Box<dyn Writer>> {
        let overwrite = opts.overwrite;
        if p.is_root() {
            return Err(Error::at(ErrorKind::IsDirectory, self.display(p), "cannot create a file at the root"));
        }
        if self.capabilities().implicit_directories {
            self.create_checks_implicit(p, overwrite, performance)?;
        } else {
            if let Some(s) = self.ask(Probe::Entry(p))? {
                self.refuse_create_over(p, s.is_dir, overwrite)?;
            }
            if let Some(parent) = p.parent().filter(|q| !q.is_root()) {
                match self.ask(Probe::Entry(&parent))? {
                    Some(s) if s.is_dir => {}
                    Some(_) => return Err(self.parent_is_file(p, &parent)),
                    None => self.mkdirs_with(&parent, opts.parent_permission, opts.parent_permission)?,
                }
            }
        }
        self.backend.create(p, opts)
    }

    /// One request: for `overwrite=false` a LIST that finds a file or a directory at `p`, else a LIST of
    /// `p/` (a file there may be replaced). With the store's `Policy::relaxed_create_checks` (S3A's
    /// `create.performance`) only a HEAD of `p` when `overwrite=false`, to fail fast. A caller asking for
    /// performance on this call (`per_call`: the checkpoint manager's `createFile().opt(...)`) gets no
    /// probe at all: the conditional PUT (`If-None-Match: *`, or the staged copy-if-absent) at close is
    /// what makes an exclusive create exclusive anyway, so the HEAD only moved the refusal earlier; it
    /// now comes from `close`, as Spark's own temp-file-then-rename reports a lost race. As S3A, the
    /// parent is not probed: where directories are implicit a file as parent is refused by mkdirs and
    /// rename, not by create (the contract option `create-file-under-file-allowed` says so).
    fn create_checks_implicit(&self, p: &FsPath, overwrite: bool, per_call: bool) -> Result<()> {
        let probe = match (overwrite, per_call || self.policy.relaxed_create_checks) {
            (false, false) => Probe::Entry(p),
            (false, true) if !per_call => Probe::File(p),
            (true, false) => Probe::Dir(p),
            _ => return Ok(()),
        };
        match self.ask(probe)? {
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

    /// Deletes `p`. Ok(false) when nothing was there. A non-empty directory without `recursive` →
    /// DirectoryNotEmpty. The root itself is never deleted: a recursive delete of `/` empties it.
    pub fn delete(&self, p: &FsPath, recursive: bool) -> Result<bool> {
        if !p.is_root() {
            match self.backend.delete(p, DeleteScope::File)? {
                Removed::File => return Ok(true),
                Removed::Nothing => return Ok(false),
                Removed::DirectoryKept | Removed::Directory => {}
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
        Ok(self.backend.delete(p, DeleteScope::Tree)? == Removed::Directory)
    }
}
