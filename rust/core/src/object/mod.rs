//! Object-store backend: S3 through object_store's `AmazonS3` (object data) plus raw signed requests for
//! what its `Path` cannot say (`dir/` markers, real-key listings, batch deletes), and object_store's
//! `InMemory` for fast tests. The key layout is S3A's: a file is the key `FsPath::key()`, an empty
//! directory is the marker `dir/`, any key below `dir/` makes `dir` a directory.
//!
//! commitfs' own objects live under `_commitfs/` at the bucket root (staging copies of large exclusive
//! creates, the copy-mode probe); listings of the root hide that prefix. Renaming or deleting a directory
//! is a sequence of copies and deletes, not atomic. Deletes rewrite the parent's marker (as S3A does) so
//! the parent survives; renames do not (see `delete.rs`, `rename.rs`).

mod block;
mod counting;
mod delete;
#[cfg(feature = "bench-hooks")]
mod hooks;
mod journal;
mod keys;
mod listing;
mod network;
mod publish;
mod readahead;
mod reader;
mod recovery;
mod rename;
mod request_options;
mod retries;
mod s3;
mod unreachable;
mod writer;

use crate::backend::*;
use crate::config::Config;
use crate::settings::ObjectSettings;
use crate::error::{Error, ErrorKind, Result};
use crate::path::FsPath;
use crate::runtime::block_on;
use keys::RawKeys;
use object_store::path::Path;
use object_store::ObjectStore;
use std::sync::Arc;

pub use counting::Counters;
pub use recovery::{RecoveryReport, RolledForward};
pub use publish::TOKEN_ATTRIBUTE;
pub use s3::CopyMode;

/// Parts uploading at once per writer: memory is bounded by (this + 1) × part size.
const PARTS_IN_FLIGHT: usize = 4;
/// Staging objects older than this are abandoned (their writer died between upload and publish).
const STAGING_EXPIRY_MS: i64 = 24 * 3600 * 1000;
const SWEEP_INTERVAL_MS: i64 = 3600 * 1000;

pub(crate) struct Shared {
    scheme: String,
    authority: String,
    store: Arc<dyn ObjectStore>,
    keys: Arc<dyn RawKeys>,
    /// `None`: the store enforces copy-if-not-exists natively (InMemory).
    copy_mode: Option<CopyMode>,
    copy_verified: tokio::sync::OnceCell<()>,
    counters: Option<Arc<Counters>>,
    part_size: usize,
    readahead: u64,
    copy_concurrency: usize,
    /// `Some(v)`: configured; `None`: verify when the server is SeaweedFS.
    verify_listed_dirs: Option<bool>,
    /// When staging was last swept (ms since the epoch); at most one sweep per `SWEEP_INTERVAL_MS`.
    last_sweep_ms: std::sync::atomic::AtomicI64,
    /// Roll-forward of directory renames interrupted by a crash (see `recovery.rs`).
    recovery: recovery::Recovery,
}

/// Cheap to clone: clones share the store, its HTTP client and its counters.
#[derive(Clone)]
pub struct ObjectBackend(Arc<Shared>);

impl ObjectBackend {
    pub fn s3(scheme: &str, bucket: &str, conf: &Config) -> Result<Self> {
        let connector = counting::CountingConnector::default();
        let counters = connector.counters.clone();
        let settings = ObjectSettings::read(scheme, bucket, conf)?;
        crate::settings::warn_unsupported(conf, scheme);
        let built = s3::build(scheme, bucket, &settings, connector)?;
        Self::assemble(scheme, bucket, &settings, built.store, Arc::new(built.keys), Some(built.copy_mode), Some(counters))
    }

    /// An in-process store, private to this backend (two `memc://` authorities never share data).
    pub fn memory(scheme: &str, authority: &str, conf: &Config) -> Result<Self> {
        let store: Arc<dyn ObjectStore> = Arc::new(object_store::memory::InMemory::new());
        let keys = Arc::new(keys::MemoryKeys::new(store.clone()));
        let settings = ObjectSettings::read(scheme, authority, conf)?;
        crate::settings::warn_unsupported(conf, scheme);
        Self::assemble(scheme, authority, &settings, store, keys, None, None)
    }

    #[allow(clippy::too_many_arguments)]
    fn assemble(
        scheme: &str,
        authority: &str,
        settings: &ObjectSettings,
        store: Arc<dyn ObjectStore>,
        keys: Arc<dyn RawKeys>,
        copy_mode: Option<CopyMode>,
        counters: Option<Arc<Counters>>,
    ) -> Result<Self> {
        Ok(ObjectBackend(Arc::new(Shared {
            scheme: scheme.to_string(),
            authority: authority.to_string(),
            store,
            keys,
            copy_mode,
            copy_verified: tokio::sync::OnceCell::new(),
            counters,
            part_size: usize::try_from(settings.part_size).unwrap_or(usize::MAX),
            readahead: settings.readahead,
            copy_concurrency: settings.copy_concurrency,
            verify_listed_dirs: settings.verify_listed_dirs,
            last_sweep_ms: std::sync::atomic::AtomicI64::new(0),
            recovery: recovery::Recovery::new(journal::JournalSettings::new(&settings.recovery)),
        })))
    }

    /// Raw keys below `prefix` (markers included, commitfs' own objects too): for tests and tools that
    /// check the layout S3A will see.
    pub fn raw_keys(&self, prefix: &str) -> Result<Vec<String>> {
        block_on(self.0.all_keys(prefix)).map(|v| v.into_iter().map(|o| o.key).collect())
    }

    /// Deletes staging objects older than `max_age`; returns how many. Runs by itself at most hourly
    /// after a staged publish; tools can call it directly.
    pub fn sweep_staging(&self, max_age: std::time::Duration) -> Result<usize> {
        block_on(self.0.sweep_staging(max_age.as_millis() as i64))
    }

    /// Completes directory renames interrupted by a crash whose intent is older than the grace period
    /// (`fs.<scheme>.rename.recovery.grace`); returns what it rolled forward. Safe to run anywhere, any
    /// time, concurrently: every step is idempotent.
    pub fn recover(&self) -> Result<Vec<RolledForward>> {
        block_on(self.0.recovery.run(&self.0, self.0.recovery.grace_ms()))
    }

    /// Like `recover`, for intents older than `min_age` (zero: all, including renames still running).
    pub fn recover_older_than(&self, min_age: std::time::Duration) -> Result<Vec<RolledForward>> {
        block_on(self.0.recovery.run(&self.0, min_age.as_millis() as i64))
    }

    /// What recovery has done so far in this store (runs, renames completed, failures, the last one).
    pub fn recovery_report(&self) -> RecoveryReport {
        self.0.recovery.report()
    }

    /// The object_store behind this backend (tests use it to plant objects S3A-style).
    pub fn store(&self) -> Arc<dyn ObjectStore> {
        self.0.store.clone()
    }
}

impl Shared {
    fn show(&self, p: &FsPath) -> String {
        self.show_key(p.key())
    }
    /// Starts a background sweep of stale staging objects unless one ran within the interval.
    fn maybe_sweep(self: &Arc<Self>) {
        use std::sync::atomic::Ordering;
        let now = chrono::Utc::now().timestamp_millis();
        let last = self.last_sweep_ms.load(Ordering::Relaxed);
        if now - last < SWEEP_INTERVAL_MS || self.last_sweep_ms.compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed).is_err() {
            return;
        }
        let shared = self.clone();
        crate::runtime::handle().spawn(async move { drop(shared.sweep_staging(STAGING_EXPIRY_MS).await) });
    }
    /// Whether directories from delimited listings must be confirmed (stores whose delimited listings
    /// keep emptied directories for seconds: SeaweedFS).
    fn verify_listed_dirs(&self) -> bool {
        self.verify_listed_dirs.unwrap_or_else(|| self.counters.as_ref().is_some_and(|c| c.server_is_seaweedfs()))
    }
    fn show_key(&self, key: &str) -> String {
        format!("{}://{}/{}", self.scheme, self.authority, key)
    }
}

/// `FsPath` keys are always valid object_store paths: no empty, `.`/`..` or control-character segments.
fn location(p: &FsPath) -> Path {
    Path::parse(p.key()).expect("FsPath keys are valid object_store paths")
}

pub(crate) fn map_err(e: object_store::Error, shown: impl std::fmt::Display, what: &str) -> Error {
    use object_store::Error as E;
    let kind = match &e {
        E::NotFound { .. } => ErrorKind::NotFound,
        E::AlreadyExists { .. } => ErrorKind::AlreadyExists,
        E::Precondition { .. } | E::NotModified { .. } => ErrorKind::Conflict,
        E::PermissionDenied { .. } | E::Unauthenticated { .. } => ErrorKind::PermissionDenied,
        E::NotSupported { .. } | E::NotImplemented { .. } => ErrorKind::Unsupported,
        _ => ErrorKind::Io,
    };
    Error::at(kind, shown, format!("cannot {what} the object")).with_source(e)
}

impl Backend for ObjectBackend {
    fn display(&self, p: &FsPath) -> String {
        self.0.show(p)
    }
    fn capabilities(&self) -> Capabilities {
        Capabilities { atomic_dir_rename: false, implicit_directories: true, durable_close: true }
    }
    /// A lone `Entry` is one LIST whatever is there (a file, a directory, nothing), where a HEAD then a
    /// LIST would cost a directory or a missing path (Spark's `exists` checks) two requests in two round
    /// trips.
    fn probe(&self, probes: &[Probe<'_>]) -> Result<Vec<Option<FileStatus>>> {
        block_on(self.0.probe(probes))
    }
    fn list_page(&self, dir: &FsPath, start_after: Option<&str>, max: usize) -> Result<Option<ListPage>> {
        block_on(async {
            self.0.recovery.before_listing(&self.0).await; // a listing must not see a crashed rename half done
            self.0.list_page(dir, start_after, max).await
        })
    }
    fn open(&self, p: &FsPath) -> Result<Box<dyn Reader>> {
        block_on(reader::ObjectReader::open(self.0.clone(), p)).map(|r| Box::new(r) as Box<dyn Reader>)
    }
    fn create(&self, p: &FsPath, opts: &CreateOptions) -> Result<Box<dyn Writer>> {
        Ok(Box::new(writer::ObjectWriter::new(self.0.clone(), p, opts.overwrite)))
    }
    fn mkdir(&self, p: &FsPath) -> Result<()> {
        if p.is_root() {
            return Ok(());
        }
        block_on(self.0.keys.put_marker(&p.dir_prefix()))
    }
    fn rename_file(&self, src: &FsPath, dst: &FsPath, overwrite: bool) -> Result<()> {
        block_on(async {
            if overwrite {
                self.0.replace_file(src, dst).await
            } else {
                self.0.rename_file(src, dst).await
            }
        })
    }
    fn rename_dir(&self, src: &FsPath, dst: &FsPath) -> Result<()> {
        block_on(self.0.rename_dir(src, dst))
    }
    fn delete(&self, p: &FsPath, scope: DeleteScope) -> Result<Removed> {
        block_on(async {
            match scope {
                DeleteScope::File => self.0.delete_if_file(p).await,
                DeleteScope::Tree => Ok(if self.0.delete_dir(p).await? { Removed::Directory } else { Removed::Nothing }),
            }
        })
    }
    fn counters(&self) -> Vec<(String, u64)> {
        self.0.counters.as_ref().map(|c| c.snapshot()).unwrap_or_default()
    }
}
