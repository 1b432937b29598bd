//! Renames over the S3A key layout. Where the store has RenameObject (`rename_object.rs`, chosen by
//! `fs.<scheme>.rename.mode`), each file (alone, replacing, or inside a directory) moves in that one
//! request, with `If-None-Match: *` unless replacing. Otherwise, a file: copy-if-not-exists, then the
//! DELETE of the source (G4); a 412
//! after a lost response is resolved by the write token (`publish.rs`). Replacing a file (FileContext's
//! rename with `Options.Rename.OVERWRITE`): an unconditional COPY onto the destination, then the DELETE of
//! the source; S3 swaps an object's content atomically, so readers of the destination see the old object
//! or the new one, and the destination is never deleted first. A directory (G5): a journaled parallel copy
//! then batch delete (`journal.rs`), rolled forward by `recovery.rs` if it stops part way.

use super::{location, map_err, Shared};
use crate::error::{Error, ErrorKind, Result};
use crate::path::FsPath;
use futures::{StreamExt, TryStreamExt};
use object_store::path::Path;
use object_store::ObjectStoreExt;

impl Shared {
    pub async fn rename_file(&self, src: &FsPath, dst: &FsPath) -> Result<()> {
        if self.mover.in_place(&self.client).await? {
            return self.mover.move_object(&self.client, src.key(), dst.key(), true).await;
        }
        match self.copier.copy_if_absent(&self.client, &location(src), &location(dst), None).await {
            Err(e) if e.kind == ErrorKind::NotFound => return Err(Error::not_found(self.client.show(src))),
            other => other?,
        }
        // Our raw DeleteObject, not object_store's: it retries timeouts (the copy is in place, so deleting
        // the source is idempotent), where one timing out would report a completed rename as failed.
        self.client.keys.delete_key(src.key()).await
    }

    /// Copies every key (files with copy-if-not-exists, markers rewritten) with bounded concurrency,
    /// then deletes the source keys in batches. Not atomic, but journaled: a crash or failure part way is
    /// rolled forward later (`recovery.rs`).
    pub async fn rename_dir(&self, src: &FsPath, dst: &FsPath) -> Result<()> {
        let src_prefix = src.dir_prefix();
        let dst_prefix = dst.dir_prefix();
        let client = &self.client;
        let keys = client.all_keys(&src_prefix).await?;
        if keys.is_empty() {
            return Err(Error::not_found(client.show(src)));
        }
        let in_place = self.mover.in_place(client).await?;
        let intent = client.begin_rename(&src_prefix, &dst_prefix).await?;
        futures::stream::iter(keys.iter().map(|o| {
            let target = format!("{dst_prefix}{}", &o.key[src_prefix.len()..]);
            async move {
                if target.ends_with('/') {
                    client.keys.put_marker(&target).await
                } else if in_place {
                    self.mover.move_object(client, &o.key, &target, true).await
                } else {
                    let from = Path::parse(&o.key).map_err(|e| Error::invalid(e.to_string()))?;
                    let to = Path::parse(&target).map_err(|e| Error::invalid(e.to_string()))?;
                    self.copier.copy_if_absent(client, &from, &to, None).await
                }
            }
        }))
        .buffer_unordered(self.tuning.copy_concurrency)
        .try_collect::<Vec<()>>()
        .await
        .map_err(|e| {
            Error::at(e.kind, client.show(src), format!(
                "directory rename to {} stopped part way ({}); {}", client.show(dst), e, self.recovery.resume_hint(client)))
        })?;
        // Files moved by RenameObject are gone already; markers (which it cannot move) are not.
        let left = keys.into_iter().map(|o| o.key).filter(|k| !in_place || k.ends_with('/'));
        client.delete_keys(left.collect()).await?;
        client.end_rename(intent).await;
        Ok(())
    }

    pub async fn replace_file(&self, src: &FsPath, dst: &FsPath) -> Result<()> {
        if self.mover.in_place(&self.client).await? {
            return self.mover.move_object(&self.client, src.key(), dst.key(), false).await;
        }
        // A retried COPY is harmless: the source stays in place until the copy has succeeded.
        let client = &self.client;
        match client.store.copy(&location(src), &location(dst)).await {
            Ok(()) => {}
            // The source is no file: missing, or a directory (only keys below `src/`); fs/rename.rs tells which.
            Err(object_store::Error::NotFound { .. }) => return Err(Error::not_found(client.show(src))),
            Err(e) => return Err(map_err(e, client.show(dst), &format!("replace with {} (copy)", client.show(src)))),
        }
        // The raw DeleteObject retries timeouts: deleting the source once the copy is in place is idempotent.
        client.keys.delete_key(src.key()).await
    }
}
