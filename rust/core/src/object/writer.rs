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
use crate::error::{Error, ErrorKind, Result};
use crate::path::FsPath;
use crate::runtime::handle;
use object_store::path::Path;
use bytes::Bytes;
use object_store::{PutMode, PutMultipartOptions, PutOptions, PutPayload, PutPayloadMut, WriteMultipart};
use std::sync::Arc;

/// Bytes of parts uploading at once per writer; memory is bounded by this plus the part gathering.
const IN_FLIGHT_BYTES: u64 = 128 << 20;

/// Parts uploading at once per writer, 1 to 4: 4 of up to 32 MiB, 2 of the default 64 MiB (peak
/// memory (this + 1) × part size: 192 MiB per stream writing past one part at the default).
pub(super) fn parts_in_flight(part_size: usize) -> usize {
    usize::try_from(IN_FLIGHT_BYTES / (part_size.max(1) as u64)).unwrap_or(1).clamp(1, 4)
}

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
        self.shared.client.show(&self.path)
    }

    /// Runs inside `block_on` (`sync.rs`), so the part uploads are spawned onto the shared runtime.
    async fn start_upload(&mut self, buffered: PutPayload) -> Result<()> {
        let target = if self.overwrite { location(&self.path) } else { Path::from(staging_key()) };
        let opts = PutMultipartOptions { attributes: token_attributes(&self.token), ..Default::default() };
        let upload = self.shared.client.store.put_multipart_opts(&target, opts).await
            .map_err(|e| map_err(e, self.shown(), "start the multipart upload of"))?;
        let mut upload = WriteMultipart::new_with_chunk_size(upload, self.shared.tuning.part_size);
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
        match self.shared.client.store.put_opts(&loc, data, opts).await {
            Ok(_) => Ok(()),
            Err(object_store::Error::AlreadyExists { .. }) | Err(object_store::Error::Precondition { .. }) if !self.overwrite => {
                resolve_conflict(self.shared.client.store.as_ref(), &loc, Some(&self.token), &self.shown()).await
            }
            Err(e) => resolve_ambiguous(self.shared.client.store.as_ref(), &loc, Some(&self.token), map_err(e, self.shown(), "write")).await,
        }
    }

    async fn finish_upload(&self, upload: WriteMultipart, target: Path) -> Result<()> {
        upload.finish().await.map_err(|e| map_err(e, self.shown(), "complete the multipart upload of"))?;
        if self.overwrite {
            return Ok(());
        }
        let client = &self.shared.client;
        let published = self.shared.copier.copy_if_absent(client, &target, &location(&self.path), Some(&self.token)).await;
        client.delete_staging(&target).await;
        self.shared.sweep.maybe_sweep(client);
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

/// The operations of `Writer` (its blocking face is in `sync.rs`). Writes larger than a part are taken
/// piece by piece, so that one huge write waits for capacity like many small ones would.
impl ObjectWriter {
    pub(super) async fn write_slice(&mut self, data: &[u8]) -> Result<()> {
        let part_size = self.shared.tuning.part_size;
        if data.len() <= part_size {
            return self.accept(Data::Slice(data)).await;
        }
        for piece in data.chunks(part_size) {
            self.accept(Data::Slice(piece)).await?;
        }
        Ok(())
    }

    pub(super) async fn write_owned(&mut self, mut data: Bytes) -> Result<()> {
        let part_size = self.shared.tuning.part_size;
        while data.len() > part_size {
            self.accept(Data::Owned(data.split_to(part_size))).await?;
        }
        self.accept(Data::Owned(data)).await
    }

    pub(super) async fn publish(&mut self) -> Result<()> {
        match std::mem::replace(&mut self.state, State::Done) {
            State::Done => Err(Error::at(ErrorKind::Closed, self.shown(), "already closed")),
            State::Buffering(buf) => self.put_small(buf.freeze()).await,
            State::Uploading { upload, target } => self.finish_upload(upload, target).await,
        }
    }

    /// Closes the writer; the multipart upload in progress, if any, is the caller's to abort.
    pub(super) fn take_upload(&mut self) -> Option<WriteMultipart> {
        match std::mem::replace(&mut self.state, State::Done) {
            State::Uploading { upload, .. } => Some(upload),
            _ => None,
        }
    }

    pub(super) fn written(&self) -> u64 {
        self.written
    }

    /// One piece of at most a part.
    async fn accept(&mut self, data: Data<'_>) -> Result<()> {
        let part_size = self.shared.tuning.part_size;
        let len = data.len();
        match &mut self.state {
            State::Done => return Err(Error::at(ErrorKind::Closed, self.shown(), "write after close")),
            State::Buffering(buf) => {
                match data {
                    Data::Slice(s) => buf.extend_from_slice(s),
                    Data::Owned(b) => buf.push(b),
                }
                if buf.content_length() >= part_size {
                    let buffered = std::mem::take(buf).freeze();
                    if let Err(e) = self.start_upload(buffered).await {
                        self.state = State::Done;
                        return Err(e);
                    }
                }
            }
            State::Uploading { upload, .. } => {
                // A full part is spawned onto the shared runtime (this runs inside `block_on`).
                match data {
                    Data::Slice(s) => upload.write(s),
                    Data::Owned(b) => upload.put(b),
                }
                // Only a started part can exhaust the parts in flight: the writes in between skip the wait.
                let part = part_size as u64;
                let parts_started = (self.written + len as u64) / part - self.written / part;
                if parts_started > 0 {
                    if let Err(e) = upload.wait_for_capacity(parts_in_flight(part_size)).await {
                        let err = map_err(e, self.shown(), "upload a part of");
                        if let Some(upload) = self.take_upload() {
                            abort_in_background(upload);
                        }
                        return Err(err);
                    }
                }
            }
        }
        self.written += len as u64;
        Ok(())
    }
}

/// Best effort: an upload left behind is invisible and reclaimed by the bucket's lifecycle rule.
pub(super) fn abort_in_background(upload: WriteMultipart) {
    handle().spawn(async move { drop(upload.abort().await) });
}
