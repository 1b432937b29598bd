//! The blocking face of the object backend, and the one place it crosses from sync to async: the
//! `Backend`, `Reader` and `Writer` traits (called on JNI and CLI threads) and `ObjectBackend`'s tool
//! API. Every method here is one async operation of the modules, driven by `runtime::block_on` on the
//! caller's thread; nothing else in `object/` blocks.

use super::reader::ObjectReader;
use super::writer::{abort_in_background, ObjectWriter};
use super::{ObjectBackend, RolledForward};
use crate::backend::*;
use crate::error::Result;
use crate::path::FsPath;
use crate::runtime::block_on;
use bytes::Bytes;
use std::ops::Range;

impl ObjectBackend {
    /// Raw keys below `prefix` (markers included, commitfs' own objects too): for tests and tools that
    /// check the layout S3A will see.
    pub fn raw_keys(&self, prefix: &str) -> Result<Vec<String>> {
        block_on(self.0.client.all_keys(prefix)).map(|v| v.into_iter().map(|o| o.key).collect())
    }

    /// Deletes staging objects older than `max_age`; returns how many. Runs by itself at most hourly
    /// after a staged publish; tools can call it directly.
    pub fn sweep_staging(&self, max_age: std::time::Duration) -> Result<usize> {
        block_on(self.0.client.sweep_staging(max_age.as_millis() as i64))
    }

    /// Incomplete multipart uploads under `_commitfs/staging/`: writers that died mid-upload (or are
    /// uploading right now: look at `initiated_ms`).
    pub fn staging_uploads(&self) -> Result<Vec<super::Upload>> {
        block_on(self.0.client.keys.list_uploads(super::publish::STAGING_PREFIX))
    }

    /// Aborts one upload `staging_uploads` returned.
    pub fn abort_upload(&self, upload: &super::Upload) -> Result<()> {
        block_on(self.0.client.keys.abort_upload(upload))
    }

    /// Completes directory renames interrupted by a crash whose intent is older than the grace period
    /// (`fs.<scheme>.rename.recovery.grace`); returns what it rolled forward. Safe to run anywhere, any
    /// time, concurrently: every step is idempotent.
    pub fn recover(&self) -> Result<Vec<RolledForward>> {
        self.recover_older_than_ms(self.0.recovery.grace_ms())
    }

    /// Like `recover`, for intents older than `min_age` (zero: all, including renames still running).
    pub fn recover_older_than(&self, min_age: std::time::Duration) -> Result<Vec<RolledForward>> {
        self.recover_older_than_ms(min_age.as_millis() as i64)
    }

    fn recover_older_than_ms(&self, min_age_ms: i64) -> Result<Vec<RolledForward>> {
        let s = &self.0;
        block_on(s.recovery.run(&s.client, &s.copier, s.tuning.copy_concurrency, min_age_ms))
    }

    /// How this store renames files: `rename-object` or `copy` (probes the store on first use).
    pub fn rename_mode(&self) -> Result<&'static str> {
        let in_place = block_on(self.0.mover.in_place(&self.0.client))?;
        Ok(if in_place { "rename-object" } else { "copy" })
    }

    /// Reads the whole object of file `p` with object_store alone (see `hooks.rs`); returns the bytes read.
    #[cfg(feature = "bench-hooks")]
    pub fn raw_read(&self, p: &FsPath) -> Result<u64> {
        block_on(super::hooks::raw_read(&self.0.client, p))
    }

    /// Writes `size` bytes to the object of `p` with object_store alone (see `hooks.rs`).
    #[cfg(feature = "bench-hooks")]
    pub fn raw_write(&self, p: &FsPath, size: u64) -> Result<()> {
        block_on(super::hooks::raw_write(&self.0.client, self.0.tuning.part_size, p, size))
    }
}

impl Backend for ObjectBackend {
    fn display(&self, p: &FsPath) -> String {
        self.0.client.show(p)
    }
    fn capabilities(&self) -> Capabilities {
        Capabilities { atomic_dir_rename: false, implicit_directories: true, durable_close: true, permissions: false, flat_listing: true, etags: true }
    }
    /// A lone `Entry` is one LIST whatever is there (a file, a directory, nothing), where a HEAD then a
    /// LIST would cost a directory or a missing path (Spark's `exists` checks) two requests in two round
    /// trips.
    fn probe(&self, probes: &[Probe<'_>]) -> Result<Vec<Option<FileStatus>>> {
        block_on(self.0.client.probe(probes))
    }
    /// `paging.maximum` (S3A's default 5,000): one LIST's worth of entries per page.
    fn page_size(&self) -> usize {
        self.0.client.page_keys
    }
    fn list_page(&self, dir: &FsPath, start_after: Option<&str>, max: usize) -> Result<Option<ListPage>> {
        block_on(self.0.list_page(dir, start_after, max))
    }
    fn list_tree_page(&self, dir: &FsPath, start_after: Option<&str>, max: usize) -> Result<Option<ListPage>> {
        block_on(self.0.list_tree_page(dir, start_after, max))
    }
    fn open(&self, p: &FsPath) -> Result<Box<dyn Reader>> {
        let s = &self.0;
        block_on(ObjectReader::open(s.client.clone(), s.tuning.readahead, p)).map(|r| Box::new(r) as Box<dyn Reader>)
    }
    fn create(&self, p: &FsPath, opts: &CreateOptions) -> Result<Box<dyn Writer>> {
        Ok(Box::new(ObjectWriter::new(self.0.clone(), p, opts.overwrite)))
    }
    fn mkdir(&self, p: &FsPath) -> Result<()> {
        if p.is_root() {
            return Ok(());
        }
        block_on(self.0.client.keys.put_marker(&p.dir_prefix()))
    }
    fn rename_file(&self, src: &FsPath, dst: &FsPath, overwrite: bool) -> Result<()> {
        if overwrite {
            block_on(self.0.replace_file(src, dst))
        } else {
            block_on(self.0.rename_file(src, dst))
        }
    }
    fn rename_dir(&self, src: &FsPath, dst: &FsPath) -> Result<()> {
        block_on(self.0.rename_dir(src, dst))
    }
    fn delete(&self, p: &FsPath, scope: DeleteScope) -> Result<Removed> {
        block_on(self.0.client.delete(p, scope))
    }
    fn counters(&self) -> Vec<(String, u64)> {
        self.0.client.counters.as_ref().map(|c| c.snapshot()).unwrap_or_default()
    }
}

impl Reader for ObjectReader {
    fn len(&self) -> u64 {
        self.size()
    }
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> Result<usize> {
        block_on(self.read(offset, buf))
    }
    fn requests(&self) -> u64 {
        ObjectReader::requests(self)
    }
    fn read_ranges(&self, ranges: &[Range<u64>]) -> Result<Vec<Bytes>> {
        block_on(self.ranges(ranges))
    }
    fn release_buffers(&self) {
        self.release();
    }
}

impl Writer for ObjectWriter {
    fn write(&mut self, data: &[u8]) -> Result<()> {
        block_on(self.write_slice(data))
    }
    fn write_bytes(&mut self, data: Bytes) -> Result<()> {
        block_on(self.write_owned(data))
    }
    fn commit(&mut self) -> Result<()> {
        block_on(self.publish())
    }
    fn abort(&mut self) {
        if let Some(upload) = self.take_upload() {
            // Best effort: an upload left behind is invisible and reclaimed by the bucket's lifecycle rule.
            if tokio::runtime::Handle::try_current().is_ok() {
                abort_in_background(upload);
            } else {
                drop(block_on(upload.abort()));
            }
        }
    }
    fn bytes_written(&self) -> u64 {
        self.written()
    }
}

impl Drop for ObjectWriter {
    fn drop(&mut self) {
        Writer::abort(self);
    }
}
