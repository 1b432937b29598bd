//! RenameObject (`PUT /{bucket}/{dst}?renameObject` with `x-amz-rename-source: /{bucket}/{src}`): a file
//! moves in one request, atomically and without copying bytes; with `If-None-Match: *` it never
//! overwrites (412). SeaweedFS implements it; on AWS only S3 Express One Zone directory buckets do, behind
//! CreateSession auth, which commitfs does not speak yet (docs/performance.md). `fs.<scheme>.rename.mode`
//! chooses it: `auto` where a once-per-store probe shows the store really moves the object and honours the
//! precondition, else the copy-if-not-exists + DELETE of `rename.rs`.
//!
//! A lost answer (timeout, dropped connection, 5xx) may hide a rename that happened, and the retry then
//! meets its own work: 404 (source gone) or 412 (destination exists). So after the first lost answer the
//! source's identity (its write token, else its ETag) is read, and a 404/412 or a final lost answer counts
//! as success when the source is gone and the destination carries that identity. (If the source had
//! already gone when it was read, the first attempt moved it: the only other mover would be a concurrent
//! rename of the same source, which Hadoop leaves undefined.)

use super::client::Client;
use super::keys::RenameReply;
use super::map_err;
use super::publish::{new_token, TOKEN_ATTRIBUTE};
use super::retries::Retries;
use crate::error::{Error, ErrorKind, Result};
use crate::settings::{ObjectSettings, RenameStrategy};
use object_store::path::Path;
use object_store::{Attribute, GetOptions, ObjectStoreExt, PutPayload};

const PROBE_SRC: &str = "_commitfs/probe/rename-source";
/// An object that stays in place: the destination of the probe's refused rename.
const PROBE_HELD: &str = "_commitfs/probe/rename-held";
const PROBE_CONTENT: &[u8] = b"commitfs rename probe";

/// What identifies an object across a rename (RenameObject keeps both metadata and ETag).
#[derive(Clone, Debug, PartialEq, Eq)]
enum Identity {
    Token(String),
    ETag(String),
}

/// Why RenameObject is not used in a store.
enum NotUsable {
    /// The store does not implement it.
    Unsupported(String),
    /// The store answers but does not do what RenameObject promises.
    Ignored(String),
}

/// How one store moves files: its `fs.<scheme>.rename.mode`, the probe's verdict, and the retry schedule
/// of the RenameObject requests it retries itself.
pub(super) struct Mover {
    strategy: RenameStrategy,
    /// Whether renames use RenameObject, once probed.
    in_place: tokio::sync::OnceCell<bool>,
    retries: Retries,
}

impl Mover {
    /// `has_rename_object`: false for the in-memory store, which always copies.
    pub fn new(settings: &ObjectSettings, has_rename_object: bool) -> Self {
        let strategy = if has_rename_object { settings.rename } else { RenameStrategy::Copy };
        Mover { strategy, in_place: tokio::sync::OnceCell::new(), retries: Retries::new(&settings.retry) }
    }

    /// Whether file renames use RenameObject in this store (probed once per store unless `copy`).
    pub async fn in_place(&self, client: &Client) -> Result<bool> {
        if self.strategy == RenameStrategy::Copy {
            return Ok(false);
        }
        self.in_place.get_or_try_init(|| self.choose(client)).await.copied()
    }

    /// Moves the object `src` to `dst` in one RenameObject (`if_absent`: never over an existing `dst`).
    /// NotFound: no object at `src`; AlreadyExists: `dst` exists (and `if_absent`).
    pub async fn move_object(&self, client: &Client, src: &str, dst: &str, if_absent: bool) -> Result<()> {
        let started = std::time::Instant::now();
        let retry = &self.retries.retry;
        // Read after the first lost answer: the source's identity (`None`: already gone, or unreadable).
        let mut before: Option<Option<Identity>> = None;
        let mut attempt = 0;
        loop {
            let refused = match client.keys.rename_once(src, dst, if_absent).await {
                RenameReply::Renamed => return Ok(()),
                RenameReply::DestinationExists => Error::already_exists(client.show_key(dst)),
                RenameReply::SourceMissing => Error::not_found(client.show_key(src)),
                RenameReply::Unsupported(detail) => return Err(unsupported(client, dst, &detail)),
                RenameReply::Refused(e) => return Err(e),
                RenameReply::Lost { err, hopeless } => {
                    if before.is_none() {
                        before = Some(identity(client, src).await.ok().flatten());
                    }
                    attempt += 1;
                    if hopeless || attempt > retry.max_retries || started.elapsed() >= retry.retry_timeout {
                        return resolve_lost(client, src, dst, before.flatten(), err).await;
                    }
                    tokio::time::sleep(self.retries.backoff(attempt)).await;
                    continue;
                }
            };
            return match before {
                None => Err(refused),
                Some(identity) => resolve_lost(client, src, dst, identity, refused).await,
            };
        }
    }

    /// Probes the store (once) and applies `fs.<scheme>.rename.mode`: `auto` falls back to copying where
    /// RenameObject is missing or not enforced; `rename-object` turns that into an error.
    async fn choose(&self, client: &Client) -> Result<bool> {
        let verdict = probe(client).await?;
        let forced = self.strategy == RenameStrategy::RenameObject;
        let scheme = client.scheme();
        match verdict {
            None => Ok(true),
            Some(NotUsable::Unsupported(why)) if forced => Err(unsupported(client, PROBE_SRC, &why)),
            Some(NotUsable::Ignored(why)) if forced => Err(Error::at(ErrorKind::Unsafe, client.show_key(PROBE_HELD), format!(
                "fs.{scheme}.rename.mode=rename-object, but this store's RenameObject {why}, so renames could \
                 silently replace or lose files; set fs.{scheme}.rename.mode to auto or copy"))),
            Some(NotUsable::Unsupported(why) | NotUsable::Ignored(why)) => {
                log::info!(target: "commitfs::rename", "{}: renames copy then delete: RenameObject {why}", client.root());
                Ok(false)
            }
        }
    }
}

/// `None`: RenameObject moves an object to a free key and refuses (412) to replace an existing one.
/// Errors: the probe could not run (transient; the next rename probes again).
async fn probe(client: &Client) -> Result<Option<NotUsable>> {
    let (src, held) = (Path::from(PROBE_SRC), Path::from(PROBE_HELD));
    for key in [&src, &held] {
        client.store.put(key, PutPayload::from_static(PROBE_CONTENT)).await.map_err(|e| map_err(e, client.show_key(key.as_ref()), "write the rename probe"))?;
    }
    // A store that took `?renameObject` for a plain PUT would also answer 412 here: the second step
    // tells it apart.
    match client.keys.rename_once(PROBE_SRC, PROBE_HELD, true).await {
        RenameReply::DestinationExists => {}
        RenameReply::Unsupported(why) => return Ok(Some(NotUsable::Unsupported(why))),
        RenameReply::Renamed => return Ok(Some(NotUsable::Ignored("replaced an existing object despite If-None-Match: *".into()))),
        RenameReply::SourceMissing => return Ok(Some(NotUsable::Unsupported("answered 404 for an existing source".into()))),
        // Some stores answer 403 to operations they do not know; copying still works there.
        RenameReply::Refused(e) => return Ok(Some(NotUsable::Unsupported(e.to_string()))),
        RenameReply::Lost { err, .. } => return Err(err),
    }
    let fresh = format!("_commitfs/probe/rename-{}", new_token());
    let outcome = match client.keys.rename_once(PROBE_SRC, &fresh, true).await {
        RenameReply::Renamed => {
            let moved = client.store.head(&Path::from(fresh.as_str())).await.is_ok_and(|m| m.size == PROBE_CONTENT.len() as u64);
            let source_gone = matches!(client.store.head(&src).await, Err(object_store::Error::NotFound { .. }));
            if moved && source_gone { None } else { Some(NotUsable::Ignored("answered 200 but did not move the object".into())) }
        }
        RenameReply::Unsupported(why) => Some(NotUsable::Unsupported(why)),
        RenameReply::DestinationExists | RenameReply::SourceMissing => {
            Some(NotUsable::Unsupported("refused to move an object to a free key".into()))
        }
        RenameReply::Refused(e) => Some(NotUsable::Unsupported(e.to_string())),
        RenameReply::Lost { err, .. } => return Err(err),
    };
    drop(client.keys.delete_keys(&[fresh]).await); // best effort: the probe's own leftover
    Ok(outcome)
}

/// After a lost answer: Ok if the rename happened (the source is gone and the destination is the
/// object the source held), else `err`.
async fn resolve_lost(client: &Client, src: &str, dst: &str, before: Option<Identity>, err: Error) -> Result<()> {
    if !matches!(identity(client, src).await, Ok(None)) {
        return Err(err); // the source is still there (or unreadable): the rename did not happen
    }
    match identity(client, dst).await {
        Ok(Some(now)) if before.as_ref().map_or(true, |b| *b == now) => Ok(()),
        _ => Err(err),
    }
}

/// The identity of the object at `key`; `None` if there is none.
async fn identity(client: &Client, key: &str) -> Result<Option<Identity>> {
    let location = Path::from(key);
    match client.store.get_opts(&location, GetOptions { head: true, ..Default::default() }).await {
        Ok(r) => Ok(Some(match r.attributes.get(&Attribute::Metadata(TOKEN_ATTRIBUTE.into())) {
            Some(t) => Identity::Token(t.to_string()),
            None => Identity::ETag(r.meta.e_tag.unwrap_or_default()),
        })),
        Err(object_store::Error::NotFound { .. }) => Ok(None),
        Err(e) => Err(map_err(e, client.show_key(key), "read")),
    }
}

fn unsupported(client: &Client, key: &str, detail: &str) -> Error {
    Error::at(ErrorKind::Unsupported, client.show_key(key), format!(
        "this store does not implement RenameObject ({detail}); set fs.{}.rename.mode to auto or copy", client.scheme()))
}
