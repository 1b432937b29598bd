//! Read patterns against the object reader's read-ahead (sequential windows, random ranges, mixed, EOF,
//! concurrent positioned reads), checked byte for byte against the content written, plus the requests
//! they cost where the store counts them.

use super::{fresh_base, Fixture};
use commitfs_core::{FsPath, Reader};
use std::sync::Arc;

/// Deterministic bytes that differ at every offset a misplaced copy could land on.
pub fn content(len: usize) -> Vec<u8> {
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

/// Reads `len` bytes at `offset` with one `read_at` and checks them (full reads until end of file).
fn check(r: &dyn Reader, data: &[u8], offset: u64, len: usize, what: &str) {
    let mut buf = vec![0u8; len];
    let n = r.read_at(offset, &mut buf).unwrap_or_else(|e| panic!("{what}: read {len} at {offset}: {e}"));
    let expect = data.len().saturating_sub(offset as usize).min(len);
    assert_eq!(n, expect, "{what}: read {len} at {offset} of {} returned {n}", data.len());
    assert!(n == 0 || buf[..n] == data[offset as usize..offset as usize + n], "{what}: wrong bytes for {len} at {offset}");
}

fn sequential(r: &dyn Reader, data: &[u8], from: u64, step: usize, what: &str) {
    let mut at = from;
    while (at as usize) < data.len() {
        check(r, data, at, step, what);
        at += step as u64;
    }
}

fn gets(f: &Fixture) -> u64 {
    f.count("GET")
}

pub fn read_patterns(f: &Fixture) {
    let base = fresh_base("reads");
    let path = FsPath::parse(&format!("{}/data", base.as_str())).unwrap();
    let len = (21 << 20) + 12_345;
    let data = content(len);
    let mut w = f.fs.create(&path, false).unwrap();
    w.write(&data).unwrap();
    w.commit().unwrap();
    let counted = f.fs.counters().iter().any(|(k, _)| k == "GET");

    // Sequential, as Java's 1 MiB buffer reads: a growing window, few GETs.
    let before = gets(f);
    let r = f.fs.open(&path).unwrap();
    sequential(r.as_ref(), &data, 0, 1 << 20, "sequential 1 MiB");
    let used = gets(f) - before;
    if counted {
        // open (1) + windows of 1, 8, 8, 8 MiB: far below one GET per MiB.
        assert!(used <= 8, "sequential read of 21 MiB took {used} GETs");
    }
    drop(r);

    // Sequential with odd sizes, reads straddling every chunk boundary.
    let r = f.fs.open(&path).unwrap();
    sequential(r.as_ref(), &data, 0, 100_003, "sequential 100003 B");
    drop(r);

    // Random reads of many sizes; from the second one on each costs one GET of about its size.
    let r = f.fs.open(&path).unwrap();
    let mut x: u64 = 12345;
    let mut next = || {
        x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        x >> 33
    };
    check(r.as_ref(), &data, 7 << 20, 64 << 10, "first random");
    let before = gets(f);
    for i in 0..60 {
        let offset = next() % len as u64;
        let size = [1usize, 4096, 65536, 65537, 1 << 20, 3 << 20][i % 6];
        check(r.as_ref(), &data, offset, size, "random");
    }
    if counted {
        let used = gets(f) - before;
        assert!(used <= 66, "60 random reads took {used} GETs");
    }

    // Mixed on one reader: sequential, back to the start, a skip forward, random, sequential again.
    let r = f.fs.open(&path).unwrap();
    sequential(r.as_ref(), &data, 0, 1 << 20, "mixed: first pass");
    check(r.as_ref(), &data, 0, 1 << 20, "mixed: back to 0");
    check(r.as_ref(), &data, 1 << 20, 1 << 20, "mixed: then 1 MiB");
    check(r.as_ref(), &data, 2 << 20, 1 << 20, "mixed: then 2 MiB");
    check(r.as_ref(), &data, 5 << 20, 1 << 20, "mixed: skip forward");
    check(r.as_ref(), &data, 19 << 20, 12345, "mixed: random");
    check(r.as_ref(), &data, 3 << 20, 777, "mixed: back");
    sequential(r.as_ref(), &data, (3 << 20) + 777, 1 << 20, "mixed: sequential to the end");

    // End of file: short read at the end, 0 at and past it; a read larger than the file.
    check(r.as_ref(), &data, len as u64 - 10, 1 << 20, "straddles the end");
    check(r.as_ref(), &data, len as u64, 10, "at the end");
    check(r.as_ref(), &data, len as u64 + 5, 10, "past the end");
    check(r.as_ref(), &data, 0, len + 100, "the whole file and more");
    let ranges = r.read_ranges(&[0..10, (9 << 20)..(9 << 20) + 65536, len as u64 - 3..len as u64]).unwrap();
    assert_eq!(ranges[1][..], data[9 << 20..(9 << 20) + 65536]);
    assert_eq!(ranges[2][..], data[len - 3..]);
    drop(r);

    // Concurrent: one sequential reader and three random positioned readers on the same reader.
    let r: Arc<dyn Reader> = Arc::from(f.fs.open(&path).unwrap());
    let data = Arc::new(data);
    std::thread::scope(|s| {
        let (r2, d2) = (r.clone(), data.clone());
        s.spawn(move || sequential(r2.as_ref(), &d2, 0, 1 << 20, "concurrent sequential"));
        for t in 0..3u64 {
            let (r, d) = (r.clone(), data.clone());
            s.spawn(move || {
                for i in 0..20u64 {
                    let offset = (t * 7_919_993 + i * 1_299_709) % len as u64;
                    check(r.as_ref(), &d, offset, 65536, "concurrent random");
                }
            });
        }
    });
    f.fs.delete(&base, true).unwrap();
}
