//! The properties the fuzz targets check, callable from libFuzzer and from the bounded property test
//! alike. A property failure is a panic (libFuzzer records the input; the test prints it).

use commitfs_core::registry::{self, BackendKind};
use commitfs_core::settings;
use commitfs_core::{Config, ErrorKind, FsPath, Location};

/// `FsPath::parse` either refuses with InvalidArgument or yields a normalised path that parses to
/// itself, maps to an S3 key and back, and whose parent/name/child agree.
pub fn check_path(data: &[u8]) {
    let Ok(raw) = std::str::from_utf8(data) else { return };
    match FsPath::parse(raw) {
        Ok(p) => check_normalised(raw, &p),
        Err(e) => assert_eq!(e.kind, ErrorKind::InvalidArgument, "{raw:?}: {e}"),
    }
}

fn check_normalised(raw: &str, p: &FsPath) {
    let s = p.as_str();
    assert!(s.starts_with('/'), "{raw:?} -> {s:?}");
    assert!(p.is_root() || (!s.ends_with('/') && !s.contains("//")), "{raw:?} -> {s:?}");
    for seg in s.split('/').skip(1).filter(|_| !p.is_root()) {
        assert!(seg != "." && seg != ".." && !seg.is_empty(), "{raw:?} -> {s:?}");
        assert!(!seg.chars().any(char::is_control), "{raw:?} -> {s:?}");
    }
    assert_eq!(&FsPath::parse(s).expect("a parsed path parses again"), p, "not idempotent: {raw:?}");
    // Key mapping round trip: the S3 key (as S3A maps it) leads back to the same path.
    let key = p.key();
    assert!(!key.starts_with('/'), "{s:?} -> key {key:?}");
    assert_eq!(&FsPath::parse(&format!("/{key}")).unwrap(), p, "key round trip of {s:?}");
    assert_eq!(p.dir_prefix().is_empty(), p.is_root());
    if let Some(parent) = p.parent() {
        assert!(p.is_under_or_same(&parent) && !parent.is_under_or_same(p), "{s:?} / {parent}");
        assert_eq!(&parent.child(p.name()).expect("name is one segment"), p, "{s:?}");
        assert_eq!(p.ancestors().last(), Some(FsPath::root()));
    }
}

/// `Location::parse` never panics; what it accepts has a lower-case scheme and a normalised path, and
/// printing it back (with '%' escaped) parses to the same location.
pub fn check_location(data: &[u8]) {
    let Ok(raw) = std::str::from_utf8(data) else { return };
    let Ok(l) = Location::parse(raw) else { return };
    assert!(!l.scheme.is_empty() && l.scheme == l.scheme.to_ascii_lowercase(), "{raw:?}");
    check_normalised(raw, &l.path);
    if l.authority.contains('/') {
        panic!("authority with a slash from {raw:?}: {l:?}");
    }
    let printed = format!("{}://{}{}", l.scheme, l.authority, l.path.as_str().replace('%', "%25"));
    assert_eq!(Location::parse(&printed).unwrap_or_else(|e| panic!("{printed:?}: {e}")), l, "{raw:?}");
}

/// Configuration from `key=value` lines: the parsers and store construction (no network: the S3
/// client is only built, never used) refuse bad values with errors, never panic.
pub fn check_config(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let mut lines = text.lines();
    let authority = lines.next().unwrap_or("").to_string();
    let pairs: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (expand(k), v.to_string()))
        .collect();
    let conf = Config::from_pairs(pairs.iter().cloned());
    for (_, v) in &pairs {
        let _ = settings::parse_size(v);
        let _ = settings::parse_bool(v);
        let _ = settings::parse_duration_ms(v, 1000);
    }
    let _ = settings::ObjectSettings::read("s3c", &authority, &conf);
    let _ = settings::PosixSettings::read("filec", &conf);
    let _ = settings::JvmSettings::read("s3c", &authority, &conf);
    for scheme in ["s3c", "memc", "x"] {
        let relevant = conf.relevant_to(scheme);
        let own = format!("fs.{scheme}.");
        assert!(relevant.iter().all(|(k, _)| k.starts_with(&own) || k.starts_with("fs.s3a.") || k.starts_with("fs.commitfs.")));
        if let Ok(kind) = BackendKind::for_scheme(scheme, &conf) {
            // Building an S3 store sets up an HTTP client (~20 ms): one input in 64 pays for it, so the
            // cheap parsers still see thousands of inputs per second.
            let s3_turn = data.len() % 64 == 0;
            if kind == BackendKind::Memory || (kind == BackendKind::S3 && s3_turn) {
                let _ = registry::build(scheme, &authority, &conf);
            }
        }
    }
}

/// Short aliases so random inputs hit real keys: `@` stands for `fs.s3c.`, `!` for `fs.commitfs.`.
fn expand(k: &str) -> String {
    k.replace('@', "fs.s3c.").replace('!', "fs.commitfs.")
}

/// Endpoint, region, path-style, TLS, proxy, canned ACL, pool size and storage class settings, one per line: resolving them and building the
/// S3 store from them (object_store's client, no request sent) refuses bad values with errors and never
/// panics; an accepted endpoint is an http(s) URL with a host, and IP or `localhost` hosts go path-style.
pub fn check_endpoint(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let mut f = text.split('\n');
    let mut next = || f.next().unwrap_or("").to_string();
    let (endpoint, region, path_style, ssl) = (next(), next(), next(), next());
    let (proxy_host, proxy_port, no_proxy, bucket) = (next(), next(), next(), next());
    let (acl, max_connections, storage_class) = (next(), next(), next());
    let (ps, tls) = (path_style.len() % 2 == 1, ssl.len() % 2 == 0);
    if let Ok(e) = settings::resolve_endpoint("fs.s3c.endpoint", Some(&endpoint), tls, ps) {
        let url = e.url.as_deref().expect("an endpoint was given");
        assert!(url.starts_with("http://") || url.starts_with("https://"), "{endpoint:?} -> {url:?}");
        let host = url.split("://").nth(1).unwrap_or("");
        assert!(!host.is_empty(), "{endpoint:?} -> {url:?}");
        let _ = settings::region_of_endpoint(url);
    }
    // Mostly well-formed flags and ports, so most inputs get as far as building the store.
    let flag = |b: bool| if b { "true" } else { "false" };
    let port = if proxy_port.chars().all(|c| c.is_ascii_digit()) || data.len() % 5 == 0 { proxy_port.as_str() } else { "" };
    let conf = Config::from_pairs([
        ("fs.s3c.endpoint", endpoint.as_str()),
        ("fs.s3c.endpoint.region", region.as_str()),
        ("fs.s3c.path.style.access", flag(ps)),
        ("fs.s3c.connection.ssl.enabled", flag(tls)),
        ("fs.s3a.proxy.host", if data.len() % 3 == 0 { proxy_host.as_str() } else { "" }),
        ("fs.s3a.proxy.port", port),
        ("fs.s3c.proxy.no-proxy", no_proxy.as_str()),
        ("fs.s3a.acl.default", acl.as_str()),
        ("fs.s3a.connection.maximum", max_connections.as_str()),
        ("fs.s3a.create.storage.class", storage_class.as_str()),
        ("fs.s3a.access.key", "AK"),
        ("fs.s3a.secret.key", "SK"),
    ]);
    let bucket = if bucket.is_empty() { "bucket".to_string() } else { bucket };
    if let Ok(s) = settings::ObjectSettings::read("s3c", &bucket, &conf) {
        if let Some(p) = &s.network.proxy {
            assert!(p.url.starts_with("http://") || p.url.starts_with("https://"), "{proxy_host:?} -> {}", p.url);
        }
        // Building the client costs ~20 ms: one input in 4 pays for it.
        if data.len() % 4 == 0 {
            let _ = commitfs_core::object::ObjectBackend::s3("s3c", &bucket, &conf);
        }
    }
}
