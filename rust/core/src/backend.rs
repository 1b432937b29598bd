//! The small trait each storage backend implements. Backends provide primitives with precise
//! contracts; the Hadoop rules that combine them (rename into a directory, mkdirs over a file, ...) live
//! once in `fs/`. Calls are blocking: the JNI layer and the CLI call from their own threads, and the S3
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
    /// The object's ETag as the store sends it (HEAD and LIST agree); empty where the store has none
    /// (POSIX, directories).
    pub etag: String,
}

impl FileStatus {
    /// A file of an object store, with the object's ETag.
    pub fn object(path: FsPath, len: u64, modified_ms: i64, etag: Option<String>) -> Self {
        FileStatus { etag: etag.unwrap_or_default(), ..Self::file(path, len, modified_ms) }
    }
    pub fn file(path: FsPath, len: u64, modified_ms: i64) -> Self {
        FileStatus { path, len, is_dir: false, modified_ms, owner: String::new(), group: String::new(), permission: 0o666, etag: String::new() }
    }
    pub fn dir(path: FsPath, modified_ms: i64) -> Self {
        FileStatus { path, len: 0, is_dir: true, modified_ms, owner: String::new(), group: String::new(), permission: 0o777, etag: String::new() }
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
    /// The published file's permission bits (Hadoop's create permission with the umask applied); `None`:
    /// `0o666` less the process umask. Stores without permissions ignore it.
    pub permission: Option<u32>,
    /// The permission bits of missing parent directories the create makes (Hadoop's 0777 less the umask,
    /// as RawLocalFileSystem gives them); `None`: `0o777` less the process umask.
    pub parent_permission: Option<u32>,
}

impl CreateOptions {
    pub fn new(overwrite: bool) -> Self {
        CreateOptions { overwrite, permission: None, parent_permission: None }
    }
}

/// What `Backend::set_attributes` changes (Hadoop's setPermission, setOwner, setTimes); `None` leaves it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Attributes {
    /// setTimes sets both times in one call (each may be left), so they travel together.
    pub times: Times,
    /// Permission bits (`0o7777` mask).
    pub permission: Option<u32>,
    /// Owner and group, by name or numeric id.
    pub owner: Option<String>,
    pub group: Option<String>,
}

/// Milliseconds since the epoch; `None` leaves that time.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Times {
    pub modified_ms: Option<i64>,
    pub accessed_ms: Option<i64>,
}

/// The space of the volume a store lives on, in bytes (Hadoop's `FsStatus`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Space {
    pub capacity: u64,
    pub used: u64,
    pub remaining: u64,
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
    /// Permissions, owners and times are real and settable (`set_attributes`): POSIX, not object stores.
    pub permissions: bool,
    /// A whole tree lists in flat pages (`list_tree_page`: one request per 1,000 keys on S3).
    pub flat_listing: bool,
    /// File statuses carry the store's ETag (`FileStatus::etag`): object stores.
    pub etags: bool,
}

/// An open file. Reads are positional so one reader serves concurrent positioned reads.
pub trait Reader: Send + Sync {
    fn len(&self) -> u64;
    /// Requests this reader sent to the store so far (GETs on S3; 0 where reads are syscalls), for the
    /// stream's statistics.
    fn requests(&self) -> u64 {
        0
    }
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
    /// Drops what the reader holds between reads (the current block, GETs in flight): Hadoop's
    /// `unbuffer`. The next read fetches again. Readers that hold nothing need not override it.
    fn release_buffers(&self) {}
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

/// One status question for `Backend::probe`, the backends' only way to ask what is at a path.
#[derive(Clone, Copy, Debug)]
pub enum Probe<'a> {
    /// A file at the path, else `None` (it may still be a directory). S3: one HEAD.
    File(&'a FsPath),
    /// A directory at the path, else `None`. S3: one LIST of `p/` with max-keys 1.
    Dir(&'a FsPath),
    /// Either kind: S3 asks it in one LIST where a HEAD then a LIST would cost two round trips.
    Entry(&'a FsPath),
    /// The first of these paths (outermost ancestors first) that is a file. Asked together with
    /// `Entry(dst)` for ancestors of `dst`, object stores answer both from one LIST that sees them all;
    /// `dst` then counts as absent when one of its ancestors is a file.
    FirstFile(&'a [FsPath]),
}

/// What `Backend::delete` removes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeleteScope {
    /// The path if it is a file; a directory there is left alone (`Removed::DirectoryKept`).
    File,
    /// The directory at the path and everything below it. The caller checked emptiness when the user
    /// asked for a non-recursive delete.
    Tree,
}

/// What `Backend::delete` found at the path, and removed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Removed {
    /// A file, now deleted.
    File,
    /// A directory tree, now deleted (`DeleteScope::Tree`).
    Directory,
    /// A directory, left alone (`DeleteScope::File`).
    DirectoryKept,
    Nothing,
}

/// The storage primitives. Everything here is mechanism; the Hadoop rules that combine them and the
/// policy switches (`fs::Policy`: S3A's create/rename performance) live in `fs`.
pub trait Backend: Send + Sync + 'static {
    /// The user-facing form of a path for messages: `s3c://bucket/key`, `filec:///dir/file`.
    fn display(&self, p: &FsPath) -> String;
    fn capabilities(&self) -> Capabilities;

    /// Answers several status questions, in order. Object stores ask them all at once (one round trip).
    fn probe(&self, probes: &[Probe<'_>]) -> Result<Vec<Option<FileStatus>>>;

    /// One page of the children of directory `dir`, sorted by name, excluding commitfs' own temporary
    /// entries; `None` if `dir` is not a directory.
    fn list_page(&self, dir: &FsPath, start_after: Option<&str>, max: usize) -> Result<Option<ListPage>>;

    /// Entries per listing page when the caller leaves it to the store (`max` 0): one request's worth.
    fn page_size(&self) -> usize {
        crate::fs::DEFAULT_PAGE
    }

    /// Where `flat_listing`: one page of everything below directory `dir` at any depth, in path order
    /// (files, and the directories the store records; others show in the paths below them); `None` if
    /// `dir` is not a directory. Other backends are never asked.
    fn list_tree_page(&self, dir: &FsPath, _start_after: Option<&str>, _max: usize) -> Result<Option<ListPage>> {
        Err(crate::Error::invalid(format!("{}: this store has no flat listing", self.display(dir))))
    }

    /// Opens a file for reading: NotFound if missing, IsDirectory if a directory.
    fn open(&self, p: &FsPath) -> Result<Box<dyn Reader>>;
    /// Starts writing `p`. The caller (fs) has already done the open-time checks; the backend creates
    /// missing parents where directories are real, and enforces `overwrite=false` atomically at commit.
    fn create(&self, p: &FsPath, opts: &CreateOptions) -> Result<Box<dyn Writer>>;
    /// Creates directory `p` whose parent exists (or is implicit); Ok if it is already a directory.
    fn mkdir(&self, p: &FsPath) -> Result<()>;

    /// Atomically renames file `src` to `dst`. NotFound if `src` is not a file (IsDirectory if it is a
    /// directory, where the backend knows cheaply).
    /// - `overwrite=false`: never replaces anything: AlreadyExists if `dst` exists.
    /// - `overwrite=true`: replaces a file at `dst` atomically for readers: they see the old file or the
    ///   new one, never nothing and never a mix (POSIX: one rename(2); object stores: an unconditional
    ///   COPY onto `dst`, then the DELETE of `src`; `dst` is never deleted first). The caller (fs) has
    ///   checked that `dst` is not a directory and that its parent may hold it.
    fn rename_file(&self, src: &FsPath, dst: &FsPath, overwrite: bool) -> Result<()>;
    /// Renames directory `src` to `dst`, which must not exist. Atomic where `atomic_dir_rename`.
    fn rename_dir(&self, src: &FsPath, dst: &FsPath) -> Result<()>;

    /// Deletes what `scope` covers at `p` and says what it found (see `Removed`).
    fn delete(&self, p: &FsPath, scope: DeleteScope) -> Result<Removed>;

    /// Sets what `attrs` names on the file or directory `p` (NotFound if nothing is there). Stores without
    /// such metadata ignore it, as S3A does.
    fn set_attributes(&self, _p: &FsPath, _attrs: &Attributes) -> Result<()> {
        Ok(())
    }

    /// The space of the volume, where the store has one (not object stores).
    fn space(&self) -> Result<Option<Space>> {
        Ok(None)
    }

    /// Operation counters (S3 requests by method, POSIX syscalls by kind), cumulative since creation.
    fn counters(&self) -> Vec<(String, u64)> {
        Vec::new()
    }
}
