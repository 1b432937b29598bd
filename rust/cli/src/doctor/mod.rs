//! `commitfs doctor URI`: can this store be trusted with commits? Backend-level probes (POSIX syscalls,
//! S3 conditional requests) then the commit contract end to end through the same core the jar uses. Prints
//! a verdict table and the Spark configuration to use; exits 3 when the contract cannot be provided.
//! Everything it writes goes under one probe directory that is removed at the end.

mod posix;
mod requests;
mod s3;
mod semantics;

use crate::open;
use commitfs_core::registry::BackendKind;
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
}

impl Report {
    pub fn add(&mut self, check: impl Into<String>, verdict: Verdict, detail: impl Into<String>) {
        self.rows.push((check.into(), verdict, detail.into()));
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
        BackendKind::Posix => posix::probe(&loc, conf, &mut report)?,
        BackendKind::S3 => {
            let reachable = s3::probe(&loc, conf, &mut report)?;
            if reachable {
                requests::probe(&loc, conf, &mut report)?;
            }
            reachable
        }
        BackendKind::Memory => true,
    };
    if proceed {
        let (fs, base) = open(uri, conf)?;
        semantics::probe(fs.arc(), &base, &mut report);
    }
    spark_lines(&loc, &mut report);
    report.print(uri);
    Ok(if report.failed() { 3 } else { 0 })
}

fn spark_lines(loc: &Location, report: &mut Report) {
    let s = &loc.scheme;
    report.spark_conf("spark.jars=/path/to/commitfs-0.1.0.jar");
    report.spark_conf(format!("spark.hadoop.fs.{s}.impl=io.commitfs.hadoop.CommitFileSystem"));
    report.spark_conf(format!("spark.hadoop.fs.AbstractFileSystem.{s}.impl=io.commitfs.hadoop.CommitFs"));
    if let Some(mode) = &report.copy_mode {
        report.spark_conf(format!("spark.hadoop.fs.{s}.copy-if-not-exists={mode}"));
    }
}
