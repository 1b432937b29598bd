//! Deletes over the S3A key layout: a file is one DELETE, a directory every key below it in batches
//! (files first, then markers deepest first). Like S3A, a delete leaves the parent directory standing.
//! Also the sweep of staging objects abandoned by writers that died before publishing (G2).

use super::keys::DELETE_BATCH;
use super::listing::ENTRY_PROBE_KEYS;
use super::publish::STAGING_PREFIX;
use super::client::Client;
use crate::backend::{DeleteScope, Removed};
use crate::error::Result;
use crate::path::FsPath;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

/// Staging objects older than this are abandoned (their writer died between upload and publish).
const STAGING_EXPIRY_MS: i64 = 24 * 3600 * 1000;
const SWEEP_INTERVAL_MS: i64 = 3600 * 1000;

/// When staging was last swept (ms since the epoch): at most one sweep per `SWEEP_INTERVAL_MS`.
#[derive(Default)]
pub(super) struct SweepClock(AtomicI64);

impl SweepClock {
    /// Starts a background sweep of stale staging objects unless one ran within the interval.
    pub fn maybe_sweep(&self, client: &Arc<Client>) {
        let now = chrono::Utc::now().timestamp_millis();
        let last = self.0.load(Ordering::Relaxed);
        if now - last < SWEEP_INTERVAL_MS || self.0.compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed).is_err() {
            return;
        }
        let client = client.clone();
        crate::runtime::handle().spawn(async move { drop(client.sweep_staging(STAGING_EXPIRY_MS).await) });
    }
}

impl Client {
    /// What `Backend::delete` removes: the file at `p`, or the whole tree.
    pub async fn delete(&self, p: &FsPath, scope: DeleteScope) -> Result<Removed> {
        match scope {
            DeleteScope::File => self.delete_if_file(p).await,
            DeleteScope::Tree => Ok(if self.delete_dir(p).await? { Removed::Directory } else { Removed::Nothing }),
        }
    }

    /// One non-delimited LIST of the directory's keys from just before the file's own: the file, or a
    /// directory at its name, or nothing, whatever sorts before it in a directory of any size (Spark
    /// deletes an absent temp file at every checkpoint), and whether a key after it keeps the directory
    /// standing. Where none does, the parent's marker is written beside the delete (idempotent, same
    /// latency, priced as the LIST that would otherwise look at the keys before the file).
    pub async fn delete_if_file(&self, p: &FsPath) -> Result<Removed> {
        let Some(parent) = p.parent().filter(|d| !d.is_root()) else {
            return Ok(match self.entry_status(p).await? {
                Some(s) if s.is_dir => Removed::DirectoryKept,
                Some(_) => self.delete_file_keeping_parent(p, false).await.map(|_| Removed::File)?,
                None => Removed::Nothing,
            });
        };
        let prefix = parent.dir_prefix();
        let window = self.key_window_after(&prefix, Some(&key_before(p.key())), ENTRY_PROBE_KEYS).await?;
        let found = match window.entry(p) {
            Some(found) => found,
            None => self.entry_status(p).await?,
        };
        Ok(match found {
            Some(s) if s.is_dir => Removed::DirectoryKept,
            Some(_) => {
                let later_key = !window.complete || window.objects.iter().any(|o| o.key != p.key());
                self.delete_file_keeping_parent(p, !later_key).await?;
                Removed::File
            }
            None => Removed::Nothing,
        })
    }

    async fn delete_file_keeping_parent(&self, p: &FsPath, write_marker: bool) -> Result<bool> {
        // One DeleteObject, free on S3 (a DeleteObjects POST is billed as a PUT), through the raw keys:
        // retried on timeouts (object_store does not retry a DELETE that timed out), so a delete that
        // happened is never reported as failed. The caller has just seen the file.
        let marker = async { if write_marker { self.keep_parent(p).await } else { Ok(()) } };
        let (deleted, kept) = futures::join!(self.keys.delete_key(p.key()), marker);
        kept?;
        deleted.map(|_| true)
    }

    pub async fn delete_dir(&self, p: &FsPath) -> Result<bool> {
        let keys = self.all_keys(&p.dir_prefix()).await?;
        if keys.is_empty() {
            return Ok(false);
        }
        let (deleted, kept) = futures::join!(self.delete_keys(keys.into_iter().map(|o| o.key).collect()), self.keep_parent(p));
        deleted?;
        kept?;
        Ok(true)
    }

    /// Like S3A, a delete leaves the parent directory in place even if it held nothing else: its marker
    /// is written alongside the delete (same latency; idempotent) unless the delete saw it kept anyway. Renames do not do
    /// this, to stay at copy + delete: renaming the last file out of a directory that was never created
    /// with mkdirs lets that directory vanish.
    async fn keep_parent(&self, p: &FsPath) -> Result<()> {
        match p.parent() {
            Some(parent) if !parent.is_root() => self.keys.put_marker(&parent.dir_prefix()).await,
            _ => Ok(()),
        }
    }

    /// Files first, then markers deepest first: a store that models markers as real directories
    /// (SeaweedFS) only ever sees empty ones deleted.
    pub(super) async fn delete_keys(&self, keys: Vec<String>) -> Result<()> {
        let (mut markers, files): (Vec<String>, Vec<String>) = keys.into_iter().partition(|k| k.ends_with('/'));
        markers.sort_by_key(|m| std::cmp::Reverse(m.matches('/').count()));
        for batch in files.chunks(DELETE_BATCH).chain(markers.chunks(DELETE_BATCH)) {
            self.keys.delete_keys(batch).await?;
        }
        Ok(())
    }

    /// Deletes staging objects older than `max_age_ms` (left by writers that died between completing an
    /// upload and publishing it). Incomplete multipart uploads are not objects: a bucket lifecycle rule
    /// (AbortIncompleteMultipartUpload) reclaims those.
    pub async fn sweep_staging(&self, max_age_ms: i64) -> Result<usize> {
        let now = chrono::Utc::now().timestamp_millis();
        let stale: Vec<String> =
            self.all_keys(STAGING_PREFIX).await?.into_iter().filter(|o| now - o.modified_ms > max_age_ms).map(|o| o.key).collect();
        let n = stale.len();
        self.delete_keys(stale).await?;
        if n > 0 {
            log::info!(target: "commitfs::sweep", "{}: removed {n} staging object(s) left by writers that died \
                before publishing (older than {} s)", self.root(), max_age_ms / 1000);
        }
        Ok(n)
    }

    /// Deletes one staging object once it is published. Best effort: a leftover staging object is
    /// hidden and swept when stale.
    pub(super) async fn delete_staging(&self, staging: &object_store::path::Path) {
        use object_store::ObjectStoreExt;
        drop(self.store.delete(staging).await);
    }
}

/// Where a window that starts at `key` begins: `key` less its last character sorts just before it, and
/// only keys sharing that stem sort between (whole characters dropped: S3's start-after is UTF-8).
fn key_before(key: &str) -> String {
    let mut k = key.to_string();
    k.pop();
    k
}
