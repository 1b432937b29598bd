//! Publishing without overwrite: conditional PUTs, copy-if-not-exists in the store's mode (verified once
//! per store), and the write token that resolves a 412 seen after a lost response (the first attempt may
//! have succeeded). ETags are MD5s of content, never the identity of a commit: the token is.

use super::s3::CopyMode;
use super::client::Client;
use super::map_err;
use crate::error::{Error, ErrorKind, Result};
use object_store::path::Path;
use object_store::{Attribute, AttributeValue, Attributes, CopyMode as OsCopyMode, CopyOptions, GetOptions, ObjectStore, ObjectStoreExt, PutPayload};

/// User metadata key carrying the write token: `x-amz-meta-commitfs-token` on S3.
pub const TOKEN_ATTRIBUTE: &str = "commitfs-token";
/// Reserved top-level prefix for commitfs' own objects; hidden from listings of the root.
pub const RESERVED_PREFIX: &str = "_commitfs/";
pub const STAGING_PREFIX: &str = "_commitfs/staging/";
const PROBE_SRC: &str = "_commitfs/probe/copy-source";
const PROBE_DST: &str = "_commitfs/probe/copy-target";

pub fn new_token() -> String {
    format!("{:032x}", rand::random::<u128>())
}

pub fn token_attributes(token: &str) -> Attributes {
    let mut a = Attributes::new();
    a.insert(Attribute::Metadata(TOKEN_ATTRIBUTE.into()), AttributeValue::from(token.to_string()));
    a
}

/// A staging key whose name starts with its creation time, so sweeping can tell stale ones by name.
pub fn staging_key() -> String {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_millis();
    format!("{STAGING_PREFIX}{now:013}-{}", new_token())
}

/// The token stored on `location`, if the object exists and carries one.
pub async fn token_of(store: &dyn ObjectStore, location: &Path) -> Result<Option<String>> {
    match store.get_opts(location, GetOptions { head: true, ..Default::default() }).await {
        Ok(r) => Ok(r.attributes.get(&Attribute::Metadata(TOKEN_ATTRIBUTE.into())).map(|v| v.to_string())),
        Err(object_store::Error::NotFound { .. }) => Ok(None),
        Err(e) => Err(map_err(e, location, "read the write token of")),
    }
}

/// After AlreadyExists: Ok if the object at `location` carries `token` (our own earlier attempt won).
pub async fn resolve_conflict(store: &dyn ObjectStore, location: &Path, token: Option<&str>, shown: &str) -> Result<()> {
    if let Some(t) = token {
        if token_of(store, location).await?.as_deref() == Some(t) {
            return Ok(());
        }
    }
    Err(Error::at(ErrorKind::AlreadyExists, shown, "already exists: another writer got there first (the store refused the conditional write, If-None-Match: *); nothing was overwritten. Pick another name, or overwrite explicitly"))
}

/// After an error that may hide a success (timeout, connection lost after the request was sent, retries
/// exhausted on a write that landed): Ok if the object at `location` carries `token`, else `err`.
pub async fn resolve_ambiguous(store: &dyn ObjectStore, location: &Path, token: Option<&str>, err: Error) -> Result<()> {
    match token {
        Some(t) if token_of(store, location).await.ok().flatten().as_deref() == Some(t) => Ok(()),
        _ => Err(err),
    }
}

/// Copy-if-not-exists for one store: its mode, checked once that the store really refuses to overwrite.
pub(super) struct Copier {
    /// `None`: the store enforces copy-if-not-exists natively (InMemory).
    mode: Option<CopyMode>,
    verified: tokio::sync::OnceCell<()>,
}

impl Copier {
    pub fn new(mode: Option<CopyMode>) -> Self {
        Copier { mode, verified: tokio::sync::OnceCell::new() }
    }

    /// Copies `src` to `dst` unless `dst` exists (AlreadyExists). `token`: the source's write token, if
    /// known, to recognise our own copy behind a 412.
    pub async fn copy_if_absent(&self, client: &Client, src: &Path, dst: &Path, token: Option<&str>) -> Result<()> {
        let store = client.store.as_ref();
        let shown = client.show_key(dst.as_ref());
        let mode = self.verified_copy_mode(client).await?;
        let result = match mode {
            CopyMode::Unsafe => match store.head(dst).await {
                Ok(_) => return Err(Error::already_exists(&shown)),
                Err(object_store::Error::NotFound { .. }) => store.copy(src, dst).await,
                Err(e) => Err(e),
            },
            _ => store.copy_opts(src, dst, CopyOptions { mode: OsCopyMode::Create, ..Default::default() }).await,
        };
        match result {
            Ok(()) => Ok(()),
            Err(object_store::Error::AlreadyExists { .. }) | Err(object_store::Error::Precondition { .. }) => {
                let token = match token {
                    Some(t) => Some(t.to_string()),
                    None => token_of(store, src).await?,
                };
                resolve_conflict(store, dst, token.as_deref(), &shown).await
            }
            Err(object_store::Error::NotFound { .. }) => Err(Error::not_found(client.show_key(src.as_ref()))),
            Err(e) => {
                let err = map_err(e, &shown, "copy to");
                let token = match token {
                    Some(t) => Some(t.to_string()),
                    None => token_of(store, src).await.ok().flatten(),
                };
                resolve_ambiguous(store, dst, token.as_deref(), err).await
            }
        }
    }

    /// The configured copy mode, after checking once per store that it really refuses to overwrite.
    async fn verified_copy_mode(&self, client: &Client) -> Result<CopyMode> {
        let store = client.store.as_ref();
        let Some(mode) = self.mode else { return Ok(CopyMode::Header) };
        if mode == CopyMode::Unsafe {
            return Ok(mode);
        }
        self.verified
            .get_or_try_init(|| async {
                let (src, dst) = (Path::from(PROBE_SRC), Path::from(PROBE_DST));
                let opts = CopyOptions { mode: OsCopyMode::Create, ..Default::default() };
                let mut outcome = store.copy_opts(&src, &dst, opts.clone()).await;
                if matches!(outcome, Err(object_store::Error::NotFound { .. }) | Ok(())) {
                    // First use of this bucket (or the store overwrote): make sure both probe keys exist.
                    for key in [&src, &dst] {
                        store.put(key, PutPayload::from_static(b"commitfs copy probe")).await.map_err(|e| map_err(e, key, "write the copy probe"))?;
                    }
                    outcome = store.copy_opts(&src, &dst, opts).await;
                }
                match outcome {
                    Err(object_store::Error::AlreadyExists { .. }) | Err(object_store::Error::Precondition { .. }) => {
                        log::info!(target: "commitfs::copy", "{}: copy-if-not-exists mode '{}' verified: the store refused \
                            to overwrite the probe object", client.root(), if mode == CopyMode::Header { "header" } else { "multipart" });
                        Ok(())
                    }
                    Ok(()) => Err(Error::at(ErrorKind::Unsafe, client.show_key(PROBE_DST), format!(
                        "this store ignored copy-if-not-exists mode '{}' and overwrote an existing object, so renames \
                         and large exclusive creates could silently replace files; set fs.{}.copy-if-not-exists to \
                         the mode the store supports (header or multipart), or to unsafe to accept the risk",
                        if mode == CopyMode::Header { "header" } else { "multipart" }, client.scheme()))),
                    Err(e) => Err(map_err(e, &client.show_key(PROBE_DST), "probe copy-if-not-exists on")),
                }
            })
            .await?;
        Ok(mode)
    }
}
