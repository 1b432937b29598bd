//! The guarantee suite and the S3-specific checks against a seaweed server started by
//! tests/servers/launch.py (fewer rounds: SeaweedFS serialises conditional writes to one key in 1 s steps).

mod guarantees;
mod support;

use commitfs_core::RenameMode;
use guarantees as g;
use support::s3_cases as cases;
use support::*;

const KIND: &str = "seaweed";

fn fixture() -> Fixture {
    Fixture::s3(KIND, &[])
}

g::guarantee_tests!(fixture(), |f| &f.fs, |g| fresh_base(g);
    seaweed_g1_exclusive_create => g1_exclusive_create(4, 3);
    seaweed_g3_overwrite_atomic => g3_overwrite_atomic(30);
    seaweed_g4_rename_file => g4_rename_file(4, 3);
    seaweed_g5_rename_dir => g5_rename_dir();
    seaweed_g6_listing_consistency => g6_listing_consistency(10);
    seaweed_g8_delete_status_list_read => g8_delete_status_list_read(250);
);

#[test]
fn seaweed_g2_invisible_until_close() {
    let f = fixture();
    let b = fresh_base("g2");
    g::g2_invisible_until_close(&f.fs, &b);
    assert_eq!(f.raw(&b), ["sibling", "target"]);
}

#[test]
/// G7 on S3 is the acknowledgement: every commit returned only after a PUT the server acknowledged.
fn seaweed_g7_commit_returns_after_an_acknowledged_put() {
    g::g7_durability_counters(&fixture().fs, &fresh_base("g7"), "PUT", 1, 5);
}

#[test]
fn seaweed_odd_keys_round_trip() {
    cases::odd_keys_round_trip(&fixture());
}

#[test]
fn seaweed_markers_follow_the_s3a_layout() {
    cases::markers_follow_the_s3a_layout(&fixture());
}

#[test]
fn seaweed_lost_response_is_resolved_by_the_token() {
    cases::lost_response_is_resolved_by_the_token(&fixture());
}

#[test]
fn seaweed_large_exclusive_create_through_staging() {
    // 21 MiB in 8 MiB parts: past one part, so the staged multipart upload + copy-if-absent path.
    cases::large_exclusive_create(&Fixture::s3(KIND, &[("fs.s3c.multipart.size", "8M")]));
}

#[test]
fn seaweed_killed_writer_leaves_nothing() {
    cases::child_writer_if_asked();
    cases::killed_writer_leaves_nothing(&server(KIND), "seaweed_killed_writer_leaves_nothing");
}

#[test]
fn seaweed_copy_mode_probe_accepts_header_mode() {
    let f = fixture();
    let b = fresh_base("probe");
    g::put(&f.fs, &g::p(&b, "a"), b"a");
    f.fs.rename(&g::p(&b, "a"), &g::p(&b, "b"), RenameMode::Into).unwrap();
}

#[test]
fn seaweed_rename_dir_with_1200_entries() {
    let f = fixture();
    let b = fresh_base("bigrename");
    let src = g::p(&b, "src");
    let store = f.backend.store();
    // Planted straight through object_store, 32 at a time, to keep set-up short.
    commitfs_core::runtime::block_on(async {
        use futures::StreamExt;
        use object_store::ObjectStoreExt;
        futures::stream::iter((0..1200).map(|i| {
            let store = store.clone();
            let key = format!("{}/d{}/f{i:05}", src.key(), i % 5);
            async move { store.put(&object_store::path::Path::parse(&key).unwrap(), format!("{i}").into_bytes().into()).await.unwrap() }
        }))
        .buffer_unordered(32)
        .collect::<Vec<_>>()
        .await;
    });
    f.fs.mkdirs(&g::p(&src, "empty")).unwrap();
    let started = std::time::Instant::now();
    let (_, m) = f.measure(|| f.fs.rename(&src, &g::p(&b, "dst"), RenameMode::Into).unwrap());
    eprintln!("seaweed: rename_dir of 1200 files + 1 marker took {:?}: {m:?}", started.elapsed());
    assert!(!f.fs.exists(&src).unwrap());
    let keys = f.raw(&g::p(&b, "dst"));
    assert_eq!(keys.len(), 1201);
    assert_eq!(g::read_all(&f.fs, &g::p(&b, "dst/d2/f00007")).unwrap(), b"7");
    assert_eq!(g::names(&f.fs, &b), ["dst"]);
}

#[test]
fn seaweed_recursive_delete_leaves_nothing() {
    cases::recursive_delete_leaves_nothing(&fixture());
}

#[test]
fn seaweed_entry_probe_sees_past_name_sharing_siblings() {
    cases::entry_probe_sees_past_name_sharing_siblings(&fixture());
}

#[test]
fn seaweed_read_patterns_against_the_readahead() {
    support::read_cases::read_patterns(&fixture());
}
