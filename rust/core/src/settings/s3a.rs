//! S3A keys commitfs does not read through the table: which of them it maps or ignores, and why. A key
//! the user set (the JVM passes only those, not `core-default.xml`'s) that commitfs does not use is
//! logged once per process at WARN, never silently dropped. README's "S3A keys" table lists the same.

use super::{Scope, KEYS};
use crate::config::Config;
use once_cell::sync::Lazy;
use parking_lot::Mutex;
use std::collections::HashSet;

/// What commitfs does with an S3A key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyStatus {
    /// Read through the settings table (README's configuration table).
    Supported,
    /// Not read; the reason, logged at WARN when the key is set.
    Ignored(&'static str),
}

const BUFFERS: &str = "upload parts are buffered in memory, up to 128 MiB of them in flight per stream (multipart.size sizes them)";
const THREADS: &str = "the process's one I/O runtime (COMMITFS_IO_THREADS) runs all requests";
const NOT_NEEDED: &str = "S3 is strongly consistent and commitfs's writes and renames are atomic per file";

/// S3A keys (after `fs.s3a.` or `fs.s3a.bucket.<b>.`) users commonly set that the table does not read.
pub const IGNORED: &[(&str, &str)] = &[
    ("fast.upload", BUFFERS),
    ("fast.upload.buffer", BUFFERS),
    ("fast.upload.active.blocks", BUFFERS),
    ("buffer.dir", BUFFERS),
    ("multipart.threshold", "files larger than multipart.size are uploaded in parts"),
    ("multipart.purge", "commitfs sweeps its own abandoned uploads (staging, 24 h)"),
    ("multipart.purge.age", "commitfs sweeps its own abandoned uploads (staging, 24 h)"),
    ("threads.max", THREADS),
    ("threads.keepalivetime", THREADS),
    ("max.total.tasks", THREADS),
    ("executor.capacity", THREADS),
    ("bulk.delete.page.size", "DeleteObjects sends 1000 keys per request"),
    ("multiobjectdelete.enable", "a file is one DELETE, a directory's keys go in DeleteObjects batches"),
    ("list.version", "ListObjectsV2 is always used"),
    ("signing-algorithm", "requests are always signed with SigV4"),
    ("experimental.input.fadvise", "reads use readahead.range and vectored reads"),
    ("input.fadvise", "reads use readahead.range and vectored reads"),
    ("change.detection.mode", "readers pin the ETag of the object they opened"),
    ("change.detection.source", "readers pin the ETag of the object they opened"),
    ("committer.name", "S3A's committers are s3a://-only; commitfs's renames are atomic per file (use FileOutputCommitter)"),
    ("committer.magic.enabled", "S3A's committers are s3a://-only; commitfs's renames are atomic per file (use FileOutputCommitter)"),
    ("directory.marker.retention", "commitfs keeps S3A's classic marker layout"),
    ("metadatastore.impl", NOT_NEEDED),
    ("retry.throttle.limit", "throttling (503) is retried with retry.limit and retry.interval"),
    ("retry.throttle.interval", "throttling (503) is retried with retry.limit and retry.interval"),
    ("connection.ttl", "idle connections are closed by the HTTP client's pool"),
    ("connection.idle.time", "idle connections are closed by the HTTP client's pool"),
    ("socket.send.buffer", "the operating system sizes socket buffers"),
    ("socket.recv.buffer", "the operating system sizes socket buffers"),
    ("proxy.domain", "NTLM proxies are not supported (Basic credentials are sent)"),
    ("proxy.workstation", "NTLM proxies are not supported (Basic credentials are sent)"),
    ("ssl.channel.mode", "TLS is rustls"),
    ("user.agent.prefix", "not sent"),
    ("endpoint.fips", "give the FIPS endpoint in endpoint"),
    ("encryption.context", "KMS encryption contexts are not sent"),
    ("etag.checksum.enabled", "file checksums are not exposed"),
    ("s3.client.factory.impl", "the S3 client is commitfs's own"),
    ("delegation.token.binding", "delegation tokens are not supported"),
    ("audit.enabled", "requests are counted, not audited"),
    ("downgrade.syncable.exceptions", "hflush/hsync are refused, as S3A without this key"),
];

/// Whether commitfs reads `suffix` (the part after `fs.<scheme>.`): a bucket key of the table (or its
/// alias), or a key in `IGNORED`; `None` for a key commitfs has never heard of.
pub fn s3a_key_status(suffix: &str) -> Option<KeyStatus> {
    // `fs.<scheme>.impl` binds the scheme to a class: Hadoop reads it, and it is in every configuration.
    let read = suffix == "impl" || KEYS.iter().any(|k| k.scope == Scope::Bucket && (k.name == suffix || k.alias == Some(suffix)));
    if read {
        return Some(KeyStatus::Supported);
    }
    IGNORED.iter().find(|(k, _)| *k == suffix).map(|(_, why)| KeyStatus::Ignored(why))
}

/// The status of `suffix`, also when it is a per-bucket key `bucket.<name>.<key>` (names may hold dots).
fn status_of(suffix: &str) -> Option<KeyStatus> {
    if let Some(rest) = suffix.strip_prefix("bucket.") {
        let found = rest.match_indices('.').find_map(|(i, _)| s3a_key_status(&rest[i + 1..]));
        if found.is_some() {
            return found;
        }
    }
    s3a_key_status(suffix)
}

static WARNED: Lazy<Mutex<HashSet<String>>> = Lazy::new(|| Mutex::new(HashSet::new()));

/// Logs at WARN, once per process and key, every `fs.s3a.*` or `fs.<scheme>.*` key set in `conf` that
/// commitfs does not use; returns the messages logged now (for tests).
pub fn warn_unsupported(conf: &Config, scheme: &str) -> Vec<String> {
    let own = format!("fs.{scheme}.");
    let mut logged = Vec::new();
    for (key, _) in conf.iter() {
        let Some(suffix) = key.strip_prefix("fs.s3a.").or_else(|| key.strip_prefix(own.as_str())) else { continue };
        let message = match status_of(suffix) {
            Some(KeyStatus::Supported) => continue,
            Some(KeyStatus::Ignored(why)) => format!("{key} is not used by commitfs: {why}"),
            None => format!("{key} is not a key commitfs knows (README lists the keys it reads and the S3A keys it ignores); it has no effect"),
        };
        if WARNED.lock().insert(key.clone()) {
            log::warn!(target: "commitfs::settings", "{message}");
            logged.push(message);
        }
    }
    logged
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsupported_keys_are_warned_once_and_supported_ones_never() {
        let c = Config::from_pairs([
            ("fs.s3a.endpoint", "http://h"),
            ("fs.s3a.bucket.my.bucket.endpoint.region", "eu-west-1"),
            ("fs.s3a.fast.upload.buffer", "bytebuffer"),
            ("fs.s3a.bucket.my.bucket.committer.name", "magic"),
            ("fs.s3x.warn-test.no-such-key", "1"),
            ("fs.s3a.encryption.algorithm", "SSE-S3"),
            ("fs.s3a.server-side-encryption.key", "k"),
        ]);
        let first = warn_unsupported(&c, "s3x");
        assert_eq!(first.len(), 3, "{first:#?}");
        assert!(first.iter().any(|m| m.starts_with("fs.s3a.fast.upload.buffer is not used by commitfs: upload parts")));
        assert!(first.iter().any(|m| m.starts_with("fs.s3a.bucket.my.bucket.committer.name is not used")));
        assert!(first.iter().any(|m| m.starts_with("fs.s3x.warn-test.no-such-key is not a key commitfs knows")));
        assert!(warn_unsupported(&c, "s3x").is_empty(), "once per process");
        for (k, _) in IGNORED {
            assert!(!KEYS.iter().any(|t| t.name == *k || t.alias == Some(*k)), "{k} is both read and ignored");
        }
    }
}
