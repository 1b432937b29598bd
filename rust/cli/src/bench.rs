//! `commitfs bench URI`: Spark's checkpoint-commit loop (create temp, write, close, rename to final,
//! list the directory, delete the oldest) with a progress bar on a terminal, p50/p99 and the store's counters per op.

use crate::progress::Progress;
use crate::scratch::Scratch;
use crate::{open, usage};
use commitfs_core::{Config, Error, RenameMode, Result};
use std::time::{Duration, Instant};

/// Checkpoint files kept in the directory, as Spark keeps the last few batches.
const KEEP: usize = 10;

pub fn run(words: &[&String], _flags: &[&String], args: &[String], conf: &Config) -> Result<u8> {
    let uri = words.first().ok_or_else(|| usage("commitfs bench URI [-n N] [-s SIZE]"))?;
    let value_of = |flag: &str| args.iter().position(|a| a == flag).and_then(|i| args.get(i + 1)).map(String::as_str);
    let sized = |flag: &str, default: usize| match value_of(flag) {
        None => Ok(default),
        Some(v) => commitfs_core::settings::parse_size(v)
            .map(|n| usize::try_from(n).unwrap_or(usize::MAX))
            .ok_or_else(|| Error::invalid(format!("{flag}={v}: expected a size such as 4096, 64K, 8M or 1G"))),
    };
    let (n, size) = (sized("-n", 200)?, sized("-s", 4096)?);
    let (fs, base) = open(uri, conf)?;
    let scratch = Scratch::create(&fs, &base, &format!("commitfs-bench-{}", std::process::id()))?;
    let dir = scratch.dir.clone();
    let payload = vec![0x5au8; size];
    let before = fs.counters();
    let mut times = Vec::with_capacity(n);
    let mut progress = Progress::new("checkpoint commits", Some(n as u64), false);
    let started = Instant::now();
    let result = (|| -> Result<()> {
        for i in 0..n {
            let t = Instant::now();
            let tmp = dir.child(&format!(".{i}.tmp"))?;
            let mut w = fs.create(&tmp, false)?;
            w.write(&payload)?;
            w.commit()?;
            fs.rename(&tmp, &dir.child(&i.to_string())?, RenameMode::Into)?;
            fs.list(&dir, None, 0)?;
            if i >= KEEP {
                fs.delete(&dir.child(&(i - KEEP).to_string())?, false)?;
            }
            times.push(t.elapsed());
            progress.update(i as u64 + 1);
        }
        Ok(())
    })();
    let wall = started.elapsed();
    progress.finish();
    scratch.remove();
    result?;
    times.sort();
    let pct = |p: f64| times[((times.len() as f64 * p) as usize).min(times.len() - 1)];
    println!("checkpoint commits: {n} × {size} bytes on {}", fs.display(&base));
    println!("  ops/s {:.1}   p50 {}   p99 {}", n as f64 / wall.as_secs_f64(), ms(pct(0.5)), ms(pct(0.99)));
    let after = fs.counters();
    for (name, count) in &after {
        let was = before.iter().find(|(k, _)| k == name).map(|(_, v)| *v).unwrap_or(0);
        if count > &was {
            println!("  {name:<16} {:.2} per commit", (count - was) as f64 / n as f64);
        }
    }
    Ok(0)
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}
