//! Arguments in, results out. Statuses cross JNI as one byte array in a compact big-endian layout that
//! `io.commitfs.hadoop.StatusCodec` reads (one allocation per page instead of one Java object per field):
//!
//! ```text
//! page   := i32 count, entry*, u8 has_next, [str next]
//! entry  := u8 relative, str path, i64 len, i64 modified_ms, i32 permission, u8 is_dir, str owner, str group,
//!           str etag (empty: none)
//! str    := i32 byte_length, UTF-8 bytes
//! ```
//! `relative = 1` means `path` is a name below the listed directory; else it is the full path.

use crate::errors::NativeResult;
use commitfs_core::{Config, Error, FileStatus, FsPath, ListPage};
use jni::objects::{JByteArray, JObjectArray, JString};
use jni::Env;
use once_cell::sync::Lazy;
use parking_lot::RwLock;
use std::collections::HashMap;

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

/// A path as Hadoop gives it (`path.toUri().getPath()`: absolute and already percent-decoded), as
/// UTF-8 bytes: cheaper to cross than a `String` (no modified-UTF-8 round trip).
pub fn path(env: &Env<'_>, bytes: &JByteArray<'_>) -> NativeResult<FsPath> {
    if bytes.is_null() {
        return Err(Error::invalid("path is null").into());
    }
    let raw = String::from_utf8(env.convert_byte_array(bytes)?)
        .map_err(|e| Error::invalid(format!("path is not UTF-8: {e}")))?;
    FsPath::parse(&raw).map_err(|e| e.with_path(&raw).into())
}

/// Owner and group names as small numbers, so a status crosses JNI as primitives: Java resolves each
/// number once (`NativeFs.name`) and caches it. 0 is the empty name (the store has no owners).
static NAMES: Lazy<RwLock<(HashMap<String, i64>, Vec<String>)>> = Lazy::new(|| RwLock::new((HashMap::new(), vec![String::new()])));

pub fn name_id(name: &str) -> i64 {
    if name.is_empty() {
        return 0;
    }
    if let Some(&id) = NAMES.read().0.get(name) {
        return id;
    }
    let mut names = NAMES.write();
    if let Some(&id) = names.0.get(name) {
        return id;
    }
    let id = names.1.len() as i64;
    names.1.push(name.to_string());
    names.0.insert(name.to_string(), id);
    id
}

pub fn name(id: i64) -> Option<String> {
    NAMES.read().1.get(usize::try_from(id).ok()?).cloned()
}

/// Slots of the `long[]` a status is returned in (see `NativeFs.status`).
pub const STATUS_SLOTS: usize = 5;

/// `{len, modified_ms, permission | is_dir << 32, owner id, group id}`.
pub fn status_slots(s: &FileStatus) -> [i64; STATUS_SLOTS] {
    [s.len as i64, s.modified_ms, s.permission as i64 | (s.is_dir as i64) << 32, name_id(&s.owner), name_id(&s.group)]
}

/// `String[] {key0, value0, key1, value1, ...}` → `Config`.
/// The `(scheme, authority, conf)` arguments that name a store; a null authority is empty.
pub fn store_args(
    env: &mut Env<'_>,
    scheme: &JString<'_>,
    authority: &JString<'_>,
    conf: &JObjectArray<'_, JString<'_>>,
) -> NativeResult<(String, String, Config)> {
    let scheme = string(env, scheme, "scheme")?;
    let authority = optional_string(env, authority)?.unwrap_or_default();
    Ok((scheme, authority, config(env, conf)?))
}

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
        self.str(&s.etag);
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
