//! Turns a URI plus configuration into a shared `FileSystem`. One store per (scheme, authority,
//! relevant settings): Hadoop's FileContext builds an AbstractFileSystem per call and never closes it, so
//! construction must be a map look-up, not a new HTTP client. Stores are counted out (`StoreRef`) and
//! released with the last reference (see `stores.rs`); the key is a digest, never a secret.

use crate::config::Config;
use crate::error::{Error, Result};
use crate::fs::{FileSystem, Policy};
use crate::path::FsPath;
use crate::settings::{Settings, SCHEME_BACKEND};
use std::sync::Arc;

pub use crate::stores::{census, filesystem, release_idle, Census, StoreRef};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BackendKind {
    S3,
    Posix,
    Memory,
}

impl BackendKind {
    /// `fs.commitfs.scheme.<scheme>.backend` (s3, posix or memory) maps any scheme; the defaults are
    /// s3c → s3, filec → posix, memc → memory.
    pub fn for_scheme(scheme: &str, conf: &Config) -> Result<BackendKind> {
        let key = format!("fs.commitfs.scheme.{scheme}.backend");
        let name = Settings::new(conf, scheme, "").word(&SCHEME_BACKEND)?.unwrap_or_else(|| {
            match scheme {
                "s3c" => "s3",
                "filec" => "posix",
                "memc" => "memory",
                _ => "",
            }
            .to_string()
        });
        match name.as_str() {
            "s3" => Ok(BackendKind::S3),
            "posix" => Ok(BackendKind::Posix),
            "memory" => Ok(BackendKind::Memory),
            "" => Err(Error::invalid(format!(
                "scheme '{scheme}' is not a commitfs scheme: use s3c:// or filec://, or set {key}=s3|posix|memory"
            ))),
            other => Err(Error::invalid(format!("{key}={other}: expected s3, posix or memory"))),
        }
    }
}

/// A parsed `scheme://authority/path` URI.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    pub scheme: String,
    pub authority: String,
    pub path: FsPath,
}

impl Location {
    /// Parses `s3c://bucket/key`, `filec:///abs/path` (or `filec:/abs/path`). Percent-escapes in the
    /// path are decoded (the binding passes Hadoop's already-decoded `toUri().getPath()` instead).
    pub fn parse(uri: &str) -> Result<Location> {
        let (scheme, rest) = uri
            .split_once(':')
            .filter(|(s, _)| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)))
            .ok_or_else(|| Error::invalid(format!("'{uri}' is not a URI: expected scheme://authority/path")))?;
        let (authority, path) = match rest.strip_prefix("//") {
            Some(r) => match r.find('/') {
                Some(i) => (&r[..i], &r[i..]),
                None => (r, "/"),
            },
            None => ("", rest),
        };
        let path = if path.is_empty() { "/" } else { path };
        Ok(Location {
            scheme: scheme.to_ascii_lowercase(),
            authority: authority.to_string(),
            path: FsPath::parse(&percent_decode(path)?)?,
        })
    }
}

fn percent_decode(s: &str) -> Result<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok());
            match hex {
                Some(b) => {
                    out.push(b);
                    i += 3;
                    continue;
                }
                None => return Err(Error::invalid(format!("'{s}' has a malformed percent escape at byte {i}"))),
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).map_err(|_| Error::invalid(format!("'{s}' does not decode to UTF-8")))
}

/// A new, unshared filesystem (tests and tools that must not see another caller's store).
pub fn build(scheme: &str, authority: &str, conf: &Config) -> Result<FileSystem> {
    crate::settings::io_threads()?; // refused here: the runtime it sizes is started lazily, unable to fail
    let (backend, policy): (Arc<dyn crate::backend::Backend>, _) = match BackendKind::for_scheme(scheme, conf)? {
        BackendKind::Posix => (Arc::new(crate::posix::PosixBackend::from_config(scheme, authority, conf)?), Policy::default()),
        BackendKind::S3 => (Arc::new(crate::object::ObjectBackend::s3(scheme, authority, conf)?), Policy::from_config(scheme, authority, conf)?),
        BackendKind::Memory => {
            (Arc::new(crate::object::ObjectBackend::memory(scheme, authority, conf)?), Policy::from_config(scheme, authority, conf)?)
        }
    };
    Ok(FileSystem::with_policy(backend, policy))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_parse_into_scheme_authority_and_path() {
        let l = Location::parse("s3c://bucket/a/b%20c").unwrap();
        assert_eq!((l.scheme.as_str(), l.authority.as_str(), l.path.as_str()), ("s3c", "bucket", "/a/b c"));
        let l = Location::parse("filec:///tmp/x").unwrap();
        assert_eq!((l.authority.as_str(), l.path.as_str()), ("", "/tmp/x"));
        let l = Location::parse("filec:/tmp/x").unwrap();
        assert_eq!(l.path.as_str(), "/tmp/x");
        assert_eq!(Location::parse("s3c://bucket").unwrap().path, FsPath::root());
        assert!(Location::parse("no-scheme").is_err());
        assert!(Location::parse("s3c://b/%zz").is_err());
    }

    #[test]
    fn schemes_map_to_backends() {
        let c = Config::new();
        assert_eq!(BackendKind::for_scheme("s3c", &c).unwrap(), BackendKind::S3);
        assert_eq!(BackendKind::for_scheme("filec", &c).unwrap(), BackendKind::Posix);
        assert!(BackendKind::for_scheme("hdfs", &c).is_err());
        let c = Config::from_pairs([("fs.commitfs.scheme.efs.backend", "posix")]);
        assert_eq!(BackendKind::for_scheme("efs", &c).unwrap(), BackendKind::Posix);
    }
}
