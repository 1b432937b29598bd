//! `ls` and `stat`: `hadoop fs -ls`'s long format (permissions, owner, group, size, local time, path) in
//! aligned columns; `ls -R` walks depth first in name order, each directory followed by its contents.

use crate::open;
use commitfs_core::{Config, FileStatus, FileSystem, FsPath, Result};

pub fn ls(uri: &str, recursive: bool, conf: &Config) -> Result<u8> {
    let (fs, p) = open(uri, conf)?;
    let mut out = Vec::new();
    walk(&fs, &p, recursive, &mut out)?;
    print_rows(&fs, &out);
    Ok(0)
}

pub fn stat(uri: &str, conf: &Config) -> Result<u8> {
    let (fs, p) = open(uri, conf)?;
    print_rows(&fs, &[fs.status(&p)?]);
    Ok(0)
}

/// The entries of `dir` in name order (the core's order), each directory's subtree right after it.
fn walk(fs: &FileSystem, dir: &FsPath, recursive: bool, out: &mut Vec<FileStatus>) -> Result<()> {
    for entry in fs.list_all(dir)? {
        let descend = recursive && entry.is_dir && &entry.path != dir;
        let path = entry.path.clone();
        out.push(entry);
        if descend {
            walk(fs, &path, true, out)?;
        }
    }
    Ok(())
}

fn print_rows(fs: &FileSystem, entries: &[FileStatus]) {
    let rows: Vec<[String; 6]> = entries.iter().map(|s| columns(fs, s)).collect();
    let mut widths = [0usize; 6];
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    for [perm, owner, group, size, time, path] in &rows {
        let [_, wo, wg, ws, wt, _] = widths;
        println!("{perm} {owner:<wo$} {group:<wg$} {size:>ws$} {time:<wt$} {path}");
    }
}

/// One entry's columns, as `hadoop fs -ls` prints them.
fn columns(fs: &FileSystem, s: &FileStatus) -> [String; 6] {
    let mut perm = String::from(if s.is_dir { "d" } else { "-" });
    for shift in [6, 3, 0] {
        let bits = (s.permission >> shift) & 7;
        perm.push(if bits & 4 != 0 { 'r' } else { '-' });
        perm.push(if bits & 2 != 0 { 'w' } else { '-' });
        perm.push(if bits & 1 != 0 { 'x' } else { '-' });
    }
    let or_dash = |s: &str| if s.is_empty() { "-".to_string() } else { s.to_string() };
    [perm, or_dash(&s.owner), or_dash(&s.group), s.len.to_string(), local_time(s.modified_ms), fs.display(&s.path)]
}

/// `yyyy-mm-dd hh:mm` in local time, as `hadoop fs -ls`; `-` where the store keeps no time (S3 directories).
pub fn local_time(ms: i64) -> String {
    if ms <= 0 {
        return "-".into();
    }
    let secs = ms.div_euclid(1000) as libc::time_t;
    // SAFETY: localtime_r fills the zeroed struct it is given from a valid time_t.
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    if unsafe { libc::localtime_r(&secs, &mut tm) }.is_null() {
        return ms.to_string();
    }
    format!("{:04}-{:02}-{:02} {:02}:{:02}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min)
}
