//! The fuzz properties as a bounded, deterministic property test (stable toolchain, no libFuzzer):
//! random inputs biased towards the characters the parsers care about, plus a seed corpus.
//! `COMMITFS_FUZZ_SECONDS` (default 5) bounds each target; `COMMITFS_FUZZ_SEED` varies the inputs.

use std::time::{Duration, Instant};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*: enough to spread inputs; reproducible from the seed.
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545F4914F6CDD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const PIECES: &[&str] = &[
    "/", "//", ".", "..", "/..", "/.", "%", "%2", "%25", "%2F", "%2e%2E", "%ff", "%C3%A9", "%00", "a", "b", "Z", "0",
    "9", "f", ":", "://", "s3c", "S3C", "filec", "memc", "bucket", "?", "#", "+", " ", "\t", "\n", "\u{0}", "\u{7f}",
    "\u{80}", "\u{85}", "é", "日本", "\u{1F600}", "\u{10FFFF}", "\u{FEFF}", "=", "@", "!", "endpoint", "region",
    "copy-if-not-exists", "header", "multipart", "unsafe", "true", "false", "K", "M", "G", "T", "ms", "s", "h",
    "18446744073709551615", "99999999999", "-1", "http://127.0.0.1:1", "https://", "multipart.size", "path.style.access",
    "scheme.x.backend", "memory", "s3", "posix", "connection.ssl.enabled", "list.verify-directories", "auto",
    "bucket-owner-full-control", "BucketOwnerFullControl", "private", "acl.default", "connection.maximum", "STANDARD_IA",
];

fn input(rng: &mut Rng) -> Vec<u8> {
    let mut s = Vec::new();
    for _ in 0..rng.below(24) {
        match rng.below(10) {
            0 => s.push(rng.next() as u8),
            _ => s.extend_from_slice(PIECES[rng.below(PIECES.len())].as_bytes()),
        }
    }
    s
}

fn config_input(rng: &mut Rng) -> Vec<u8> {
    let mut s = input(rng);
    for _ in 0..rng.below(5) {
        s.push(b'\n');
        s.extend_from_slice(["@", "!", "fs.s3a.", "fs.memc."][rng.below(4)].as_bytes());
        s.extend(input(rng));
        s.push(b'=');
        s.extend(input(rng));
    }
    s
}

fn run(name: &str, seeds: &[&str], generate: fn(&mut Rng) -> Vec<u8>, check: fn(&[u8])) {
    let seconds: u64 = std::env::var("COMMITFS_FUZZ_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(5);
    let seed: u64 = std::env::var("COMMITFS_FUZZ_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(0x5eed);
    for s in seeds {
        check(s.as_bytes());
    }
    let mut rng = Rng(seed | 1);
    let end = Instant::now() + Duration::from_secs(seconds);
    let mut n = 0u64;
    while Instant::now() < end {
        for _ in 0..64 {
            let data = generate(&mut rng);
            let result = std::panic::catch_unwind(|| check(&data));
            if let Err(panic) = result {
                let msg = panic.downcast_ref::<String>().cloned().or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()));
                panic!("{name}: property failed on input {:?} ({}): {}", String::from_utf8_lossy(&data), data.len(), msg.unwrap_or_default());
            }
            n += 1;
        }
    }
    println!("{name}: {n} inputs in {seconds} s, no failure");
}

#[test]
fn paths_and_locations() {
    let seeds = ["/", "//a///b/", "/a/../b", "/%2e%2e", "s3c://bucket/a/b%20c", "filec:///tmp/x", "filec:/x", "s3c://b", "s3c://b/%zz",
        "x:", ":", "s3c://b/%C3", "a://%/b", "S3C://B/K"];
    run("paths", &seeds, input, |d| {
        commitfs_fuzz::check_path(d);
        commitfs_fuzz::check_location(d);
    });
}

#[test]
fn configuration() {
    let seeds = ["bucket\n@endpoint=http://127.0.0.1:1\n@path.style.access=true", "\n@multipart.size=99999999999T",
        "b\n!scheme.memc.backend=memory\nfs.memc.readahead.range=-1", "b\n@copy-if-not-exists=sometimes"];
    run("config", &seeds, config_input, commitfs_fuzz::check_config);
}

/// Endpoint, region, path-style, TLS, proxy, ACL, pool-size and storage-class lines (see `check_endpoint`).
fn endpoint_input(rng: &mut Rng) -> Vec<u8> {
    const PARTS: &[&str] = &[
        "http://", "https://", "127.0.0.1", "[::1]", "::1", "localhost", "s3.eu-west-1.amazonaws.com", "s3-", ".amazonaws.com",
        "bucket.", ":", ":9000", ":0", ":99999", "/", "/path", "@", "user:pw@", "?", "#", " ", "%", "1", "256.1.1.1", "eu-west-1",
        "us-east-1", "", "true", "false", "..", "-", "_", "xn--", "é", "\u{0}", "proxy.corp", "8080", ".example.com,10.0.0.0/8",
        "bucket-owner-full-control", "BucketOwnerFullControl", "Private", "public_read", "0", "18446744073709551615", "standard_ia",
    ];
    let mut s = Vec::new();
    for line in 0..11 {
        if line > 0 {
            s.push(b'\n');
        }
        for _ in 0..rng.below(6) {
            match rng.below(12) {
                0 => s.push(rng.next() as u8),
                _ => s.extend_from_slice(PARTS[rng.below(PARTS.len())].as_bytes()),
            }
        }
    }
    s
}

#[test]
fn endpoints_and_proxies() {
    let seeds = ["127.0.0.1:9000\n\n\n", "http://127.0.0.1:9000\neu-west-1\n\nx", "https://s3.eu-west-1.amazonaws.com\n\n\n\nproxy\n8080",
        "http://[::1]:9000\n\nx\n\n::1\n3128\n.example.com", "http://localhost\n\n\n\n\n\n\nmy.bucket", "http://10.0.0.1\n\n\n\n\n\n\nBad_Bucket",
        "http://127.0.0.1:1\n\n\n\n\n\n\nb\nbucket-owner-full-control\n18446744073709551615\nglacier_ir"];
    run("endpoint", &seeds, endpoint_input, commitfs_fuzz::check_endpoint);
}
