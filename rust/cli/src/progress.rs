//! Progress on stderr for a person watching a long command (put, get, bench, recover, doctor): a bar or
//! a line per step, only when stderr is a terminal. Logs and pipes get the command's output alone.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

/// Redraws at most this often.
const REDRAW: Duration = Duration::from_millis(100);
const WIDTH: u64 = 30;

pub struct Progress {
    on: bool,
    what: String,
    total: Option<u64>,
    bytes: bool,
    last: Option<Instant>,
    drawn: bool,
}

impl Progress {
    /// A counter of `total` items (or bytes when `bytes`); `None`: unknown total.
    pub fn new(what: impl Into<String>, total: Option<u64>, bytes: bool) -> Self {
        Progress { on: std::io::stderr().is_terminal(), what: what.into(), total, bytes, last: None, drawn: false }
    }

    /// Steps only (`step`), no counter.
    pub fn steps() -> Self {
        Self::new("", None, false)
    }

    pub fn update(&mut self, done: u64) {
        let finished = self.total == Some(done);
        if !self.on || (!finished && self.last.is_some_and(|t| t.elapsed() < REDRAW)) {
            return;
        }
        self.last = Some(Instant::now());
        let amount = |n: u64| if self.bytes { human_bytes(n) } else { n.to_string() };
        let line = match self.total {
            Some(total) if total > 0 => {
                let filled = done.min(total) * WIDTH / total;
                format!("{} [{}{}] {} / {} ({}%)", self.what, "#".repeat(filled as usize), ".".repeat((WIDTH - filled) as usize),
                    amount(done), amount(total), done.min(total) * 100 / total)
            }
            _ => format!("{} {}", self.what, amount(done)),
        };
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r{line}\x1b[K");
        let _ = err.flush();
        self.drawn = true;
    }

    /// One line saying what is happening now (e.g. the check that runs next).
    pub fn step(&mut self, message: &str) {
        if self.on {
            self.clear_line();
            eprintln!("{message}");
        }
    }

    fn clear_line(&mut self) {
        if self.drawn {
            eprint!("\r\x1b[K");
            self.drawn = false;
        }
    }

    /// Ends the bar's line (also when dropped).
    pub fn finish(&mut self) {
        if self.on && self.drawn {
            eprintln!();
            self.drawn = false;
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}

fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = n as f64;
    let mut unit = 0;
    while v >= 1024.0 && unit < UNITS.len() - 1 {
        v /= 1024.0;
        unit += 1;
    }
    if unit == 0 { format!("{n} B") } else { format!("{v:.1} {}", UNITS[unit]) }
}

impl Default for Progress {
    fn default() -> Self {
        Self::steps()
    }
}
