//! `commitfs doctor URI`: can this store be trusted with commits? Backend-level probes (POSIX syscalls,
//! S3 conditional requests) then the commit contract end to end through the same core the jar uses. Prints
//! a verdict table and the Spark configuration to use; exits 3 when the contract cannot be provided.
//! Everything it writes goes under one probe directory that is removed at the end. On a terminal each
//! check is shown on stderr as it completes (the S3 probes take tens of seconds); the table follows.

mod posix;
mod requests;
mod s3;
mod semantics;

use crate::open;
use crate::progress::Progress;
use commitfs_core::registry::BackendKind;
use commitfs_core::settings::{Settings, ACCESS_KEY, CREDENTIALS_PROVIDER, ENDPOINT, PATH_STYLE};
use commitfs_core::{Config, Location, Result};
use std::fmt;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Verdict {
    Ok,
    Info,
    Warn,
    Fail,
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            Verdict::Ok => "ok",
            Verdict::Info => "info",
            Verdict::Warn => "WARN",
            Verdict::Fail => "FAIL",
        })
    }
}

#[derive(Default)]
pub struct Report {
    rows: Vec<(String, Verdict, String)>,
    spark: Vec<String>,
    /// The copy-if-not-exists mode the S3 probes found safe, for the Spark lines.
    pub copy_mode: Option<String>,
    live: Progress,
}

impl Report {
    pub fn add(&mut self, check: impl Into<String>, verdict: Verdict, detail: impl Into<String>) {
        let (check, detail) = (check.into(), detail.into());
        self.live.step(&format!("  {verdict:<4}  {check}: {}", detail.lines().next().unwrap_or("")));
        self.rows.push((check, verdict, detail));
    }
    /// What runs next, on a terminal.
    pub fn running(&mut self, what: &str) {
        self.live.step(&format!("checking {what} ..."));
    }
    pub fn spark_conf(&mut self, line: impl Into<String>) {
        self.spark.push(line.into());
    }
    pub fn failed(&self) -> bool {
        self.rows.iter().any(|(_, v, _)| *v == Verdict::Fail)
    }
    fn print(&self, target: &str) {
        println!("commitfs doctor: {target}\n");
        let width = self.rows.iter().map(|(c, _, _)| c.len()).max().unwrap_or(10);
        for (check, verdict, detail) in &self.rows {
            let mut lines = detail.lines();
            println!("  {check:<width$}  {verdict:<4}  {}", lines.next().unwrap_or(""));
            for more in lines {
                println!("  {:<width$}        {more}", "");
            }
        }
        println!();
        if self.failed() {
            println!("verdict: NOT safe for commits — fix the FAIL rows above first.");
        } else {
            println!("verdict: safe for commits (consistent listing, atomic no-overwrite rename, exclusive create).");
        }
        if !self.spark.is_empty() {
            println!("\nSpark configuration for this store:");
            for l in &self.spark {
                println!("  {l}");
            }
        }
    }
}

pub fn run(uri: &str, conf: &Config) -> Result<u8> {
    let loc = Location::parse(uri)?;
    let mut report = Report::default();
    let proceed = match BackendKind::for_scheme(&loc.scheme, conf)? {
        BackendKind::Posix => {
            report.running("the directory's syscalls (renameat2, link, fsync, ownership)");
            posix::probe(&loc, conf, &mut report)?
        }
        BackendKind::S3 => {
            report.running("the store: reachability, conditional writes, copy and rename modes");
            let reachable = s3::probe(&loc, conf, &mut report)?;
            if reachable {
                report.running("request options (encryption, requester pays, region)");
                requests::probe(&loc, conf, &mut report)?;
            }
            reachable
        }
        BackendKind::Memory => true,
    };
    if proceed {
        report.running("the commit contract end to end (create, rename, listing races)");
        let (fs, base) = open(uri, conf)?;
        semantics::probe(fs.arc(), &base, &mut report);
    }
    spark_lines(&loc, conf, &mut report);
    report.live.finish();
    report.print(uri);
    Ok(if report.failed() { 3 } else { 0 })
}

/// The Spark configuration that reaches this store as the doctor did: the scheme bindings (both are
/// needed: `fs.<s>.impl` because a jar from `spark.jars` is not on the classpath that reads
/// META-INF/services), the endpoint, path style and credential provider in use (never a secret), and
/// the checkpoint manager.
fn spark_lines(loc: &Location, conf: &Config, report: &mut Report) {
    let s = &loc.scheme;
    report.spark_conf("spark.jars=/path/to/commitfs-0.1.0.jar");
    report.spark_conf(format!("spark.hadoop.fs.{s}.impl=io.commitfs.hadoop.CommitFileSystem"));
    report.spark_conf(format!("spark.hadoop.fs.AbstractFileSystem.{s}.impl=io.commitfs.hadoop.CommitFs"));
    if matches!(BackendKind::for_scheme(s, conf), Ok(BackendKind::S3)) {
        let settings = Settings::new(conf, s, &loc.authority);
        for key in [&ENDPOINT, &PATH_STYLE, &CREDENTIALS_PROVIDER] {
            if let Some((name, value)) = settings.raw(key) {
                report.spark_conf(format!("spark.hadoop.{name}={value}"));
            }
        }
        if settings.raw(&CREDENTIALS_PROVIDER).is_none() {
            report.spark_conf(if settings.raw(&ACCESS_KEY).is_some() {
                format!("# credentials: the access/secret keys used here (fs.{s}.access.key, fs.{s}.secret.key): keep them \
                    in a credential store (hadoop.security.credential.provider.path), not in spark-defaults")
            } else {
                format!("# credentials: the environment, profile or instance role (fs.{s}.aws.credentials.provider to choose)")
            });
        }
    }
    if let Some(mode) = &report.copy_mode {
        report.spark_conf(format!("spark.hadoop.fs.{s}.copy-if-not-exists={mode}"));
    }
    report.spark_conf("spark.sql.streaming.checkpointFileManagerClass=io.commitfs.spark.CommitCheckpointFileManager");
    report.spark_conf("# (on Spark 3.5: io.commitfs.spark.Spark35CommitCheckpointFileManager)");
}
