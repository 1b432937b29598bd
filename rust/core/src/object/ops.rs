//! Status, listing, rename and delete over the S3A key layout.

use super::keys::{ListRequest, RawObject, DELETE_BATCH};
use super::publish::{RESERVED_PREFIX, STAGING_PREFIX};
use super::{location, map_err, Shared};
use crate::backend::{FileStatus, ListPage, Probe, Removed};
use crate::error::{Error, ErrorKind, Result};
use crate::path::FsPath;
use futures::{StreamExt, TryStreamExt};
use object_store::path::Path;
use object_store::ObjectStoreExt;

/// Keys the entry probe's LIST asks for: enough to pass the few siblings that share a name's prefix.
const ENTRY_PROBE_KEYS: usize = 16;
/// Keys the rename destination probe asks for: the destination directory's entries sorting before the
/// destination's name pass by in it (a small response all the same: ~300 bytes a key).
const DESTINATION_PROBE_KEYS: usize = 100;

/// The first keys of a prefix from one LIST page, and what they prove: a key sorting at or before the
/// page's last key is there if and only if the page holds it.
struct KeyWindow {
    objects: Vec<RawObject>,
    complete: bool,
}

impl KeyWindow {
    fn reaches(&self, key: &str) -> bool {
        self.complete || self.objects.last().is_some_and(|o| o.key.as_str() >= key)
    }

    fn object(&self, key: &str) -> Option<&RawObject> {
        self.objects.iter().find(|o| o.key == key)
    }

    /// Whether `key` exists, if the window tells.
    fn has(&self, key: &str) -> Option<bool> {
        let found = self.object(key).is_some();
        (found || self.reaches(key)).then_some(found)
    }

    /// A file or a directory at `p`, or nothing, if the window tells.
    fn entry(&self, p: &FsPath) -> Option<Option<FileStatus>> {
        if let Some(o) = self.object(p.key()) {
            return Some(Some(FileStatus::file(p.clone(), o.size, o.modified_ms)));
        }
        self.has(p.key())?;
        self.any_under(&p.dir_prefix()).map(|dir| dir.then(|| FileStatus::dir(p.clone(), 0)))
    }

    /// Whether any key starts with `prefix`, if the window tells.
    fn any_under(&self, prefix: &str) -> Option<bool> {
        let found = self.objects.iter().any(|o| o.key.starts_with(prefix));
        (found || self.reaches(prefix)).then_some(found)
    }
}

impl Shared {
    pub async fn file_status(&self, p: &FsPath) -> Result<Option<FileStatus>> {
        if p.is_root() {
            return Ok(None);
        }
        match self.store.head(&location(p)).await {
            Ok(m) => Ok(Some(FileStatus::file(p.clone(), m.size, m.last_modified.timestamp_millis()))),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(map_err(e, self.show(p), "read the status of")),
        }
    }

    /// A non-delimited LIST of `p/`: right at once even where delimited listings lag (SeaweedFS).
    pub async fn dir_status(&self, p: &FsPath) -> Result<Option<FileStatus>> {
        if p.is_root() {
            return Ok(Some(FileStatus::dir(p.clone(), 0)));
        }
        let prefix = p.dir_prefix();
        let page = self.keys.list(ListRequest { prefix: &prefix, delimited: false, start_after: None, max_keys: 1, token: None }).await?;
        Ok((!page.objects.is_empty()).then(|| FileStatus::dir(p.clone(), 0)))
    }

    /// A file or a directory at `p` in one non-delimited LIST of the prefix `key(p)`, which returns the
    /// key itself first, then its name-sharing siblings (`p.tmp`, `p-1/`...: bytes below `/`), then the
    /// keys under `p/`. Only when siblings fill the page before `p/` is reached does a second LIST ask.
    /// The status of a file found so carries the LIST's size and time, as a HEAD's would.
    pub async fn entry_status(&self, p: &FsPath) -> Result<Option<FileStatus>> {
        if p.is_root() {
            return self.dir_status(p).await;
        }
        let window = self.key_window(p.key(), ENTRY_PROBE_KEYS).await?;
        match window.entry(p) {
            Some(found) => Ok(found),
            None => self.dir_status(p).await, // `key(p)` sorts first under its own prefix: only `p/` is unknown
        }
    }

    /// Answers `Backend::probe`: every question at once, or, for `[Entry(dst), FirstFile(ancestors of
    /// dst, outermost first)]` (what a rename asks), one LIST that sees them all (`rename_destination`).
    pub async fn probe(&self, probes: &[Probe<'_>]) -> Result<Vec<Option<FileStatus>>> {
        if let [Probe::Entry(dst), Probe::FirstFile(ancestors @ [top, ..])] = probes {
            let outermost_first = ancestors.windows(2).all(|w| w[1].is_under_or_same(&w[0]) && w[1] != w[0]);
            if outermost_first && dst.is_under_or_same(top) && ancestors.iter().all(|a| a != *dst) {
                let (existing, file_ancestor) = self.rename_destination(dst, ancestors).await?;
                return Ok(vec![existing, file_ancestor]);
            }
        }
        futures::future::try_join_all(probes.iter().map(|q| async move {
            match *q {
                Probe::File(p) => self.file_status(p).await,
                Probe::Dir(p) => self.dir_status(p).await,
                Probe::Entry(p) => self.entry_status(p).await,
                Probe::FirstFile(ps) => {
                    let found = futures::future::try_join_all(ps.iter().map(|p| self.file_status(p))).await?;
                    Ok(found.into_iter().flatten().next())
                }
            }
        }))
        .await
    }

    /// What a rename must know of its destination where directories are implicit: what is at `dst`, and
    /// the first of `ancestors` (outermost first; none of them holds the source) that is a file (then
    /// `dst` counts as absent). One LIST from the outermost ancestor's key sees every ancestor's key and
    /// `dst` when few keys sort between them; otherwise the rest is asked in one more round trip.
    async fn rename_destination(&self, dst: &FsPath, ancestors: &[FsPath]) -> Result<(Option<FileStatus>, Option<FileStatus>)> {
        let Some(top) = ancestors.first() else {
            return Ok((self.entry_status(dst).await?, None));
        };
        let window = self.key_window(top.key(), DESTINATION_PROBE_KEYS).await?;
        if let Some(a) = ancestors.iter().find(|a| window.has(a.key()) == Some(true)) {
            return Ok((None, window.entry(a).flatten()));
        }
        // Every ancestor's key sorts before `dst`: a window that reaches `dst/` has answered them all.
        if let Some(existing) = window.entry(dst) {
            return Ok((existing, None));
        }
        let unknown: Vec<&FsPath> = ancestors.iter().filter(|a| window.has(a.key()).is_none()).collect();
        let files = futures::future::try_join_all(unknown.iter().map(|a| self.file_status(a)));
        let (files, existing) = futures::try_join!(files, self.entry_status(dst))?;
        Ok((existing, files.into_iter().flatten().next()))
    }

    /// The first keys of `prefix`, in order (non-delimited: right at once on every store).
    async fn key_window(&self, prefix: &str, max_keys: usize) -> Result<KeyWindow> {
        let req = ListRequest { prefix, delimited: false, start_after: None, max_keys, token: None };
        let page = self.keys.list(req).await?;
        Ok(KeyWindow { complete: page.next.is_none(), objects: page.objects })
    }

    pub async fn list_page(&self, dir: &FsPath, start_after: Option<&str>, max: usize) -> Result<Option<ListPage>> {
        let prefix = dir.dir_prefix();
        let after_raw = start_after.map(|s| format!("{prefix}{s}"));
        let max = max.max(1);
        // (raw key, entry) in key order; `next` resumes after the last raw key we hand out.
        let mut found: Vec<(String, FileStatus)> = Vec::new();
        let mut seen_anything = false;
        let mut token: Option<String> = None;
        let more = loop {
            let want = (max - found.len() + 1).min(1000);
            let req = ListRequest {
                prefix: &prefix,
                delimited: true,
                start_after: if token.is_none() { after_raw.as_deref() } else { None },
                max_keys: want,
                token: token.as_deref(),
            };
            let page = self.keys.list(req).await?;
            let mut batch: Vec<(String, FileStatus)> = Vec::new();
            for o in &page.objects {
                seen_anything = true;
                let name = &o.key[prefix.len()..];
                if name.is_empty() || name.contains('/') || (dir.is_root() && o.key.starts_with(RESERVED_PREFIX)) {
                    continue; // the directory's own marker, or commitfs' reserved objects
                }
                if let Ok(child) = dir.child(name) {
                    batch.push((o.key.clone(), FileStatus::file(child, o.size, o.modified_ms)));
                }
            }
            let prefixes = self.confirmed_prefixes(page.prefixes).await?;
            for cp in &prefixes {
                seen_anything = true;
                let name = cp[prefix.len()..].trim_end_matches('/');
                if dir.is_root() && cp == RESERVED_PREFIX {
                    continue;
                }
                if let Ok(child) = dir.child(name) {
                    batch.push((cp.clone(), FileStatus::dir(child, 0)));
                }
            }
            batch.sort_by(|a, b| a.0.cmp(&b.0));
            // A start-after inside a common prefix returns that prefix again: drop what was handed out.
            batch.retain(|(k, _)| after_raw.as_ref().is_none_or(|a| k > a));
            found.extend(batch);
            match page.next {
                Some(t) if found.len() < max => token = Some(t),
                Some(_) => break true,
                None => break found.len() > max,
            }
        };
        if !seen_anything && start_after.is_none() && !dir.is_root() {
            return Ok(None);
        }
        let more = more || found.len() > max;
        found.truncate(max);
        let next = if more { found.last().map(|(k, _)| k[prefix.len()..].to_string()) } else { None };
        let mut entries: Vec<FileStatus> = found.into_iter().map(|(_, e)| e).collect();
        entries.sort_by(|a, b| a.path.name().cmp(b.path.name()));
        Ok(Some(ListPage { entries, next }))
    }

    /// Drops common prefixes that no key lies under any more, where the store's delimited listings lag
    /// (one non-delimited LIST per child directory, in parallel; see `verify_listed_dirs`).
    async fn confirmed_prefixes(&self, prefixes: Vec<String>) -> Result<Vec<String>> {
        if prefixes.is_empty() || !self.verify_listed_dirs() {
            return Ok(prefixes);
        }
        let checked: Vec<Option<String>> = futures::stream::iter(prefixes.into_iter().map(|cp| async move {
            let req = ListRequest { prefix: &cp, delimited: false, start_after: None, max_keys: 1, token: None };
            let live = !self.keys.list(req).await?.objects.is_empty();
            Ok::<_, Error>(live.then_some(cp))
        }))
        .buffered(self.copy_concurrency)
        .try_collect()
        .await?;
        Ok(checked.into_iter().flatten().collect())
    }

    /// Every key below `prefix`, markers included, in key order.
    pub async fn all_keys(&self, prefix: &str) -> Result<Vec<RawObject>> {
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let req = ListRequest { prefix, delimited: false, start_after: None, max_keys: 1000, token: token.as_deref() };
            let page = self.keys.list(req).await?;
            out.extend(page.objects);
            match page.next {
                Some(t) => token = Some(t),
                None => return Ok(out),
            }
        }
    }

    pub async fn rename_file(&self, src: &FsPath, dst: &FsPath) -> Result<()> {
        match self.copy_if_absent(&location(src), &location(dst), None).await {
            Err(e) if e.kind == ErrorKind::NotFound => return Err(Error::not_found(self.show(src))),
            other => other?,
        }
        // Our raw DeleteObjects, not object_store's: it retries timeouts (the copy is in place, so deleting
        // the source is idempotent), where a POST timing out would report a completed rename as failed.
        self.keys.delete_keys(&[src.key().to_string()]).await
    }

    /// Copies every key (files with copy-if-not-exists, markers rewritten) with bounded concurrency,
    /// then deletes the source keys in batches. Not atomic, but journaled: a crash or failure part way is
    /// rolled forward later (`recovery.rs`).
    pub async fn rename_dir(&self, src: &FsPath, dst: &FsPath) -> Result<()> {
        let src_prefix = src.dir_prefix();
        let dst_prefix = dst.dir_prefix();
        let keys = self.all_keys(&src_prefix).await?;
        if keys.is_empty() {
            return Err(Error::not_found(self.show(src)));
        }
        let intent = self.begin_rename(&src_prefix, &dst_prefix).await?;
        futures::stream::iter(keys.iter().map(|o| {
            let target = format!("{dst_prefix}{}", &o.key[src_prefix.len()..]);
            async move {
                if target.ends_with('/') {
                    self.keys.put_marker(&target).await
                } else {
                    let from = Path::parse(&o.key).map_err(|e| Error::invalid(e.to_string()))?;
                    let to = Path::parse(&target).map_err(|e| Error::invalid(e.to_string()))?;
                    self.copy_if_absent(&from, &to, None).await
                }
            }
        }))
        .buffer_unordered(self.copy_concurrency)
        .try_collect::<Vec<()>>()
        .await
        .map_err(|e| {
            Error::at(e.kind, self.show(src), format!(
                "directory rename to {} stopped part way ({}); {}", self.show(dst), e, self.resume_hint()))
        })?;
        self.delete_keys(keys.into_iter().map(|o| o.key).collect()).await?;
        self.end_rename(intent).await;
        Ok(())
    }

    /// One non-delimited LIST of the parent's prefix finds the file (where it is among the directory's
    /// first keys; else the entry probe asks) and shows whether anything else (the parent's marker, a
    /// sibling) keeps the directory standing: then no marker is written.
    pub async fn delete_if_file(&self, p: &FsPath) -> Result<Removed> {
        let Some(parent) = p.parent().filter(|d| !d.is_root()) else {
            return Ok(match self.entry_status(p).await? {
                Some(s) if s.is_dir => Removed::DirectoryKept,
                Some(_) => self.delete_file_keeping_parent(p, false).await.map(|_| Removed::File)?,
                None => Removed::Nothing,
            });
        };
        let window = self.key_window(&parent.dir_prefix(), ENTRY_PROBE_KEYS).await?;
        let found = match window.entry(p) {
            Some(found) => found,
            None => self.entry_status(p).await?,
        };
        Ok(match found {
            Some(s) if s.is_dir => Removed::DirectoryKept,
            Some(_) => {
                let parent_stays = window.objects.iter().any(|o| o.key != p.key());
                self.delete_file_keeping_parent(p, !parent_stays).await?;
                Removed::File
            }
            None => Removed::Nothing,
        })
    }

    async fn delete_file_keeping_parent(&self, p: &FsPath, write_marker: bool) -> Result<bool> {
        // S3 DELETE answers 204 whether or not the key existed; the caller has just seen the file. The raw
        // DeleteObjects is retried on timeouts (object_store does not retry its POST), so a delete that
        // happened is never reported as failed.
        let marker = async { if write_marker { self.keep_parent(p).await } else { Ok(()) } };
        let (deleted, kept) = futures::join!(self.delete_keys(vec![p.key().to_string()]), marker);
        kept?;
        deleted.map(|_| true)
    }

    pub async fn delete_dir(&self, p: &FsPath) -> Result<bool> {
        let keys = self.all_keys(&p.dir_prefix()).await?;
        if keys.is_empty() {
            return Ok(false);
        }
        let (deleted, kept) = futures::join!(self.delete_keys(keys.into_iter().map(|o| o.key).collect()), self.keep_parent(p));
        deleted?;
        kept?;
        Ok(true)
    }

    /// Like S3A, a delete leaves the parent directory in place even if it held nothing else: its marker
    /// is written alongside the delete (same latency; idempotent) unless the delete saw it kept anyway. Renames do not do
    /// this, to stay at copy + delete: renaming the last file out of a directory that was never created
    /// with mkdirs lets that directory vanish.
    async fn keep_parent(&self, p: &FsPath) -> Result<()> {
        match p.parent() {
            Some(parent) if !parent.is_root() => self.keys.put_marker(&parent.dir_prefix()).await,
            _ => Ok(()),
        }
    }

    /// Files first, then markers deepest first: a store that models markers as real directories
    /// (SeaweedFS) only ever sees empty ones deleted.
    pub(super) async fn delete_keys(&self, keys: Vec<String>) -> Result<()> {
        let (mut markers, files): (Vec<String>, Vec<String>) = keys.into_iter().partition(|k| k.ends_with('/'));
        markers.sort_by_key(|m| std::cmp::Reverse(m.matches('/').count()));
        for batch in files.chunks(DELETE_BATCH).chain(markers.chunks(DELETE_BATCH)) {
            self.keys.delete_keys(batch).await?;
        }
        Ok(())
    }

    /// Deletes staging objects older than `max_age_ms` (left by writers that died between completing an
    /// upload and publishing it). Incomplete multipart uploads are not objects: a bucket lifecycle rule
    /// (AbortIncompleteMultipartUpload) reclaims those.
    pub async fn sweep_staging(&self, max_age_ms: i64) -> Result<usize> {
        let now = chrono::Utc::now().timestamp_millis();
        let stale: Vec<String> =
            self.all_keys(STAGING_PREFIX).await?.into_iter().filter(|o| now - o.modified_ms > max_age_ms).map(|o| o.key).collect();
        let n = stale.len();
        self.delete_keys(stale).await?;
        Ok(n)
    }
}
