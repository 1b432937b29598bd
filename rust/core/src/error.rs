//! The one error type of commitfs. Every backend maps its failures into `Error`, and every binding
//! (JNI, CLI) converts `ErrorKind` to its own exceptions or exit codes in one place.

use std::fmt;

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What went wrong, independent of the backend. Bindings map each kind to exactly one exception class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    NotFound,
    AlreadyExists,
    ParentNotDirectory,
    DirectoryNotEmpty,
    IsDirectory,
    NotDirectory,
    PermissionDenied,
    InvalidArgument,
    EndOfFile,
    Unsupported,
    Closed,
    /// The store does not give a guarantee commitfs relies on (e.g. conditional writes not enforced).
    Unsafe,
    /// A conflicting concurrent change was detected (e.g. a precondition failed mid-operation).
    Conflict,
    Io,
}

#[derive(Debug, thiserror::Error)]
pub struct Error {
    pub kind: ErrorKind,
    /// The path the operation was about, as the user wrote it (`s3c://b/k`, `/abs/path`), if any.
    pub path: Option<String>,
    /// What happened and, where we know it, what the user can do about it.
    pub message: String,
    #[source]
    pub source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl Error {
    pub fn new(kind: ErrorKind, path: Option<String>, message: impl Into<String>) -> Self {
        Error { kind, path, message: message.into(), source: None }
    }
    pub fn at(kind: ErrorKind, path: impl fmt::Display, message: impl Into<String>) -> Self {
        Self::new(kind, Some(path.to_string()), message)
    }
    pub fn not_found(path: impl fmt::Display) -> Self {
        Self::at(ErrorKind::NotFound, path, "no such file or directory")
    }
    pub fn already_exists(path: impl fmt::Display) -> Self {
        Self::at(ErrorKind::AlreadyExists, path, "already exists")
    }
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidArgument, None, message)
    }
    pub fn unsupported(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Unsupported, None, message)
    }
    pub fn io(path: impl fmt::Display, message: impl Into<String>) -> Self {
        Self::at(ErrorKind::Io, path, message)
    }
    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.source = Some(Box::new(source));
        self
    }
    pub fn with_path(mut self, path: impl fmt::Display) -> Self {
        self.path = Some(path.to_string());
        self
    }
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.path {
            Some(p) => write!(f, "{}: {}", p, self.message)?,
            None => write!(f, "{}", self.message)?,
        }
        if let Some(src) = &self.source {
            let s = src.to_string();
            if !s.is_empty() && !self.message.contains(&s) {
                write!(f, " (cause: {s})")?;
            }
        }
        Ok(())
    }
}
