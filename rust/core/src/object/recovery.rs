//! Roll-forward of directory renames a crash interrupted (the intent records of `journal.rs`). One owner,
//! `Recovery`: it runs when asked (`ObjectBackend::recover`, `commitfs recover URI`) and before listings
//! (a listing must not see a crashed rename half done: the first listing, then at most once per check
//! interval per store, one LIST of the journal prefix). Either way it logs each rename it completed and
//! each record it could not (the `log` facade, target `commitfs::recovery`) and keeps the count and the
//! last failure (`ObjectBackend::recovery_report`). A failed run before a listing does not fail the
//! listing (an unreadable record must not make the store unlistable); it is logged, reported, and retried
//! at the next interval.
//!
//! Every step is idempotent, so concurrent recoverers (and a renamer that is merely slow) cannot corrupt
//! anything: copies are copy-if-not-exists and a destination key that already holds the same object
//! counts as copied; deleting a deleted key is a no-op. Only source keys that existed when the intent was
//! recorded are moved (by the store's own clock), so files written at the source path after the rename
//! are never swept into the destination by a late recoverer.

use super::journal::{now_ms, parse_key, valid_prefixes, Intent, JournalSettings, JOURNAL_PREFIX};
use super::keys::RawObject;
use super::publish::TOKEN_ATTRIBUTE;
use super::client::Client;
use super::map_err;
use super::publish::Copier;
use crate::error::{Error, ErrorKind, Result};
use futures::{StreamExt, TryStreamExt};
use object_store::path::Path;
use object_store::{Attribute, GetOptions, ObjectStoreExt};
use parking_lot::Mutex;
use std::sync::atomic::{AtomicI64, Ordering};

/// S3 reports modification times in whole seconds: a source key stamped in the intent's second or the
/// next existed when the rename started, for all we can tell.
const MTIME_SLACK_MS: i64 = 1000;
const LOG_TARGET: &str = "commitfs::recovery";

/// One directory rename that recovery completed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RolledForward {
    /// `s3c://bucket/src` and `s3c://bucket/dst`.
    pub src: String,
    pub dst: String,
    /// Keys moved by this recovery (files and directory markers).
    pub moved: usize,
    /// Destination keys that already held a different object: their source keys were left in place.
    pub conflicts: Vec<String>,
}

enum KeyOutcome {
    /// Now at the destination (copied by us or earlier): the source key can go.
    Moved,
    /// The source key is gone already (another recoverer moved it).
    Gone,
    /// The destination holds a different object.
    Conflict(String),
}


/// What recovery has done in this store's life (`ObjectBackend::recovery_report`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RecoveryReport {
    /// Runs, explicit or before a listing.
    pub runs: u64,
    /// Renames completed.
    pub rolled_forward: u64,
    /// Runs that stopped on an error (a record left for the next run).
    pub failures: u64,
    /// The last error, with the record it concerns and what to do.
    pub last_failure: Option<String>,
}

/// The one owner of roll-forward for a store: when it runs, what it did, what failed.
pub(crate) struct Recovery {
    settings: JournalSettings,
    /// When a listing last triggered a run (ms since the epoch).
    last_check_ms: AtomicI64,
    report: Mutex<RecoveryReport>,
}

impl Recovery {
    pub fn new(settings: JournalSettings) -> Self {
        Recovery { settings, last_check_ms: AtomicI64::new(i64::MIN), report: Mutex::new(RecoveryReport::default()) }
    }

    pub fn grace_ms(&self) -> i64 {
        self.settings.grace_ms
    }

    pub fn report(&self) -> RecoveryReport {
        self.report.lock().clone()
    }

    /// Before a listing: runs at most once per check interval (renames older than the grace period).
    pub async fn before_listing(&self, client: &Client, copier: &Copier, concurrency: usize) {
        let now = now_ms();
        let last = self.last_check_ms.load(Ordering::Relaxed);
        let due = last == i64::MIN || now.saturating_sub(last) >= self.settings.check_interval_ms;
        if !due || self.last_check_ms.compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed).is_err() {
            return;
        }
        if let Err(e) = self.run(client, copier, concurrency, self.settings.grace_ms).await {
            log::warn!(target: LOG_TARGET, "{e}; the listing goes on, and the next one after {} s retries \
                (or run `commitfs recover {}`)", self.settings.check_interval_ms / 1000, client.root());
        }
    }

    /// Completes every rename whose intent is older than `min_age_ms`. A record that fails does not stop
    /// the others; the first failure is returned once all were tried. `concurrency`: copies at once.
    pub async fn run(&self, client: &Client, copier: &Copier, concurrency: usize, min_age_ms: i64) -> Result<Vec<RolledForward>> {
        let outcome = Roll { client, copier, concurrency }.run_all(min_age_ms).await;
        let mut report = self.report.lock();
        report.runs += 1;
        match &outcome {
            Ok(done) => report.rolled_forward += done.len() as u64,
            Err((done, e)) => {
                report.rolled_forward += done.len() as u64;
                report.failures += 1;
                report.last_failure = Some(e.to_string());
            }
        }
        outcome.map_err(|(_, e)| e)
    }

    /// What to tell the user when a journaled rename stops part way.
    pub fn resume_hint(&self, client: &Client) -> String {
        super::journal::resume_hint(client, self.settings.grace_ms)
    }
}

/// One run of roll-forward: the store's client, its copy-if-not-exists, and how many copies at once.
struct Roll<'a> {
    client: &'a Client,
    copier: &'a Copier,
    concurrency: usize,
}

impl Roll<'_> {
    async fn run_all(&self, min_age_ms: i64) -> std::result::Result<Vec<RolledForward>, (Vec<RolledForward>, Error)> {
        let now = now_ms();
        let records = self.client.all_keys(JOURNAL_PREFIX).await.map_err(|e| (Vec::new(), e))?;
        let mut done = Vec::new();
        let mut first_error = None;
        for record in records.iter().filter(|r| r.key.ends_with(".json") && now - r.modified_ms >= min_age_ms) {
            match self.roll_forward(record).await {
                Ok(Some(r)) => {
                    log::info!(target: LOG_TARGET, "completed the interrupted directory rename {} -> {}: {} key(s) moved",
                        r.src, r.dst, r.moved);
                    if !r.conflicts.is_empty() {
                        log::warn!(target: LOG_TARGET, "rename {} -> {}: {} destination key(s) held other objects, their \
                            sources were left in place: {:?}", r.src, r.dst, r.conflicts.len(), r.conflicts);
                    }
                    done.push(r);
                }
                Ok(None) => {}
                Err(e) => {
                    log::warn!(target: LOG_TARGET, "cannot complete the rename recorded in {}: {e}", self.client.show_key(&record.key));
                    first_error.get_or_insert(e);
                }
            }
        }
        match first_error {
            None => Ok(done),
            Some(e) => Err((done, e)),
        }
    }

    async fn roll_forward(&self, record: &RawObject) -> Result<Option<RolledForward>> {
        let location = parse_key(&record.key)?;
        let shown = self.client.show_key(&record.key);
        let body = match self.client.store.get(&location).await {
            Ok(r) => r.bytes().await.map_err(|e| map_err(e, &shown, "read the rename intent"))?,
            Err(object_store::Error::NotFound { .. }) => return Ok(None), // another recoverer finished it
            Err(e) => return Err(map_err(e, &shown, "read the rename intent")),
        };
        let intent: Intent = serde_json::from_slice(&body)
            .ok()
            .filter(|i: &Intent| valid_prefixes(&i.src, &i.dst))
            .ok_or_else(|| Error::at(ErrorKind::Io, &shown,
                "this rename intent is unreadable, so the rename it describes cannot be completed; look at the \
                 source and destination named in it, finish or undo the move by hand, then delete the record"))?;
        let cutoff = record.modified_ms + MTIME_SLACK_MS;
        let keys: Vec<RawObject> = self.client.all_keys(&intent.src).await?.into_iter().filter(|o| o.modified_ms <= cutoff).collect();
        let outcomes: Vec<(String, KeyOutcome)> = futures::stream::iter(keys.into_iter().map(|o| {
            let target = format!("{}{}", intent.dst, &o.key[intent.src.len()..]);
            async move { self.move_key(&o.key, &target).await.map(|r| (o.key, r)) }
        }))
        .buffer_unordered(self.concurrency)
        .try_collect()
        .await?;
        let mut moved = Vec::new();
        let mut conflicts = Vec::new();
        for (key, outcome) in outcomes {
            match outcome {
                KeyOutcome::Moved => moved.push(key),
                KeyOutcome::Gone => {}
                KeyOutcome::Conflict(target) => conflicts.push(self.client.show_key(&target)),
            }
        }
        conflicts.sort();
        let n = moved.len();
        self.client.delete_keys(moved).await?;
        match self.client.store.delete(&location).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
            Err(e) => return Err(map_err(e, &shown, "retire the completed rename intent")),
        }
        let show = |prefix: &str| self.client.show_key(prefix.trim_end_matches('/'));
        Ok(Some(RolledForward { src: show(&intent.src), dst: show(&intent.dst), moved: n, conflicts }))
    }

    /// Copies one source key to its target unless it is there already.
    async fn move_key(&self, key: &str, target: &str) -> Result<KeyOutcome> {
        if target.ends_with('/') {
            self.client.keys.put_marker(target).await?;
            return Ok(KeyOutcome::Moved);
        }
        let (from, to) = (parse_key(key)?, parse_key(target)?);
        match self.copier.copy_if_absent(self.client, &from, &to, None).await {
            Ok(()) => Ok(KeyOutcome::Moved),
            Err(e) if e.kind == ErrorKind::NotFound => Ok(KeyOutcome::Gone),
            Err(e) if e.kind == ErrorKind::AlreadyExists => self.compare(&from, &to).await,
            Err(e) => Err(e),
        }
    }

    /// After AlreadyExists: the target is our earlier copy if it has the source's size and the same write
    /// token (or either has none: objects written by other tools carry no token).
    async fn compare(&self, from: &Path, to: &Path) -> Result<KeyOutcome> {
        let (src, dst) = futures::join!(self.head_with_token(from), self.head_with_token(to));
        let Some((src_size, src_token)) = src? else { return Ok(KeyOutcome::Gone) };
        let same = match dst? {
            Some((dst_size, dst_token)) => {
                dst_size == src_size && (src_token.is_none() || dst_token.is_none() || src_token == dst_token)
            }
            None => false,
        };
        Ok(if same { KeyOutcome::Moved } else { KeyOutcome::Conflict(to.to_string()) })
    }

    async fn head_with_token(&self, location: &Path) -> Result<Option<(u64, Option<String>)>> {
        match self.client.store.get_opts(location, GetOptions { head: true, ..Default::default() }).await {
            Ok(r) => {
                let token = r.attributes.get(&Attribute::Metadata(TOKEN_ATTRIBUTE.into())).map(|v| v.to_string());
                Ok(Some((r.meta.size, token)))
            }
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(map_err(e, self.client.show_key(location.as_ref()), "read the status of")),
        }
    }
}

