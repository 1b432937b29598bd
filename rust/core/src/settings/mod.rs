//! The one table of configuration keys (`keys.rs`): each key once, with its alias, scope (which
//! prefixes it is read under), type, default and unit parsing; `Settings` reads keys through it and
//! `typed.rs` turns them into the typed settings of the object backend, the POSIX backend, the
//! filesystem policy and the JVM face. Nothing else in commitfs parses configuration, so every bad value
//! is refused the same way: the key it was read from, the value, and what is expected.
//!
//! Lookup order (as S3A's per-bucket options): a `Bucket` key `x` of scheme `s3c` and bucket `b` is
//! `fs.s3c.bucket.b.x`, `fs.s3c.x`, `fs.s3a.bucket.b.x`, `fs.s3a.x`, first found wins; its alias is tried
//! the same way only if no level sets the name itself. A `Scheme` key is `fs.<scheme>.x` only (POSIX), a
//! `Global` key `fs.commitfs.x`, an `Env` key an environment variable. Empty values count as unset.

mod credentials;
mod endpoint;
mod keys;
mod parse;
mod request;
mod s3a;
mod typed;

pub use credentials::{AwsEnvironment, CredentialSettings, ProviderList, RoleSettings};
pub use endpoint::{region_of_endpoint, resolve_endpoint, resolve_region, Endpoint};
pub use keys::*;
pub use parse::{parse_bool, parse_count, parse_duration_ms, parse_size};
pub use request::{Checksum, Encryption, NetworkSettings, Proxy, RequestSettings, Trust};
pub use s3a::{s3a_key_status, warn_unsupported, KeyStatus, IGNORED};
pub use typed::{io_threads, CopyMode, JvmSettings, ObjectSettings, PolicySettings, PosixSettings, RecoverySettings, RenameStrategy, RetrySettings, Secret};

use crate::config::Config;
use crate::error::{Error, Result};

/// Under which names a key is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// `fs.<scheme>.bucket.<b>.*`, `fs.<scheme>.*`, `fs.s3a.bucket.<b>.*`, `fs.s3a.*`.
    Bucket,
    /// `fs.<scheme>.*` only.
    Scheme,
    /// `fs.commitfs.*`; `<s>` in the name stands for the scheme.
    Global,
    /// An environment variable of this name.
    Env,
}

/// A key's type: how its value (and its default) is parsed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Bool,
    /// Bytes, with Hadoop's binary suffixes K, M, G, T.
    Size,
    /// Milliseconds; units ms, s, m, h, d; a bare number counts `bare_ms` milliseconds.
    Duration { bare_ms: u64 },
    /// A whole number; smaller values are raised to `min` (as before the table: 0 threads means 1).
    Count { min: u64 },
    /// One of these words, case-insensitive.
    Choice(&'static [&'static str]),
    Text,
    /// Text that never appears in messages, `Debug` output or the store registry's key.
    Secret,
}

/// A key's default: a value parsed like a configured one, or none (the README shows the text).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Default {
    Value(&'static str),
    Unset(&'static str),
}

/// Which part of commitfs reads the key (the README groups them so).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reader {
    Object,
    Posix,
    Policy,
    Jvm,
    Registry,
    Runtime,
}

#[derive(Debug)]
pub struct Key {
    pub name: &'static str,
    pub alias: Option<&'static str>,
    pub scope: Scope,
    pub kind: Kind,
    pub default: Default,
    pub reader: Reader,
}

impl Key {
    /// The key as the README writes it: `fs.s3c.x` (bucket keys), `fs.filec.x` (POSIX keys),
    /// `fs.commitfs.x`, or the variable's name; `alias` for the alias.
    pub fn documented(&self, alias: bool) -> Option<String> {
        let name = if alias { self.alias? } else { self.name };
        Some(match self.scope {
            Scope::Bucket => format!("fs.s3c.{name}"),
            Scope::Scheme => format!("fs.filec.{name}"),
            Scope::Global => format!("fs.commitfs.{name}"),
            Scope::Env => name.to_string(),
        })
    }

    /// The concrete keys read for `scheme` and `authority`, first found wins.
    pub fn candidates(&self, scheme: &str, authority: &str) -> Vec<String> {
        let mut out = Vec::new();
        for name in std::iter::once(self.name).chain(self.alias) {
            match self.scope {
                Scope::Bucket => {
                    let mut prefixes = vec![scheme];
                    if scheme != "s3a" {
                        prefixes.push("s3a");
                    }
                    for p in prefixes {
                        if !authority.is_empty() {
                            out.push(format!("fs.{p}.bucket.{authority}.{name}"));
                        }
                        out.push(format!("fs.{p}.{name}"));
                    }
                }
                Scope::Scheme => out.push(format!("fs.{scheme}.{name}")),
                Scope::Global => out.push(format!("fs.commitfs.{}", name.replace("<s>", scheme))),
                Scope::Env => out.push(name.to_string()),
            }
        }
        out
    }

    /// What a value must look like, for error messages.
    fn expected(&self) -> String {
        match self.kind {
            Kind::Bool => "true or false".into(),
            Kind::Size => "a size such as 4096, 64K, 8M or 1G".into(),
            Kind::Duration { bare_ms } => {
                let bare = match bare_ms {
                    1 => "milliseconds",
                    1000 => "seconds",
                    _ => "minutes",
                };
                format!("a duration such as 500ms, 30s or 5m (a bare number is {bare})")
            }
            Kind::Count { min } => format!("a whole number (at least {min})"),
            Kind::Choice(words) => match words.split_last() {
                Some((last, [])) => last.to_string(),
                Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
                None => "nothing".into(),
            },
            Kind::Text | Kind::Secret => "text".into(),
        }
    }
}

/// A parsed value; the typed readers below pick the variant of the key's kind.
enum Value {
    Flag(bool),
    Number(u64),
    Word(String),
}

/// Reads keys of the table for one scheme and authority.
pub struct Settings<'a> {
    conf: &'a Config,
    scheme: &'a str,
    authority: &'a str,
}

impl<'a> Settings<'a> {
    pub fn new(conf: &'a Config, scheme: &'a str, authority: &'a str) -> Self {
        Settings { conf, scheme, authority }
    }

    /// The configured value of `key` and the concrete key it came from.
    pub fn raw(&self, key: &Key) -> Option<(String, String)> {
        key.candidates(self.scheme, self.authority).into_iter().find_map(|k| {
            let v = match key.scope {
                Scope::Env => std::env::var(&k).ok().map(|v| v.trim().to_string()).filter(|v| !v.is_empty()),
                _ => self.conf.get(&k).map(str::to_string),
            };
            v.map(|v| (k, v))
        })
    }

    /// The configured value, else the default; `None` when neither (an `Unset` default).
    fn value(&self, key: &Key) -> Result<Option<Value>> {
        let (source, raw) = match (self.raw(key), key.default) {
            (Some(found), _) => found,
            (None, Default::Value(d)) => (format!("the default of {}", key.candidates(self.scheme, self.authority)[0]), d.to_string()),
            (None, Default::Unset(_)) => return Ok(None),
        };
        let parsed = match key.kind {
            Kind::Bool => parse_bool(&raw).map(Value::Flag),
            Kind::Size => parse_size(&raw).map(Value::Number),
            Kind::Duration { bare_ms } => parse_duration_ms(&raw, bare_ms).map(Value::Number),
            Kind::Count { min } => parse_count(&raw).map(|n| Value::Number(n.max(min))),
            Kind::Choice(words) => {
                let w = raw.to_ascii_lowercase();
                words.contains(&w.as_str()).then_some(Value::Word(w))
            }
            Kind::Text | Kind::Secret => Some(Value::Word(raw.clone())),
        };
        let shown = if key.kind == Kind::Secret { "<hidden>" } else { raw.as_str() };
        parsed.map(Some).ok_or_else(|| Error::invalid(format!("{source}={shown}: expected {}", key.expected())))
    }

    fn mismatch(key: &Key, wanted: &str) -> Error {
        Error::invalid(format!("{} is a {:?} setting, read as {wanted}", key.name, key.kind))
    }

    pub fn flag(&self, key: &Key) -> Result<bool> {
        match self.value(key)? {
            Some(Value::Flag(b)) => Ok(b),
            _ => Err(Self::mismatch(key, "a flag")),
        }
    }

    /// A size, a count or a duration in milliseconds.
    pub fn number(&self, key: &Key) -> Result<u64> {
        match self.value(key)? {
            Some(Value::Number(n)) => Ok(n),
            _ => Err(Self::mismatch(key, "a number")),
        }
    }

    /// A flag with an `Unset` default: `None` when nobody set it.
    pub fn flag_opt(&self, key: &Key) -> Result<Option<bool>> {
        match self.value(key)? {
            Some(Value::Flag(b)) => Ok(Some(b)),
            None => Ok(None),
            _ => Err(Self::mismatch(key, "a flag")),
        }
    }

    /// A number with an `Unset` default: `None` when nobody set it.
    pub fn number_opt(&self, key: &Key) -> Result<Option<u64>> {
        match self.value(key)? {
            Some(Value::Number(n)) => Ok(Some(n)),
            None => Ok(None),
            _ => Err(Self::mismatch(key, "a number")),
        }
    }

    pub fn duration(&self, key: &Key) -> Result<std::time::Duration> {
        self.number(key).map(std::time::Duration::from_millis)
    }

    /// A choice (lower case) or text; `None` when unset without a default.
    pub fn word(&self, key: &Key) -> Result<Option<String>> {
        match self.value(key)? {
            Some(Value::Word(w)) => Ok(Some(w)),
            None => Ok(None),
            _ => Err(Self::mismatch(key, "a word")),
        }
    }
}

/// The key digest of the store registry: SHA-256 of the sorted `key=value` pairs, each length-prefixed
/// (so no two configurations collide by concatenation). Secrets go into the digest, never into memory
/// kept by the registry.
pub fn digest(conf: &Config) -> [u8; 32] {
    let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
    for (k, v) in conf.iter() {
        for part in [k, v] {
            ctx.update(&(part.len() as u64).to_le_bytes());
            ctx.update(part.as_bytes());
        }
    }
    let mut out = [0u8; 32];
    out.copy_from_slice(ctx.finish().as_ref());
    out
}

#[cfg(test)]
mod tests;
