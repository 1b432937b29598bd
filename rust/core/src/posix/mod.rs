//! POSIX backend (EFS/NFS/local): real directories, hidden temp files published with
//! renameat2(RENAME_NOREPLACE) or link()+unlink(), fsync of file and directory. (Being written.)

use crate::backend::*;
use crate::config::Config;
use crate::error::{Error, Result};
use crate::path::FsPath;

pub struct PosixBackend {}

impl PosixBackend {
    pub fn from_config(_scheme: &str, _authority: &str, _conf: &Config) -> Result<Self> {
        Err(Error::unsupported("the POSIX backend is not built yet"))
    }
}

impl Backend for PosixBackend {
    fn display(&self, p: &FsPath) -> String { p.to_string() }
    fn capabilities(&self) -> Capabilities { Capabilities { atomic_dir_rename: true, implicit_directories: false, durable_close: true } }
    fn file_status(&self, _p: &FsPath) -> Result<Option<FileStatus>> { Err(Error::unsupported("todo")) }
    fn dir_status(&self, _p: &FsPath) -> Result<Option<FileStatus>> { Err(Error::unsupported("todo")) }
    fn list_page(&self, _d: &FsPath, _a: Option<&str>, _m: usize) -> Result<Option<ListPage>> { Err(Error::unsupported("todo")) }
    fn open(&self, _p: &FsPath) -> Result<Box<dyn Reader>> { Err(Error::unsupported("todo")) }
    fn create(&self, _p: &FsPath, _o: &CreateOptions) -> Result<Box<dyn Writer>> { Err(Error::unsupported("todo")) }
    fn mkdir(&self, _p: &FsPath) -> Result<()> { Err(Error::unsupported("todo")) }
    fn rename_file(&self, _s: &FsPath, _d: &FsPath) -> Result<()> { Err(Error::unsupported("todo")) }
    fn rename_dir(&self, _s: &FsPath, _d: &FsPath) -> Result<()> { Err(Error::unsupported("todo")) }
    fn delete_file(&self, _p: &FsPath) -> Result<bool> { Err(Error::unsupported("todo")) }
    fn delete_dir(&self, _p: &FsPath) -> Result<bool> { Err(Error::unsupported("todo")) }
}
