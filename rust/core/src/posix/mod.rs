//! POSIX backend (EFS, NFS, local disks): real directories; files written to a hidden temp file in the
//! target directory and published with one renameat2(RENAME_NOREPLACE) (or link()+unlink() where the
//! filesystem lacks it, e.g. NFS) or rename(2) for overwrites; file and directory fsync before returning.
//!
//! Configuration (`<scheme>` is the URI scheme, `filec` by default):
//! - `fs.<scheme>.root` (default `/`): directory the paths are mapped below: `filec:///a/b` is
//!   `<root>/a/b`. It must exist. With a root other than `/`, paths that resolve outside it through
//!   symlinks are refused (one realpath per operation, paid only when a root is set).
//! - `fs.<scheme>.fsync` (default `true`): fsync the file and its directory before commit, rename,
//!   mkdir and delete return. `false` trades durability for speed (benchmarks, scratch data).
//! - `fs.<scheme>.temp.max-age` (default `24h`; bare numbers are seconds): temp files whose writer is not
//!   provably dead (other hosts sharing the filesystem, older versions) are removed by listings once
//!   older than this; those of writers on this machine that are gone are removed by the next listing
//!   (see `temp.rs`).
//! - `fs.<scheme>.noreplace` (`auto` default, or `link`): `auto` tries renameat2(RENAME_NOREPLACE) and
//!   switches to link()+unlink() for good when the filesystem refuses it; `link` always uses
//!   link()+unlink() (what NFS gets; also how tests exercise that path).
//!
//! The URI authority must be empty (`filec:///abs/path`).

mod attrs;
mod errors;
mod meta;
mod owner;
mod reader;
mod sys;
mod temp;
mod tree;
mod writer;

use crate::backend::*;
use crate::config::Config;
use crate::error::{Error, ErrorKind, Result};
use crate::path::FsPath;
use std::io;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use sys::{fsync_dir, Counters, NoReplace, Op, Published};
pub use sys::{is_unsupported, rename_noreplace};

pub(crate) struct Inner {
    scheme: String,
    root: PathBuf,
    confined: bool,
    fsync: bool,
    counters: Counters,
    noreplace: NoReplace,
    sweeper: temp::Sweeper,
    names: meta::Names,
}

pub struct PosixBackend {
    inner: Arc<Inner>,
}

impl PosixBackend {
    pub fn from_config(scheme: &str, authority: &str, conf: &Config) -> Result<Self> {
        if !authority.is_empty() {
            return Err(Error::invalid(format!(
                "{scheme}://{authority}/: the POSIX backend takes no authority; write {scheme}:///absolute/path"
            )));
        }
        let settings = crate::settings::PosixSettings::read(scheme, conf)?;
        let root_key = format!("fs.{scheme}.root");
        let root_raw = settings.root.as_str();
        let root = std::fs::canonicalize(root_raw)
            .ok()
            .filter(|r| r.is_dir())
            .ok_or_else(|| Error::invalid(format!("{root_key}={root_raw}: not an existing directory; create it first")))?;
        Ok(PosixBackend {
            inner: Arc::new(Inner {
                scheme: scheme.to_string(),
                confined: root != Path::new("/"),
                root,
                fsync: settings.fsync,
                counters: Counters::default(),
                noreplace: NoReplace::new(settings.force_link),
                sweeper: temp::Sweeper::new(settings.temp_max_age),
                names: meta::Names::default(),
            }),
        })
    }

    fn local(&self, p: &FsPath) -> PathBuf {
        if p.is_root() { self.inner.root.clone() } else { self.inner.root.join(p.key()) }
    }

    /// The local path of `p`, refused if it resolves outside the root. `follow_last`: the operation
    /// follows a symlink in the last component (open, stat, list), so the whole path is checked;
    /// otherwise (create, rename, unlink, mkdir) only its parent is.
    fn resolve(&self, p: &FsPath, follow_last: bool) -> Result<PathBuf> {
        let local = self.local(p);
        if !self.inner.confined {
            return Ok(local);
        }
        let checked = if follow_last || p.is_root() { local.clone() } else { local.parent().unwrap_or(&local).to_path_buf() };
        self.inner.counters.add(Op::Realpath);
        match std::fs::canonicalize(&checked) {
            Ok(real) if !real.starts_with(&self.inner.root) => Err(Error::at(ErrorKind::PermissionDenied, self.display(p),
                format!("resolves to {} (through a symlink), outside the configured root {}; \
                         commitfs never leaves fs.{}.root", real.display(), self.inner.root.display(), self.inner.scheme))),
            // Missing paths are the operation's own NotFound to report.
            _ => Ok(local),
        }
    }

    fn err(&self, e: io::Error, what: &str, p: &FsPath, local: &Path) -> Error {
        errors::map(e, what, &self.display(p), local)
    }

    fn count(&self, op: Op) {
        self.inner.counters.add(op);
    }

    fn sync_dir_of(&self, local: &Path, p: &FsPath) -> Result<()> {
        if self.inner.fsync {
            let parent = local.parent().unwrap_or(Path::new("/"));
            fsync_dir(&self.inner.counters, parent).map_err(|e| self.err(e, "fsync the parent directory", p, parent))?;
        }
        Ok(())
    }

    fn sync_dirs_of(&self, a: &Path, b: &Path, p: &FsPath) -> Result<()> {
        self.sync_dir_of(a, p)?;
        if a.parent() != b.parent() {
            self.sync_dir_of(b, p)?;
        }
        Ok(())
    }

    /// NotFound for a rename whose destination parent may be the missing piece.
    fn rename_not_found(&self, src: &FsPath, dst: &FsPath, dst_local: &Path) -> Error {
        let parent = dst_local.parent().unwrap_or(Path::new("/"));
        self.count(Op::Stat);
        if std::fs::metadata(parent).is_err() {
            let shown = dst.parent().map(|d| self.display(&d)).unwrap_or_default();
            return Error::at(ErrorKind::NotFound, self.display(dst),
                format!("cannot rename {} here: the destination's parent directory {shown} does not exist", self.display(src)));
        }
        Error::not_found(self.display(src))
    }

    /// NotFound if `src` is missing, IsDirectory if it is a directory: rename(2) would move a directory.
    fn require_source_file(&self, src: &FsPath, from: &Path) -> Result<()> {
        self.count(Op::Stat);
        match std::fs::symlink_metadata(from) {
            Ok(m) if m.is_dir() => Err(Error::at(ErrorKind::IsDirectory, self.display(src), "is a directory, not a file")),
            Ok(_) => Ok(()),
            Err(e) => Err(self.err(e, "rename", src, from)),
        }
    }

    fn stat(&self, p: &FsPath) -> Result<Option<FileStatus>> {
        let local = self.resolve(p, true)?;
        self.count(Op::Stat);
        match std::fs::metadata(&local) {
            Ok(m) => Ok(Some(self.inner.names.status(p.clone(), &m))),
            Err(e) if matches!(e.raw_os_error(), Some(libc::ENOENT) | Some(libc::ENOTDIR)) => Ok(None),
            Err(e) => Err(self.err(e, "get the status", p, &local)),
        }
    }

    fn list_dir(&self, dir: &FsPath, start_after: Option<&str>, max: usize) -> Result<Option<ListPage>> {
        let local = self.resolve(dir, true)?;
        self.count(Op::Readdir);
        let entries = match std::fs::read_dir(&local) {
            Ok(rd) => rd,
            Err(e) if matches!(e.raw_os_error(), Some(libc::ENOENT) | Some(libc::ENOTDIR)) => return Ok(None),
            Err(e) => return Err(self.err(e, "list the directory", dir, &local)),
        };
        let (mut visible, mut temps) = (Vec::new(), Vec::new());
        for entry in entries {
            let entry = entry.map_err(|e| self.err(e, "list the directory", dir, &local))?;
            // Names that are not UTF-8 cannot be Hadoop paths: they are not listed.
            let Some(name) = entry.file_name().to_str().map(str::to_string) else { continue };
            if temp::is_temp(&name) {
                temps.push(name);
            } else if start_after.is_none_or(|a| name.as_str() > a) {
                visible.push((name, entry));
            }
        }
        self.inner.sweeper.maybe_sweep(&self.inner.counters, &local, &temps);
        visible.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let more = visible.len() > max;
        visible.truncate(max);
        let next = if more { visible.last().map(|(n, _)| n.clone()) } else { None };
        let mut page = Vec::with_capacity(visible.len());
        for (name, entry) in visible {
            let Ok(path) = dir.child(&name) else { continue };
            self.count(Op::Stat);
            let is_link = entry.file_type().map(|t| t.is_symlink()).unwrap_or(false);
            let meta = if is_link { std::fs::metadata(entry.path()) } else { entry.metadata() };
            // Entries removed since readdir (and dangling symlinks) are skipped.
            if let Ok(m) = meta {
                page.push(self.inner.names.status(path, &m));
            }
        }
        Ok(Some(ListPage { entries: page, next }))
    }
}

impl Backend for PosixBackend {
    fn display(&self, p: &FsPath) -> String {
        format!("{}://{}", self.inner.scheme, p)
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities { atomic_dir_rename: true, implicit_directories: false, durable_close: self.inner.fsync, permissions: true, flat_listing: false, etags: false }
    }

    /// One stat(2) answers any question about one path.
    fn probe(&self, probes: &[Probe<'_>]) -> Result<Vec<Option<FileStatus>>> {
        probes
            .iter()
            .map(|q| match *q {
                Probe::File(p) => Ok(self.stat(p)?.filter(|s| !s.is_dir)),
                Probe::Dir(p) => Ok(self.stat(p)?.filter(|s| s.is_dir)),
                Probe::Entry(p) => self.stat(p),
                Probe::FirstFile(ps) => {
                    for p in ps {
                        if let Some(s) = self.stat(p)?.filter(|s| !s.is_dir) {
                            return Ok(Some(s));
                        }
                    }
                    Ok(None)
                }
            })
            .collect()
    }

    fn list_page(&self, dir: &FsPath, start_after: Option<&str>, max: usize) -> Result<Option<ListPage>> {
        self.list_dir(dir, start_after, max.max(1))
    }

    fn open(&self, p: &FsPath) -> Result<Box<dyn Reader>> {
        let local = self.resolve(p, true)?;
        self.count(Op::Open);
        let file = std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_CLOEXEC)
            .open(&local)
            .map_err(|e| self.err(e, "open the file", p, &local))?;
        self.count(Op::Stat);
        let m = file.metadata().map_err(|e| self.err(e, "open the file", p, &local))?;
        if m.is_dir() {
            return Err(Error::at(ErrorKind::IsDirectory, self.display(p), "cannot open a directory for reading"));
        }
        Ok(Box::new(reader::PosixReader { file, len: m.len(), local, shown: self.display(p), inner: self.inner.clone() }))
    }

    fn create(&self, p: &FsPath, opts: &CreateOptions) -> Result<Box<dyn Writer>> {
        let local = self.resolve(p, false)?;
        Ok(Box::new(writer::TempWriter::create(self.inner.clone(), local, self.display(p), opts)?))
    }

    fn mkdir(&self, p: &FsPath) -> Result<()> {
        let local = self.resolve(p, false)?;
        self.count(Op::Mkdir);
        match std::fs::create_dir(&local) {
            Ok(()) => self.sync_dir_of(&local, p),
            Err(e) if e.raw_os_error() == Some(libc::EEXIST) => {
                self.count(Op::Stat);
                match std::fs::metadata(&local) {
                    Ok(m) if m.is_dir() => Ok(()),
                    _ => Err(Error::at(ErrorKind::AlreadyExists, self.display(p), "cannot create a directory: a file exists at this path")),
                }
            }
            Err(e) => Err(self.err(e, "create the directory", p, &local)),
        }
    }

    /// Without overwrite: renameat2(RENAME_NOREPLACE) (or link()+unlink()). With overwrite: one
    /// rename(2), which replaces a file at `dst` atomically (readers open the old inode or the new one).
    /// Then the same directory fsyncs either way (G7).
    fn rename_file(&self, src: &FsPath, dst: &FsPath, overwrite: bool) -> Result<()> {
        let (from, to) = (self.resolve(src, false)?, self.resolve(dst, false)?);
        self.require_source_file(src, &from)?;
        let outcome = if overwrite {
            self.count(Op::Rename);
            std::fs::rename(&from, &to).map(|_| Published::Done)
        } else {
            self.inner.noreplace.rename(&self.inner.counters, &from, &to, true)
        };
        match outcome {
            Ok(Published::Done) => self.sync_dirs_of(&from, &to, dst),
            Ok(Published::Exists) => Err(Error::already_exists(self.display(dst))),
            Err(e) if e.raw_os_error() == Some(libc::ENOENT) => Err(self.rename_not_found(src, dst, &to)),
            Err(e) if overwrite => Err(self.err(e, &format!("replace this file with {}", self.display(src)), dst, &to)),
            Err(e) => Err(self.err(e, &format!("rename {} here", self.display(src)), dst, &to)),
        }
    }

    fn rename_dir(&self, src: &FsPath, dst: &FsPath) -> Result<()> {
        let (from, to) = (self.resolve(src, false)?, self.resolve(dst, false)?);
        let c = &self.inner.counters;
        let outcome = match self.inner.noreplace.rename(c, &from, &to, false) {
            Err(e) if e.raw_os_error() == Some(libc::EOPNOTSUPP) => {
                // No RENAME_NOREPLACE here: check, then rename(2). Not race-free: a directory created
                // at `dst` between the two steps may be replaced if it is empty.
                c.add(Op::Stat);
                if std::fs::symlink_metadata(&to).is_ok() {
                    Ok(Published::Exists)
                } else {
                    c.add(Op::Rename);
                    std::fs::rename(&from, &to).map(|_| Published::Done)
                }
            }
            other => other,
        };
        match outcome {
            Ok(Published::Done) => self.sync_dirs_of(&from, &to, dst),
            Ok(Published::Exists) => Err(Error::already_exists(self.display(dst))),
            Err(e) if e.raw_os_error() == Some(libc::ENOENT) => Err(self.rename_not_found(src, dst, &to)),
            Err(e) => Err(self.err(e, &format!("rename {} here", self.display(src)), dst, &to)),
        }
    }

    fn delete(&self, p: &FsPath, scope: DeleteScope) -> Result<Removed> {
        match scope {
            DeleteScope::File => self.delete_if_file(p),
            DeleteScope::Tree => Ok(if self.delete_dir(p)? { Removed::Directory } else { Removed::Nothing }),
        }
    }

    fn set_attributes(&self, p: &FsPath, attrs: &Attributes) -> Result<()> {
        let local = self.resolve(p, true)?;
        attrs::set(&self.inner.counters, &local, attrs).map_err(|e| self.err(e, "change the permission, owner or times", p, &local))
    }

    fn space(&self) -> Result<Option<Space>> {
        attrs::space(&self.inner.counters, &self.inner.root).map(Some).map_err(|e| self.err(e, "read the free space of the volume", &FsPath::root(), &self.inner.root))
    }

    fn counters(&self) -> Vec<(String, u64)> {
        self.inner.counters.snapshot()
    }
}

impl PosixBackend {
    /// unlink(2) itself tells a file (gone) from a directory (EISDIR) or nothing: no stat first.
    fn delete_if_file(&self, p: &FsPath) -> Result<Removed> {
        let local = self.resolve(p, false)?;
        self.count(Op::Unlink);
        match std::fs::remove_file(&local) {
            Ok(()) => self.sync_dir_of(&local, p).map(|_| Removed::File),
            Err(e) => match e.raw_os_error() {
                Some(libc::EISDIR) => Ok(Removed::DirectoryKept),
                Some(libc::ENOENT | libc::ENOTDIR) => Ok(Removed::Nothing),
                _ => Err(self.err(e, "delete the file", p, &local)),
            },
        }
    }

    /// The directory first moves to a hidden temp name (one rename: it disappears from status and
    /// listings at once), then its tree is removed. A crash mid-way leaves a hidden temp directory
    /// that listings sweep once it is older than the temp max-age.
    fn delete_dir(&self, p: &FsPath) -> Result<bool> {
        let local = self.resolve(p, false)?;
        self.count(Op::Stat);
        match std::fs::symlink_metadata(&local) {
            Ok(m) if m.is_dir() => {}
            Ok(_) => return Err(Error::at(ErrorKind::NotDirectory, self.display(p), "cannot delete as a directory: it is a file")),
            Err(e) if e.raw_os_error() == Some(libc::ENOENT) => return Ok(false),
            Err(e) => return Err(self.err(e, "delete the directory", p, &local)),
        }
        let name = local.file_name().and_then(|n| n.to_str()).unwrap_or("dir");
        let hidden = local.with_file_name(temp::name_for(name));
        self.count(Op::Rename);
        let doomed = match std::fs::rename(&local, &hidden) {
            Ok(()) => {
                self.sync_dir_of(&local, p)?;
                hidden.clone()
            }
            Err(e) if e.raw_os_error() == Some(libc::ENOENT) => return Ok(false),
            // A mount point or an unrenamable directory: delete it in place.
            Err(_) => local.clone(),
        };
        if let Err(e) = tree::remove_tree(&self.inner.counters, &doomed) {
            if doomed == hidden {
                self.count(Op::Rename);
                let _ = std::fs::rename(&hidden, &local);
            }
            return Err(self.err(e, "delete the directory tree", p, &local));
        }
        if doomed == local {
            self.sync_dir_of(&local, p)?;
        }
        Ok(true)
    }
}
