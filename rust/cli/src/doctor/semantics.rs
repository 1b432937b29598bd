//! The commit contract end to end through the core: what Spark and Delta will rely on.

use super::{Report, Verdict};
use crate::scratch::Scratch;
use commitfs_core::{ErrorKind, FileSystem, FsPath, RenameMode, Result};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

const RACERS: usize = 8;
const ROUNDS: usize = 3;

pub fn probe(fs: &Arc<FileSystem>, base: &FsPath, report: &mut Report) {
    let name = format!(".commitfs-doctor-{}-{}", std::process::id(), rand::random::<u32>());
    let scratch = match Scratch::create(fs, base, &name) {
        Ok(s) => s,
        Err(e) => return report.add("create a directory", Verdict::Fail, e.to_string()),
    };
    let dir = scratch.dir.clone();
    let checks: [(&str, fn(&Arc<FileSystem>, &FsPath) -> Result<(Verdict, String)>); 5] = [
        ("write, close, read back", write_read_back),
        ("invisible until close", invisible_until_close),
        ("exclusive create race", exclusive_create_race),
        ("rename without overwrite", rename_no_overwrite_race),
        ("list after write/delete", list_consistency),
    ];
    for (name, check) in checks {
        match check(fs, &dir) {
            Ok((v, detail)) => report.add(name, v, detail),
            Err(e) => report.add(name, Verdict::Fail, e.to_string()),
        }
    }
    latency(fs, &dir, report);
    scratch.remove();
    if scratch.remains() {
        report.add("clean-up", Verdict::Warn, format!("could not remove {} (or the directories made for it)", fs.display(&dir)));
    }
}

fn write(fs: &FileSystem, p: &FsPath, data: &[u8], overwrite: bool) -> Result<()> {
    let mut w = fs.create(p, overwrite)?;
    w.write(data)?;
    w.commit()
}

fn read(fs: &FileSystem, p: &FsPath) -> Result<Vec<u8>> {
    let r = fs.open(p)?;
    let mut buf = vec![0u8; r.len() as usize];
    let mut off = 0;
    while off < buf.len() {
        let n = r.read_at(off as u64, &mut buf[off..])?;
        if n == 0 {
            break;
        }
        off += n;
    }
    buf.truncate(off);
    Ok(buf)
}

fn write_read_back(fs: &Arc<FileSystem>, dir: &FsPath) -> Result<(Verdict, String)> {
    let p = dir.child("roundtrip")?;
    let data: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
    write(fs, &p, &data, false)?;
    Ok(if read(fs, &p)? == data {
        (Verdict::Ok, "100 KB written and read back intact".into())
    } else {
        (Verdict::Fail, "the bytes read back differ from the bytes written".into())
    })
}

fn invisible_until_close(fs: &Arc<FileSystem>, dir: &FsPath) -> Result<(Verdict, String)> {
    let p = dir.child("pending")?;
    let mut w = fs.create(&p, false)?;
    w.write(b"partial")?;
    let visible = fs.exists(&p)? || fs.list_all(dir)?.iter().any(|s| s.path.name().contains("pending"));
    w.abort();
    let left = fs.list_all(dir)?.iter().any(|s| s.path.name().contains("pending"));
    Ok(match (visible, left) {
        (false, false) => (Verdict::Ok, "an open file is not listed; an aborted one leaves nothing".into()),
        (true, _) => (Verdict::Fail, "a file being written is visible before close".into()),
        (false, true) => (Verdict::Fail, "an aborted write left an entry behind".into()),
    })
}

/// `RACERS` threads per round race `f(i)`; returns how many succeeded in each round.
fn race<F>(rounds: usize, f: F) -> Vec<usize>
where
    F: Fn(usize, usize) -> Result<()> + Send + Sync + 'static,
{
    let f = Arc::new(f);
    (0..rounds)
        .map(|round| {
            let barrier = Arc::new(Barrier::new(RACERS));
            let handles: Vec<_> = (0..RACERS)
                .map(|i| {
                    let (f, barrier) = (f.clone(), barrier.clone());
                    std::thread::spawn(move || {
                        barrier.wait();
                        f(round, i)
                    })
                })
                .collect();
            let results: Vec<Result<()>> = handles.into_iter().map(|h| h.join().expect("racer panicked")).collect();
            results.iter().filter(|r| r.is_ok()).count()
        })
        .collect()
}

fn exclusive_create_race(fs: &Arc<FileSystem>, dir: &FsPath) -> Result<(Verdict, String)> {
    let (fs, dir) = (fs.clone(), dir.clone());
    let winners = race(ROUNDS, move |round, i| {
        write(&fs, &dir.child(&format!("excl-{round}"))?, format!("writer {i}").as_bytes(), false)
    });
    Ok(verdict_one_winner(&winners, "create(overwrite=false)"))
}

fn rename_no_overwrite_race(fs: &Arc<FileSystem>, dir: &FsPath) -> Result<(Verdict, String)> {
    let src = |round: usize, i: usize| dir.child(&format!("src-{round}-{i}"));
    for round in 0..ROUNDS {
        for i in 0..RACERS {
            write(fs, &src(round, i)?, &[i as u8], false)?;
        }
    }
    let existing = dir.child("existing")?;
    write(fs, &existing, b"keep", false)?;
    match fs.rename(&src(0, 0)?, &existing, RenameMode::Into) {
        Err(e) if e.kind() == ErrorKind::AlreadyExists => {}
        Err(e) => return Ok((Verdict::Fail, format!("rename onto an existing file failed oddly: {e}"))),
        Ok(()) => return Ok((Verdict::Fail, "rename replaced an existing file".into())),
    }
    if read(fs, &existing)? != b"keep" {
        return Ok((Verdict::Fail, "the destination of a refused rename changed".into()));
    }
    let (fs2, dir2) = (fs.clone(), dir.clone());
    let winners = race(ROUNDS, move |round, i| {
        fs2.rename(&dir2.child(&format!("src-{round}-{i}"))?, &dir2.child(&format!("dst-{round}"))?, RenameMode::Into)
    });
    Ok(verdict_one_winner(&winners, "rename onto one destination"))
}

fn verdict_one_winner(winners: &[usize], what: &str) -> (Verdict, String) {
    if winners.iter().all(|&w| w == 1) {
        (Verdict::Ok, format!("{what}: exactly 1 of {RACERS} racers won in each of {} rounds", winners.len()))
    } else {
        (Verdict::Fail, format!("{what}: winners per round {winners:?} (must be 1): the store does not enforce it"))
    }
}

fn list_consistency(fs: &Arc<FileSystem>, dir: &FsPath) -> Result<(Verdict, String)> {
    let sub = dir.child("listed")?;
    let f = sub.child("f")?;
    write(fs, &f, b"x", false)?;
    if !fs.list_all(&sub)?.iter().any(|s| s.path == f) {
        return Ok((Verdict::Fail, "a closed file is missing from the listing right after close".into()));
    }
    fs.delete(&sub, true)?;
    let started = Instant::now();
    let mut stale = fs.exists(&sub)? || fs.list_all(dir)?.iter().any(|s| s.path == sub);
    if !stale {
        return Ok((Verdict::Ok, "list-after-write and list-after-delete are immediate".into()));
    }
    while stale && started.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(250));
        stale = fs.exists(&sub)? || fs.list_all(dir)?.iter().any(|s| s.path == sub);
    }
    Ok((Verdict::Fail, format!("a deleted directory stayed visible for {:.1} s{}", started.elapsed().as_secs_f64(),
        if stale { " (and still is)" } else { "" })))
}

fn latency(fs: &Arc<FileSystem>, dir: &FsPath, report: &mut Report) {
    let mut lines = Vec::new();
    let mut time = |name: &str, f: &mut dyn FnMut(usize) -> Result<()>| {
        let mut samples = Vec::new();
        for i in 0..5 {
            let t = Instant::now();
            if let Err(e) = f(i) {
                lines.push(format!("{name}: {e}"));
                return;
            }
            samples.push(t.elapsed());
        }
        samples.sort();
        lines.push(format!("{name:<14} {:>8.2} ms", samples[2].as_secs_f64() * 1000.0));
    };
    let p = |i: usize| dir.child(&format!("lat-{i}"));
    let q = |i: usize| dir.child(&format!("lat-renamed-{i}"));
    time("create+close", &mut |i| write(fs, &p(i)?, &[0u8; 4096], false));
    time("status", &mut |i| fs.status(&p(i)?).map(|_| ()));
    time("list", &mut |_| fs.list(dir, None, 0).map(|_| ()));
    time("rename", &mut |i| fs.rename(&p(i)?, &q(i)?, RenameMode::Into));
    time("delete", &mut |i| fs.delete(&q(i)?, false).map(|_| ()));
    report.add("latency (median of 5)", Verdict::Info, lines.join("\n"));
}
