//! The small trait each storage backend implements. Backends provide primitives with precise
//! contracts; the Hadoop rules that combine them (rename into a directory, mkdirs over a file, ...) live
//! once in `fs.rs`. Calls are blocking: the JNI layer and the CLI call from their own threads, and the S3
//! backend drives its async client on the shared runtime (see `runtime.rs`).

use crate::error::Result;
use crate::path::FsPath;
use bytes::Bytes;
use std::ops::Range;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileStatus {
    pub path: FsPath,
    pub len: u64,
    pub is_dir: bool,
    /// Milliseconds since the epoch; 0 where the store has none (S3 directories).
    pub modified_ms: i64,
    /// Owner and group names; empty where the store has none (S3: the binding uses the current user).
    pub owner: String,
    pub group: String,
    /// Permission bits (`0o7777` mask).
    pub permission: u32,
}

impl FileStatus {
    pub fn file(path: FsPath, len: u64, modified_ms: i64) -> Self {
        FileStatus { path, len, is_dir: false, modified_ms, owner: String::new(), group: String::new(), permission: 0o666 }
    }
    pub fn dir(path: FsPath, modified_ms: i64) -> Self {
        FileStatus { path, len: 0, is_dir: true, modified_ms, owner: String::new(), group: String::new(), permission: 0o777 }
    }
}

#[derive(Clone, Debug, Default)]
pub struct ListPage {
    /// Children sorted by name (byte order).
    pub entries: Vec<FileStatus>,
    /// Pass back as `start_after` to get the next page; `None` when this was the last page.
    pub next: Option<String>,
}

#[derive(Clone, Debug)]
pub struct CreateOptions {
    /// `false`: publishing fails with AlreadyExists if anything exists at the path by then (G1).
    /// `true`: publishing replaces an existing file atomically (G3).
    pub overwrite: bool,
}

/// What a backend truthfully provides; bindings report these as Hadoop path capabilities.
#[derive(Clone, Copy, Debug)]
pub struct Capabilities {
    /// Directory rename is a single atomic step (POSIX rename(2)); false for object stores.
    pub atomic_dir_rename: bool,
    /// Directories exist implicitly as key prefixes: mkdirs only needs the leaf, and rename/create do not
    /// probe every ancestor (S3A's model).
    pub implicit_directories: bool,
    /// close() returns only after data and name are on stable storage (fsync on POSIX).
    pub durable_close: bool,
}

/// An open file. Reads are positional so one reader serves concurrent positioned reads.
pub trait Reader: Send + Sync {
    fn len(&self) -> u64;
    /// Reads up to `buf.len()` bytes at `offset`; returns fewer only at end of file (0 at or past it).
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> Result<usize>;
    /// Reads several ranges; backends coalesce nearby ranges into fewer requests where that pays.
    fn read_ranges(&self, ranges: &[Range<u64>]) -> Result<Vec<Bytes>> {
        ranges
            .iter()
            .map(|r| {
                let mut buf = vec![0u8; (r.end - r.start) as usize];
                let mut done = 0;
                while done < buf.len() {
                    let n = self.read_at(r.start + done as u64, &mut buf[done..])?;
                    if n == 0 {
                        return Err(crate::Error::new(crate::ErrorKind::EndOfFile, None,
                            format!("range {}..{} ends past the end of the file ({} bytes)", r.start, r.end, self.len())));
                    }
                    done += n;
                }
                Ok(Bytes::from(buf))
            })
            .collect()
    }
}

/// A file being written. Nothing is visible at the final path until `commit` returns Ok (G2).
pub trait Writer: Send {
    fn write(&mut self, data: &[u8]) -> Result<()>;
    /// Publishes the file per its `CreateOptions` and, where the backend is durable, syncs it (G7).
    /// On error the temporary state is cleaned up and nothing is published.
    fn commit(&mut self) -> Result<()>;
    /// Discards everything written; idempotent. Dropping an uncommitted writer aborts it.
    fn abort(&mut self);
    fn bytes_written(&self) -> u64;

    /// As `write`, with a buffer the writer may keep instead of copying (the JNI face hands over the
    /// buffers Java filled). Writers that copy anyway need not override it.
    fn write_bytes(&mut self, data: bytes::Bytes) -> Result<()> {
        self.write(&data)
    }
}

/// One status question for `Backend::probe`.
#[derive(Clone, Copy, Debug)]
pub enum Probe<'a> {
    /// As `file_status`.
    File(&'a FsPath),
    /// As `dir_status`.
    Dir(&'a FsPath),
    /// As `status` (a file, else a directory), asked in one request where the backend can: the object
    /// backend sends one LIST where `status` sends a HEAD, then a LIST after a miss.
    Entry(&'a FsPath),
}

/// What a rename learns of its destination where directories are implicit (`Backend::rename_destination`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DestinationView {
    /// The index of the first ancestor found to be a file.
    pub file_ancestor: Option<usize>,
    /// What is at the destination: a file, a directory, or nothing.
    pub existing: Option<FileStatus>,
}

/// What `Backend::delete_if_file` found at the path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Removed {
    /// A file, now deleted.
    File,
    /// A directory, left alone.
    Directory,
    Nothing,
}

pub trait Backend: Send + Sync + 'static {
    /// The user-facing form of a path for messages: `s3c://bucket/key`, `filec:///dir/file`.
    fn display(&self, p: &FsPath) -> String;
    fn capabilities(&self) -> Capabilities;

    /// The status of `p` if it is a file, else `None` (it may still be a directory). S3: one HEAD.
    fn file_status(&self, p: &FsPath) -> Result<Option<FileStatus>>;
    /// The status of `p` if it is a directory, else `None`. S3: one LIST of `p/` with max-keys 1.
    fn dir_status(&self, p: &FsPath) -> Result<Option<FileStatus>>;
    /// Either kind. Backends that learn both in one call (POSIX stat) override this.
    fn status(&self, p: &FsPath) -> Result<Option<FileStatus>> {
        match self.file_status(p)? {
            Some(s) => Ok(Some(s)),
            None => self.dir_status(p),
        }
    }

    /// Answers several questions, in order. Object stores ask them all at once (one round trip).
    fn probe(&self, probes: &[Probe<'_>]) -> Result<Vec<Option<FileStatus>>> {
        probes
            .iter()
            .map(|q| match *q {
                Probe::File(p) => self.file_status(p),
                Probe::Dir(p) => self.dir_status(p),
                Probe::Entry(p) => self.status(p),
            })
            .collect()
    }
    /// What is at `dst`, and which of `ancestors` (outermost first) is a file, if any. The default asks
    /// it all in one `probe`; object stores first try one LIST that sees them all.
    fn rename_destination(&self, dst: &FsPath, ancestors: &[FsPath]) -> Result<DestinationView> {
        let mut probes = vec![Probe::Entry(dst)];
        probes.extend(ancestors.iter().map(Probe::File));
        let mut found = self.probe(&probes)?;
        let file_ancestor = found[1..].iter().position(Option::is_some);
        Ok(DestinationView { file_ancestor, existing: found.swap_remove(0) })
    }
    /// S3A's `create.performance`: `create` skips its open-time probes, except the HEAD that makes an
    /// exclusive create fail fast (the commit stays exclusive either way).
    fn relaxed_create_checks(&self) -> bool {
        false
    }
    /// `rename.performance`, the same bargain for `rename` of a file: no probe of the destination, which
    /// is taken to be the file's new name (not a directory to move into) whose ancestors are no files.
    /// The rename stays atomic and never overwrites (the conditional copy): COPY + DELETE on S3.
    fn relaxed_rename_checks(&self) -> bool {
        false
    }

    /// One page of the children of directory `dir`, sorted by name, excluding commitfs' own temporary
    /// entries; `None` if `dir` is not a directory.
    fn list_page(&self, dir: &FsPath, start_after: Option<&str>, max: usize) -> Result<Option<ListPage>>;

    /// Opens a file for reading: NotFound if missing, IsDirectory if a directory.
    fn open(&self, p: &FsPath) -> Result<Box<dyn Reader>>;
    /// Starts writing `p`. The caller (fs.rs) has already done the open-time checks; the backend creates
    /// missing parents where directories are real, and enforces `overwrite=false` atomically at commit.
    fn create(&self, p: &FsPath, opts: &CreateOptions) -> Result<Box<dyn Writer>>;
    /// Creates directory `p` whose parent exists (or is implicit); Ok if it is already a directory.
    fn mkdir(&self, p: &FsPath) -> Result<()>;

    /// Atomically renames file `src` to `dst` without replacing anything: NotFound if `src` is not a file
    /// (IsDirectory if it is a directory, where the backend knows cheaply), AlreadyExists if `dst` exists.
    fn rename_file(&self, src: &FsPath, dst: &FsPath) -> Result<()>;
    /// Renames directory `src` to `dst`, which must not exist. Atomic where `atomic_dir_rename`.
    fn rename_dir(&self, src: &FsPath, dst: &FsPath) -> Result<()>;
    /// Renames file `src` to `dst`, replacing a file at `dst` atomically for readers: they see the old
    /// file or the new one, never nothing and never a mix (POSIX: one rename(2); object stores: an
    /// unconditional COPY onto `dst`, then the DELETE of `src`; `dst` is never deleted first). NotFound
    /// if `src` is not a file (IsDirectory if it is a directory, where the backend knows cheaply). The
    /// caller (fs.rs) has checked that `dst` is not a directory and that its parent may hold it.
    fn replace_file(&self, src: &FsPath, dst: &FsPath) -> Result<()>;

    /// Deletes file `p`; Ok(false) if there was none.
    fn delete_file(&self, p: &FsPath) -> Result<bool>;
    /// Deletes `p` if it is a file; a directory is left for `delete_dir`. The default asks `status` first;
    /// backends that can tell from the delete itself, or learn more from one look, override it.
    fn delete_if_file(&self, p: &FsPath) -> Result<Removed> {
        Ok(match self.status(p)? {
            Some(s) if s.is_dir => Removed::Directory,
            Some(_) if self.delete_file(p)? => Removed::File,
            _ => Removed::Nothing,
        })
    }
    /// Deletes directory `p` and everything below it; Ok(false) if there was none. The caller checked
    /// emptiness when the user asked for a non-recursive delete.
    fn delete_dir(&self, p: &FsPath) -> Result<bool>;

    /// Operation counters (S3 requests by method, POSIX syscalls by kind), cumulative since creation.
    fn counters(&self) -> Vec<(String, u64)> {
        Vec::new()
    }
}
