//! The file commands. Each returns the process exit code on success; errors carry their own message.

use crate::progress::Progress;
use crate::{bench, doctor, listing, open, recover, usage};
use commitfs_core::{Config, Error, RenameMode, Result};
use std::io::{Read, Write};

pub fn run(command: &str, args: &[String], conf: &Config) -> Result<u8> {
    let (flags, words): (Vec<&String>, Vec<&String>) = args.iter().partition(|a| a.starts_with('-') && a.len() > 1);
    let has = |f: &str| flags.iter().any(|x| x.as_str() == f);
    let one = |what: &str| -> Result<&String> {
        match words.as_slice() {
            [w] => Ok(w),
            _ => Err(usage(format!("commitfs {command} {what}"))),
        }
    };
    let two = |what: &str| -> Result<(&String, &String)> {
        match words.as_slice() {
            [a, b] => Ok((a, b)),
            _ => Err(usage(format!("commitfs {command} {what}"))),
        }
    };
    match command {
        "ls" => listing::ls(one("[-R] URI")?, has("-R"), conf),
        "stat" => listing::stat(one("URI")?, conf),
        "cat" => cat(one("URI")?, conf),
        "put" => {
            let (local, uri) = two("[-f] LOCAL URI")?;
            put(local, uri, has("-f"), conf)
        }
        "get" => {
            let (uri, local) = two("URI LOCAL")?;
            get(uri, local, conf)
        }
        "mkdir" => {
            let (fs, p) = open(one("URI")?, conf)?;
            fs.mkdirs(&p).map(|_| 0)
        }
        "rm" => {
            let uri = one("[-r] URI")?;
            let (fs, p) = open(uri, conf)?;
            if fs.delete(&p, has("-r") || has("-R"))? {
                Ok(0)
            } else {
                Err(Error::not_found(uri))
            }
        }
        "mv" => {
            let (src, dst) = two("SRC DST")?;
            let (fs, s) = open(src, conf)?;
            let (fs2, d) = open(dst, conf)?;
            if !fs.same_store(&fs2) {
                return Err(Error::invalid(format!("{src} and {dst} are on different stores: mv renames within one store")));
            }
            fs.rename(&s, &d, RenameMode::Into).map(|_| 0)
        }
        "doctor" => doctor::run(one("URI")?, conf),
        "bench" => bench::run(&words, &flags, args, conf),
        "recover" => recover::run(one("[--abort-uploads[=MIN_AGE]] URI")?, &flags, conf),
        other => Err(usage(format!("unknown command '{other}'"))),
    }
}

fn cat(uri: &str, conf: &Config) -> Result<u8> {
    let (fs, p) = open(uri, conf)?;
    copy_out(fs.open(&p)?.as_ref(), &mut std::io::stdout().lock(), "stdout", None)
}

/// Streams a whole file to `out` in 1 MiB reads, advancing `progress` if any.
fn copy_out(reader: &dyn commitfs_core::Reader, out: &mut dyn Write, shown: &str, mut progress: Option<Progress>) -> Result<u8> {
    let mut buf = vec![0u8; 1 << 20];
    let mut off = 0u64;
    loop {
        let n = reader.read_at(off, &mut buf)?;
        if n == 0 {
            return Ok(0);
        }
        out.write_all(&buf[..n]).map_err(|e| Error::io(shown, e.to_string()))?;
        off += n as u64;
        if let Some(p) = progress.as_mut() {
            p.update(off);
        }
    }
}

fn put(local: &str, uri: &str, overwrite: bool, conf: &Config) -> Result<u8> {
    let (fs, p) = open(uri, conf)?;
    let (mut input, size): (Box<dyn Read>, Option<u64>) = if local == "-" {
        (Box::new(std::io::stdin().lock()), None)
    } else {
        let file = std::fs::File::open(local).map_err(|e| Error::io(local, format!("cannot open: {e}")))?;
        let size = file.metadata().ok().map(|m| m.len());
        (Box::new(file), size)
    };
    let mut writer = fs.create(&p, overwrite)?;
    let mut progress = Progress::new(format!("put {uri}"), size, true);
    let mut buf = vec![0u8; 1 << 20];
    let mut sent = 0u64;
    loop {
        let n = input.read(&mut buf).map_err(|e| Error::io(local, format!("cannot read: {e}")))?;
        if n == 0 {
            break;
        }
        writer.write(&buf[..n])?;
        sent += n as u64;
        progress.update(sent);
    }
    progress.step("publishing (the file appears whole when this returns) ...");
    writer.commit()?;
    Ok(0)
}

fn get(uri: &str, local: &str, conf: &Config) -> Result<u8> {
    let (fs, p) = open(uri, conf)?;
    let reader = fs.open(&p)?;
    let mut out = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(local)
        .map_err(|e| Error::io(local, format!("cannot create (it must not exist yet): {e}")))?;
    let progress = Progress::new(format!("get {uri}"), Some(reader.len()), true);
    copy_out(reader.as_ref(), &mut out, local, Some(progress))
}
