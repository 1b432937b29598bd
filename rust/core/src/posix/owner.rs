//! Who wrote a temp entry, so a sweep can tell a dead writer's temp from a live one without waiting
//! for the max age. A temp name carries its writer as `<machine>-<pid>-<start>`:
//! - `machine`: a hash of the kernel's boot id and this process's pid namespace — the set of processes
//!   whose pids this process can check. Another host, another boot, or another container (its own pid
//!   namespace) gives another value, and such temps keep the age rule (NFS/EFS shared by many hosts).
//!   0 when either is unreadable: never provably dead.
//! - `pid`: the writer's process id.
//! - `start`: its start time (clock ticks since boot, `/proc/<pid>/stat` field 22), so a pid reused by a
//!   later process is recognised; 0 when unreadable.
//!
//! A writer is provably dead only when its machine is ours and either no process has its pid
//! (kill(pid, 0) = ESRCH) or the process with its pid started at another time. Any doubt (EPERM with an
//! unreadable /proc, e.g. `hidepid`) counts as alive.

use parking_lot::Mutex;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Owner {
    machine: u64,
    pid: u32,
    start: u64,
}

/// Length of `Owner::encode`'s text: 16 + 1 + 8 + 1 + 16 hex digits and dashes.
pub const ENCODED_LEN: usize = 42;

impl Owner {
    /// This process (recomputed after a fork: the pid changed).
    pub fn me() -> Owner {
        static ME: Mutex<Option<Owner>> = Mutex::new(None);
        let pid = std::process::id();
        let mut me = ME.lock();
        match *me {
            Some(o) if o.pid == pid => o,
            _ => {
                let o = Owner { machine: machine_id(), pid, start: start_time(pid).unwrap_or(0) };
                *me = Some(o);
                o
            }
        }
    }

    pub fn encode(&self) -> String {
        format!("{:016x}-{:08x}-{:016x}", self.machine, self.pid, self.start)
    }

    pub fn decode(s: &str) -> Option<Owner> {
        let mut parts = s.split('-');
        let mut field = |len: usize| parts.next().filter(|p| p.len() == len && p.bytes().all(|b| b.is_ascii_hexdigit()));
        let (machine, pid, start) = (field(16)?, field(8)?, field(16)?);
        if parts.next().is_some() {
            return None;
        }
        Some(Owner {
            machine: u64::from_str_radix(machine, 16).ok()?,
            pid: u32::from_str_radix(pid, 16).ok()?,
            start: u64::from_str_radix(start, 16).ok()?,
        })
    }

    /// True only when this writer is certainly gone (see the module doc); false in any doubt.
    pub fn provably_dead(&self) -> bool {
        let me = Owner::me();
        if self.machine == 0 || self.machine != me.machine || self.pid == 0 || self.pid > i32::MAX as u32 {
            return false;
        }
        if self.pid == me.pid {
            return self.start != 0 && me.start != 0 && self.start != me.start;
        }
        // SAFETY: signal 0 only checks that the pid exists; pid > 0, so it names one process.
        if unsafe { libc::kill(self.pid as libc::pid_t, 0) } != 0 && std::io::Error::last_os_error().raw_os_error() == Some(libc::ESRCH) {
            return true;
        }
        match (self.start, start_time(self.pid)) {
            (0, _) | (_, None) => false,
            (ours, Some(theirs)) => ours != theirs,
        }
    }
}

/// FNV-1a: stable across builds and processes (std's hasher makes no such promise).
fn fnv1a(parts: &[&[u8]]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in parts.iter().flat_map(|p| p.iter().chain(&[0u8])) {
        h = (h ^ *b as u64).wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

fn machine_id() -> u64 {
    let boot = std::fs::read("/proc/sys/kernel/random/boot_id");
    let pid_ns = std::fs::read_link("/proc/self/ns/pid");
    match (boot, pid_ns) {
        (Ok(boot), Ok(ns)) if !boot.is_empty() => fnv1a(&[boot.trim_ascii(), ns.as_os_str().as_encoded_bytes()]).max(1),
        _ => 0,
    }
}

/// Field 22 of /proc/<pid>/stat; the command name (field 2) may hold spaces and parentheses, so fields
/// are counted from the last ')'.
fn start_time(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after_comm = &stat[stat.rfind(')')? + 1..];
    after_comm.split_ascii_whitespace().nth(19)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owner_round_trips_and_this_process_is_alive() {
        let me = Owner::me();
        assert_ne!(me.machine, 0, "boot id and pid namespace readable here");
        assert_ne!(me.start, 0, "own start time readable");
        let text = me.encode();
        assert_eq!(text.len(), ENCODED_LEN);
        assert_eq!(Owner::decode(&text), Some(me));
        assert!(!me.provably_dead());
        for bad in ["", "0123456789abcdef-00000001", "0123456789abcdeg-00000001-0123456789abcdef", &format!("{text}-00")] {
            assert_eq!(Owner::decode(bad), None, "{bad}");
        }
    }

    #[test]
    fn dead_reused_and_foreign_writers() {
        let me = Owner::me();
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        let start = start_time(pid).unwrap_or(0);
        child.wait().unwrap();
        // `true` has exited and been reaped: its pid names no process (unless reused at once, then with
        // another start time).
        assert!(Owner { pid, start, ..me }.provably_dead());
        assert!(Owner { start: me.start + 1, ..me }.provably_dead(), "our pid, another start: a reused pid");
        let init_like = Owner { pid: 1, start: start_time(1).unwrap(), ..me };
        assert!(!init_like.provably_dead(), "a running process with its start time");
        assert!(!Owner { machine: me.machine ^ 1, pid, start, ..me }.provably_dead(), "another machine: unknown");
        assert!(!Owner { machine: 0, pid, start, ..me }.provably_dead());
        assert!(!Owner { pid: 0, ..me }.provably_dead());
        assert!(!Owner { pid: u32::MAX, ..me }.provably_dead());
        assert!(!Owner { start: 0, ..init_like }.provably_dead(), "no start time recorded: alive pid counts as alive");
    }
}
