//! commitfs core: Hadoop filesystem semantics with consistent commits (exclusive create, invisible until
//! close, atomic rename without overwrite, durable close) over POSIX and S3-compatible stores. No JNI here:
//! the JNI crate and the CLI are thin layers over `FileSystem`.

pub mod backend;
pub mod config;
pub mod error;
pub mod fs;
pub mod logging;
pub mod object;
pub mod path;
pub mod posix;
pub mod registry;
pub mod runtime;
pub mod settings;
mod stores;

pub use backend::{Attributes, Backend, Capabilities, CreateOptions, DeleteScope, FileStatus, ListPage, Probe, Reader, Removed, Space, Times, Writer};
pub use config::Config;
pub use error::{Error, ErrorKind, Result};
pub use fs::{FileSystem, Policy, RenameMode};
pub use path::FsPath;
pub use registry::{filesystem, Location};
