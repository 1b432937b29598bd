//! Crash-safe directory rename on object stores. A directory rename is many copies then many deletes; a
//! process that dies in between leaves the tree half in each place. So before the first copy, the renamer
//! writes an intent record (`_commitfs/journal/<start>-<token>.json`: source, destination, token, start)
//! and deletes it once the source keys are gone. Any later process rolls such a rename forward: on its
//! first listing (then at most once per interval per store, one LIST of the journal prefix) and through
//! `ObjectBackend::recover()` (`commitfs recover URI`).
//!
//! Every recovery step is idempotent, so concurrent recoverers (and a renamer that is merely slow) cannot
//! corrupt anything: copies are copy-if-not-exists and a destination key that already holds the same
//! object counts as copied; deleting a deleted key is a no-op. Only source keys that existed when the
//! intent was recorded are moved (by the store's own clock), so files written at the source path after
//! the rename are never swept into the destination by a late recoverer.

use super::keys::RawObject;
use super::publish::{new_token, TOKEN_ATTRIBUTE};
use super::{map_err, Shared};
use crate::settings::RecoverySettings;
use crate::error::{Error, ErrorKind, Result};
use futures::{StreamExt, TryStreamExt};
use object_store::path::Path;
use object_store::{Attribute, GetOptions, ObjectStoreExt, PutMode, PutOptions, PutPayload};
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicI64, Ordering};

pub const JOURNAL_PREFIX: &str = "_commitfs/journal/";
/// S3 reports modification times in whole seconds: a source key stamped in the intent's second or the
/// next existed when the rename started, for all we can tell.
const MTIME_SLACK_MS: i64 = 1000;

/// Recovery state: `fs.<scheme>.rename.recovery.grace` and `.interval` (read by `settings`).
pub struct JournalSettings {
    grace_ms: i64,
    check_interval_ms: i64,
    last_check_ms: AtomicI64,
}

impl JournalSettings {
    pub fn new(s: &RecoverySettings) -> Self {
        let ms = |d: std::time::Duration| i64::try_from(d.as_millis()).unwrap_or(i64::MAX);
        JournalSettings { grace_ms: ms(s.grace), check_interval_ms: ms(s.check_interval), last_check_ms: AtomicI64::new(i64::MIN) }
    }
}

/// What the record says. Prefixes are raw keys ending with `/`.
#[derive(Serialize, Deserialize)]
struct Intent {
    version: u32,
    src: String,
    dst: String,
    token: String,
    started_ms: i64,
}

/// A journaled rename in progress; `end_rename` retires it.
pub struct RenameIntent {
    record: Path,
}

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

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

fn parse_key(key: &str) -> Result<Path> {
    Path::parse(key).map_err(|e| Error::invalid(format!("key '{key}' is not a valid object path: {e}")))
}

impl Shared {
    /// Records the intent to move every key under `src_prefix` to `dst_prefix`, before the first copy.
    pub async fn begin_rename(&self, src_prefix: &str, dst_prefix: &str) -> Result<RenameIntent> {
        let token = new_token();
        let started_ms = now_ms();
        let record = Path::from(format!("{JOURNAL_PREFIX}{started_ms:013}-{token}.json"));
        let intent = Intent { version: 1, src: src_prefix.to_string(), dst: dst_prefix.to_string(), token, started_ms };
        let body = serde_json::to_vec(&intent).expect("an intent always serialises");
        let opts = PutOptions { mode: PutMode::Create, ..Default::default() };
        match self.store.put_opts(&record, PutPayload::from(body), opts).await {
            // The name carries a fresh random token: an existing record is our own retried PUT.
            Ok(_) | Err(object_store::Error::AlreadyExists { .. }) | Err(object_store::Error::Precondition { .. }) => {
                Ok(RenameIntent { record })
            }
            Err(e) => Err(map_err(e, self.show_key(src_prefix.trim_end_matches('/')), "record the rename intent for")),
        }
    }

    /// Retires the intent once every source key is gone. Best effort: a record left behind is found by
    /// the next recovery, which finds nothing left to move and deletes it.
    pub async fn end_rename(&self, intent: RenameIntent) {
        drop(self.store.delete(&intent.record).await);
    }

    pub fn journal_grace_ms(&self) -> i64 {
        self.journal.grace_ms
    }

    /// What to tell the user when a journaled rename stops part way.
    pub fn resume_hint(&self) -> String {
        format!(
            "the rename is journaled under {} and will be completed (never undone) by the next listing of this \
             store after {} s, or now by `commitfs recover {}://{}/`",
            self.show_key(JOURNAL_PREFIX),
            self.journal.grace_ms / 1000,
            self.scheme,
            self.authority
        )
    }

    /// Rolls forward unfinished renames at most once per check interval; errors wait for the next one.
    pub async fn maybe_roll_forward(&self) {
        let now = now_ms();
        let last = self.journal.last_check_ms.load(Ordering::Relaxed);
        let due = last == i64::MIN || now.saturating_sub(last) >= self.journal.check_interval_ms;
        if !due || self.journal.last_check_ms.compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed).is_err() {
            return;
        }
        drop(self.recover(self.journal.grace_ms).await);
    }

    /// Completes every rename whose intent is older than `min_age_ms`.
    pub async fn recover(&self, min_age_ms: i64) -> Result<Vec<RolledForward>> {
        let now = now_ms();
        let mut done = Vec::new();
        for record in self.all_keys(JOURNAL_PREFIX).await? {
            if record.key.ends_with(".json") && now - record.modified_ms >= min_age_ms {
                if let Some(r) = self.roll_forward(&record).await? {
                    done.push(r);
                }
            }
        }
        Ok(done)
    }

    async fn roll_forward(&self, record: &RawObject) -> Result<Option<RolledForward>> {
        let location = parse_key(&record.key)?;
        let shown = self.show_key(&record.key);
        let body = match self.store.get(&location).await {
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
        let keys: Vec<RawObject> = self.all_keys(&intent.src).await?.into_iter().filter(|o| o.modified_ms <= cutoff).collect();
        let outcomes: Vec<(String, KeyOutcome)> = futures::stream::iter(keys.into_iter().map(|o| {
            let target = format!("{}{}", intent.dst, &o.key[intent.src.len()..]);
            async move { self.move_key(&o.key, &target).await.map(|r| (o.key, r)) }
        }))
        .buffer_unordered(self.copy_concurrency)
        .try_collect()
        .await?;
        let mut moved = Vec::new();
        let mut conflicts = Vec::new();
        for (key, outcome) in outcomes {
            match outcome {
                KeyOutcome::Moved => moved.push(key),
                KeyOutcome::Gone => {}
                KeyOutcome::Conflict(target) => conflicts.push(self.show_key(&target)),
            }
        }
        conflicts.sort();
        let n = moved.len();
        self.delete_keys(moved).await?;
        match self.store.delete(&location).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
            Err(e) => return Err(map_err(e, &shown, "retire the completed rename intent")),
        }
        let show = |prefix: &str| self.show_key(prefix.trim_end_matches('/'));
        Ok(Some(RolledForward { src: show(&intent.src), dst: show(&intent.dst), moved: n, conflicts }))
    }

    /// Copies one source key to its target unless it is there already.
    async fn move_key(&self, key: &str, target: &str) -> Result<KeyOutcome> {
        if target.ends_with('/') {
            self.keys.put_marker(target).await?;
            return Ok(KeyOutcome::Moved);
        }
        let (from, to) = (parse_key(key)?, parse_key(target)?);
        match self.copy_if_absent(&from, &to, None).await {
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
        match self.store.get_opts(location, GetOptions { head: true, ..Default::default() }).await {
            Ok(r) => {
                let token = r.attributes.get(&Attribute::Metadata(TOKEN_ATTRIBUTE.into())).map(|v| v.to_string());
                Ok(Some((r.meta.size, token)))
            }
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(map_err(e, self.show_key(location.as_ref()), "read the status of")),
        }
    }
}

/// A record must name two distinct user directories, neither inside the other nor inside `_commitfs/`:
/// recovery moves whatever the record says, so a corrupt one must not move the wrong tree.
fn valid_prefixes(src: &str, dst: &str) -> bool {
    let ok = |p: &str| p.ends_with('/') && p.len() > 1 && !p.starts_with('/') && !p.starts_with(super::publish::RESERVED_PREFIX);
    ok(src) && ok(dst) && !src.starts_with(dst) && !dst.starts_with(src)
}

#[cfg(test)]
mod tests {
    use super::valid_prefixes;

    #[test]
    fn records_must_name_two_separate_user_directories() {
        assert!(valid_prefixes("a/b/", "a/c/"));
        assert!(!valid_prefixes("a/", "a/b/"));
        assert!(!valid_prefixes("a/b/", "a/"));
        assert!(!valid_prefixes("_commitfs/x/", "a/"));
        assert!(!valid_prefixes("a", "b/"));
        assert!(!valid_prefixes("/", "b/"));
    }
}
