//! What goes on the wire with S3A's encryption, billing, storage-class, region and proxy keys: every
//! request of a filesystem session passes through a recording proxy (tests/servers/wire_proxy.py, with
//! Basic authentication) in front of moto, and each one is checked. Then an SSE-C round trip on
//! SeaweedFS, and a TLS endpoint trusted only through `connection.ssl.ca-bundle`.

mod guarantees;
mod support;

use commitfs_core::object::ObjectBackend;
use commitfs_core::{FileSystem, RenameMode};
use guarantees as g;
use serde_json::Value;
use std::process::Command;
use std::sync::Arc;
use support::*;
use support::wire::WireProxy;

/// The S3 operation of a logged request (as the counting connector classifies them).
fn operation(r: &Value) -> &'static str {
    let (method, path) = (r["method"].as_str().unwrap(), r["path"].as_str().unwrap());
    let query = path.split_once('?').map_or("", |(_, q)| q);
    let has = |name: &str| query.split('&').any(|p| p == name || p.starts_with(&format!("{name}=")));
    let copy = r["headers"].get("x-amz-copy-source").is_some();
    match method {
        "PUT" if has("partNumber") => "MPU_PART",
        // RenameObject keeps the source's encryption: it sends none.
        "PUT" if has("renameObject") => "RENAME",
        "PUT" if copy => "COPY",
        "PUT" => "PUT",
        "POST" if has("uploads") => "MPU_CREATE",
        "POST" if has("uploadId") => "MPU_COMPLETE",
        "POST" if has("delete") => "DELETE_OBJECTS",
        "GET" if has("list-type") => "LIST",
        m => Box::leak(m.to_string().into_boxed_str()),
    }
}

fn header<'a>(r: &'a Value, name: &str) -> Option<&'a str> {
    r["headers"].get(name).and_then(Value::as_str)
}

/// Whether the request's SigV4 signature covers `name` (S3 refuses unsigned `x-amz-*` headers).
fn signed(r: &Value, name: &str) -> bool {
    let auth = header(r, "authorization").unwrap_or("");
    auth.split("SignedHeaders=").nth(1).and_then(|s| s.split(',').next()).is_some_and(|h| h.split(';').any(|x| x == name))
}

#[test]
fn every_request_carries_encryption_requester_pays_and_region_through_the_proxy() {
    let proxy = WireProxy::start(&["--auth", "tester:s3cr:t@"]);
    let port = proxy.port.to_string();
    let extra = [
        ("fs.s3a.encryption.algorithm", "SSE-S3"),
        ("fs.s3a.requester.pays.enabled", "true"),
        ("fs.s3a.create.storage.class", "standard_ia"),
        ("fs.s3a.acl.default", "BucketOwnerFullControl"),
        ("fs.s3c.endpoint.region", "eu-central-1"),
        ("fs.s3a.proxy.host", "127.0.0.1"),
        ("fs.s3a.proxy.port", port.as_str()),
        ("fs.s3a.proxy.username", "tester"),
        ("fs.s3a.proxy.password", "s3cr:t@"),
        ("fs.s3c.multipart.size", "5M"),
        ("fs.s3c.retry.limit", "1"),
    ];
    let f = Fixture::s3("moto", &extra);
    let b = fresh_base("wire");
    f.fs.mkdirs(&g::p(&b, "dir")).unwrap();
    g::put(&f.fs, &g::p(&b, "dir/small"), b"hello");
    let big = vec![7u8; 6 << 20];
    let mut w = f.fs.create(&g::p(&b, "dir/big"), false).unwrap();
    w.write(&big).unwrap();
    w.commit().unwrap();
    f.fs.rename(&g::p(&b, "dir/small"), &g::p(&b, "dir/moved"), RenameMode::Into).unwrap();
    assert_eq!(g::read_all(&f.fs, &g::p(&b, "dir/moved")).unwrap(), b"hello");
    assert_eq!(g::read_all(&f.fs, &g::p(&b, "dir/big")).unwrap().len(), big.len());
    assert_eq!(g::names(&f.fs, &g::p(&b, "dir")), ["big", "moved"]);
    assert!(f.fs.delete(&b, true).unwrap());

    let requests = proxy.requests();
    let total = f.count("requests");
    assert!(total >= 15 && requests.len() as u64 == total, "the proxy saw {} of {total} requests", requests.len());
    let mut seen = std::collections::BTreeMap::new();
    for r in &requests {
        let op = operation(r);
        *seen.entry(op).or_insert(0) += 1;
        assert_eq!(header(r, "x-amz-request-payer"), Some("requester"), "{op}: {r}");
        assert!(signed(r, "x-amz-request-payer"), "{op}: {r}");
        assert!(header(r, "authorization").unwrap_or("").contains("/eu-central-1/s3/aws4_request"), "{op} signed for another region: {r}");
        assert!(header(r, "proxy-authorization").is_some_and(|a| a.starts_with("Basic ")), "{op}: {r}");
        if matches!(op, "PUT" | "COPY" | "MPU_CREATE") {
            assert_eq!(header(r, "x-amz-server-side-encryption"), Some("AES256"), "{op}: {r}");
            assert!(signed(r, "x-amz-server-side-encryption"), "{op}: {r}");
        }
        // Every object write, copies included (moto's: create + UploadPartCopy + complete).
        if matches!(op, "PUT" | "COPY" | "MPU_CREATE") {
            assert_eq!(header(r, "x-amz-storage-class"), Some("STANDARD_IA"), "{op}: {r}");
            assert_eq!(header(r, "x-amz-acl"), Some("bucket-owner-full-control"), "{op}: {r}");
            assert!(signed(r, "x-amz-acl") && signed(r, "x-amz-storage-class"), "{op}: {r}");
        }
    }
    eprintln!("wire: {seen:?}");
    for op in ["PUT", "MPU_CREATE", "MPU_PART", "LIST", "GET"] {
        assert!(seen.contains_key(op), "no {op} in {seen:?}");
    }
}

#[test]
fn sse_kms_with_a_key_and_bucket_key_reaches_every_write_on_moto() {
    let proxy = WireProxy::start(&[]);
    let port = proxy.port.to_string();
    let kms = "arn:aws:kms:us-east-1:123456789012:key/commitfs-test";
    let extra = [
        ("fs.s3a.encryption.algorithm", "SSE-KMS"),
        ("fs.s3a.encryption.key", kms),
        ("fs.s3a.encryption.bucket-key.enabled", "true"),
        ("fs.s3a.proxy.host", "127.0.0.1"),
        ("fs.s3a.proxy.port", port.as_str()),
        ("fs.s3c.multipart.size", "5M"),
    ];
    let f = Fixture::s3("moto", &extra);
    let b = fresh_base("kms");
    f.fs.mkdirs(&g::p(&b, "d")).unwrap();
    g::put(&f.fs, &g::p(&b, "d/big"), &vec![1u8; 6 << 20]);
    assert_eq!(g::read_all(&f.fs, &g::p(&b, "d/big")).unwrap().len(), 6 << 20);
    let writes: Vec<Value> = proxy.requests().into_iter().filter(|r| matches!(operation(r), "PUT" | "COPY" | "MPU_CREATE")).collect();
    assert!(writes.len() >= 2, "{writes:?}");
    for r in &writes {
        assert_eq!(header(r, "x-amz-server-side-encryption"), Some("aws:kms"), "{r}");
        assert_eq!(header(r, "x-amz-server-side-encryption-aws-kms-key-id"), Some(kms), "{r}");
        assert_eq!(header(r, "x-amz-server-side-encryption-bucket-key-enabled"), Some("true"), "{r}");
        assert!(signed(r, "x-amz-server-side-encryption-aws-kms-key-id"), "{r}");
    }
    assert!(f.fs.delete(&b, true).unwrap());
}

#[test]
fn a_proxy_refusing_the_credentials_fails_with_the_status() {
    let proxy = WireProxy::start(&["--auth", "tester:right"]);
    let port = proxy.port.to_string();
    let extra = [
        ("fs.s3a.proxy.host", "127.0.0.1"),
        ("fs.s3a.proxy.port", port.as_str()),
        ("fs.s3a.proxy.username", "tester"),
        ("fs.s3a.proxy.password", "wrong"),
        ("fs.s3c.retry.limit", "0"),
    ];
    let f = Fixture::s3("moto", &extra);
    let e = f.fs.status(&fresh_base("refused")).unwrap_err().to_string();
    assert!(e.contains("407"), "{e}");
    assert!(!e.contains("wrong"), "the password leaked: {e}");
}

#[test]
fn hosts_in_no_proxy_bypass_the_proxy() {
    let proxy = WireProxy::start(&["--auth", "tester:right"]);
    let port = proxy.port.to_string();
    let extra = [("fs.s3a.proxy.host", "127.0.0.1"), ("fs.s3a.proxy.port", port.as_str()), ("fs.s3c.proxy.no-proxy", "example.com,127.0.0.1")];
    let f = Fixture::s3("moto", &extra);
    assert!(!f.fs.exists(&fresh_base("direct")).unwrap());
    assert!(proxy.requests().is_empty(), "{:?}", proxy.requests());
}

#[test]
fn sse_c_round_trip_on_seaweedfs() {
    let key = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
    let with_key = [("fs.s3a.encryption.algorithm", "SSE-C"), ("fs.s3a.encryption.key", key)];
    let f = Fixture::s3("seaweed", &with_key);
    let b = fresh_base("ssec");
    g::put(&f.fs, &g::p(&b, "a"), b"secret data");
    f.fs.rename(&g::p(&b, "a"), &g::p(&b, "b"), RenameMode::Into).unwrap();
    assert_eq!(g::read_all(&f.fs, &g::p(&b, "b")).unwrap(), b"secret data");
    // SeaweedFS does not implement UploadPartCopy with SSE-C (501 NotImplemented): multipart copy mode
    // fails there, saying so (the moto test below shows what is sent).
    let multipart = [with_key[0], with_key[1], ("fs.s3c.copy-if-not-exists", "multipart"), ("fs.s3c.rename.mode", "copy"), ("fs.s3c.retry.limit", "0")];
    let m = Fixture::s3("seaweed", &multipart);
    let e = m.fs.rename(&g::p(&b, "b"), &g::p(&b, "c"), RenameMode::Into).unwrap_err().to_string();
    assert!(e.contains("501") && e.contains("NotImplemented"), "{e}");
    // Without the key the object cannot be read.
    let plain = FileSystem::new(Arc::new(server("seaweed").backend(&[])));
    let e = g::read_all(&plain, &g::p(&b, "b")).expect_err("an SSE-C object read without its key");
    eprintln!("SSE-C object read without the key: {e}");
    assert!(f.fs.delete(&b, true).unwrap());
}

#[test]
fn a_bad_encryption_configuration_is_refused_naming_the_key() {
    let s = server("moto");
    for (extra, wanted) in [
        (vec![("fs.s3a.encryption.algorithm", "SSE-KMX")], "fs.s3a.encryption.algorithm=SSE-KMX: expected"),
        (vec![("fs.s3a.encryption.algorithm", "SSE-C")], "needs fs.s3a.encryption.key"),
        (vec![("fs.s3a.acl.default", "public")], "fs.s3a.acl.default=public: not a canned ACL"),
    ] {
        let e = ObjectBackend::s3("s3c", &s.bucket, &s.config(&extra)).err().expect("refused").to_string();
        assert!(e.contains(wanted), "{extra:?}: {e}");
    }
}

/// openssl: a CA and a certificate for 127.0.0.1 it signed, in `dir`.
fn make_ca(dir: &std::path::Path) {
    let run = |args: &[&str]| {
        let out = Command::new("openssl").args(args).current_dir(dir).output().expect("openssl");
        assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    };
    run(&["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "1", "-subj", "/CN=commitfs test CA"]);
    run(&["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1"]);
    std::fs::write(dir.join("san.ext"), "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n").unwrap();
    run(&["x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.pem", "-days", "1", "-extfile", "san.ext"]);
}

#[test]
fn a_tls_endpoint_signed_by_a_private_ca_is_trusted_through_the_ca_bundle_or_the_jvm_anchors() {
    let s = server("moto");
    let dir = std::env::temp_dir().join(format!("commitfs-tls-{}-{:08x}", std::process::id(), rand::random::<u32>()));
    std::fs::create_dir_all(&dir).unwrap();
    make_ca(&dir);
    let (cert, key) = (dir.join("server.pem"), dir.join("server.key"));
    let front = WireProxy::start(&["--upstream", &s.endpoint, "--tls", cert.to_str().unwrap(), key.to_str().unwrap()]);
    let endpoint = format!("https://127.0.0.1:{}", front.port);
    let ca = dir.join("ca.pem").display().to_string();
    let b = fresh_base("tls");
    let trusted = [("fs.s3c.endpoint", endpoint.as_str()), ("fs.s3c.connection.ssl.ca-bundle", ca.as_str())];
    let fs = FileSystem::new(Arc::new(s.backend(&trusted)));
    g::put(&fs, &g::p(&b, "f"), b"over tls");
    assert_eq!(g::read_all(&fs, &g::p(&b, "f")).unwrap(), b"over tls");
    // The JVM face's way: its trust anchors as PEM, with connection.ssl.trust-jvm.
    let anchors = std::fs::read_to_string(dir.join("ca.pem")).unwrap();
    let jvm = [("fs.s3c.endpoint", endpoint.as_str()), ("fs.s3a.connection.ssl.trust-jvm", "true"), ("fs.commitfs.jvm.trust-anchors", anchors.as_str())];
    let fs = FileSystem::new(Arc::new(s.backend(&jvm)));
    assert_eq!(g::read_all(&fs, &g::p(&b, "f")).unwrap(), b"over tls");
    // HTTPS through an HTTP proxy (with Basic credentials): a CONNECT tunnel, TLS end to end.
    let proxy = WireProxy::start(&["--auth", "tester:pw"]);
    let port = proxy.port.to_string();
    let via = [
        trusted[0],
        trusted[1],
        ("fs.s3a.proxy.host", "127.0.0.1"),
        ("fs.s3a.proxy.port", port.as_str()),
        ("fs.s3a.proxy.username", "tester"),
        ("fs.s3a.proxy.password", "pw"),
    ];
    let fs = FileSystem::new(Arc::new(s.backend(&via)));
    assert_eq!(g::read_all(&fs, &g::p(&b, "f")).unwrap(), b"over tls");
    let tunnels = proxy.requests();
    let target = format!("127.0.0.1:{}", front.port);
    assert!(!tunnels.is_empty() && tunnels.iter().all(|r| r["method"] == "CONNECT" && r["path"] == target.as_str()), "{tunnels:#?}");
    let started = std::time::Instant::now();
    let untrusted = FileSystem::new(Arc::new(s.backend(&[("fs.s3c.endpoint", endpoint.as_str())])));
    let e = untrusted.status(&g::p(&b, "f")).unwrap_err().to_string();
    assert!(e.contains(&endpoint) || e.contains(&format!("127.0.0.1:{}", front.port)), "names the endpoint: {e}");
    assert!(e.contains("not trusted") && e.contains("connection.ssl.ca-bundle") && e.contains("connection.ssl.trust-jvm"), "{e}");
    assert!(started.elapsed().as_secs() < 20, "untrusted TLS failed after {:?}: {e}", started.elapsed());
    std::fs::remove_dir_all(&dir).unwrap();
}

/// S3A's cross-region access. A front answers as AWS does for a bucket in eu-west-2 (moto and SeaweedFS
/// accept any signing region, so without the front nothing would be refused): the first request, signed
/// for the default us-east-1, is refused, signed again for eu-west-2 and sent once more; every later one
/// is signed for eu-west-2 from the start. With the key off, the refusal reaches the caller.
#[test]
fn a_bucket_in_another_region_is_found_and_signed_for() {
    let s = server("moto");
    let front = WireProxy::start(&["--upstream", &s.endpoint, "--bucket-region", "eu-west-2"]);
    let endpoint = format!("http://127.0.0.1:{}", front.port);
    let extra = [("fs.s3c.endpoint", endpoint.as_str()), ("fs.s3c.endpoint.region", "us-east-1")];
    let f = Fixture::s3_on(&s, &extra);
    let b = fresh_base("xregion");
    f.fs.mkdirs(&g::p(&b, "d")).unwrap();
    g::put(&f.fs, &g::p(&b, "d/a"), b"far away");
    f.fs.rename(&g::p(&b, "d/a"), &g::p(&b, "d/b"), RenameMode::Into).unwrap();
    assert_eq!(g::read_all(&f.fs, &g::p(&b, "d/b")).unwrap(), b"far away");
    assert_eq!(g::names(&f.fs, &g::p(&b, "d")), ["b"]);
    assert!(f.fs.delete(&b, true).unwrap());
    let requests = proxy_regions(&front);
    let wrong = requests.iter().filter(|r| r.as_str() != "eu-west-2").count();
    assert!(requests.len() >= 8 && wrong <= 2, "signing regions in order: {requests:?}");
    assert!(requests.iter().rev().take(requests.len() - 2).all(|r| r == "eu-west-2"), "{requests:?}");
    assert_eq!(requests.len() as u64, f.count("requests"), "the second tries are counted");
    assert_eq!(f.backend.learned_region().as_deref(), Some("eu-west-2"), "what `commitfs doctor` reports");

    // Refusals that do not name the region: it comes from one HEAD bucket.
    let bare = WireProxy::start(&["--upstream", &s.endpoint, "--bucket-region", "eu-west-2", "--bare-refusals"]);
    let bare_endpoint = format!("http://127.0.0.1:{}", bare.port);
    let fresh = Fixture::s3_on(&s, &[("fs.s3c.endpoint", bare_endpoint.as_str()), extra[1]]);
    g::put(&fresh.fs, &g::p(&b, "e/x"), b"x");
    assert!(fresh.fs.exists(&g::p(&b, "e/x")).unwrap());
    assert!(fresh.fs.delete(&b, true).unwrap());
    let seen = bare.requests();
    let bucket_heads = seen.iter().filter(|r| r["method"] == "HEAD" && r["path"].as_str().unwrap().trim_matches('/') == s.bucket).count();
    assert_eq!(bucket_heads, 1, "{seen:#?}");
    let regions = proxy_regions(&bare);
    assert!(regions.iter().rev().take(regions.len() - 3).all(|r| r == "eu-west-2"), "{regions:?}");

    let off = Fixture::s3_on(&s, &[extra[0], extra[1], ("fs.s3a.cross.region.access.enabled", "false"), ("fs.s3c.retry.limit", "0")]);
    let e = off.fs.status(&g::p(&b, "d")).unwrap_err().to_string();
    assert!(e.contains("AuthorizationHeaderMalformed") || e.contains("400"), "{e}");
}

/// The signing region of each request the proxy saw, in order (`-` unsigned).
fn proxy_regions(p: &WireProxy) -> Vec<String> {
    p.requests()
        .iter()
        .map(|r| header(r, "authorization").and_then(|a| a.split("Credential=").nth(1)).and_then(|c| c.split('/').nth(2)).unwrap_or("-").to_string())
        .collect()
}

/// `connection.maximum` bounds the requests on the wire at once (so the connections): a directory
/// rename copies 12 files 16 at a time, yet the front in front of moto never answers more than 2 at
/// once; without the key it does (the front counts the requests it is answering as each arrives).
#[test]
fn connection_maximum_bounds_the_requests_in_flight() {
    let s = server("moto");
    let mut peaks = Vec::new();
    for max in [Some("2"), None] {
        let front = WireProxy::start(&["--upstream", &s.endpoint]);
        let endpoint = format!("http://127.0.0.1:{}", front.port);
        let mut extra = vec![("fs.s3c.endpoint", endpoint.as_str()), ("fs.s3c.copy.concurrency", "16")];
        if let Some(m) = max {
            extra.push(("fs.s3a.connection.maximum", m));
        }
        let f = Fixture::s3_on(&s, &extra);
        let b = fresh_base("pool");
        for i in 0..12 {
            g::put(&f.fs, &g::p(&b, &format!("src/f{i}")), b"x");
        }
        f.fs.rename(&g::p(&b, "src"), &g::p(&b, "dst"), RenameMode::Into).unwrap();
        assert_eq!(g::names(&f.fs, &g::p(&b, "dst")).len(), 12);
        assert!(f.fs.delete(&b, true).unwrap());
        peaks.push(front.requests().iter().filter_map(|r| r["in_flight"].as_u64()).max().unwrap_or(0));
    }
    assert!(peaks[0] <= 2, "connection.maximum=2, yet {} requests at once", peaks[0]);
    assert!(peaks[1] > 2, "unbounded, the rename's copies overlap: peak {}", peaks[1]);
}

/// SSE-C with multipart copy mode (moto's): UploadPartCopy carries the copy source's key (object_store
/// sends only the destination's), signed, and the copied object reads back with the key.
#[test]
fn sse_c_multipart_copies_send_the_copy_source_key() {
    let proxy = WireProxy::start(&[]);
    let port = proxy.port.to_string();
    let key = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
    let extra = [
        ("fs.s3a.encryption.algorithm", "SSE-C"),
        ("fs.s3a.encryption.key", key),
        ("fs.s3a.proxy.host", "127.0.0.1"),
        ("fs.s3a.proxy.port", port.as_str()),
    ];
    let f = Fixture::s3("moto", &extra);
    let b = fresh_base("ssec-mpu");
    g::put(&f.fs, &g::p(&b, "a"), b"secret data");
    f.fs.rename(&g::p(&b, "a"), &g::p(&b, "b"), RenameMode::Into).unwrap();
    assert_eq!(g::read_all(&f.fs, &g::p(&b, "b")).unwrap(), b"secret data");
    let part_copies: Vec<Value> = proxy.requests().into_iter().filter(|r| operation(r) == "MPU_PART" && header(r, "x-amz-copy-source").is_some()).collect();
    assert!(!part_copies.is_empty(), "no UploadPartCopy: {:#?}", proxy.requests());
    for r in &part_copies {
        assert_eq!(header(r, "x-amz-copy-source-server-side-encryption-customer-algorithm"), Some("AES256"), "{r}");
        assert_eq!(header(r, "x-amz-copy-source-server-side-encryption-customer-key"), Some(key), "{r}");
        assert_eq!(header(r, "x-amz-copy-source-server-side-encryption-customer-key-md5"), Some("hRasmdxgYDKV3nvbahU1MA=="), "{r}");
        assert!(signed(r, "x-amz-copy-source-server-side-encryption-customer-key"), "{r}");
        assert_eq!(header(r, "x-amz-server-side-encryption-customer-key"), Some(key), "the destination's key too: {r}");
    }
    assert!(f.fs.delete(&b, true).unwrap());
}
