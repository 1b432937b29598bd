//! Typed settings, each read through the table once when a store is built.

use super::keys::*;
use super::Settings;
use crate::config::Config;
use crate::error::Result;
use std::time::Duration;

/// A credential: printed as `<hidden>` by `Debug`, read only where a request is signed.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(pub(crate) String);

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<hidden>")
    }
}

/// How the store enforces copy-if-not-exists (`fs.s3c.copy-if-not-exists`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CopyMode {
    /// CopyObject with `If-None-Match: *` (AWS S3, SeaweedFS).
    Header,
    /// UploadPartCopy + conditional CompleteMultipartUpload (moto). Does not copy object metadata.
    Multipart,
    /// Explicitly degraded: HEAD then unconditional copy; a concurrent writer can be overwritten.
    Unsafe,
}

/// How a file moves (`fs.s3c.rename.mode`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RenameStrategy {
    /// RenameObject where a once-per-store probe finds it enforced, else copy.
    Auto,
    /// RenameObject (one request, no bytes copied); an error where the store lacks it.
    RenameObject,
    /// Copy-if-not-exists, then DELETE of the source.
    Copy,
}

/// Retries and timeouts of S3 requests (see `object/retries.rs` for how they bound a request).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetrySettings {
    pub limit: usize,
    pub interval: Duration,
    pub timeout: Duration,
    pub request_timeout: Duration,
    pub connect_timeout: Duration,
}

/// Roll-forward of interrupted directory renames (`object/journal.rs`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecoverySettings {
    pub grace: Duration,
    pub check_interval: Duration,
}

#[derive(Clone, Debug)]
pub struct ObjectSettings {
    /// A URL with scheme (`connection.ssl.enabled` chose it if the key had none); `None`: AWS.
    pub endpoint: Option<String>,
    pub region: String,
    /// S3A's cross-region access: learn the bucket's region from a refused request.
    pub cross_region: bool,
    /// As configured, or forced for IP and `localhost` endpoints.
    pub path_style: bool,
    pub ssl: bool,
    pub copy_mode: CopyMode,
    pub rename: RenameStrategy,
    pub part_size: u64,
    pub readahead: u64,
    /// Keys asked for per LIST request (`paging.maximum`; AWS returns at most 1,000 whatever is asked).
    pub page_keys: usize,
    pub copy_concurrency: usize,
    /// `Some(v)`: configured; `None` (`auto`): verify when the server is SeaweedFS.
    pub verify_listed_dirs: Option<bool>,
    pub retry: RetrySettings,
    pub recovery: RecoverySettings,
    pub credentials: super::CredentialSettings,
    /// Encryption, requester pays, storage class, checksum: what every request carries.
    pub requests: super::RequestSettings,
    /// Proxy, pool, socket timeout, trusted CAs.
    pub network: super::NetworkSettings,
}

/// S3's minimum part size (the default is S3A's 64M: as many parts, so as many requests, per file).
const MIN_PART_SIZE: u64 = 5 << 20;

impl ObjectSettings {
    pub fn read(scheme: &str, bucket: &str, conf: &Config) -> Result<Self> {
        let s = Settings::new(conf, scheme, bucket);
        let endpoint_key = s.raw(&ENDPOINT).map_or_else(|| format!("fs.{scheme}.endpoint"), |(k, _)| k);
        let (ssl, path_style) = (s.flag(&SSL)?, s.flag(&PATH_STYLE)?);
        let endpoint = super::resolve_endpoint(&endpoint_key, s.word(&ENDPOINT)?.as_deref(), ssl, path_style)?;
        let read = ObjectSettings {
            region: super::resolve_region(s.word(&REGION)?, s.word(&AWS_REGION)?, endpoint.url.as_deref()),
            endpoint: endpoint.url,
            cross_region: s.flag(&CROSS_REGION)?,
            path_style: endpoint.path_style,
            ssl,
            copy_mode: match s.word(&COPY_IF_NOT_EXISTS)?.as_deref() {
                Some("multipart") => CopyMode::Multipart,
                Some("unsafe") => CopyMode::Unsafe,
                _ => CopyMode::Header,
            },
            rename: match s.word(&RENAME_MODE)?.as_deref() {
                Some("rename-object") => RenameStrategy::RenameObject,
                Some("copy") => RenameStrategy::Copy,
                _ => RenameStrategy::Auto,
            },
            part_size: s.number(&MULTIPART_SIZE)?.max(MIN_PART_SIZE),
            readahead: s.number(&READAHEAD)?,
            page_keys: usize::try_from(s.number(&PAGING_MAXIMUM)?).unwrap_or(usize::MAX),
            copy_concurrency: usize::try_from(s.number(&COPY_CONCURRENCY)?).unwrap_or(usize::MAX),
            verify_listed_dirs: match s.word(&VERIFY_DIRECTORIES)?.as_deref() {
                Some("true") => Some(true),
                Some("false") => Some(false),
                _ => None,
            },
            retry: RetrySettings::read(&s)?,
            recovery: RecoverySettings { grace: s.duration(&RECOVERY_GRACE)?, check_interval: s.duration(&RECOVERY_INTERVAL)? },
            credentials: super::CredentialSettings::read(&s, scheme, conf)?,
            requests: super::RequestSettings::read(&s)?,
            network: super::NetworkSettings::read(&s)?,
        };
        Ok(read)
    }
}

impl RetrySettings {
    pub fn read(s: &Settings<'_>) -> Result<Self> {
        // A timeout of 0 is S3A's "no timeout"; Hadoop 3.3.x ships `fs.s3a.connection.request.timeout=0`
        // in core-default.xml, so a Spark 3.x job may carry it even though the JVM face passes only keys
        // the user set (a user copying core-default's value, say). It keeps the bounded default: taken
        // literally every request would time out at once; taken as "none", a stalled store would hang.
        let unset = Config::new();
        let defaults = Settings::new(&unset, "s3c", "");
        let timeout = |k| s.duration(k).and_then(|d| if d.is_zero() { defaults.duration(k) } else { Ok(d) });
        Ok(RetrySettings {
            limit: usize::try_from(s.number(&RETRY_LIMIT)?).unwrap_or(usize::MAX),
            interval: s.duration(&RETRY_INTERVAL)?,
            timeout: s.duration(&RETRY_TIMEOUT)?,
            request_timeout: timeout(&REQUEST_TIMEOUT)?,
            connect_timeout: timeout(&CONNECT_TIMEOUT)?,
        })
    }
}

/// Checks the filesystem layer applies (the relaxed `create`/`rename` probes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PolicySettings {
    pub relaxed_create: bool,
    pub relaxed_rename: bool,
}

impl PolicySettings {
    pub fn read(scheme: &str, authority: &str, conf: &Config) -> Result<Self> {
        let s = Settings::new(conf, scheme, authority);
        Ok(PolicySettings { relaxed_create: s.flag(&CREATE_PERFORMANCE)?, relaxed_rename: s.flag(&RENAME_PERFORMANCE)? })
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PosixSettings {
    /// As configured (absolute); the backend resolves it.
    pub root: String,
    pub fsync: bool,
    pub temp_max_age: Duration,
    /// `noreplace=link`: always link()+unlink().
    pub force_link: bool,
}

impl PosixSettings {
    pub fn read(scheme: &str, conf: &Config) -> Result<Self> {
        let s = Settings::new(conf, scheme, "");
        let root = s.word(&POSIX_ROOT)?.unwrap_or_default();
        if !root.starts_with('/') {
            return Err(crate::Error::invalid(format!("fs.{scheme}.root={root}: give an absolute directory")));
        }
        Ok(PosixSettings {
            root,
            fsync: s.flag(&POSIX_FSYNC)?,
            temp_max_age: s.duration(&POSIX_TEMP_MAX_AGE)?,
            force_link: s.word(&POSIX_NOREPLACE)?.as_deref() == Some("link"),
        })
    }
}

/// What the JVM face reads (block size reported in statuses, its stream buffers).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct JvmSettings {
    pub block_size: u64,
    pub read_buffer: u64,
    pub write_buffer: u64,
}

impl JvmSettings {
    pub fn read(scheme: &str, authority: &str, conf: &Config) -> Result<Self> {
        let s = Settings::new(conf, scheme, authority);
        Ok(JvmSettings { block_size: s.number(&BLOCK_SIZE)?, read_buffer: s.number(&READ_BUFFER)?, write_buffer: s.number(&WRITE_BUFFER)? })
    }
}

/// `COMMITFS_IO_THREADS`: worker threads of the process-wide I/O runtime.
pub fn io_threads() -> Result<usize> {
    let unset = Config::new();
    Settings::new(&unset, "", "").number(&IO_THREADS).map(|n| usize::try_from(n).unwrap_or(usize::MAX))
}
