//! The client of one store: object_store for object data, the raw keys (`keys.rs`) for markers, real-key
//! listings and batch deletes, the request counters (S3 only), and the names paths are shown with. The
//! modules that only read and write keys (listing, delete, journal, reader) work on this alone.

use super::counting::Counters;
use super::keys::RawKeys;
use crate::path::FsPath;
use object_store::ObjectStore;
use std::sync::Arc;

pub(crate) struct Client {
    scheme: String,
    authority: String,
    pub(super) store: Arc<dyn ObjectStore>,
    pub(super) keys: Arc<dyn RawKeys>,
    /// `None` for the in-memory store (no HTTP).
    pub(super) counters: Option<Arc<Counters>>,
    /// Keys asked for per LIST request that walks a directory or a tree (`fs.<scheme>.paging.maximum`).
    pub(super) page_keys: usize,
    /// S3 only: the bucket's region once a request refused for its signing region taught it.
    pub(super) cross_region: Option<Arc<super::cross_region::CrossRegion>>,
}

impl Client {
    pub(super) fn new(scheme: &str, authority: &str, store: Arc<dyn ObjectStore>, keys: Arc<dyn RawKeys>, counters: Option<Arc<Counters>>, page_keys: usize) -> Self {
        Client { scheme: scheme.to_string(), authority: authority.to_string(), store, keys, counters, page_keys: page_keys.max(1), cross_region: None }
    }

    /// `scheme://authority/key`, the way the user names the path.
    pub(super) fn show(&self, p: &FsPath) -> String {
        self.show_key(p.key())
    }

    pub(super) fn show_key(&self, key: &str) -> String {
        format!("{}://{}/{}", self.scheme, self.authority, key)
    }

    /// `scheme://authority/`, for the commands messages suggest (`commitfs recover ...`).
    pub(super) fn root(&self) -> String {
        format!("{}://{}/", self.scheme, self.authority)
    }

    pub(super) fn scheme(&self) -> &str {
        &self.scheme
    }

    pub(super) fn server_is_seaweedfs(&self) -> bool {
        self.counters.as_ref().is_some_and(|c| c.server_is_seaweedfs())
    }
}
