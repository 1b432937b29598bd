//! A range of a file as read from the store, shared by the reader and its read-ahead window.

use bytes::Bytes;

/// A range of the file as the response body delivered it, piece by piece: gathering the pieces into
/// one buffer would copy every byte once more.
pub(super) struct Block {
    pub(super) start: u64,
    parts: Vec<Bytes>,
    /// End of each part, relative to `start`.
    ends: Vec<u64>,
}

impl Block {
    pub(super) fn new(start: u64, parts: Vec<Bytes>) -> Self {
        let ends = parts.iter().scan(0u64, |end, p| { *end += p.len() as u64; Some(*end) }).collect();
        Block { start, parts, ends }
    }

    pub(super) fn len(&self) -> u64 {
        self.ends.last().copied().unwrap_or(0)
    }

    /// Copies what this block holds from `offset` into `buf`; `None` if it does not hold `offset`.
    pub(super) fn copy_at(&self, offset: u64, buf: &mut [u8]) -> Option<usize> {
        if offset < self.start || offset >= self.start + self.len() {
            return None;
        }
        let mut at = offset - self.start;
        let mut i = self.ends.partition_point(|&end| end <= at);
        let mut done = 0;
        while done < buf.len() && i < self.parts.len() {
            let part_start = self.ends[i] - self.parts[i].len() as u64;
            let from = (at - part_start) as usize;
            let n = (buf.len() - done).min(self.parts[i].len() - from);
            buf[done..done + n].copy_from_slice(&self.parts[i][from..from + n]);
            done += n;
            at += n as u64;
            i += 1;
        }
        Some(done)
    }
}
