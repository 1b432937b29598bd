//! Crash-safe directory rename on object stores: the intent records. A directory rename is many copies
//! then many deletes; a process that dies in between leaves the tree half in each place. So before the
//! first copy, the renamer writes an intent record (`_commitfs/journal/<start>-<token>.json`: source,
//! destination, token, start) and deletes it once the source keys are gone. `recovery.rs` rolls such a
//! rename forward.

use super::publish::new_token;
use super::client::Client;
use super::map_err;
use crate::settings::RecoverySettings;
use crate::error::{Error, Result};
use object_store::path::Path;
use object_store::{ObjectStoreExt, PutMode, PutOptions, PutPayload};
use serde::{Deserialize, Serialize};

pub const JOURNAL_PREFIX: &str = "_commitfs/journal/";

/// Recovery state: `fs.<scheme>.rename.recovery.grace` and `.interval` (read by `settings`).
pub struct JournalSettings {
    pub(super) grace_ms: i64,
    pub(super) check_interval_ms: i64,
}

impl JournalSettings {
    pub fn new(s: &RecoverySettings) -> Self {
        let ms = |d: std::time::Duration| i64::try_from(d.as_millis()).unwrap_or(i64::MAX);
        JournalSettings { grace_ms: ms(s.grace), check_interval_ms: ms(s.check_interval) }
    }
}

/// What the record says. Prefixes are raw keys ending with `/`.
#[derive(Serialize, Deserialize)]
pub(super) struct Intent {
    version: u32,
    pub src: String,
    pub dst: String,
    token: String,
    started_ms: i64,
}

/// A journaled rename in progress; `end_rename` retires it.
pub struct RenameIntent {
    record: Path,
}

pub(super) fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

pub(super) fn parse_key(key: &str) -> Result<Path> {
    Path::parse(key).map_err(|e| Error::invalid(format!("key '{key}' is not a valid object path: {e}")))
}

impl Client {
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
}

/// What to tell the user when a journaled rename stops part way (`grace_ms`: recovery's grace period).
pub(super) fn resume_hint(client: &Client, grace_ms: i64) -> String {
    format!(
        "the rename is journaled under {} and will be completed (never undone) by the next listing of this \
         store after {} s, or now by `commitfs recover {}`",
        client.show_key(JOURNAL_PREFIX),
        grace_ms / 1000,
        client.root()
    )
}

/// A record must name two distinct user directories, neither inside the other nor inside `_commitfs/`:
/// recovery moves whatever the record says, so a corrupt one must not move the wrong tree.
pub(super) fn valid_prefixes(src: &str, dst: &str) -> bool {
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
