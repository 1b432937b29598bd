//! `commitfs`: the commitfs core from the shell, without a JVM. Same URIs and configuration keys as the
//! jar (`-D key=value`, `--conf core-site.xml`, `fs.s3a.*` fallbacks).

mod bench;
mod commands;
mod conf;
mod doctor;
mod recover;

use commitfs_core::registry::StoreRef;
use commitfs_core::{Config, Error, ErrorKind, FileSystem, FsPath, Location};
use std::process::ExitCode;

const USAGE: &str = "usage: commitfs [-D key=value]... [--conf core-site.xml]... COMMAND ARGS

commands:
  ls [-R] URI            list a directory (or show a file)
  stat URI               show one entry
  cat URI                write a file to standard output
  put [-f] LOCAL URI     upload a local file ('-' for standard input); -f overwrites, else exclusive
  get URI LOCAL          download a file
  mkdir URI              create a directory and its parents
  rm [-r] URI            delete a file, or a directory with -r
  mv SRC DST             rename without overwriting (atomic for files)
  doctor URI             probe whether a store/directory can be trusted with commits
  bench URI [-n N] [-s SIZE]   checkpoint-commit loop: p50/p99 latency and ops/s
  recover URI            complete directory renames a crash interrupted; sweep stale staging objects

URIs: s3c://bucket/key, filec:///abs/path (and any scheme mapped by fs.commitfs.scheme.<s>.backend).
Exit status: 0 ok, 1 the operation failed, 2 usage error, 3 doctor found the store unfit for commits.";

/// The parsed command line: configuration sources, then the command and its words.
struct Invocation {
    xml_files: Vec<String>,
    defines: Vec<(String, String)>,
    command: String,
    args: Vec<String>,
}

fn parse_invocation(mut words: impl Iterator<Item = String>) -> Result<Invocation, String> {
    let mut inv = Invocation { xml_files: vec![], defines: vec![], command: String::new(), args: vec![] };
    while let Some(w) = words.next() {
        match w.as_str() {
            "-h" | "--help" | "help" => return Err(String::new()),
            "--conf" | "-conf" => inv.xml_files.push(words.next().ok_or("--conf needs a file")?),
            "-D" => inv.defines.push(parse_define(&words.next().ok_or("-D needs key=value")?)?),
            d if d.starts_with("-D") && d.len() > 2 => inv.defines.push(parse_define(&d[2..])?),
            _ => {
                inv.command = w;
                inv.args = words.collect();
                return Ok(inv);
            }
        }
    }
    Err("no command given".into())
}

fn parse_define(kv: &str) -> Result<(String, String), String> {
    match kv.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.to_string())),
        _ => Err(format!("-D {kv}: expected key=value")),
    }
}

/// Opens the filesystem for a URI with the command's configuration; the path comes back with it.
pub fn open(uri: &str, conf: &Config) -> commitfs_core::Result<(StoreRef, FsPath)> {
    let loc = Location::parse(uri)?;
    let fs = commitfs_core::filesystem(&loc.scheme, &loc.authority, conf)?;
    Ok((fs, loc.path))
}

fn main() -> ExitCode {
    let inv = match parse_invocation(std::env::args().skip(1)) {
        Ok(inv) => inv,
        Err(msg) => {
            if !msg.is_empty() {
                eprintln!("commitfs: {msg}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(if msg.is_empty() { 0 } else { 2 });
        }
    };
    commitfs_core::logging::to_stderr();
    let result = conf::build(&inv.xml_files, &inv.defines).and_then(|conf| commands::run(&inv.command, &inv.args, &conf));
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("commitfs {}: {e}", inv.command);
            if e.kind() == ErrorKind::InvalidArgument && e.path.is_none() && e.message.starts_with("usage") {
                eprintln!("{USAGE}");
                return ExitCode::from(2);
            }
            ExitCode::from(1)
        }
    }
}

/// Deletes `p` if it exists, ignoring errors: probes clean up after themselves on every path.
pub fn remove_quietly(fs: &FileSystem, p: &FsPath) {
    let _ = fs.delete(p, true);
}

/// A usage error for one command, printed with the general usage.
pub fn usage(message: impl Into<String>) -> Error {
    Error::invalid(format!("usage: {}", message.into()))
}
