//! The guarantee suite and the S3-specific checks against a moto server started by
//! tests/servers/launch.py.

mod guarantees;
mod support;

use commitfs_core::RenameMode;
use guarantees as g;
use support::s3_cases as cases;
use support::*;

const KIND: &str = "moto";

fn fixture() -> Fixture {
    Fixture::s3(KIND, &[])
}

g::guarantee_tests!(fixture(), |f| &f.fs, |g| fresh_base(g);
    moto_g1_exclusive_create_16x50 => g1_exclusive_create(16, 50);
    moto_g3_overwrite_atomic => g3_overwrite_atomic(60);
    moto_g4_rename_file_16x50 => g4_rename_file(16, 50);
    moto_g5_rename_dir => g5_rename_dir();
    moto_g6_listing_consistency => g6_listing_consistency(20);
    moto_g8_delete_status_list_read => g8_delete_status_list_read(250);
);

#[test]
fn moto_g2_invisible_until_close() {
    let f = fixture();
    let b = fresh_base("g2");
    g::g2_invisible_until_close(&f.fs, &b);
    assert_eq!(f.raw(&b), ["sibling", "target"]);
}

#[test]
/// G7 on S3 is the acknowledgement: every commit returned only after a PUT the server acknowledged.
fn moto_g7_commit_returns_after_an_acknowledged_put() {
    g::g7_durability_counters(&fixture().fs, &fresh_base("g7"), "PUT", 1, 5);
}

#[test]
fn moto_odd_keys_round_trip() {
    cases::odd_keys_round_trip(&fixture());
}

#[test]
fn moto_markers_follow_the_s3a_layout() {
    cases::markers_follow_the_s3a_layout(&fixture());
}

#[test]
fn moto_lost_response_is_resolved_by_the_token() {
    cases::lost_response_is_resolved_by_the_token(&fixture());
}

#[test]
fn moto_large_exclusive_create_through_staging() {
    // 21 MiB in 8 MiB parts: past one part, so the staged multipart upload + copy-if-absent path.
    cases::large_exclusive_create(&Fixture::s3(KIND, &[("fs.s3c.multipart.size", "8M")]));
}

#[test]
fn moto_killed_writer_leaves_nothing() {
    cases::child_writer_if_asked();
    cases::killed_writer_leaves_nothing(&server(KIND), "moto_killed_writer_leaves_nothing");
}

/// moto ignores If-None-Match on CopyObject: with copy mode `header` the first-use probe must refuse
/// to work, naming the key to set, instead of letting renames overwrite.
#[test]
fn moto_copy_mode_probe_refuses_header_mode() {
    let f = Fixture::s3(KIND, &[("fs.s3c.copy-if-not-exists", "header")]);
    let b = fresh_base("probe");
    g::put(&f.fs, &g::p(&b, "a"), b"a");
    let err = f.fs.rename(&g::p(&b, "a"), &g::p(&b, "b"), RenameMode::Into).unwrap_err();
    assert_eq!(err.kind, commitfs_core::ErrorKind::Unsafe, "{err}");
    assert!(err.to_string().contains("fs.s3c.copy-if-not-exists"), "{err}");
    assert!(f.fs.exists(&g::p(&b, "a")).unwrap() && !f.fs.exists(&g::p(&b, "b")).unwrap(), "nothing moved");
    // The documented degraded mode works (check-then-copy).
    let unsafe_fs = Fixture::s3(KIND, &[("fs.s3c.copy-if-not-exists", "unsafe")]);
    unsafe_fs.fs.rename(&g::p(&b, "a"), &g::p(&b, "b"), RenameMode::Into).unwrap();
    assert_eq!(g::read_all(&unsafe_fs.fs, &g::p(&b, "b")).unwrap(), b"a");
}

#[test]
fn moto_recursive_delete_leaves_nothing() {
    cases::recursive_delete_leaves_nothing(&fixture());
}

#[test]
fn moto_entry_probe_sees_past_name_sharing_siblings() {
    cases::entry_probe_sees_past_name_sharing_siblings(&fixture());
}

#[test]
fn moto_read_patterns_against_the_readahead() {
    support::read_cases::read_patterns(&fixture());
}
