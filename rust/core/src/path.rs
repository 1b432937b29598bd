//! Validated, normalised absolute paths. Every path entering the core becomes an `FsPath`: absolute,
//! `/`-separated, no empty, `.` or `..` segments, no NUL or control characters, no trailing slash
//! (except the root). The same string maps to an S3 key (without the leading `/`) exactly as S3A maps a
//! Hadoop path, and to a file below the POSIX root.

use crate::error::{Error, Result};
use std::fmt;

#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct FsPath(String);

impl FsPath {
    pub fn root() -> Self {
        FsPath("/".to_string())
    }

    /// Parses an absolute path such as Hadoop's `path.toUri().getPath()` (already percent-decoded).
    /// Repeated slashes and a trailing slash are folded as Hadoop's `Path` folds them.
    pub fn parse(raw: &str) -> Result<Self> {
        if !raw.starts_with('/') {
            return Err(Error::invalid(format!("path '{raw}' is not absolute: give a full path such as /dir/file")));
        }
        let mut out = String::with_capacity(raw.len());
        for seg in raw.split('/').filter(|s| !s.is_empty()) {
            if seg == "." || seg == ".." {
                return Err(Error::invalid(format!(
                    "path '{raw}' contains a '{seg}' segment: commitfs takes normalised paths only"
                )));
            }
            if let Some(c) = seg.chars().find(|c| c.is_control()) {
                return Err(Error::invalid(format!(
                    "path '{}' contains the control character U+{:04X}, which no store can name",
                    raw.escape_debug(),
                    c as u32
                )));
            }
            out.push('/');
            out.push_str(seg);
        }
        if out.is_empty() {
            out.push('/');
        }
        Ok(FsPath(out))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn is_root(&self) -> bool {
        self.0 == "/"
    }
    /// The last segment; empty for the root.
    pub fn name(&self) -> &str {
        self.0.rsplit('/').next().unwrap_or("")
    }
    pub fn parent(&self) -> Option<FsPath> {
        if self.is_root() {
            return None;
        }
        let idx = self.0.rfind('/').unwrap_or(0);
        Some(if idx == 0 { FsPath::root() } else { FsPath(self.0[..idx].to_string()) })
    }
    pub fn child(&self, name: &str) -> Result<FsPath> {
        if name.is_empty() || name.contains('/') {
            return Err(Error::invalid(format!("'{name}' is not a single path segment")));
        }
        FsPath::parse(&format!("{}/{}", self.0.trim_end_matches('/'), name))
    }
    /// True when `self` is `other` or lies below it.
    pub fn is_under_or_same(&self, other: &FsPath) -> bool {
        other.is_root() || self.0 == other.0 || (self.0.starts_with(&other.0) && self.0.as_bytes()[other.0.len()] == b'/')
    }
    /// Ancestors from the parent up to (and including) the root.
    pub fn ancestors(&self) -> impl Iterator<Item = FsPath> {
        std::iter::successors(self.parent(), |p| p.parent())
    }
    /// The S3 object key: the path without its leading slash; empty for the root.
    pub fn key(&self) -> &str {
        &self.0[1..]
    }
    /// The S3 prefix that holds this directory's children: `key/`, or empty for the root.
    pub fn dir_prefix(&self) -> String {
        if self.is_root() { String::new() } else { format!("{}/", self.key()) }
    }
}

impl fmt::Display for FsPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_normalises_and_rejects_bad_segments() {
        assert_eq!(FsPath::parse("//a///b/").unwrap().as_str(), "/a/b");
        assert_eq!(FsPath::parse("/").unwrap().as_str(), "/");
        assert!(FsPath::parse("a/b").is_err());
        assert!(FsPath::parse("/a/../b").is_err());
        assert!(FsPath::parse("/a/./b").is_err());
        assert!(FsPath::parse("/a/\u{1}b").is_err());
    }

    #[test]
    fn odd_characters_round_trip_to_the_same_key() {
        for name in ["sp ace", "ünï", "%41", "a+b", "k=v", "h#sh", "q?x", "c:d", "emoji-\u{1F600}"] {
            let p = FsPath::parse(&format!("/dir/{name}")).unwrap();
            assert_eq!(p.key(), format!("dir/{name}"));
            assert_eq!(p.name(), name);
        }
    }

    #[test]
    fn parents_children_and_subtrees() {
        let p = FsPath::parse("/a/b/c").unwrap();
        assert_eq!(p.parent().unwrap().as_str(), "/a/b");
        assert_eq!(FsPath::parse("/a").unwrap().parent().unwrap(), FsPath::root());
        assert!(FsPath::root().parent().is_none());
        assert!(p.is_under_or_same(&FsPath::parse("/a").unwrap()));
        assert!(!FsPath::parse("/ab").unwrap().is_under_or_same(&FsPath::parse("/a").unwrap()));
        assert_eq!(p.ancestors().map(|a| a.to_string()).collect::<Vec<_>>(), ["/a/b", "/a", "/"]);
        assert_eq!(p.dir_prefix(), "a/b/c/");
        assert_eq!(FsPath::root().dir_prefix(), "");
    }
}
