//! The object writer's part boundaries on the memory backend (5 MiB parts): owned buffers (`write_bytes`,
//! the JNI face's path) and copied slices, alone and mixed, at exact part multiples, in writes larger than
//! a part, and aborted mid-upload. Both publish paths: overwrite (multipart to the final key) and
//! exclusive (multipart to a staging key, then copy-if-not-exists).

mod guarantees;
mod support;

use bytes::Bytes;
use commitfs_core::object::ObjectBackend;
use commitfs_core::{Config, ErrorKind, FsPath, Writer};
use guarantees as g;
use support::*;

const PART: usize = 5 << 20;
const MIB: usize = 1 << 20;

fn fixture() -> Fixture {
    let conf = Config::from_pairs([("fs.memc.multipart.size", "5M")]);
    Fixture::new(ObjectBackend::memory("memc", "test", &conf).unwrap())
}

fn pattern(len: usize, seed: usize) -> Vec<u8> {
    (0..len).map(|i| ((i + seed) % 251) as u8).collect()
}

/// Creates `path`, lets `write` fill it, checks it stays invisible until commit, commits and checks the
/// content and that no staging object is left.
fn round_trip(f: &Fixture, path: &FsPath, overwrite: bool, data: &[u8], write: impl FnOnce(&mut Box<dyn Writer>)) {
    let mut w = f.fs.create(path, overwrite).unwrap();
    write(&mut w);
    assert_eq!(w.bytes_written(), data.len() as u64, "{path}: bytes written");
    assert!(!f.fs.exists(path).unwrap(), "{path}: invisible until commit");
    w.commit().unwrap();
    assert!(g::read_all(&f.fs, path).unwrap() == data, "{path}: content of {} bytes", data.len());
    assert_eq!(f.backend.raw_keys("_commitfs/staging/").unwrap(), Vec::<String>::new(), "{path}: staging cleaned");
}

#[test]
fn owned_buffers_at_exact_part_multiples() {
    let f = fixture();
    for (i, (overwrite, len)) in [(true, PART), (false, PART), (true, 3 * PART), (false, 3 * PART), (false, PART - 1)].into_iter().enumerate() {
        let data = pattern(len, i);
        let path = FsPath::parse(&format!("/exact/f{i}")).unwrap();
        round_trip(&f, &path, overwrite, &data, |w| {
            for chunk in data.chunks(MIB) {
                w.write_bytes(Bytes::copy_from_slice(chunk)).unwrap();
            }
        });
    }
}

#[test]
fn one_write_larger_than_a_part() {
    let f = fixture();
    let len = 2 * PART + PART / 2;
    for (i, overwrite) in [true, false].into_iter().enumerate() {
        let data = pattern(len, i);
        round_trip(&f, &FsPath::parse(&format!("/big/slice{i}")).unwrap(), overwrite, &data, |w| w.write(&data).unwrap());
        let owned = Bytes::from(data.clone());
        round_trip(&f, &FsPath::parse(&format!("/big/owned{i}")).unwrap(), overwrite, &data, |w| w.write_bytes(owned).unwrap());
    }
}

#[test]
fn slices_and_owned_buffers_mixed_across_part_boundaries() {
    let f = fixture();
    // Odd sizes so that boundaries fall inside every kind of write.
    let pieces = [3, PART - 7, 2 * PART + 11, MIB, 5, PART, MIB + 1];
    let data = pattern(pieces.iter().sum(), 7);
    for (i, overwrite) in [true, false].into_iter().enumerate() {
        round_trip(&f, &FsPath::parse(&format!("/mixed/f{i}")).unwrap(), overwrite, &data, |w| {
            let mut at = 0;
            for (k, n) in pieces.into_iter().enumerate() {
                let piece = &data[at..at + n];
                if k % 2 == 0 {
                    w.write(piece).unwrap();
                } else {
                    w.write_bytes(Bytes::copy_from_slice(piece)).unwrap();
                }
                at += n;
            }
        });
    }
}

#[test]
fn abort_mid_upload_leaves_nothing() {
    let f = fixture();
    for (i, overwrite) in [true, false].into_iter().enumerate() {
        let path = FsPath::parse(&format!("/aborted/f{i}")).unwrap();
        let mut w = f.fs.create(&path, overwrite).unwrap();
        for chunk in pattern(PART + PART / 2, i).chunks(MIB) {
            w.write_bytes(Bytes::copy_from_slice(chunk)).unwrap(); // one part under way, half a part buffered
        }
        w.abort();
        assert_eq!(w.write_bytes(Bytes::from_static(b"more")).unwrap_err().kind, ErrorKind::Closed);
        assert_eq!(w.commit().unwrap_err().kind, ErrorKind::Closed);
        assert!(!f.fs.exists(&path).unwrap(), "{path}: nothing published");
        assert_eq!(f.backend.raw_keys("_commitfs/staging/").unwrap(), Vec::<String>::new(), "{path}: no staging object");
        // Dropped without commit: the same.
        let mut w = f.fs.create(&path, overwrite).unwrap();
        w.write_bytes(Bytes::from(pattern(2 * PART, i))).unwrap();
        drop(w);
        assert!(!f.fs.exists(&path).unwrap(), "{path}: nothing published after drop");
    }
}
