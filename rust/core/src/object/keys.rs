//! Raw key operations that object_store's `Path` cannot express: directory markers (`dir/`, a key with a
//! trailing slash, as S3A writes them) and listings that must see every real key. The S3 flavour issues
//! its own signed requests (`s3.rs`); the memory flavour maps markers onto a reserved object name.

use crate::error::{Error, Result};
use async_trait::async_trait;
use futures::TryStreamExt;
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};
use std::sync::Arc;

/// Keys per DeleteObjects request (the S3 maximum).
pub const DELETE_BATCH: usize = 1000;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawObject {
    pub key: String,
    pub size: u64,
    pub modified_ms: i64,
    /// As the store sends it, quotes included; `None` where it sends none.
    pub etag: Option<String>,
}

#[derive(Clone, Debug, Default)]
pub struct RawListing {
    pub objects: Vec<RawObject>,
    /// Common prefixes (delimited listings only), each ending with `/`.
    pub prefixes: Vec<String>,
    /// Opaque token for the next page; `None` on the last page.
    pub next: Option<String>,
}

#[derive(Clone, Debug)]
pub struct ListRequest<'a> {
    pub prefix: &'a str,
    pub delimited: bool,
    pub start_after: Option<&'a str>,
    pub max_keys: usize,
    pub token: Option<&'a str>,
}

#[async_trait]
pub trait RawKeys: Send + Sync + 'static {
    /// One ListObjectsV2 page, keys in byte order.
    async fn list(&self, req: ListRequest<'_>) -> Result<RawListing>;
    /// Writes the empty marker object `dir_key` (which ends with `/`).
    async fn put_marker(&self, dir_key: &str) -> Result<()>;
    /// Deletes up to `DELETE_BATCH` keys (files or markers); missing keys are not an error.
    async fn delete_keys(&self, keys: &[String]) -> Result<()>;
    /// Deletes one key with a DeleteObject (free on S3, where a DeleteObjects POST is billed as a PUT);
    /// a missing key is not an error.
    async fn delete_key(&self, key: &str) -> Result<()> {
        self.delete_keys(&[key.to_string()]).await
    }
    /// One RenameObject request, not retried (`rename_object.rs` retries it and resolves lost answers).
    /// `if_absent`: with `If-None-Match: *`, refused (412) when `dst` exists.
    async fn rename_once(&self, _src: &str, _dst: &str, _if_absent: bool) -> RenameReply {
        RenameReply::Unsupported("this store has no RenameObject".into())
    }
    /// Incomplete multipart uploads whose key starts with `prefix` (none where uploads are not objects
    /// of their own, as in memory).
    async fn list_uploads(&self, _prefix: &str) -> Result<Vec<super::uploads::Upload>> {
        Ok(Vec::new())
    }
    /// Aborts one incomplete multipart upload; one already gone is not an error.
    async fn abort_upload(&self, _upload: &super::uploads::Upload) -> Result<()> {
        Ok(())
    }
}

/// What one RenameObject request answered.
#[derive(Debug)]
pub enum RenameReply {
    Renamed,
    /// 412: the destination exists (`If-None-Match: *`).
    DestinationExists,
    /// 404: no source object.
    SourceMissing,
    /// The store does not implement RenameObject (400, 405, 501, NotImplemented): the detail.
    Unsupported(String),
    /// A definite refusal (403, other 4xx): nothing happened.
    Refused(Error),
    /// No answer, or a 5xx: the rename may have happened. `hopeless`: retrying cannot help.
    Lost { err: Error, hopeless: bool },
}

/// The memory store's stand-in for a `dir/` marker: `dir/<MARKER>`. U+0080 is a control character, which
/// `FsPath` rejects, so no user file can collide with it; listings translate it back to `dir/`.
const MEMORY_MARKER: &str = "\u{80}commitfs-dir";

pub struct MemoryKeys {
    store: Arc<dyn ObjectStore>,
}

impl MemoryKeys {
    pub fn new(store: Arc<dyn ObjectStore>) -> Self {
        MemoryKeys { store }
    }

    fn location(key: &str) -> Result<Path> {
        let stored = match key.strip_suffix('/') {
            Some(dir) => format!("{dir}/{MEMORY_MARKER}"),
            None => key.to_string(),
        };
        Path::parse(&stored).map_err(|e| Error::invalid(format!("key '{key}' cannot be stored: {e}")))
    }

    fn key_of(location: &Path) -> String {
        let raw = location.as_ref();
        match raw.strip_suffix(MEMORY_MARKER) {
            Some(dir) if dir.ends_with('/') || dir.is_empty() => dir.to_string(),
            _ => raw.to_string(),
        }
    }
}

#[async_trait]
impl RawKeys for MemoryKeys {
    async fn list(&self, req: ListRequest<'_>) -> Result<RawListing> {
        // object_store lists whole path segments: scope to the directory holding the prefix, then filter.
        let scope = req.prefix.rfind('/').map_or("", |i| &req.prefix[..i]);
        let scope = if scope.is_empty() { None } else { Some(Path::parse(scope).map_err(|e| Error::invalid(e.to_string()))?) };
        let metas: Vec<_> = self.store.list(scope.as_ref()).try_collect().await.map_err(|e| super::map_err(e, req.prefix, "list"))?;
        let mut objects: Vec<RawObject> = metas
            .into_iter()
            .map(|m| RawObject { key: Self::key_of(&m.location), size: m.size, modified_ms: m.last_modified.timestamp_millis(), etag: m.e_tag })
            .filter(|o| o.key.starts_with(req.prefix))
            .collect();
        objects.sort_by(|a, b| a.key.cmp(&b.key));
        let after = req.token.or(req.start_after);
        let mut out = RawListing::default();
        let mut last_prefix: Option<String> = None;
        let mut count = 0;
        for o in objects.into_iter().filter(|o| after.is_none_or(|a| o.key.as_str() > a)) {
            let rest = &o.key[req.prefix.len()..];
            let folded = if req.delimited { rest.find('/').map(|i| format!("{}{}", req.prefix, &rest[..=i])) } else { None };
            if let Some(p) = &folded {
                if last_prefix.as_ref() == Some(p) {
                    continue;
                }
            }
            if count == req.max_keys {
                // Resume after everything already returned, including all keys under a folded prefix.
                let last_object = out.objects.last().map(|o| o.key.clone());
                let last_prefix = out.prefixes.last().map(|p| format!("{p}\u{10FFFF}"));
                out.next = last_object.into_iter().chain(last_prefix).max();
                break;
            }
            count += 1;
            match folded {
                Some(p) => {
                    last_prefix = Some(p.clone());
                    out.prefixes.push(p);
                }
                None => out.objects.push(o),
            }
        }
        Ok(out)
    }

    async fn put_marker(&self, dir_key: &str) -> Result<()> {
        self.store.put(&Self::location(dir_key)?, PutPayload::new()).await.map_err(|e| super::map_err(e, dir_key, "create directory marker"))?;
        Ok(())
    }

    async fn delete_keys(&self, keys: &[String]) -> Result<()> {
        for key in keys {
            match self.store.delete(&Self::location(key)?).await {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
                Err(e) => return Err(super::map_err(e, key, "delete")),
            }
        }
        Ok(())
    }
}
