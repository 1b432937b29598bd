//! An open file read with pread(2): positional, so one reader serves concurrent positioned reads.

use super::errors;
use super::sys::Op;
use super::Inner;
use crate::backend::Reader;
use crate::error::Result;
use std::fs::File;
use std::os::unix::fs::FileExt;
use std::path::PathBuf;
use std::sync::Arc;

pub struct PosixReader {
    pub(super) file: File,
    pub(super) len: u64,
    pub(super) local: PathBuf,
    pub(super) shown: String,
    pub(super) inner: Arc<Inner>,
}

impl Reader for PosixReader {
    fn len(&self) -> u64 {
        self.len
    }

    fn read_at(&self, offset: u64, buf: &mut [u8]) -> Result<usize> {
        let mut done = 0;
        // Short reads happen only at end of file: keep reading until the buffer is full or EOF.
        while done < buf.len() {
            self.inner.counters.add(Op::Read);
            match self.file.read_at(&mut buf[done..], offset + done as u64) {
                Ok(0) => break,
                Ok(n) => done += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(errors::map(e, "read the file", &self.shown, &self.local)),
            }
        }
        Ok(done)
    }
}
