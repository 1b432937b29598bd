//! Reads: one GET of the first block at open (length, ETag and the first bytes), then ranged GETs pinned
//! to that ETag (a file replaced while being read fails with Conflict instead of mixing versions): a
//! window of GETs in flight for sequential reads (`readahead.rs`), small ranges for random ones, and
//! coalesced multi-range reads.

use super::block::Block;
use super::readahead::{Plan, Readahead};
use super::client::Client;
use super::{location, map_err};
use crate::error::{Error, ErrorKind, Result};
use crate::path::FsPath;
use bytes::Bytes;
use object_store::path::Path;
use object_store::{GetOptions, GetRange, ObjectStoreExt};
use parking_lot::Mutex;
use std::ops::Range;
use std::sync::Arc;

/// Bytes fetched at open (capped by the readahead).
const OPEN_BLOCK: u64 = 64 << 10;

pub struct ObjectReader {
    object: Arc<Version>,
    len: u64,
    /// The last block fetched.
    block: Mutex<Option<Block>>,
    ahead: Mutex<Readahead>,
}

/// The version of the object this reader reads; shared with the GETs running in the background.
struct Version {
    client: Arc<Client>,
    path: FsPath,
    location: Path,
    etag: Option<String>,
}

impl ObjectReader {
    /// Drops the current block and cancels the read-ahead window (Hadoop's unbuffer); the pinned
    /// version (ETag) stays, so later reads still see the file this reader opened.
    pub fn release(&self) {
        *self.block.lock() = None;
        self.ahead.lock().clear();
    }

    /// One GET of the first block learns the length and ETag and pins the start of this version: a
    /// file up to `OPEN_BLOCK` bytes is then read as one consistent snapshot however it is overwritten.
    /// Only an empty file (which has no byte range) needs a second request. `readahead`: the first GET
    /// of a read-ahead window (`fs.<scheme>.readahead.range`).
    pub async fn open(client: Arc<Client>, readahead: u64, p: &FsPath) -> Result<Self> {
        let loc = location(p);
        let block = readahead.clamp(1, OPEN_BLOCK);
        let opts = GetOptions { range: Some(GetRange::Bounded(0..block)), ..Default::default() };
        let first = match client.store.get_opts(&loc, opts).await {
            Ok(r) => {
                let meta = r.meta.clone();
                let bytes = r.bytes().await.map_err(|e| map_err(e, client.show(p), "read"))?;
                Ok((meta, Some(bytes)))
            }
            Err(object_store::Error::NotFound { .. }) => Err(None),
            Err(_) => match client.store.head(&loc).await {
                Ok(meta) => Ok((meta, None)),
                Err(object_store::Error::NotFound { .. }) => Err(None),
                Err(e) => Err(Some(map_err(e, client.show(p), "open"))),
            },
        };
        match first {
            Ok((meta, bytes)) => Ok(ObjectReader {
                len: meta.size,
                block: Mutex::new(bytes.map(|b| Block::new(0, vec![b]))),
                ahead: Mutex::new(Readahead::new(meta.size, readahead)),
                object: Arc::new(Version { path: p.clone(), location: loc, etag: meta.e_tag, client }),
            }),
            Err(Some(e)) => Err(e),
            Err(None) => {
                if !p.is_root() && client.dir_status(p).await?.is_none() {
                    return Err(Error::not_found(client.show(p)));
                }
                Err(Error::at(ErrorKind::IsDirectory, client.show(p), "cannot open a directory for reading"))
            }
        }
    }

    /// Reads at least one byte at `offset` (< len), part of a caller's read that began there if `first`: from the current block, else from the read-ahead
    /// window or a fresh GET, which becomes the current block.
    async fn read_some(&self, offset: u64, buf: &mut [u8], first: bool) -> Result<usize> {
        if let Some(n) = self.from_block(offset, buf) {
            self.ahead.lock().served(offset, n, first);
            return Ok(n);
        }
        let plan = self.ahead.lock().plan(offset, buf.len(), first, |range| {
            let object = self.object.clone();
            async move { object.fetch(range).await }
        });
        let block = match plan {
            Plan::Prefetched(task) => task.await.map_err(|e| self.object.lost_task(e))??,
            Plan::Fetch(range) => self.object.fetch(range).await?,
        };
        let n = block.copy_at(offset, buf).ok_or_else(|| self.object.short_body(block.start, block.len(), offset))?;
        *self.block.lock() = Some(block);
        Ok(n)
    }

    fn from_block(&self, offset: u64, buf: &mut [u8]) -> Option<usize> {
        self.block.lock().as_ref()?.copy_at(offset, buf)
    }
}

impl Version {
    async fn fetch(&self, range: Range<u64>) -> Result<Block> {
        use futures::TryStreamExt;
        let start = range.start;
        let opts = GetOptions { range: Some(GetRange::Bounded(range)), if_match: self.etag.clone(), ..Default::default() };
        let result = self.client.store.get_opts(&self.location, opts).await.map_err(|e| self.read_error(e))?;
        let parts = result.into_stream().try_collect().await.map_err(|e| self.read_error(e))?;
        Ok(Block::new(start, parts))
    }

    fn read_error(&self, e: object_store::Error) -> Error {
        match e {
            object_store::Error::Precondition { .. } | object_store::Error::NotFound { .. } => Error::at(
                ErrorKind::Conflict,
                self.client.show(&self.path),
                "the file was replaced or deleted while it was being read; reopen it to read the new version",
            ),
            e => map_err(e, self.client.show(&self.path), "read"),
        }
    }

    fn short_body(&self, start: u64, got: u64, offset: u64) -> Error {
        Error::at(ErrorKind::Io, self.client.show(&self.path),
            format!("the store returned {got} bytes from {start}, short of offset {offset}; retry the read"))
    }

    fn lost_task(&self, e: tokio::task::JoinError) -> Error {
        Error::at(ErrorKind::Io, self.client.show(&self.path), format!("a background read stopped ({e}); retry the read"))
    }
}

/// The reads of `Reader` (its blocking face is in `sync.rs`).
impl ObjectReader {
    pub(super) fn size(&self) -> u64 {
        self.len
    }

    pub(super) async fn read(&self, offset: u64, buf: &mut [u8]) -> Result<usize> {
        if offset >= self.len || buf.is_empty() {
            return Ok(0);
        }
        // Full reads across block and chunk boundaries, as the Reader contract asks: the next chunk
        // of a sequential window is usually already here.
        let mut done = 0;
        while done < buf.len() && offset + (done as u64) < self.len {
            done += self.read_some(offset + done as u64, &mut buf[done..], done == 0).await?;
        }
        Ok(done)
    }

    pub(super) async fn ranges(&self, ranges: &[Range<u64>]) -> Result<Vec<Bytes>> {
        if let Some(r) = ranges.iter().find(|r| r.end > self.len || r.start > r.end) {
            return Err(Error::at(ErrorKind::EndOfFile, self.object.client.show(&self.object.path),
                format!("range {}..{} ends past the end of the file ({} bytes)", r.start, r.end, self.len)));
        }
        let o = &self.object;
        o.client.store.get_ranges(&o.location, ranges).await.map_err(|e| o.read_error(e))
    }
}
