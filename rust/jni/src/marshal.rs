//! Arguments in, results out. Statuses cross JNI as one byte array in a compact big-endian layout that
//! `io.commitfs.hadoop.StatusCodec` reads (one allocation per page instead of one Java object per field):
//!
//! ```text
//! page   := i32 count, entry*, u8 has_next, [str next]
//! entry  := u8 relative, str path, i64 len, i64 modified_ms, i32 permission, u8 is_dir, str owner, str group
//! str    := i32 byte_length, UTF-8 bytes
//! ```
//! `relative = 1` means `path` is a name below the listed directory; else it is the full path.

use crate::errors::NativeResult;
use commitfs_core::{Config, Error, FileStatus, FsPath, ListPage};
use jni::objects::{JObjectArray, JString};
use jni::Env;

pub fn string(env: &Env<'_>, s: &JString<'_>, what: &str) -> NativeResult<String> {
    if s.is_null() {
        return Err(Error::invalid(format!("{what} is null")).into());
    }
    Ok(s.try_to_string(env)?)
}

pub fn optional_string(env: &Env<'_>, s: &JString<'_>) -> NativeResult<Option<String>> {
    if s.is_null() {
        return Ok(None);
    }
    Ok(Some(s.try_to_string(env)?))
}

/// A path as Hadoop gives it (`path.toUri().getPath()`: absolute and already percent-decoded).
pub fn path(env: &Env<'_>, s: &JString<'_>) -> NativeResult<FsPath> {
    let raw = string(env, s, "path")?;
    FsPath::parse(&raw).map_err(|e| e.with_path(&raw).into())
}

/// `String[] {key0, value0, key1, value1, ...}` → `Config`.
pub fn config(env: &mut Env<'_>, pairs: &JObjectArray<'_, JString<'_>>) -> NativeResult<Config> {
    let mut conf = Config::new();
    if pairs.is_null() {
        return Ok(conf);
    }
    let n = pairs.len(env)?;
    let mut i = 0;
    while i + 1 < n {
        let k = pairs.get_element(env, i)?;
        let v = pairs.get_element(env, i + 1)?;
        let (key, value) = (string(env, &k, "configuration key")?, optional_string(env, &v)?);
        env.delete_local_ref(k);
        env.delete_local_ref(v);
        if let Some(value) = value {
            conf.set(key, value);
        }
        i += 2;
    }
    Ok(conf)
}

#[derive(Default)]
pub struct Encoder {
    buf: Vec<u8>,
}

impl Encoder {
    pub fn into_bytes(self) -> Vec<u8> {
        self.buf
    }
    fn u8(&mut self, v: u8) {
        self.buf.push(v);
    }
    fn i32(&mut self, v: i32) {
        self.buf.extend_from_slice(&v.to_be_bytes());
    }
    fn i64(&mut self, v: i64) {
        self.buf.extend_from_slice(&v.to_be_bytes());
    }
    fn str(&mut self, s: &str) {
        self.i32(s.len() as i32);
        self.buf.extend_from_slice(s.as_bytes());
    }

    pub fn status(&mut self, s: &FileStatus, base: Option<&FsPath>) {
        match base {
            Some(b) if s.path.parent().as_ref() == Some(b) => {
                self.u8(1);
                self.str(s.path.name());
            }
            _ => {
                self.u8(0);
                self.str(s.path.as_str());
            }
        }
        self.i64(s.len as i64);
        self.i64(s.modified_ms);
        self.i32(s.permission as i32);
        self.u8(s.is_dir as u8);
        self.str(&s.owner);
        self.str(&s.group);
    }

    pub fn page(&mut self, page: &ListPage, dir: &FsPath) {
        self.buf.reserve(page.entries.len() * 64);
        self.i32(page.entries.len() as i32);
        for e in &page.entries {
            self.status(e, Some(dir));
        }
        match &page.next {
            Some(next) => {
                self.u8(1);
                self.str(next);
            }
            None => self.u8(0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn children_are_encoded_by_name_and_others_by_full_path() {
        let dir = FsPath::parse("/d").unwrap();
        let page = ListPage {
            entries: vec![FileStatus::file(FsPath::parse("/d/a").unwrap(), 3, 7), FileStatus::file(dir.clone(), 1, 2)],
            next: Some("a".into()),
        };
        let mut e = Encoder::default();
        e.page(&page, &dir);
        let b = e.into_bytes();
        assert_eq!(&b[..4], &2i32.to_be_bytes());
        assert_eq!(b[4], 1);
        assert_eq!(&b[5..9], &1i32.to_be_bytes());
        assert_eq!(b[9], b'a');
        assert_eq!(*b.last().unwrap(), b'a');
    }
}
