//! Where the core's log records (settings warnings, rename recovery) go: the CLI prints them on stderr;
//! the JVM face queues them and drains the queue into its slf4j logger after each `connect`, so they
//! reach the application's log without an up-call from arbitrary native threads. Installed once per
//! process; until then records are dropped (as the `log` crate does without a logger).

use parking_lot::Mutex;
use std::collections::VecDeque;

/// Records kept for the JVM at most; older ones are dropped first (a record is a line of text).
const QUEUE_LIMIT: usize = 256;

static QUEUE: Mutex<VecDeque<(log::Level, String)>> = Mutex::new(VecDeque::new());

struct Stderr;
struct Queue;

impl log::Log for Stderr {
    fn enabled(&self, m: &log::Metadata<'_>) -> bool {
        m.level() <= log::Level::Warn
    }
    fn log(&self, r: &log::Record<'_>) {
        if self.enabled(r.metadata()) {
            eprintln!("commitfs: {}: {}", r.level(), r.args());
        }
    }
    fn flush(&self) {}
}

impl log::Log for Queue {
    fn enabled(&self, m: &log::Metadata<'_>) -> bool {
        m.level() <= log::Level::Info
    }
    fn log(&self, r: &log::Record<'_>) {
        if self.enabled(r.metadata()) {
            let mut q = QUEUE.lock();
            if q.len() == QUEUE_LIMIT {
                q.pop_front();
            }
            q.push_back((r.level(), r.args().to_string()));
        }
    }
    fn flush(&self) {}
}

static STDERR: Stderr = Stderr;
static QUEUED: Queue = Queue;

/// Warnings go to stderr (the CLI).
pub fn to_stderr() {
    if log::set_logger(&STDERR).is_ok() {
        log::set_max_level(log::LevelFilter::Warn);
    }
}

/// Records wait in a queue for `drain` (the JVM face).
pub fn to_queue() {
    if log::set_logger(&QUEUED).is_ok() {
        log::set_max_level(log::LevelFilter::Info);
    }
}

/// The queued records, oldest first, and an empty queue.
pub fn drain() -> Vec<(log::Level, String)> {
    QUEUE.lock().drain(..).collect()
}
