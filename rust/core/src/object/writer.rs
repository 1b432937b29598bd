//! Writes are invisible until commit. Up to one part size the data stays in memory and is published with
//! one PUT (conditional when `overwrite=false`). Beyond that the writer switches to a multipart upload in
//! the background with bounded memory: to the final key when overwriting (invisible until completed), or
//! to a hidden staging key then copy-if-not-exists to the final key, because S3 has no conditional
//! multipart upload everywhere. Copies of objects over 5 GiB fail in header mode (CopyObject's limit).
//!
//! Owned buffers (`write_bytes`, the JNI face's path) reach the upload without a copy: parts are made of
//! them as they are. Back-pressure is checked only when a part was started, not on every write.

use super::publish::{new_token, resolve_ambiguous, resolve_conflict, staging_key, token_attributes};
use super::{location, map_err, Shared};
use crate::backend::Writer;
use crate::error::{Error, ErrorKind, Result};
use crate::path::FsPath;
use crate::runtime::{block_on, handle};
use object_store::path::Path;
use bytes::Bytes;
use object_store::{PutMode, PutMultipartOptions, PutOptions, PutPayload, PutPayloadMut, WriteMultipart};
use std::sync::Arc;

enum State {
    /// Everything written so far, below one part size: slices copied in, owned buffers kept as they are.
    Buffering(PutPayloadMut),
    Uploading { upload: WriteMultipart, target: Path },
    Done,
}

pub struct ObjectWriter {
    shared: Arc<Shared>,
    path: FsPath,
    overwrite: bool,
    token: String,
    state: State,
    written: u64,
}

impl ObjectWriter {
    pub fn new(shared: Arc<Shared>, path: &FsPath, overwrite: bool) -> Self {
        Self::with_token(shared, path, overwrite, new_token())
    }

    pub fn with_token(shared: Arc<Shared>, path: &FsPath, overwrite: bool, token: String) -> Self {
        ObjectWriter { shared, path: path.clone(), overwrite, token, state: State::Buffering(PutPayloadMut::new()), written: 0 }
    }

    fn shown(&self) -> String {
        self.shared.show(&self.path)
    }

    fn start_upload(&mut self, buffered: PutPayload) -> Result<()> {
        let target = if self.overwrite { location(&self.path) } else { Path::from(staging_key()) };
        let opts = PutMultipartOptions { attributes: token_attributes(&self.token), ..Default::default() };
        let upload = block_on(self.shared.store.put_multipart_opts(&target, opts))
            .map_err(|e| map_err(e, self.shown(), "start the multipart upload of"))?;
        let mut upload = WriteMultipart::new_with_chunk_size(upload, self.shared.part_size);
        let _in_runtime = handle().enter(); // part uploads are spawned onto the shared runtime
        for chunk in buffered {
            upload.put(chunk);
        }
        self.state = State::Uploading { upload, target };
        Ok(())
    }

    async fn put_small(&self, data: PutPayload) -> Result<()> {
        let loc = location(&self.path);
        let mode = if self.overwrite { PutMode::Overwrite } else { PutMode::Create };
        let opts = PutOptions { mode, attributes: token_attributes(&self.token), ..Default::default() };
        match self.shared.store.put_opts(&loc, data, opts).await {
            Ok(_) => Ok(()),
            Err(object_store::Error::AlreadyExists { .. }) | Err(object_store::Error::Precondition { .. }) if !self.overwrite => {
                resolve_conflict(self.shared.store.as_ref(), &loc, Some(&self.token), &self.shown()).await
            }
            Err(e) => resolve_ambiguous(self.shared.store.as_ref(), &loc, Some(&self.token), map_err(e, self.shown(), "write")).await,
        }
    }

    async fn finish_upload(&self, upload: WriteMultipart, target: Path) -> Result<()> {
        upload.finish().await.map_err(|e| map_err(e, self.shown(), "complete the multipart upload of"))?;
        if self.overwrite {
            return Ok(());
        }
        let published = self.shared.copy_if_absent(&target, &location(&self.path), Some(&self.token)).await;
        self.shared.delete_staging(&target).await;
        self.shared.maybe_sweep();
        published
    }
}

/// What a write hands over: a borrowed slice (copied) or an owned buffer (kept as it is).
enum Data<'a> {
    Slice(&'a [u8]),
    Owned(Bytes),
}

impl Data<'_> {
    fn len(&self) -> usize {
        match self {
            Data::Slice(s) => s.len(),
            Data::Owned(b) => b.len(),
        }
    }
}

impl ObjectWriter {
    fn accept(&mut self, data: Data<'_>) -> Result<()> {
        let part_size = self.shared.part_size;
        if data.len() > part_size {
            // Piece by piece, so that one huge write waits for capacity like many small ones would.
            return match data {
                Data::Slice(s) => s.chunks(part_size).try_for_each(|piece| self.accept(Data::Slice(piece))),
                Data::Owned(mut b) => {
                    while b.len() > part_size {
                        self.accept(Data::Owned(b.split_to(part_size)))?;
                    }
                    self.accept(Data::Owned(b))
                }
            };
        }
        let len = data.len();
        let part_size = part_size as u64;
        match &mut self.state {
            State::Done => return Err(Error::at(ErrorKind::Closed, self.shown(), "write after close")),
            State::Buffering(buf) => {
                match data {
                    Data::Slice(s) => buf.extend_from_slice(s),
                    Data::Owned(b) => buf.push(b),
                }
                if buf.content_length() >= self.shared.part_size {
                    let buffered = std::mem::take(buf).freeze();
                    if let Err(e) = self.start_upload(buffered) {
                        self.state = State::Done;
                        return Err(e);
                    }
                }
            }
            State::Uploading { upload, .. } => {
                let _in_runtime = handle().enter(); // a full part is spawned onto the shared runtime
                match data {
                    Data::Slice(s) => upload.write(s),
                    Data::Owned(b) => upload.put(b),
                }
                // Only a started part can exhaust the parts in flight: the writes in between skip the wait.
                let parts_started = (self.written + len as u64) / part_size - self.written / part_size;
                if parts_started > 0 {
                    if let Err(e) = block_on(upload.wait_for_capacity(super::PARTS_IN_FLIGHT)) {
                        let err = map_err(e, self.shared.show(&self.path), "upload a part of");
                        self.abort();
                        return Err(err);
                    }
                }
            }
        }
        self.written += len as u64;
        Ok(())
    }
}

impl Writer for ObjectWriter {
    fn write(&mut self, data: &[u8]) -> Result<()> {
        self.accept(Data::Slice(data))
    }

    fn write_bytes(&mut self, data: Bytes) -> Result<()> {
        self.accept(Data::Owned(data))
    }

    fn commit(&mut self) -> Result<()> {
        let result = match std::mem::replace(&mut self.state, State::Done) {
            State::Done => return Err(Error::at(ErrorKind::Closed, self.shown(), "already closed")),
            State::Buffering(buf) => block_on(self.put_small(buf.freeze())),
            State::Uploading { upload, target } => block_on(self.finish_upload(upload, target)),
        };
        result
    }

    fn abort(&mut self) {
        if let State::Uploading { upload, .. } = std::mem::replace(&mut self.state, State::Done) {
            // Best effort: an upload left behind is invisible and reclaimed by the bucket's lifecycle rule.
            if tokio::runtime::Handle::try_current().is_ok() {
                handle().spawn(async move { drop(upload.abort().await) });
            } else {
                drop(block_on(upload.abort()));
            }
        }
    }

    fn bytes_written(&self) -> u64 {
        self.written
    }
}

impl Drop for ObjectWriter {
    fn drop(&mut self) {
        self.abort();
    }
}

impl Shared {
    async fn delete_staging(&self, staging: &Path) {
        use object_store::ObjectStoreExt;
        // Best effort: a leftover staging object is hidden and swept when stale.
        drop(self.store.delete(staging).await);
    }
}
