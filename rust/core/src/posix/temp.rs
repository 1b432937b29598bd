//! commitfs' own temporary entries: `.<name>.commitfs-<16 hex>.tmp` next to their target, hidden from
//! listings, and swept when a writer died before committing.
//!
//! Sweeping: when a listing of a directory meets temp entries, and that directory was not swept within
//! the last `min(60 s, max-age)`, every temp entry whose mtime is older than `fs.<scheme>.temp.max-age`
//! is removed. A live writer refreshes its temp's mtime with every buffer flush, so only writers idle
//! for longer than the max age (default 24 h) are at risk; their commit then fails with NotFound.
//! Directories under a temp name (a recursive delete in progress) are removed recursively.

use super::sys::{Counters, Op};
use parking_lot::Mutex;
use rand::Rng;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

const MARK: &str = ".commitfs-";
const SUFFIX: &str = ".tmp";
const RANDOM_HEX: usize = 16;
/// Room left for the mark, random part and suffix inside NAME_MAX (255).
const MAX_NAME_PART: usize = 200;

/// A fresh temp name for an entry called `name` in the same directory.
pub fn name_for(name: &str) -> String {
    let mut cut = name.len().min(MAX_NAME_PART);
    while !name.is_char_boundary(cut) {
        cut -= 1;
    }
    let random: u64 = rand::thread_rng().gen();
    format!(".{}{MARK}{random:0width$x}{SUFFIX}", &name[..cut], width = RANDOM_HEX)
}

/// True for names made by `name_for` only (other dotfiles stay visible).
pub fn is_temp(name: &str) -> bool {
    let Some(rest) = name.strip_suffix(SUFFIX) else { return false };
    if !name.starts_with('.') || rest.len() < MARK.len() + RANDOM_HEX + 1 {
        return false;
    }
    let (head, hex) = rest.split_at(rest.len() - RANDOM_HEX);
    head.ends_with(MARK) && hex.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Remembers when each directory was last swept, so listings sweep at most once per interval.
pub struct Sweeper {
    max_age: Duration,
    interval: Duration,
    last: Mutex<HashMap<PathBuf, Instant>>,
}

/// Beyond this many remembered directories, entries older than the interval are forgotten.
const REMEMBERED_DIRS: usize = 4096;

impl Sweeper {
    pub fn new(max_age: Duration) -> Self {
        Sweeper { max_age, interval: max_age.min(Duration::from_secs(60)), last: Mutex::new(HashMap::new()) }
    }

    /// Removes the stale temps among `temps` (names in `dir`) if `dir` is due for a sweep.
    pub fn maybe_sweep(&self, c: &Counters, dir: &Path, temps: &[String]) {
        if temps.is_empty() || !self.due(dir) {
            return;
        }
        let now = SystemTime::now();
        for name in temps {
            let path = dir.join(name);
            c.add(Op::Stat);
            let Ok(meta) = std::fs::symlink_metadata(&path) else { continue };
            let age = meta.modified().ok().and_then(|m| now.duration_since(m).ok()).unwrap_or_default();
            if age < self.max_age {
                continue;
            }
            // Best effort: a concurrent sweeper or the owner may remove it first.
            if meta.is_dir() {
                let _ = super::tree::remove_tree(c, &path);
            } else {
                c.add(Op::Unlink);
                let _ = std::fs::remove_file(&path);
            }
        }
    }

    fn due(&self, dir: &Path) -> bool {
        let now = Instant::now();
        let mut last = self.last.lock();
        if let Some(t) = last.get(dir) {
            if now.duration_since(*t) < self.interval {
                return false;
            }
        }
        if last.len() >= REMEMBERED_DIRS {
            let interval = self.interval;
            last.retain(|_, t| now.duration_since(*t) < interval);
        }
        last.insert(dir.to_path_buf(), now);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temp_names_are_recognised_exactly() {
        let t = name_for("part-00000.parquet");
        assert!(t.starts_with(".part-00000.parquet.commitfs-") && is_temp(&t), "{t}");
        assert!(!is_temp(".hidden"));
        assert!(!is_temp(".x.commitfs-zzzzzzzzzzzzzzzz.tmp"));
        assert!(!is_temp("x.commitfs-0123456789abcdef.tmp"));
        assert!(is_temp(".x.commitfs-0123456789abcdef.tmp"));
        let long = "ü".repeat(120);
        let t = name_for(&long);
        assert!(t.len() <= 255 && is_temp(&t));
    }
}
