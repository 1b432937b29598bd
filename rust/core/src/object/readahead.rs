//! Adaptive read-ahead for `ObjectReader`. A read that starts where the previous one ended (or inside
//! the window already requested) is sequential: the reader then keeps up to `MAX_DEPTH` ranged GETs in
//! flight ahead of the caller: the first of `readahead.range` (the first bytes come back soon), each next
//! `GROWTH` times the one before up to `MAX_CHUNK`, so a streaming reader pays one round trip per window
//! instead of one per read, and few requests (S3A reads 8 MiB ranges after a HEAD: 1 GiB is 130 GETs and
//! the HEAD there, 130 GETs here; doubling from 1 MiB cost two GETs more, dearer than S3A). A read elsewhere is random: it fetches just what was asked (at
//! least `readahead.range` the first time, since one random read is often followed by nearby ones) and,
//! from the second random read in a row, the window is dropped so it stops holding memory.
//!
//! Memory per reader is bounded by `MAX_DEPTH × MAX_CHUNK` in flight plus the chunk being consumed.

use super::block::Block;
use crate::error::Result;
use std::collections::VecDeque;
use std::future::Future;
use std::ops::Range;
use tokio::task::JoinHandle;

/// Largest single ranged GET of the window.
pub(super) const MAX_CHUNK: u64 = 8 << 20;
/// Most GETs in flight ahead of a sequential reader.
pub(super) const MAX_DEPTH: usize = 4;
/// How much larger each chunk of a sequential window is than the one before (up to `MAX_CHUNK`).
const GROWTH: u64 = 8;
/// The smallest GET a random read makes once the pattern is known to be random.
const MIN_RANDOM: u64 = 64 << 10;

/// What a read that missed the current block should do.
pub(super) enum Plan {
    /// The pending GET of the window's chunk covering the offset.
    Prefetched(JoinHandle<Result<Block>>),
    /// One ranged GET, now, on the caller's thread.
    Fetch(Range<u64>),
}

struct Chunk {
    range: Range<u64>,
    task: JoinHandle<Result<Block>>,
}

pub(super) struct Readahead {
    len: u64,
    /// The first GET of a fresh window (and of a first random read): `fs.<scheme>.readahead.range`.
    initial: u64,
    /// End of the last read served, whatever its kind: a read starting here is sequential.
    last_end: u64,
    /// Consecutive sequential reads: the window grows with it, up to `MAX_DEPTH`.
    streak: usize,
    /// Consecutive random reads: from the second on, reads fetch only what they ask for.
    random_misses: u32,
    /// Whether the caller's read in progress is sequential (its continuations follow its kind).
    in_sequence: bool,
    /// Chunks requested ahead, contiguous and in file order.
    window: VecDeque<Chunk>,
    /// Where the next chunk of the window starts, and its size.
    issued_to: u64,
    next_chunk: u64,
}

impl Readahead {
    pub fn new(len: u64, initial: u64) -> Self {
        let initial = initial.max(4096);
        Readahead {
            len,
            initial,
            last_end: 0,
            streak: 0,
            random_misses: 0,
            in_sequence: false,
            window: VecDeque::new(),
            issued_to: 0,
            next_chunk: initial,
        }
    }

    fn is_sequential(&self, offset: u64) -> bool {
        offset == self.last_end || self.window.front().is_some_and(|c| c.range.start <= offset && offset < self.issued_to)
    }

    /// Records `n` bytes at `offset` served from the current block. `first`: the start of a caller's
    /// read, not its continuation past a block's end (one read counts once in the pattern).
    pub fn served(&mut self, offset: u64, n: usize, first: bool) {
        if first {
            self.note(offset);
        }
        self.last_end = offset + n as u64;
    }

    /// Updates the pattern with a read at `offset`; true if it is sequential.
    fn note(&mut self, offset: u64) -> bool {
        let sequential = self.is_sequential(offset);
        self.in_sequence = sequential;
        if sequential {
            self.streak += 1;
            self.random_misses = 0;
        } else {
            self.streak = 0;
            self.random_misses += 1;
        }
        sequential
    }

    /// Decides how to serve a read of `want` bytes at `offset` (< len) that the current block missed,
    /// and records it; `spawn` makes the future of one ranged GET, run in the background.
    pub fn plan<F, Fut>(&mut self, offset: u64, want: usize, first: bool, spawn: F) -> Plan
    where
        F: Fn(Range<u64>) -> Fut,
        Fut: Future<Output = Result<Block>> + Send + 'static,
    {
        let want = want as u64;
        let sequential = if first { self.note(offset) } else { self.in_sequence };
        if !sequential {
            let size = if self.random_misses >= 2 {
                self.clear();
                want.max(MIN_RANDOM)
            } else {
                want.max(self.initial)
            };
            let range = offset..self.len.min(offset + size);
            self.last_end = range.end.min(offset + want);
            return Plan::Fetch(range);
        }
        // Chunks wholly before the offset were skipped over (a forward skip inside the window).
        while self.window.front().is_some_and(|c| c.range.end <= offset) {
            self.window.pop_front().unwrap().task.abort();
        }
        if !self.window.front().is_some_and(|c| c.range.start <= offset) {
            self.clear();
            self.issued_to = offset;
            self.next_chunk = want.max(self.initial).min(MAX_CHUNK.max(want));
        }
        self.top_up(self.streak.min(MAX_DEPTH) + 1, &spawn);
        let chunk = self.window.pop_front().expect("top_up issues at least the chunk at the offset");
        self.last_end = chunk.range.end.min(offset + want);
        Plan::Prefetched(chunk.task)
    }

    fn top_up<F, Fut>(&mut self, chunks: usize, spawn: &F)
    where
        F: Fn(Range<u64>) -> Fut,
        Fut: Future<Output = Result<Block>> + Send + 'static,
    {
        while self.window.len() < chunks && self.issued_to < self.len {
            let range = self.issued_to..self.len.min(self.issued_to + self.next_chunk);
            self.issued_to = range.end;
            self.next_chunk = (self.next_chunk * GROWTH).min(MAX_CHUNK.max(self.next_chunk));
            let task = crate::runtime::handle().spawn(spawn(range.clone()));
            self.window.push_back(Chunk { range, task });
        }
    }

    /// Cancels every GET still in flight.
    pub fn clear(&mut self) {
        for c in self.window.drain(..) {
            c.task.abort();
        }
    }
}

impl Drop for Readahead {
    fn drop(&mut self) {
        self.clear();
    }
}
