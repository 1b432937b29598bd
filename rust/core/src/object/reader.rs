//! Reads: one GET of the first block at open (length, ETag and the first bytes), then ranged GETs pinned to that ETag (a file replaced
//! while being read fails with Conflict instead of mixing versions), with a readahead block for
//! sequential reads, and coalesced multi-range reads.

use super::{location, map_err, Shared};
use crate::backend::Reader;
use crate::error::{Error, ErrorKind, Result};
use crate::path::FsPath;
use crate::runtime::block_on;
use bytes::Bytes;
use object_store::path::Path;
use object_store::{GetOptions, GetRange, ObjectStoreExt};
use parking_lot::Mutex;
use std::ops::Range;
use std::sync::Arc;

/// Bytes fetched at open (capped by the readahead).
const OPEN_BLOCK: u64 = 64 << 10;

pub struct ObjectReader {
    shared: Arc<Shared>,
    path: FsPath,
    location: Path,
    len: u64,
    etag: Option<String>,
    /// The last block fetched: (offset, bytes).
    block: Mutex<Option<(u64, Bytes)>>,
}

impl ObjectReader {
    /// One GET of the first block learns the length and ETag and pins the start of this version: a
    /// file up to `OPEN_BLOCK` bytes is then read as one consistent snapshot however it is overwritten.
    /// Only an empty file (which has no byte range) needs a second request.
    pub async fn open(shared: Arc<Shared>, p: &FsPath) -> Result<Self> {
        let loc = location(p);
        let block = shared.readahead.clamp(1, OPEN_BLOCK);
        let opts = GetOptions { range: Some(GetRange::Bounded(0..block)), ..Default::default() };
        let first = match shared.store.get_opts(&loc, opts).await {
            Ok(r) => {
                let meta = r.meta.clone();
                let bytes = r.bytes().await.map_err(|e| map_err(e, shared.show(p), "read"))?;
                Ok((meta, Some(bytes)))
            }
            Err(object_store::Error::NotFound { .. }) => Err(None),
            Err(_) => match shared.store.head(&loc).await {
                Ok(meta) => Ok((meta, None)),
                Err(object_store::Error::NotFound { .. }) => Err(None),
                Err(e) => Err(Some(map_err(e, shared.show(p), "open"))),
            },
        };
        match first {
            Ok((meta, bytes)) => Ok(ObjectReader {
                path: p.clone(),
                location: loc,
                len: meta.size,
                etag: meta.e_tag,
                block: Mutex::new(bytes.map(|b| (0, b))),
                shared,
            }),
            Err(Some(e)) => Err(e),
            Err(None) => {
                if !p.is_root() && shared.dir_status(p).await?.is_none() {
                    return Err(Error::not_found(shared.show(p)));
                }
                Err(Error::at(ErrorKind::IsDirectory, shared.show(p), "cannot open a directory for reading"))
            }
        }
    }

    async fn fetch(&self, range: Range<u64>) -> Result<Bytes> {
        let opts = GetOptions { range: Some(GetRange::Bounded(range)), if_match: self.etag.clone(), ..Default::default() };
        let result = self.shared.store.get_opts(&self.location, opts).await.map_err(|e| self.read_error(e))?;
        result.bytes().await.map_err(|e| self.read_error(e))
    }

    fn read_error(&self, e: object_store::Error) -> Error {
        match e {
            object_store::Error::Precondition { .. } | object_store::Error::NotFound { .. } => Error::at(
                ErrorKind::Conflict,
                self.shared.show(&self.path),
                "the file was replaced or deleted while it was being read; reopen it to read the new version",
            ),
            e => map_err(e, self.shared.show(&self.path), "read"),
        }
    }

    fn from_block(&self, offset: u64, buf: &mut [u8]) -> Option<usize> {
        let guard = self.block.lock();
        let (start, bytes) = guard.as_ref()?;
        if offset < *start || offset >= start + bytes.len() as u64 {
            return None;
        }
        let from = (offset - start) as usize;
        let n = buf.len().min(bytes.len() - from);
        buf[..n].copy_from_slice(&bytes[from..from + n]);
        Some(n)
    }
}

impl Reader for ObjectReader {
    fn len(&self) -> u64 {
        self.len
    }

    fn read_at(&self, offset: u64, buf: &mut [u8]) -> Result<usize> {
        if offset >= self.len || buf.is_empty() {
            return Ok(0);
        }
        if let Some(n) = self.from_block(offset, buf) {
            return Ok(n);
        }
        let want = (buf.len() as u64).max(self.shared.readahead);
        let end = self.len.min(offset + want);
        let bytes = block_on(self.fetch(offset..end))?;
        let n = buf.len().min(bytes.len());
        buf[..n].copy_from_slice(&bytes[..n]);
        *self.block.lock() = Some((offset, bytes));
        Ok(n)
    }

    fn read_ranges(&self, ranges: &[Range<u64>]) -> Result<Vec<Bytes>> {
        if let Some(r) = ranges.iter().find(|r| r.end > self.len || r.start > r.end) {
            return Err(Error::at(ErrorKind::EndOfFile, self.shared.show(&self.path),
                format!("range {}..{} ends past the end of the file ({} bytes)", r.start, r.end, self.len)));
        }
        block_on(self.shared.store.get_ranges(&self.location, ranges)).map_err(|e| self.read_error(e))
    }
}
