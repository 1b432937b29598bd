//! Object-store backend: S3 through object_store's `AmazonS3` (object data) plus raw signed requests for
//! what its `Path` cannot say (`dir/` markers, real-key listings, batch deletes), and object_store's
//! `InMemory` for fast tests. The key layout is S3A's: a file is the key `FsPath::key()`, an empty
//! directory is the marker `dir/`, any key below `dir/` makes `dir` a directory.
//!
//! commitfs' own objects live under `_commitfs/` at the bucket root (staging copies of large exclusive
//! creates, the copy-mode and rename-mode probes); listings of the root hide that prefix. Renaming or deleting a directory
//! is a sequence of copies and deletes, not atomic. Deletes rewrite the parent's marker (as S3A does) so
//! the parent survives; renames do not (see `delete.rs`, `rename.rs`).

mod block;
mod client;
mod connection_limit;
mod counting;
mod cross_region;
pub mod credentials;
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
mod rename_object;
mod request_options;
mod retries;
mod s3;
mod sync;
mod unreachable;
mod uploads;
mod wire_headers;
mod writer;
pub use uploads::Upload;

use crate::config::Config;
use crate::settings::ObjectSettings;
use crate::error::{Error, ErrorKind, Result};
use crate::path::FsPath;
use client::Client;
use delete::SweepClock;
use keys::RawKeys;
use object_store::path::Path;
use object_store::ObjectStore;
use publish::Copier;
use recovery::Recovery;
use rename_object::Mover;
use std::sync::Arc;

pub use counting::Counters;
pub use recovery::{RecoveryReport, RolledForward};
pub use publish::TOKEN_ATTRIBUTE;
pub use s3::CopyMode;

/// One store's backend, split by concern: each module is handed only the parts it uses (the async
/// operations live in the modules; `sync.rs` is their one blocking face).
pub(crate) struct Shared {
    /// object_store, raw keys, counters, names.
    client: Arc<Client>,
    /// Copy-if-not-exists in the store's verified mode (`publish.rs`).
    copier: Copier,
    /// RenameObject or copy + delete, as `fs.<scheme>.rename.mode` and the store allow (`rename_object.rs`).
    mover: Mover,
    tuning: Tuning,
    /// When staging was last swept (`delete.rs`).
    sweep: SweepClock,
    /// Roll-forward of directory renames interrupted by a crash (`recovery.rs`).
    recovery: Recovery,
}

/// Performance settings of one store (`fs.<scheme>.multipart.size`, `readahead.range`,
/// `copy.concurrency`, `list.verify-directories`), read once.
pub(super) struct Tuning {
    part_size: usize,
    readahead: u64,
    /// Copies (and directory confirmations) in flight at once.
    copy_concurrency: usize,
    /// `Some(v)`: configured; `None`: verify when the server is SeaweedFS.
    verify_listed_dirs: Option<bool>,
}

impl Tuning {
    fn new(settings: &ObjectSettings) -> Self {
        Tuning {
            part_size: usize::try_from(settings.part_size).unwrap_or(usize::MAX),
            readahead: settings.readahead,
            copy_concurrency: settings.copy_concurrency,
            verify_listed_dirs: settings.verify_listed_dirs,
        }
    }

    /// Whether directories from delimited listings must be confirmed (stores whose delimited listings
    /// keep emptied directories for seconds: SeaweedFS).
    fn verify_listed_dirs(&self, client: &Client) -> bool {
        self.verify_listed_dirs.unwrap_or_else(|| client.server_is_seaweedfs())
    }
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
        let mut client = Client::new(scheme, bucket, built.store, Arc::new(built.keys), Some(counters), settings.page_keys);
        client.cross_region = Some(built.cross_region);
        Ok(Self::assemble(client, &settings, Some(built.copy_mode)))
    }

    /// An in-process store, private to this backend (two `memc://` authorities never share data).
    pub fn memory(scheme: &str, authority: &str, conf: &Config) -> Result<Self> {
        let store: Arc<dyn ObjectStore> = Arc::new(object_store::memory::InMemory::new());
        let keys: Arc<dyn RawKeys> = Arc::new(keys::MemoryKeys::new(store.clone()));
        let settings = ObjectSettings::read(scheme, authority, conf)?;
        crate::settings::warn_unsupported(conf, scheme);
        Ok(Self::assemble(Client::new(scheme, authority, store, keys, None, settings.page_keys), &settings, None))
    }

    /// `copy_mode` `None`: the store enforces copy-if-not-exists natively (InMemory).
    fn assemble(client: Client, settings: &ObjectSettings, copy_mode: Option<CopyMode>) -> Self {
        ObjectBackend(Arc::new(Shared {
            client: Arc::new(client),
            copier: Copier::new(copy_mode),
            mover: Mover::new(settings, copy_mode.is_some()),
            tuning: Tuning::new(settings),
            sweep: SweepClock::default(),
            recovery: Recovery::new(journal::JournalSettings::new(&settings.recovery)),
        }))
    }

    /// What recovery has done so far in this store (runs, renames completed, failures, the last one).
    pub fn recovery_report(&self) -> RecoveryReport {
        self.0.recovery.report()
    }

    /// The object_store behind this backend (tests use it to plant objects S3A-style).
    pub fn store(&self) -> Arc<dyn ObjectStore> {
        self.0.client.store.clone()
    }

    /// The bucket's region if cross-region access found it differs from the configured one.
    pub fn learned_region(&self) -> Option<String> {
        self.0.client.cross_region.as_ref().and_then(|c| c.learned())
    }
}

impl Shared {
    /// A listing must not see a crashed rename half done: recovery may run first (`recovery.rs`).
    async fn list_page(&self, dir: &FsPath, start_after: Option<&str>, max: usize) -> Result<Option<crate::backend::ListPage>> {
        self.recovery.before_listing(&self.client, &self.copier, self.tuning.copy_concurrency).await;
        self.client.list_page(dir, start_after, max, &self.tuning).await
    }

    /// As `list_page`, for a flat page of the whole tree (`Client::list_tree_page`).
    async fn list_tree_page(&self, dir: &FsPath, start_after: Option<&str>, max: usize) -> Result<Option<crate::backend::ListPage>> {
        self.recovery.before_listing(&self.client, &self.copier, self.tuning.copy_concurrency).await;
        self.client.list_tree_page(dir, start_after, max).await
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
