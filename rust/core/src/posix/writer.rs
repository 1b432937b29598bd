//! A file being written: a hidden 0600 temp file in the target directory, published by one rename (or
//! link) at commit, so the final name only ever shows complete content (G1–G3, G7).

use super::sys::{fsync_dir, Op, Published};
use super::{errors, temp, Inner};
use crate::backend::{CreateOptions, Writer};
use crate::error::{Error, ErrorKind, Result};
use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Bytes gathered before a write(2): big enough that small appends cost nothing, small enough for
/// thousands of concurrently open writers.
const BUFFER: usize = 256 * 1024;

#[derive(PartialEq)]
enum State {
    Open,
    Committed,
    Closed,
}

pub struct TempWriter {
    inner: Arc<Inner>,
    target: PathBuf,
    temp: PathBuf,
    shown: String,
    overwrite: bool,
    /// The published mode; `None`: 0666 less the process umask.
    permission: Option<u32>,
    file: Option<File>,
    buf: Vec<u8>,
    written: u64,
    state: State,
}

impl TempWriter {
    /// Creates the temp file next to `target` (O_EXCL, mode 0600). The parent must exist.
    pub fn create(inner: Arc<Inner>, target: PathBuf, shown: String, opts: &CreateOptions) -> Result<Self> {
        let parent = target.parent().unwrap_or(Path::new("/")).to_path_buf();
        let name = target.file_name().and_then(|n| n.to_str()).unwrap_or("file").to_string();
        let mut attempts = 0;
        let (file, temp) = loop {
            let temp = parent.join(temp::name_for(&name));
            inner.counters.add(Op::Open);
            match OpenOptions::new().write(true).create_new(true).mode(0o600).custom_flags(libc::O_CLOEXEC).open(&temp) {
                Ok(f) => break (f, temp),
                Err(e) if e.raw_os_error() == Some(libc::EEXIST) && attempts < 3 => attempts += 1,
                Err(e) => {
                    let mut err = errors::map(e, "create a file", &shown, &target);
                    if err.kind == ErrorKind::NotFound {
                        err.message = format!("cannot create a file: the parent directory {} does not exist", parent.display());
                    }
                    return Err(err);
                }
            }
        };
        let (overwrite, permission) = (opts.overwrite, opts.permission);
        Ok(TempWriter { inner, target, temp, shown, overwrite, permission, file: Some(file), buf: Vec::new(), written: 0, state: State::Open })
    }

    fn io_err(&self, e: io::Error, what: &str) -> Error {
        errors::map(e, what, &self.shown, &self.target)
    }

    fn write_out(&mut self, data: &[u8]) -> io::Result<()> {
        let file = self.file.as_mut().expect("open writer has a file");
        let mut rest = data;
        while !rest.is_empty() {
            self.inner.counters.add(Op::Write);
            match file.write(rest) {
                Ok(0) => return Err(io::Error::from(io::ErrorKind::WriteZero)),
                Ok(n) => rest = &rest[n..],
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    fn flush_buffer(&mut self) -> io::Result<()> {
        if !self.buf.is_empty() {
            let buf = std::mem::take(&mut self.buf);
            self.write_out(&buf)?;
            self.buf = buf;
            self.buf.clear();
        }
        Ok(())
    }

    fn publish(&mut self) -> Result<()> {
        self.flush_buffer().map_err(|e| self.io_err(e, "write the file"))?;
        let file = self.file.take().expect("open writer has a file");
        let mode = self.permission.map_or(0o666 & !super::sys::umask(), |m| m & 0o7777);
        self.inner.counters.add(Op::Fchmod);
        file.set_permissions(std::fs::Permissions::from_mode(mode)).map_err(|e| self.io_err(e, "set the file mode"))?;
        // After fchmod, so the final mode is as durable as the data.
        if self.inner.fsync {
            self.inner.counters.add(Op::Fsync);
            file.sync_all().map_err(|e| self.io_err(e, "fsync the file"))?;
        }
        drop(file);
        let c = &self.inner.counters;
        let published = if self.overwrite {
            c.add(Op::Rename);
            std::fs::rename(&self.temp, &self.target).map(|_| Published::Done)
        } else {
            self.inner.noreplace.rename(c, &self.temp, &self.target, true)
        };
        match published {
            Ok(Published::Done) => {}
            Ok(Published::Exists) => {
                return Err(Error::at(ErrorKind::AlreadyExists, &self.shown,
                    "file was created by someone else while this one was being written (overwrite=false)"))
            }
            Err(e) if e.raw_os_error() == Some(libc::ENOENT) => {
                return Err(Error::at(ErrorKind::NotFound, &self.shown,
                    "cannot publish the file: its directory was removed or renamed meanwhile, or its temporary \
                     file was swept as stale (idle longer than the temp max-age)").with_source(e))
            }
            Err(e) => return Err(self.io_err(e, "publish the file")),
        }
        if self.inner.fsync {
            let parent = self.target.parent().unwrap_or(Path::new("/"));
            fsync_dir(c, parent).map_err(|e| self.io_err(e, "fsync the parent directory"))?;
        }
        Ok(())
    }

    fn discard(&mut self) {
        self.file = None;
        self.buf = Vec::new();
        self.inner.counters.add(Op::Unlink);
        let _ = std::fs::remove_file(&self.temp);
    }
}

impl Writer for TempWriter {
    fn write(&mut self, data: &[u8]) -> Result<()> {
        if self.state != State::Open {
            return Err(Error::at(ErrorKind::Closed, &self.shown, "write after close or abort"));
        }
        if self.buf.len() + data.len() > BUFFER {
            self.flush_buffer().map_err(|e| self.io_err(e, "write the file"))?;
        }
        if data.len() >= BUFFER {
            self.write_out(data).map_err(|e| self.io_err(e, "write the file"))?;
        } else {
            if self.buf.capacity() == 0 {
                self.buf.reserve_exact(BUFFER);
            }
            self.buf.extend_from_slice(data);
        }
        self.written += data.len() as u64;
        Ok(())
    }

    fn commit(&mut self) -> Result<()> {
        match self.state {
            State::Committed => return Ok(()),
            State::Closed => return Err(Error::at(ErrorKind::Closed, &self.shown, "commit after abort or a failed commit")),
            State::Open => {}
        }
        let result = self.publish();
        match result {
            Ok(()) => self.state = State::Committed,
            Err(_) => {
                self.discard();
                self.state = State::Closed;
            }
        }
        result
    }

    fn abort(&mut self) {
        if self.state == State::Open {
            self.discard();
            self.state = State::Closed;
        }
    }

    fn bytes_written(&self) -> u64 {
        self.written
    }
}

impl Drop for TempWriter {
    fn drop(&mut self) {
        self.abort();
    }
}
