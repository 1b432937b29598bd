//! The filesystem's policy switches: S3A's bargains that trade open-time checks for requests. They change
//! which questions `fs` asks the backend, never what a backend primitive guarantees, so they live here
//! and not in a backend.

use crate::config::Config;
use crate::error::Result;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Policy {
    /// S3A's `create.performance`: `create` skips its open-time probes, except the HEAD that makes an
    /// exclusive create fail fast (the commit stays exclusive either way).
    pub relaxed_create_checks: bool,
    /// `rename.performance`, the same bargain for `rename` of a file: no probe of the destination, which
    /// is taken to be the file's new name (not a directory to move into) whose ancestors are no files.
    /// The rename stays atomic and never overwrites (the conditional copy): COPY + DELETE on S3.
    pub relaxed_rename_checks: bool,
}

impl Policy {
    /// `fs.<scheme>.create.performance` and `fs.<scheme>.rename.performance` (per-bucket and `fs.s3a.*`
    /// forms too); both default to false. Only object stores read them: POSIX checks are local syscalls.
    pub fn from_config(scheme: &str, authority: &str, conf: &Config) -> Result<Self> {
        let p = crate::settings::PolicySettings::read(scheme, authority, conf)?;
        Ok(Policy { relaxed_create_checks: p.relaxed_create, relaxed_rename_checks: p.relaxed_rename })
    }
}
