//! Typed settings of what S3 requests carry (server-side encryption, requester pays, storage class,
//! checksum) and how they travel (proxy, connection pool, socket timeout, trusted CAs), read through the
//! table with S3A's names. `object/request_options.rs` and `object/network.rs` apply them.

use super::keys::*;
use super::{Key, Secret, Settings};
use crate::error::{Error, Result};
use base64::Engine;
use std::time::Duration;

/// Server-side encryption of every object written (S3A's `fs.s3a.encryption.algorithm`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Encryption {
    /// SSE-S3 (`AES256`): keys managed by S3.
    SseS3,
    /// SSE-KMS, or DSSE-KMS when `dual`: `key` is a KMS key id or ARN (`None`: the bucket's default).
    Kms { dual: bool, key: Option<Secret>, bucket_key: Option<bool> },
    /// SSE-C: the base64 of the caller's 256-bit key, sent with every write, read, HEAD and copy.
    CustomerKey(Secret),
}

impl Encryption {
    /// The name S3A uses, for reports (`commitfs doctor`).
    pub fn describe(&self) -> String {
        match self {
            Encryption::SseS3 => "SSE-S3".into(),
            Encryption::Kms { dual, key, bucket_key } => format!(
                "{}, key {}{}",
                if *dual { "DSSE-KMS" } else { "SSE-KMS" },
                key.as_ref().map_or("the bucket's default", |k| k.expose()),
                bucket_key.map_or(String::new(), |b| format!(", bucket key {}", if b { "on" } else { "off" }))
            ),
            Encryption::CustomerKey(_) => "SSE-C (customer key, not shown)".into(),
        }
    }
}

/// Checksum algorithm of uploads (`create.checksum.algorithm`), as object_store supports them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Checksum {
    Sha256,
    Crc64Nvme,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestSettings {
    pub encryption: Option<Encryption>,
    /// `x-amz-request-payer: requester` on every request.
    pub requester_pays: bool,
    /// Upper case (`STANDARD_IA`), as S3 spells it.
    pub storage_class: Option<String>,
    /// A canned ACL other than `private`, as S3 spells it (`bucket-owner-full-control`).
    pub canned_acl: Option<String>,
    pub checksum: Option<Checksum>,
}

/// The concrete key `key` was read from, else its documented name: what messages name.
fn source(s: &Settings<'_>, key: &Key) -> String {
    s.raw(key).map(|(k, _)| k).or_else(|| key.documented(false)).unwrap_or_default()
}

impl RequestSettings {
    pub fn read(s: &Settings<'_>) -> Result<Self> {
        Ok(RequestSettings {
            encryption: read_encryption(s)?,
            requester_pays: s.flag(&REQUESTER_PAYS)?,
            storage_class: read_storage_class(s)?,
            canned_acl: read_canned_acl(s)?,
            checksum: match s.word(&CHECKSUM)?.as_deref() {
                Some("sha256") => Some(Checksum::Sha256),
                Some("crc64nvme") => Some(Checksum::Crc64Nvme),
                _ => None,
            },
        })
    }
}

fn read_encryption(s: &Settings<'_>) -> Result<Option<Encryption>> {
    let algorithm = s.word(&ENCRYPTION_ALGORITHM)?;
    let key = s.word(&ENCRYPTION_KEY)?.map(Secret);
    let alg_key = source(s, &ENCRYPTION_ALGORITHM);
    // Unset, the key is named as the user wrote the algorithm: `fs.s3a.bucket.b.` + `encryption.key`.
    let key_key = s.raw(&ENCRYPTION_KEY).map(|(k, _)| k).unwrap_or_else(|| {
        let prefix = [ENCRYPTION_ALGORITHM.name, "server-side-encryption-algorithm"].iter().find_map(|n| alg_key.strip_suffix(n));
        format!("{}{}", prefix.unwrap_or("fs.s3c."), ENCRYPTION_KEY.name)
    });
    let shown = algorithm.as_deref().unwrap_or("none").to_ascii_uppercase();
    let no_key = |what: &str| match &key {
        Some(_) => Err(Error::invalid(format!("{alg_key}={shown} takes no key, but {key_key} is set: {what}"))),
        None => Ok(()),
    };
    Ok(match algorithm.as_deref() {
        None | Some("none") => {
            no_key("set the algorithm (SSE-KMS or SSE-C) the key is for, or remove the key")?;
            None
        }
        Some("sse-s3" | "aes256") => {
            no_key("S3 manages SSE-S3 keys; use SSE-KMS for a KMS key, or remove the key")?;
            Some(Encryption::SseS3)
        }
        Some(kms @ ("sse-kms" | "dsse-kms")) => Some(Encryption::Kms { dual: kms == "dsse-kms", key, bucket_key: s.flag_opt(&BUCKET_KEY)? }),
        Some("sse-c") => {
            let key = key.ok_or_else(|| {
                Error::invalid(format!("{alg_key}=SSE-C needs {key_key}: the base64 encoding of a 256-bit (32-byte) key"))
            })?;
            let decoded = base64::engine::general_purpose::STANDARD.decode(key.expose().trim());
            if decoded.map(|k| k.len()) != Ok(32) {
                return Err(Error::invalid(format!(
                    "{key_key}=<hidden> is not an SSE-C key: expected the base64 encoding of exactly 32 bytes (openssl rand -base64 32)"
                )));
            }
            Some(Encryption::CustomerKey(Secret(key.expose().trim().to_string())))
        }
        Some(other) => {
            return Err(Error::unsupported(format!(
                "{alg_key}={}: client-side encryption is not supported by commitfs; use SSE-KMS or SSE-C, or the s3a:// connector",
                other.to_ascii_uppercase()
            )))
        }
    })
}

/// S3A lower-cases storage classes (`intelligent_tiering`); S3 wants `INTELLIGENT_TIERING`.
fn read_storage_class(s: &Settings<'_>) -> Result<Option<String>> {
    let Some(class) = s.word(&STORAGE_CLASS)? else { return Ok(None) };
    if !class.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
        return Err(Error::invalid(format!(
            "{}={class}: expected an S3 storage class such as STANDARD, STANDARD_IA, INTELLIGENT_TIERING or GLACIER_IR",
            source(s, &STORAGE_CLASS)
        )));
    }
    Ok(Some(class.to_ascii_uppercase().replace('-', "_")))
}

/// S3's canned ACLs; S3A also takes the SDK v1 names (`BucketOwnerFullControl`): compared without case,
/// dashes and underscores.
const CANNED_ACLS: &[&str] = &[
    "private",
    "public-read",
    "public-read-write",
    "authenticated-read",
    "aws-exec-read",
    "bucket-owner-read",
    "bucket-owner-full-control",
    "log-delivery-write",
];

/// `acl.default`: `private` (every object's default) sends nothing, so buckets that refuse ACLs
/// ("bucket owner enforced") keep working; another canned ACL goes on every object write.
fn read_canned_acl(s: &Settings<'_>) -> Result<Option<String>> {
    let Some(acl) = s.word(&CANNED_ACL)? else { return Ok(None) };
    let bare = |a: &str| a.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().to_ascii_lowercase();
    match CANNED_ACLS.iter().find(|c| bare(c) == bare(&acl)) {
        Some(&"private") => Ok(None),
        Some(c) => Ok(Some(c.to_string())),
        None => Err(Error::invalid(format!(
            "{}={acl}: not a canned ACL; expected one of {}",
            source(s, &CANNED_ACL),
            CANNED_ACLS.join(", ")
        ))),
    }
}

/// An HTTP(S) proxy (`proxy.*`): the URL without credentials, and the credentials apart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proxy {
    pub url: String,
    pub username: Option<Secret>,
    pub password: Option<Secret>,
    /// Hosts that bypass the proxy: comma-separated names, domains (`.example.com`), IPs or CIDRs.
    pub no_proxy: Option<String>,
}

impl Proxy {
    /// The URL reqwest reads, with the credentials (percent-encoded) as user info: never to be shown.
    pub fn url_with_credentials(&self) -> String {
        use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
        match (&self.username, &self.password) {
            (Some(u), Some(p)) => {
                let (scheme, rest) = self.url.split_once("://").unwrap_or(("http", &self.url));
                let enc = |s: &Secret| utf8_percent_encode(s.expose(), NON_ALPHANUMERIC).to_string();
                format!("{scheme}://{}:{}@{rest}", enc(u), enc(p))
            }
            _ => self.url.clone(),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NetworkSettings {
    pub proxy: Option<Proxy>,
    /// Requests (so connections) on the wire at once, and idle connections kept (`connection.maximum`).
    pub max_connections: Option<usize>,
    /// Longest wait for data on an open connection (`connection.timeout`).
    pub socket_timeout: Option<Duration>,
    pub trust: Trust,
}

/// Certificate authorities trusted in addition to the system's.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Trust {
    /// PEM file of CA certificates (`connection.ssl.ca-bundle`).
    pub ca_bundle: Option<String>,
    /// The JVM's default trust anchors (PEM), passed by the JVM face with `connection.ssl.trust-jvm`.
    pub jvm_anchors: Option<String>,
}

impl NetworkSettings {
    pub fn read(s: &Settings<'_>) -> Result<Self> {
        let ca_bundle = s.word(&CA_BUNDLE)?;
        if let Some(path) = &ca_bundle {
            std::fs::metadata(path).map_err(|e| {
                Error::invalid(format!("{}={path}: cannot read the CA bundle: {e}; give a PEM file of CA certificates", source(s, &CA_BUNDLE)))
            })?;
        }
        Ok(NetworkSettings {
            proxy: read_proxy(s)?,
            max_connections: s.number_opt(&CONNECTION_MAXIMUM)?.map(|n| usize::try_from(n).unwrap_or(usize::MAX)),
            socket_timeout: s.number_opt(&SOCKET_TIMEOUT)?.filter(|ms| *ms > 0).map(Duration::from_millis),
            trust: Trust { ca_bundle, jvm_anchors: read_jvm_anchors(s)? },
        })
    }
}

/// `connection.ssl.trust-jvm=true` needs the anchors the JVM face passes; elsewhere (the CLI) it is an
/// error rather than a silent fallback to the system's store.
fn read_jvm_anchors(s: &Settings<'_>) -> Result<Option<String>> {
    if !s.flag(&TRUST_JVM)? {
        return Ok(None);
    }
    match s.word(&JVM_TRUST_ANCHORS)? {
        Some(pem) => Ok(Some(pem)),
        None => Err(Error::invalid(format!(
            "{}=true: the JVM's trust anchors were not passed (only the JVM face passes them); outside a JVM give \
             the CA certificates with connection.ssl.ca-bundle",
            source(s, &TRUST_JVM)
        ))),
    }
}

/// S3A's rules: a port or credentials without a host, or a user without a password, are errors.
fn read_proxy(s: &Settings<'_>) -> Result<Option<Proxy>> {
    let host = s.word(&PROXY_HOST)?;
    let port = s.number_opt(&PROXY_PORT)?;
    let (username, password) = (s.word(&PROXY_USERNAME)?.map(Secret), s.word(&PROXY_PASSWORD)?.map(Secret));
    let host_key = source(s, &PROXY_HOST);
    let Some(host) = host else {
        if port.is_some() || username.is_some() || password.is_some() {
            return Err(Error::invalid(format!("a proxy port or credentials are set but {host_key} is not: set the proxy host")));
        }
        return Ok(None);
    };
    if username.is_some() != password.is_some() {
        return Err(Error::invalid(format!(
            "{} and {} must be set together (proxy at {host})",
            source(s, &PROXY_USERNAME),
            source(s, &PROXY_PASSWORD)
        )));
    }
    let bad = |why: &str| Error::invalid(format!("{host_key}={host}: {why}; expected a host name or IP address such as proxy.example.com"));
    if host.is_empty() || host.chars().any(|c| c.is_whitespace() || matches!(c, '/' | '@' | '?' | '#')) {
        return Err(bad("not a host name"));
    }
    let ssl = s.flag(&PROXY_SSL)?;
    let port = port.unwrap_or(if ssl { 443 } else { 80 });
    if port > u64::from(u16::MAX) {
        return Err(Error::invalid(format!("{}={port}: a port is at most 65535", source(s, &PROXY_PORT))));
    }
    let bracketed = if host.contains(':') && !host.starts_with('[') { format!("[{host}]") } else { host.clone() };
    let url = format!("{}://{bracketed}:{port}", if ssl { "https" } else { "http" });
    if url::Url::parse(&url).ok().and_then(|u| u.host_str().map(str::to_string)).is_none() {
        return Err(bad("not a valid host"));
    }
    Ok(Some(Proxy { url, username, password, no_proxy: s.word(&NO_PROXY)? }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn read(pairs: &[(&str, &str)]) -> Result<(RequestSettings, NetworkSettings)> {
        let c = Config::from_pairs(pairs.iter().copied());
        let s = Settings::new(&c, "s3c", "b");
        Ok((RequestSettings::read(&s)?, NetworkSettings::read(&s)?))
    }

    const KEY32: &str = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

    #[test]
    fn encryption_reads_s3a_names_and_legacy_keys() {
        assert_eq!(read(&[]).unwrap().0, RequestSettings::default());
        assert_eq!(read(&[("fs.s3a.encryption.algorithm", "SSE-S3")]).unwrap().0.encryption, Some(Encryption::SseS3));
        assert_eq!(read(&[("fs.s3a.server-side-encryption-algorithm", "AES256")]).unwrap().0.encryption, Some(Encryption::SseS3));
        let kms = read(&[("fs.s3a.encryption.algorithm", "SSE-KMS"), ("fs.s3a.server-side-encryption.key", "arn:k"), ("fs.s3c.encryption.bucket-key.enabled", "true")]);
        assert_eq!(kms.unwrap().0.encryption, Some(Encryption::Kms { dual: false, key: Some(Secret("arn:k".into())), bucket_key: Some(true) }));
        let d = read(&[("fs.s3a.bucket.b.encryption.algorithm", "dsse-kms")]).unwrap().0.encryption;
        assert_eq!(d, Some(Encryption::Kms { dual: true, key: None, bucket_key: None }));
        let c = read(&[("fs.s3a.encryption.algorithm", "SSE-C"), ("fs.s3a.encryption.key", KEY32)]).unwrap().0;
        assert_eq!(c.encryption, Some(Encryption::CustomerKey(Secret(KEY32.into()))));
        assert!(!format!("{c:?}").contains(KEY32));
    }

    #[test]
    fn bad_encryption_names_the_key_and_never_shows_the_secret() {
        for (pairs, wanted) in [
            (vec![("fs.s3a.encryption.algorithm", "SSE-KMX")], "fs.s3a.encryption.algorithm=SSE-KMX: expected none, sse-s3"),
            (vec![("fs.s3a.encryption.algorithm", "CSE-KMS")], "client-side encryption is not supported"),
            (vec![("fs.s3c.encryption.algorithm", "SSE-C")], "needs fs.s3c.encryption.key"),
            (vec![("fs.s3a.encryption.algorithm", "SSE-C"), ("fs.s3a.encryption.key", "c2hvcnQ=")], "fs.s3a.encryption.key=<hidden> is not an SSE-C key"),
            (vec![("fs.s3a.encryption.algorithm", "SSE-S3"), ("fs.s3a.encryption.key", "k")], "takes no key"),
            (vec![("fs.s3a.acl.default", "owner-only")], "fs.s3a.acl.default=owner-only: not a canned ACL; expected one of private, public-read"),
            (vec![("fs.s3a.create.storage.class", "cold storage")], "expected an S3 storage class"),
            (vec![("fs.s3a.proxy.port", "8080")], "set the proxy host"),
            (vec![("fs.s3a.proxy.host", "p"), ("fs.s3a.proxy.username", "u")], "must be set together"),
            (vec![("fs.s3a.proxy.host", "http://p/")], "fs.s3a.proxy.host=http://p/: not a host name"),
            (vec![("fs.s3a.proxy.host", "p"), ("fs.s3a.proxy.port", "70000")], "at most 65535"),
            (vec![("fs.s3c.connection.ssl.ca-bundle", "/nonexistent/ca.pem")], "cannot read the CA bundle"),
            (vec![("fs.s3a.connection.ssl.trust-jvm", "true")], "fs.s3a.connection.ssl.trust-jvm=true: the JVM's trust anchors were not passed"),
        ] {
            let e = read(&pairs).unwrap_err().to_string();
            assert!(e.contains(wanted), "{pairs:?}: {e}");
            assert!(!e.contains("c2hvcnQ="), "{e}");
        }
        assert_eq!(read(&[("fs.s3a.acl.default", "Private")]).unwrap().0.canned_acl, None);
        assert_eq!(read(&[("fs.s3a.acl.default", "BucketOwnerFullControl")]).unwrap().0.canned_acl.as_deref(), Some("bucket-owner-full-control"));
    }

    #[test]
    fn billing_storage_and_network_settings() {
        let (r, n) = read(&[
            ("fs.s3a.requester.pays.enabled", "true"),
            ("fs.s3a.create.storage.class", "intelligent_tiering"),
            ("fs.s3c.create.checksum.algorithm", "SHA256"),
            ("fs.s3a.proxy.host", "::1"),
            ("fs.s3a.proxy.port", "3128"),
            ("fs.s3a.proxy.username", "me"),
            ("fs.s3a.proxy.password", "p@ss:w/rd"),
            ("fs.s3a.connection.maximum", "20"),
            ("fs.s3a.connection.timeout", "200000"),
        ])
        .unwrap();
        assert!(r.requester_pays);
        assert_eq!((r.storage_class.as_deref(), r.checksum), (Some("INTELLIGENT_TIERING"), Some(Checksum::Sha256)));
        let p = n.proxy.unwrap();
        assert_eq!(p.url, "http://[::1]:3128");
        assert_eq!(p.url_with_credentials(), "http://me:p%40ss%3Aw%2Frd@[::1]:3128");
        assert!(!format!("{p:?}").contains("p@ss"));
        assert_eq!((n.max_connections, n.socket_timeout), (Some(20), Some(Duration::from_secs(200))));
        let (_, n) = read(&[("fs.s3a.proxy.host", "proxy.corp"), ("fs.s3a.proxy.ssl.enabled", "true")]).unwrap();
        assert_eq!(n.proxy.unwrap().url, "https://proxy.corp:443");
    }
}
