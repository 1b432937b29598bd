//! Where the core's log records go (settings warnings, retries, throttling, rename roll-forward, sweeps,
//! and at DEBUG one line per S3 request): the CLI prints them on stderr; the JVM face queues them and
//! drains the queue into its slf4j logger (after each `connect` and from a daemon thread), so they reach
//! the application's log without an up-call from arbitrary native threads. The level is the Java
//! logger's (`set_level`); the CLI shows warnings. Installed once per process; until
//! then records are dropped (as the `log` crate does without a logger).
//!
//! Only the core's own records and object_store's (its retry lines, bridged from `tracing`) pass: the
//! HTTP stack's debug output would show headers. Every message goes through `redact`, so a URL with a
//! query signature or a security token never reaches a log even if an error message carries one.

use parking_lot::Mutex;
use std::collections::VecDeque;

/// Records kept for the JVM at most; older ones are dropped first (a record is a line of text). Large
/// enough for a burst of DEBUG request lines between two drains.
const QUEUE_LIMIT: usize = 4096;

static QUEUE: Mutex<VecDeque<(log::Level, String)>> = Mutex::new(VecDeque::new());

struct Stderr;
struct Queue;

/// Targets whose records are passed on: ours and object_store's (retries).
fn wanted(m: &log::Metadata<'_>) -> bool {
    let t = m.target();
    (t.starts_with("commitfs") || t.starts_with("object_store")) && m.level() <= log::max_level()
}

impl log::Log for Stderr {
    fn enabled(&self, m: &log::Metadata<'_>) -> bool {
        wanted(m)
    }
    fn log(&self, r: &log::Record<'_>) {
        if self.enabled(r.metadata()) {
            eprintln!("commitfs: {}: {}", r.level(), redact(&r.args().to_string()));
        }
    }
    fn flush(&self) {}
}

impl log::Log for Queue {
    fn enabled(&self, m: &log::Metadata<'_>) -> bool {
        wanted(m)
    }
    fn log(&self, r: &log::Record<'_>) {
        if self.enabled(r.metadata()) {
            let line = redact(&r.args().to_string());
            let mut q = QUEUE.lock();
            if q.len() == QUEUE_LIMIT {
                q.pop_front();
            }
            q.push_back((r.level(), line));
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

/// Records wait in a queue for `drain` (the JVM face), at INFO until `set_level` says otherwise.
pub fn to_queue() {
    if log::set_logger(&QUEUED).is_ok() {
        log::set_max_level(log::LevelFilter::Info);
    }
}

/// The most detailed level recorded: the JVM passes its logger's (0 off, 1 error ... 4 debug, 5 trace).
pub fn set_level(level: i32) {
    let filter = match level {
        i32::MIN..=0 => log::LevelFilter::Off,
        1 => log::LevelFilter::Error,
        2 => log::LevelFilter::Warn,
        3 => log::LevelFilter::Info,
        4 => log::LevelFilter::Debug,
        _ => log::LevelFilter::Trace,
    };
    log::set_max_level(filter);
}

/// The queued records, oldest first, and an empty queue.
pub fn drain() -> Vec<(log::Level, String)> {
    QUEUE.lock().drain(..).collect()
}

/// Query parameters that sign or authorise a request (presigned URLs): their values never reach a log.
const SECRET_PARAMS: [&str; 4] = ["x-amz-signature", "x-amz-credential", "x-amz-security-token", "signature"];

/// The message with the value of every signing query parameter replaced by `<redacted>`.
pub fn redact(message: &str) -> String {
    let lower = message.to_ascii_lowercase();
    if !SECRET_PARAMS.iter().any(|p| lower.contains(&format!("{p}="))) {
        return message.to_string();
    }
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    let mut rest_lower = lower.as_str();
    while let Some((at, name)) =
        SECRET_PARAMS.iter().filter_map(|p| find_param(rest_lower, p).map(|i| (i, *p))).min_by_key(|(i, _)| *i)
    {
        let value_start = at + name.len() + 1;
        let value_end = rest[value_start..].find(['&', ' ', '"', '\'', ')', '\n']).map_or(rest.len(), |e| value_start + e);
        out.push_str(&rest[..value_start]);
        out.push_str("<redacted>");
        rest = &rest[value_end..];
        rest_lower = &rest_lower[value_end..];
    }
    out.push_str(rest);
    out
}

/// Where `name=` starts as a query parameter (after `?` or `&`) in `lower`.
fn find_param(lower: &str, name: &str) -> Option<usize> {
    let pattern = format!("{name}=");
    let mut from = 0;
    while let Some(i) = lower[from..].find(&pattern) {
        let at = from + i;
        if at > 0 && matches!(lower.as_bytes()[at - 1], b'?' | b'&') {
            return Some(at);
        }
        from = at + pattern.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn signatures_and_tokens_are_redacted() {
        let m = "error sending request for url (https://b.s3.amazonaws.com/k?X-Amz-Credential=AKIA123%2F&X-Amz-Signature=abc&x-id=GetObject&X-Amz-Security-Token=tok)";
        let r = redact(m);
        assert!(!r.contains("AKIA123") && !r.contains("abc&") && !r.contains("tok"), "{r}");
        assert!(r.contains("x-id=GetObject") && r.contains("X-Amz-Signature=<redacted>"), "{r}");
        assert_eq!(redact("GET /bucket/key?list-type=2 -> 200"), "GET /bucket/key?list-type=2 -> 200");
    }
}
