//! S3 probes, made with raw conditional requests on the configured bucket: are conditional PUTs
//! enforced under a race, which copy-if-not-exists mode really refuses to overwrite, is conditional
//! multipart completion atomic, which way files are renamed (RenameObject or copy + delete), and how long
//! delimited listings keep an emptied prefix. Every object it
//! writes lives under `_commitfs/doctor-<id>/` and is deleted at the end.

use super::{Report, Verdict};
use commitfs_core::object::ObjectBackend;
use commitfs_core::runtime::block_on;
use commitfs_core::settings::{Settings, COPY_IF_NOT_EXISTS};
use commitfs_core::{Config, Location, Result};
use futures::future::join_all;
use object_store::path::Path;
use object_store::{CopyMode, CopyOptions, ObjectStore, ObjectStoreExt, PutMode, PutOptions, PutPayload};
use std::sync::Arc;
use std::time::{Duration, Instant};

const RACERS: usize = 8;
const LINGER_LIMIT: Duration = Duration::from_secs(25);
const MULTIPART_ROUNDS: usize = 3;

struct Probe {
    store: Arc<dyn ObjectStore>,
    base: String,
}

impl Probe {
    fn key(&self, name: &str) -> Path {
        Path::from(format!("{}{name}", self.base))
    }
    async fn put(&self, name: &str, body: &'static [u8]) -> object_store::Result<()> {
        self.store.put(&self.key(name), PutPayload::from_static(body)).await.map(|_| ())
    }
    async fn body(&self, name: &str) -> object_store::Result<bytes::Bytes> {
        self.store.get(&self.key(name)).await?.bytes().await
    }
    /// `RACERS` concurrent attempts of `attempt(i)`; how many succeeded.
    async fn race<F, Fut>(&self, attempt: F) -> usize
    where
        F: Fn(usize) -> Fut,
        Fut: std::future::Future<Output = object_store::Result<()>>,
    {
        join_all((0..RACERS).map(attempt)).await.iter().filter(|r| r.is_ok()).count()
    }
    async fn clean(&self) {
        use futures::StreamExt;
        let keys: Vec<_> = self.store.list(Some(&Path::from(self.base.trim_end_matches('/')))).collect().await;
        for meta in keys.into_iter().flatten() {
            let _ = self.store.delete(&meta.location).await;
        }
    }
}

fn refused(r: &object_store::Result<()>) -> bool {
    matches!(r, Err(object_store::Error::AlreadyExists { .. }) | Err(object_store::Error::Precondition { .. }))
}

fn backend(loc: &Location, conf: &Config, mode: &str) -> Result<ObjectBackend> {
    let mut c = conf.clone();
    c.set(format!("fs.{}.copy-if-not-exists", loc.scheme), mode);
    ObjectBackend::s3(&loc.scheme, &loc.authority, &c)
}

/// Returns whether the end-to-end probes can run: the bucket answers and the configured mode is safe.
pub fn probe(loc: &Location, conf: &Config, report: &mut Report) -> Result<bool> {
    let configured = Settings::new(conf, &loc.scheme, &loc.authority).word(&COPY_IF_NOT_EXISTS)?.unwrap_or_default();
    let id = format!("{:016x}", rand::random::<u64>());
    let base = format!("_commitfs/doctor-{id}/");
    let header = Probe { store: backend(loc, conf, "header")?.store(), base: base.clone() };
    let multipart = Probe { store: backend(loc, conf, "multipart")?.store(), base };

    let reach = block_on(header.store.head(&header.key("absent")));
    match reach {
        Err(object_store::Error::NotFound { .. }) => {
            report.add("bucket", Verdict::Ok, format!("{}://{} answers and these credentials may read it", loc.scheme, loc.authority))
        }
        Ok(_) => report.add("bucket", Verdict::Ok, format!("{}://{} answers", loc.scheme, loc.authority)),
        Err(e) => {
            report.add("bucket", Verdict::Fail, format!(
                "cannot reach {}://{} with this configuration: {e}\nFix: check fs.{s}.endpoint, fs.{s}.path.style.access and the credentials (fs.{s}.access.key / fs.{s}.secret.key, or the environment)",
                loc.scheme, loc.authority, s = loc.scheme));
            return Ok(false);
        }
    }
    let outcome = block_on(async {
        let r = store_probes(&header, &multipart, &configured, &loc.scheme, report).await;
        header.clean().await;
        r
    });
    Ok(outcome? & rename_mode(loc, conf, report))
}

/// The rename mode the configured backend uses (`fs.<scheme>.rename.mode`, probed as at first use).
fn rename_mode(loc: &Location, conf: &Config, report: &mut Report) -> bool {
    let key = format!("fs.{}.rename.mode", loc.scheme);
    match ObjectBackend::s3(&loc.scheme, &loc.authority, conf).and_then(|b| b.rename_mode()) {
        Ok("rename-object") => report.add("rename mode", Verdict::Ok,
            "rename-object: RenameObject moves a file in one request and refuses to overwrite (If-None-Match: *)"),
        Ok(mode) => report.add("rename mode", Verdict::Info, format!(
            "{mode}: renames copy then delete ({key}=copy, or RenameObject is missing or not enforced here)")),
        Err(e) => {
            report.add("rename mode", Verdict::Fail, format!("{e}\nFix: set {key}=auto"));
            return false;
        }
    }
    true
}

async fn store_probes(header: &Probe, multipart: &Probe, configured: &str, scheme: &str, report: &mut Report) -> Result<bool> {
    // Conditional PUT: one winner among racers, three rounds.
    let mut winners = Vec::new();
    for round in 0..3 {
        let key = header.key(&format!("put-race-{round}"));
        winners.push(header.race(|_| {
            let key = key.clone();
            async move {
                let opts = PutOptions { mode: PutMode::Create, ..Default::default() };
                header.store.put_opts(&key, PutPayload::from_static(b"racer"), opts).await.map(|_| ())
            }
        }).await);
    }
    let put_ok = winners.iter().all(|&w| w == 1);
    report.add("conditional PUT", if put_ok { Verdict::Ok } else { Verdict::Fail }, if put_ok {
        format!("If-None-Match: * enforced: exactly 1 of {RACERS} racers won in each of 3 rounds")
    } else {
        format!("winners per round {winners:?} (must be 1): the store does not enforce If-None-Match, so no exclusive create is possible")
    });

    // Copy-if-not-exists: which mode refuses to overwrite an existing object?
    let mut safe_modes = Vec::new();
    for (name, p) in [("header", header), ("multipart", multipart)] {
        let put_both = async {
            p.put(&format!("{name}-src"), b"source").await?;
            p.put(&format!("{name}-dst"), b"existing").await
        };
        if let Err(e) = put_both.await {
            report.add(format!("copy mode {name}"), Verdict::Fail, format!("could not write probe objects: {e}"));
            continue;
        }
        let opts = CopyOptions { mode: CopyMode::Create, ..Default::default() };
        let r = p.store.copy_opts(&p.key(&format!("{name}-src")), &p.key(&format!("{name}-dst")), opts).await;
        let intact = p.body(&format!("{name}-dst")).await.map(|b| &b[..] == b"existing").unwrap_or(false);
        let (verdict, detail) = match (&r, intact) {
            (r, true) if refused(r) => {
                safe_modes.push(name);
                (Verdict::Ok, "refuses to overwrite an existing object".to_string())
            }
            (Ok(()), _) | (_, false) => (Verdict::Info, "IGNORED: the copy silently overwrote the existing object".to_string()),
            (Err(e), _) => (Verdict::Info, format!("not supported here: {e}")),
        };
        report.add(format!("copy mode {name}"), verdict, detail);
    }

    // Conditional CompleteMultipartUpload under a race (what multipart mode relies on). Races are
    // nondeterministic: several rounds, and atomic only if every round had exactly one winner.
    if safe_modes.contains(&"multipart") {
        let mut winners = Vec::new();
        for round in 0..MULTIPART_ROUNDS {
            let dst = format!("mp-race-dst-{round}");
            winners.push(multipart.race(|_| {
                let dst = multipart.key(&dst);
                async move {
                    let opts = CopyOptions { mode: CopyMode::Create, ..Default::default() };
                    multipart.store.copy_opts(&multipart.key("multipart-src"), &dst, opts).await
                }
            }).await);
        }
        if winners.iter().all(|&w| w == 1) {
            report.add("multipart completion race", Verdict::Ok,
                format!("conditional completion held: 1 of {RACERS} won in each of {MULTIPART_ROUNDS} rounds"));
        } else {
            safe_modes.retain(|m| *m != "multipart");
            report.add("multipart completion race", Verdict::Info,
                format!("winners per round {winners:?}: conditional completion is NOT atomic here, multipart mode is unsafe"));
        }
    }

    let key = format!("fs.{scheme}.copy-if-not-exists");
    let mode_ok = configured == "unsafe" || safe_modes.contains(&configured);
    match (mode_ok, safe_modes.first()) {
        (true, _) if configured == "unsafe" => report.add("configured copy mode", Verdict::Warn,
            format!("{key}=unsafe: renames check then copy, so a concurrent writer can be overwritten")),
        (true, _) => report.add("configured copy mode", Verdict::Ok, format!("{key}={configured} is enforced by this store")),
        (false, Some(good)) => report.add("configured copy mode", Verdict::Fail,
            format!("{key}={configured} is not enforced by this store.\nFix: set {key}={good}")),
        (false, None) => report.add("configured copy mode", Verdict::Fail,
            "no copy-if-not-exists mode is enforced: renames without overwrite are impossible on this store".to_string()),
    }

    report.copy_mode = if mode_ok { Some(configured.to_string()) } else { safe_modes.first().map(|m| m.to_string()) };
    linger(header, report).await;
    Ok(put_ok && mode_ok)
}

/// How long an emptied "directory" stays in delimited listings (SeaweedFS keeps it for seconds).
async fn linger(p: &Probe, report: &mut Report) {
    if p.put("linger/d/x", b"x").await.is_err() {
        return;
    }
    let _ = p.store.delete(&p.key("linger/d/x")).await;
    let parent = p.key("linger");
    let started = Instant::now();
    loop {
        let listed = match p.store.list_with_delimiter(Some(&parent)).await {
            Ok(l) => l.common_prefixes.iter().any(|c| c.as_ref().ends_with("linger/d")),
            Err(_) => false,
        };
        if !listed {
            let secs = started.elapsed().as_secs_f64();
            let (v, d) = if secs < 0.5 {
                (Verdict::Ok, "an emptied prefix leaves delimited listings at once".to_string())
            } else {
                (Verdict::Info, format!("an emptied prefix stayed in delimited listings for {secs:.1} s; commitfs confirms listed directories (fs.s3c.list.verify-directories)"))
            };
            return report.add("list after delete", v, d);
        }
        if started.elapsed() > LINGER_LIMIT {
            return report.add("list after delete", Verdict::Info, format!(
                "an emptied prefix was still in delimited listings after {} s; commitfs confirms listed directories (fs.s3c.list.verify-directories)", LINGER_LIMIT.as_secs()));
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}
