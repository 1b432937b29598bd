//! `commitfs`: the commitfs core from the shell, without a JVM. Same URIs and configuration keys as the
//! jar (`-D key=value`, `--conf core-site.xml`, `fs.s3a.*` fallbacks).

mod bench;
mod commands;
mod conf;
mod doctor;
mod listing;
mod progress;
mod recover;
mod scratch;

use commitfs_core::registry::StoreRef;
use commitfs_core::{Config, Error, ErrorKind, FsPath, Location};
use std::process::ExitCode;

const USAGE: &str = "usage: commitfs [-D key=value]... [--conf core-site.xml]... COMMAND ARGS
       commitfs --help | --version

commands:
  ls [-R] [-l] URI       list a directory (or show a file): mode, owner, group, size, local time, path
  stat URI               show one entry (same columns)
  cat URI                write a file to standard output
  put [-f] LOCAL URI     upload a local file ('-' for standard input); -f overwrites, else exclusive
  get URI LOCAL          download a file
  mkdir URI              create a directory and its parents
  rm [-r] URI            delete a file, or a directory with -r
  mv SRC DST             rename without overwriting (atomic for files)
  doctor URI             probe whether a store/directory can be trusted with commits
  bench URI [-n N] [-s SIZE]   checkpoint-commit loop: p50/p99 latency and ops/s
  recover [--abort-uploads[=MIN_AGE]] URI
                         complete directory renames a crash interrupted; sweep stale staging objects;
                         list incomplete multipart uploads under _commitfs/staging/ and, with
                         --abort-uploads, abort those older than MIN_AGE (default 24h; e.g. 30m, 0s)

-D and --conf may come anywhere on the line; '--' ends the options (for paths starting with '-').
URIs: s3c://bucket/key, filec:///abs/path (and any scheme mapped by fs.commitfs.scheme.<s>.backend).
Exit status: 0 ok, 1 the operation failed, 2 usage error, 3 doctor found the store unfit for commits.";

/// The parsed command line: configuration sources, then the command and its words.
struct Invocation {
    xml_files: Vec<String>,
    defines: Vec<(String, String)>,
    command: String,
    args: Vec<String>,
}

/// What the command line asks for.
enum Parsed {
    Run(Invocation),
    Help,
    Version,
}

/// Takes `-D`/`--conf` wherever they are (as `hadoop fs` takes generic options before the command, and as
/// users type them after it); the first other word is the command, the rest its arguments.
fn parse_invocation(mut words: impl Iterator<Item = String>) -> Result<Parsed, String> {
    let mut inv = Invocation { xml_files: vec![], defines: vec![], command: String::new(), args: vec![] };
    let mut positional = Vec::new();
    let mut options_done = false;
    while let Some(w) = words.next() {
        if options_done {
            positional.push(w);
            continue;
        }
        match w.as_str() {
            "--" => options_done = true,
            "-h" | "--help" => return Ok(Parsed::Help),
            "help" if positional.is_empty() => return Ok(Parsed::Help),
            "-V" | "--version" => return Ok(Parsed::Version),
            "version" if positional.is_empty() => return Ok(Parsed::Version),
            "--conf" | "-conf" => inv.xml_files.push(words.next().ok_or("--conf needs a file")?),
            c if c.starts_with("--conf=") => inv.xml_files.push(c["--conf=".len()..].to_string()),
            "-D" => inv.defines.push(parse_define(&words.next().ok_or("-D needs key=value")?)?),
            d if d.starts_with("-D") && d.len() > 2 => inv.defines.push(parse_define(&d[2..])?),
            _ => positional.push(w),
        }
    }
    let mut positional = positional.into_iter();
    inv.command = positional.next().ok_or("no command given")?;
    inv.args = positional.collect();
    Ok(Parsed::Run(inv))
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
        Ok(Parsed::Run(inv)) => inv,
        Ok(Parsed::Help) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Ok(Parsed::Version) => {
            println!("commitfs {}", env!("CARGO_PKG_VERSION"));
            return ExitCode::SUCCESS;
        }
        Err(msg) => {
            eprintln!("commitfs: {msg}");
            eprintln!("{USAGE}");
            return ExitCode::from(2);
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

/// A usage error for one command, printed with the general usage.
pub fn usage(message: impl Into<String>) -> Error {
    Error::invalid(format!("usage: {}", message.into()))
}
