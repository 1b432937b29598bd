//! The process's shared stores and their lifetime. Every `FileSystem` instance (a JNI handle, a CLI
//! command) holds a `StoreRef`; when the last one goes the store turns idle and is released soon after,
//! so rotating session credentials, each a new store with its own HTTP client, do not grow memory.
//!
//! Idle stores are kept briefly because FileContext builds an AbstractFileSystem per call and never
//! closes it: its handle is freed only when the JVM collects it, and the next call must still be a map
//! look-up, not a new HTTP client and a new copy-mode probe. An idle store is released once it has been
//! idle `IDLE_TTL`, once a newer store of the same scheme://authority is idle (rotated credentials
//! supersede it), or when more than `MAX_IDLE` are idle; checked whenever a store is taken or returned.
//!
//! The key is (scheme, authority, SHA-256 of the relevant configuration): no credential is kept by the
//! registry, and its `Debug` shows only a digest prefix.

use crate::config::Config;
use crate::error::Result;
use crate::fs::FileSystem;
use once_cell::sync::Lazy;
use parking_lot::Mutex;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

const IDLE_TTL: Duration = Duration::from_secs(30);
const MAX_IDLE: usize = 8;

#[derive(Clone, PartialEq, Eq, Hash)]
struct StoreKey {
    scheme: String,
    authority: String,
    digest: [u8; 32],
}

impl std::fmt::Debug for StoreKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let short: String = self.digest[..4].iter().map(|b| format!("{b:02x}")).collect();
        write!(f, "{}://{}#{short}", self.scheme, self.authority)
    }
}

struct Entry {
    fs: Arc<FileSystem>,
    refs: usize,
    idle_since: Option<Instant>,
}

static STORES: Lazy<Mutex<HashMap<StoreKey, Entry>>> = Lazy::new(|| Mutex::new(HashMap::new()));

/// A counted reference to a shared store; dereferences to its `FileSystem`.
pub struct StoreRef {
    key: StoreKey,
    fs: Arc<FileSystem>,
}

impl std::ops::Deref for StoreRef {
    type Target = FileSystem;
    fn deref(&self) -> &FileSystem {
        &self.fs
    }
}

impl std::fmt::Debug for StoreRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "StoreRef({:?})", self.key)
    }
}

impl StoreRef {
    /// The store itself, for callers that hand it to threads (it stays usable, uncounted).
    pub fn arc(&self) -> &Arc<FileSystem> {
        &self.fs
    }
    pub fn same_store(&self, other: &StoreRef) -> bool {
        Arc::ptr_eq(&self.fs, &other.fs)
    }
}

impl Clone for StoreRef {
    fn clone(&self) -> Self {
        take(&self.key).unwrap_or_else(|| StoreRef { key: self.key.clone(), fs: self.fs.clone() })
    }
}

impl Drop for StoreRef {
    fn drop(&mut self) {
        let released = {
            let mut stores = STORES.lock();
            if let Some(e) = stores.get_mut(&self.key) {
                e.refs = e.refs.saturating_sub(1);
                if e.refs == 0 {
                    e.idle_since = Some(Instant::now());
                }
            }
            prune(&mut stores)
        };
        drop(released); // an HTTP client and its pool are torn down outside the lock
    }
}

/// A counted reference to the store under `key`, if there is one.
fn take(key: &StoreKey) -> Option<StoreRef> {
    let mut stores = STORES.lock();
    let e = stores.get_mut(key)?;
    e.refs += 1;
    e.idle_since = None;
    Some(StoreRef { key: key.clone(), fs: e.fs.clone() })
}

/// The shared filesystem for `scheme://authority` under `conf`, built on first use.
pub fn filesystem(scheme: &str, authority: &str, conf: &Config) -> Result<StoreRef> {
    let scheme = scheme.to_ascii_lowercase();
    let digest = crate::settings::digest(&conf.relevant_to(&scheme));
    let key = StoreKey { scheme, authority: authority.to_string(), digest };
    if let Some(found) = take(&key) {
        return Ok(found);
    }
    // Built outside the lock: an S3 store may verify the bucket over the network.
    let built = Arc::new(crate::registry::build(&key.scheme, authority, conf)?);
    let mut stores = STORES.lock();
    let e = stores.entry(key.clone()).or_insert(Entry { fs: built, refs: 0, idle_since: None });
    e.refs += 1;
    e.idle_since = None;
    Ok(StoreRef { key, fs: e.fs.clone() })
}

/// Removes the idle stores past their time; returns them to be dropped outside the lock.
fn prune(stores: &mut HashMap<StoreKey, Entry>) -> Vec<Arc<FileSystem>> {
    let now = Instant::now();
    let mut idle: Vec<(Instant, StoreKey)> =
        stores.iter().filter_map(|(k, e)| e.idle_since.map(|t| (t, k.clone()))).collect();
    idle.sort_by(|a, b| b.0.cmp(&a.0)); // newest first
    let mut kept_for: Vec<(&str, &str)> = Vec::new();
    let mut doomed = Vec::new();
    for (since, key) in &idle {
        let place = (key.scheme.as_str(), key.authority.as_str());
        if now.duration_since(*since) >= IDLE_TTL || kept_for.contains(&place) || kept_for.len() >= MAX_IDLE {
            doomed.push(key.clone());
        } else {
            kept_for.push(place);
        }
    }
    doomed.iter().filter_map(|k| stores.remove(k)).map(|e| e.fs).collect()
}

/// How many stores the process holds: `live` ones have a reference, `idle` ones wait to be released.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Census {
    pub live: usize,
    pub idle: usize,
}

pub fn census() -> Census {
    let (census, _released) = {
        let mut stores = STORES.lock();
        let released = prune(&mut stores);
        let idle = stores.values().filter(|e| e.refs == 0).count();
        (Census { live: stores.len() - idle, idle }, released)
    };
    census
}

/// Releases every idle store now (tools, tests, and a JVM that wants its memory back).
pub fn release_idle() -> usize {
    let released: Vec<Entry> = {
        let mut stores = STORES.lock();
        let idle: Vec<StoreKey> = stores.iter().filter(|(_, e)| e.refs == 0).map(|(k, _)| k.clone()).collect();
        idle.iter().filter_map(|k| stores.remove(k)).collect()
    };
    released.len()
}
