//! commitfs' own temporary entries: `.<name>.commitfs-<owner>-<16 hex>.tmp` next to their target
//! (`<owner>`: the writing process, see `owner.rs`), hidden from listings, and swept when a writer died
//! before committing. Names of older versions, `.<name>.commitfs-<16 hex>.tmp`, are still recognised.
//!
//! Sweeping, by the listings that meet temp entries:
//! - at once, the temps whose writer is provably dead: written on this machine (same boot, same pid
//!   namespace) by a process that no longer exists, or whose pid now belongs to a later process. Costs
//!   one kill(pid, 0) per such temp, no file system call;
//! - every temp whose mtime is older than `fs.<scheme>.temp.max-age`, when the directory was not swept
//!   so within the last `min(60 s, max-age)`: temps of other hosts (NFS/EFS) and of older versions.
//!   A live writer refreshes its temp's mtime with every buffer flush, so only writers idle for longer
//!   than the max age (default 24 h) are at risk; their commit then fails with NotFound.
//!
//! Directories under a temp name (a recursive delete in progress) are removed recursively.

use super::owner::{self, Owner};
use super::sys::{Counters, Op};
use parking_lot::Mutex;
use rand::Rng;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

const MARK: &str = ".commitfs-";
const SUFFIX: &str = ".tmp";
const RANDOM_HEX: usize = 16;
/// Room left for the leading dot, mark, owner, random part and suffix inside NAME_MAX (255).
const MAX_NAME_PART: usize = 255 - 1 - MARK.len() - owner::ENCODED_LEN - 1 - RANDOM_HEX - SUFFIX.len();

/// A fresh temp name for an entry called `name` in the same directory.
pub fn name_for(name: &str) -> String {
    let mut cut = name.len().min(MAX_NAME_PART);
    while !name.is_char_boundary(cut) {
        cut -= 1;
    }
    let random: u64 = rand::thread_rng().gen();
    format!(".{}{MARK}{}-{random:0width$x}{SUFFIX}", &name[..cut], Owner::me().encode(), width = RANDOM_HEX)
}

/// What a name says about a temp entry: not one (None), or one with its writer if the name records it.
fn parse(name: &str) -> Option<Option<Owner>> {
    let rest = name.strip_suffix(SUFFIX)?;
    if !name.starts_with('.') || rest.len() < MARK.len() + RANDOM_HEX + 1 {
        return None;
    }
    let (head, hex) = rest.split_at(rest.len() - RANDOM_HEX);
    if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    if head.ends_with(MARK) {
        return Some(None);
    }
    let owner_start = head.len().checked_sub(owner::ENCODED_LEN + 1)?;
    let (head, owned) = head.split_at(owner_start);
    let owner = Owner::decode(owned.strip_suffix('-')?)?;
    head.ends_with(MARK).then_some(Some(owner))
}

/// True for names made by `name_for` (or older versions' temp names) only: other dotfiles stay visible.
pub fn is_temp(name: &str) -> bool {
    parse(name).is_some()
}

/// True when `name`'s writer is certainly gone (its temp is garbage now, whatever its age).
fn writer_is_dead(name: &str) -> bool {
    parse(name).flatten().is_some_and(|o| o.provably_dead())
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

    /// Removes the temps among `temps` (names in `dir`) whose writer is provably dead, and the stale
    /// ones if `dir` is due for an age sweep.
    pub fn maybe_sweep(&self, c: &Counters, dir: &Path, temps: &[String]) {
        if temps.is_empty() {
            return;
        }
        let due = self.due(dir);
        let now = SystemTime::now();
        for name in temps {
            let dead = writer_is_dead(name);
            if !dead && !due {
                continue;
            }
            let path = dir.join(name);
            c.add(Op::Stat);
            let Ok(meta) = std::fs::symlink_metadata(&path) else { continue };
            let age = meta.modified().ok().and_then(|m| now.duration_since(m).ok()).unwrap_or_default();
            if !dead && age < self.max_age {
                continue;
            }
            // Best effort: a concurrent sweeper or the owner may remove it first.
            let removed = if meta.is_dir() {
                super::tree::remove_tree(c, &path).is_ok()
            } else {
                c.add(Op::Unlink);
                std::fs::remove_file(&path).is_ok()
            };
            if removed {
                let why = if dead { "its writer is gone" } else { "older than fs.<scheme>.temp.max-age" };
                log::info!(target: "commitfs::sweep", "removed the temporary file {} ({why})", path.display());
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
        assert_eq!(parse(&t), Some(Some(Owner::me())), "{t} records its writer");
        assert!(!writer_is_dead(&t), "our own temp");
        assert_eq!(parse(".x.commitfs-0123456789abcdef.tmp"), Some(None), "an older version's temp: no writer known");
        let odd = format!(".a.commitfs-b{}", &t[".part-00000.parquet".len()..]);
        assert_eq!(parse(&odd), Some(Some(Owner::me())), "the last mark counts: {odd}");
        assert!(!is_temp(&t.replace(".commitfs-", ".commitfs-x")), "a damaged owner part");
        assert!(!is_temp(".hidden"));
        assert!(!is_temp(".x.commitfs-zzzzzzzzzzzzzzzz.tmp"));
        assert!(!is_temp("x.commitfs-0123456789abcdef.tmp"));
        assert!(is_temp(".x.commitfs-0123456789abcdef.tmp"));
        let long = "ü".repeat(120);
        let t = name_for(&long);
        assert!(t.len() <= 255 && is_temp(&t));
    }
}
