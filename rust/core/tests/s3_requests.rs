//! Request counts per operation, measured with the counting HTTP connector against SeaweedFS (copy mode
//! header) and moto (copy mode multipart). The numbers are printed (run with --nocapture) and bounded.

mod guarantees;
mod support;

use commitfs_core::{Backend, CreateOptions, ErrorKind};
use guarantees as g;
use std::collections::BTreeMap;
use support::*;

fn total(m: &BTreeMap<String, u64>) -> u64 {
    m.get("requests").copied().unwrap_or(0)
}

fn measure_all(kind: &'static str) {
    let f = Fixture::s3(kind, &[]);
    let b = fresh_base("requests");
    let file = g::p(&b, "dir/file");
    g::put(&f.fs, &file, b"hello");
    // Warm up the once-per-store copy-mode probe.
    g::put(&f.fs, &g::p(&b, "warm"), b"w");
    f.fs.rename(&g::p(&b, "warm"), &g::p(&b, "warm2")).unwrap();
    // ... and the first listing's look at the rename journal (once per store per interval).
    f.fs.list(&b, None, 1).unwrap();
    let mut report = Vec::new();
    let mut note = |op: &str, m: &BTreeMap<String, u64>| {
        eprintln!("{kind}: {op}: {} requests {m:?}", total(m));
        report.push((op.to_string(), total(m)));
    };

    let (st, m) = f.measure(|| f.backend.file_status(&file).unwrap());
    assert!(st.is_some());
    note("backend file_status (getFileStatus of a file)", &m);
    assert_eq!(m.get("HEAD"), Some(&1));
    assert_eq!(total(&m), 1, "getFileStatus of a file = one HEAD");

    let (_, m) = f.measure(|| f.fs.status(&file).unwrap());
    note("fs.status of a file (HEAD and LIST in parallel)", &m);
    assert!(total(&m) <= 2);

    let new = g::p(&b, "dir/new");
    let (_, m) = f.measure(|| {
        let mut w = f.backend.create(&new, &CreateOptions { overwrite: false }).unwrap();
        w.write(b"abc").unwrap();
        w.commit().unwrap();
    });
    note("backend exclusive create of a small file", &m);
    assert!(total(&m) <= 2, "exclusive create ≤ 2 requests at the backend level");
    assert_eq!(m.get("PUT"), Some(&1), "one PUT at commit");

    let new2 = g::p(&b, "dir/new2");
    let (_, m) = f.measure(|| g::put(&f.fs, &new2, b"abc"));
    note("fs.create+write+close of a small file", &m);
    assert!(total(&m) <= 4);

    let (r, m) = f.measure(|| f.fs.create(&new2, false).map(|_| ()));
    assert_eq!(r.unwrap_err().kind, ErrorKind::AlreadyExists);
    note("fs.create(overwrite=false) of an existing file (refused at open)", &m);

    let dst = g::p(&b, "dir/renamed");
    let (_, m) = f.measure(|| f.fs.rename(&new, &dst).unwrap());
    note("fs.rename of a file", &m);
    if kind == "seaweed" {
        assert!(total(&m) <= 3, "file rename ≤ 3 (LIST dst + COPY + DELETE)");
    } else {
        assert!(total(&m) <= 5, "multipart copy mode: LIST + 3 for the copy + DELETE");
    }

    let (_, m) = f.measure(|| g::read_all(&f.fs, &dst).unwrap());
    note("open+read of a small file", &m);
    assert_eq!(total(&m), 1, "one GET at open fetches a small file whole");

    let (_, m) = f.measure(|| f.fs.list(&g::p(&b, "dir"), None, 1000).unwrap());
    note("list of a directory of files", &m);
    assert_eq!(total(&m), 1);

    let (_, m) = f.measure(|| f.fs.list(&b, None, 1000).unwrap());
    note("list of a directory with one child directory", &m);
    assert!(total(&m) <= 2, "one LIST (+1 per child directory on SeaweedFS)");

    let (_, m) = f.measure(|| f.fs.mkdirs(&g::p(&b, "made/deep")).unwrap());
    note("mkdirs of two new levels under an existing dir", &m);

    let (_, m) = f.measure(|| assert!(f.fs.delete(&dst, false).unwrap()));
    note("fs.delete of a file", &m);
    assert!(total(&m) <= 4, "status (2) + DELETE + parent marker PUT");

    let (_, m) = f.measure(|| assert!(f.fs.delete(&g::p(&b, "dir"), true).unwrap()));
    note("fs.delete of a directory with 3 files, recursive", &m);

    eprintln!("{kind} summary: {report:?}");
}

#[test]
fn seaweed_request_counts() {
    measure_all("seaweed");
}

#[test]
fn moto_request_counts() {
    measure_all("moto");
}
