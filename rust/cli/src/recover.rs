//! `commitfs recover URI`: completes directory renames on an object store that a crash interrupted (each
//! is rolled forward, never undone) and deletes stale staging copies of large exclusive creates. Safe to
//! run at any time, from any number of machines: every step is idempotent. Renames whose intent is younger
//! than `fs.<scheme>.rename.recovery.grace` (default 5 min) are presumed still running and left alone.

use commitfs_core::object::ObjectBackend;
use commitfs_core::registry::BackendKind;
use commitfs_core::{Config, Location, Result};
use std::time::Duration;

/// Staging objects older than this belong to writers that died between upload and publish.
const STAGING_MAX_AGE: Duration = Duration::from_secs(24 * 3600);

pub fn run(uri: &str, conf: &Config) -> Result<u8> {
    let loc = Location::parse(uri)?;
    let backend = match BackendKind::for_scheme(&loc.scheme, conf)? {
        BackendKind::Posix => {
            println!("{uri}: nothing to recover: POSIX directory renames are atomic and writes publish by rename(2)");
            return Ok(0);
        }
        BackendKind::S3 => ObjectBackend::s3(&loc.scheme, &loc.authority, conf)?,
        BackendKind::Memory => ObjectBackend::memory(&loc.scheme, &loc.authority, conf)?,
    };
    let rolled = backend.recover()?;
    for r in &rolled {
        println!("rolled forward: {} -> {} ({} keys moved)", r.src, r.dst, r.moved);
        for c in &r.conflicts {
            println!("  conflict: {c} already held a different object; its source key was left in place");
        }
    }
    let swept = backend.sweep_staging(STAGING_MAX_AGE)?;
    println!("{} interrupted directory rename(s) completed, {swept} stale staging object(s) deleted", rolled.len());
    Ok(0)
}
