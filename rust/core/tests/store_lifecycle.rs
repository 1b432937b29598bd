//! Store lifecycle: a store lives while some FileSystem instance holds it and is released after, so
//! 1,000 instances with 1,000 rotating session tokens leave the store count at the live ones and the
//! process's RSS flat. One test (the registry is process-wide; parallel tests would see each other).

use commitfs_core::{registry, Config};
use std::sync::Arc;

fn conf(token: &str) -> Config {
    Config::from_pairs([
        ("fs.s3c.endpoint", "http://127.0.0.1:9"),
        ("fs.s3c.path.style.access", "true"),
        ("fs.s3c.access.key", "AKIDEXAMPLE"),
        ("fs.s3c.secret.key", "SECRET-never-kept-42"),
        ("fs.s3c.session.token", token),
    ])
}

fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap_or("VmRSS: 0 kB");
    line.split_whitespace().nth(1).and_then(|n| n.parse().ok()).unwrap_or(0)
}

fn open(token: &str) -> registry::StoreRef {
    registry::filesystem("s3c", "bucket", &conf(token)).expect("building an S3 store needs no network")
}

/// Allowed RSS growth over 1,000 rotations after warm-up (allocator slack); a store each would cost
/// the per-store figure this test prints times 1,000.
const RSS_BOUND_KIB: u64 = 16 << 10;

#[test]
fn rotating_session_tokens_leave_only_live_stores_and_flat_memory() {
    // Warm-up: the runtime, TLS roots and allocator pools reach their steady size.
    for i in 0..100 {
        drop(open(&format!("warm-{i}")));
    }
    let held = open("held"); // one instance stays open throughout
    let before = rss_kib();
    for i in 0..1000 {
        let token = format!("session-token-{i}");
        let fs = open(&token);
        let same = open(&token);
        assert!(fs.same_store(&same), "one store per configuration");
        let shown = format!("{fs:?}");
        assert!(!shown.contains(&token) && !shown.contains("SECRET"), "{shown}");
    }
    let after = rss_kib();
    let c = registry::census();
    println!("after 1000 rotations: {c:?}; RSS {before} KiB -> {after} KiB ({:+} KiB)", after as i64 - before as i64);
    assert_eq!(c.live, 1, "only the held instance's store is live");
    assert!(c.idle <= 1, "at most one idle store per bucket: {c:?}");
    assert!(after <= before + RSS_BOUND_KIB, "RSS grew {} KiB", after - before);

    // An idle store is found again (FileContext's never-closed instances stay a map look-up).
    let ptr = Arc::as_ptr(held.arc());
    drop(held);
    assert_eq!(registry::census().live, 0);
    assert_eq!(Arc::as_ptr(open("held").arc()), ptr, "the idle store was reused");
    registry::release_idle();
    assert_eq!(registry::census(), registry::Census { live: 0, idle: 0 });

    // What the registry avoids: stores that are all kept (as before), measured on 200.
    let base = rss_kib();
    let kept: Vec<_> = (0..200).map(|i| open(&format!("kept-{i}"))).collect();
    let per_store = (rss_kib().saturating_sub(base)) / 200;
    println!("a kept store costs ~{per_store} KiB: 1000 would be ~{} MiB", per_store * 1000 / 1024);
    assert_eq!(registry::census().live, 200);
    drop(kept);
    assert_eq!(registry::census().live, 0);
}
