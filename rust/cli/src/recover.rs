//! `commitfs recover URI`: completes directory renames on an object store that a crash interrupted (each
//! is rolled forward, never undone), deletes stale staging copies of large exclusive creates, and lists
//! the incomplete multipart uploads under `_commitfs/staging/` (writers that died mid-upload: invisible,
//! but billed for their parts); `--abort-uploads[=MIN_AGE]` aborts those older than MIN_AGE (default
//! 24h: a younger upload may belong to a writer still running). Safe to run at any time, from any number
//! of machines: every step is idempotent. Renames whose intent is younger than
//! `fs.<scheme>.rename.recovery.grace` (default 5 min) are presumed still running and left alone.

use crate::progress::Progress;
use crate::usage;
use commitfs_core::object::{ObjectBackend, Upload};
use commitfs_core::registry::BackendKind;
use commitfs_core::{Config, Error, Location, Result};
use std::time::Duration;

/// Staging objects and uploads older than this belong to writers that died between upload and publish.
const STAGING_MAX_AGE: Duration = Duration::from_secs(24 * 3600);
const ABORT_FLAG: &str = "--abort-uploads";

pub fn run(uri: &str, flags: &[&String], conf: &Config) -> Result<u8> {
    let abort_older_than = abort_option(flags)?;
    let loc = Location::parse(uri)?;
    let backend = match BackendKind::for_scheme(&loc.scheme, conf)? {
        BackendKind::Posix => {
            println!("{uri}: nothing to recover: POSIX directory renames are atomic and writes publish by rename(2)");
            return Ok(0);
        }
        BackendKind::S3 => ObjectBackend::s3(&loc.scheme, &loc.authority, conf)?,
        BackendKind::Memory => ObjectBackend::memory(&loc.scheme, &loc.authority, conf)?,
    };
    let mut progress = Progress::steps();
    progress.step("completing interrupted directory renames ...");
    let rolled = backend.recover()?;
    for r in &rolled {
        println!("rolled forward: {} -> {} ({} keys moved)", r.src, r.dst, r.moved);
        for c in &r.conflicts {
            println!("  conflict: {c} already held a different object; its source key was left in place");
        }
    }
    progress.step("sweeping stale staging objects ...");
    let swept = backend.sweep_staging(STAGING_MAX_AGE)?;
    println!("{} interrupted directory rename(s) completed, {swept} stale staging object(s) deleted", rolled.len());
    progress.step("listing incomplete multipart uploads under _commitfs/staging/ ...");
    uploads(&backend, abort_older_than, &mut progress)?;
    Ok(0)
}

/// `None`: list only; `Some(age)`: abort uploads started longer than `age` ago.
fn abort_option(flags: &[&String]) -> Result<Option<Duration>> {
    let mut out = None;
    for f in flags {
        if f.as_str() == ABORT_FLAG {
            out = Some(STAGING_MAX_AGE);
        } else if let Some(age) = f.strip_prefix("--abort-uploads=") {
            let ms = commitfs_core::settings::parse_duration_ms(age, 1000)
                .ok_or_else(|| Error::invalid(format!("{f}: expected an age such as 0s, 30m, 24h")))?;
            out = Some(Duration::from_millis(ms));
        } else {
            return Err(usage(format!("commitfs recover: unknown option {f}")));
        }
    }
    Ok(out)
}

fn uploads(backend: &ObjectBackend, abort_older_than: Option<Duration>, progress: &mut Progress) -> Result<()> {
    let found = backend.staging_uploads()?;
    let now_ms = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64);
    let age = |u: &Upload| Duration::from_millis(now_ms.saturating_sub(u.initiated_ms).max(0) as u64);
    for u in &found {
        println!("incomplete upload: {} (started {} ago, upload id {})", u.key, human(age(u)), u.upload_id);
    }
    let Some(min_age) = abort_older_than else {
        println!("{} incomplete multipart upload(s) under _commitfs/staging/{}", found.len(),
            if found.is_empty() { "" } else { "; abort them with --abort-uploads[=MIN_AGE] (default 24h)" });
        return Ok(());
    };
    let mut aborted = 0;
    for u in found.iter().filter(|u| age(u) >= min_age) {
        progress.step(&format!("aborting {} ...", u.key));
        backend.abort_upload(u)?;
        aborted += 1;
    }
    println!("{aborted} of {} incomplete multipart upload(s) aborted (those started more than {} ago)", found.len(), human(min_age));
    Ok(())
}

fn human(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0..=119 => format!("{s} s"),
        120..=7199 => format!("{} min", s / 60),
        7200..=172_799 => format!("{} h", s / 3600),
        _ => format!("{} days", s / 86_400),
    }
}
