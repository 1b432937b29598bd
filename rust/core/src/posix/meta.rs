//! stat → `FileStatus`, with uid/gid → name look-ups cached (NSS look-ups can cost a network round trip
//! with LDAP/SSSD, and every listed entry needs one).

use crate::backend::FileStatus;
use crate::path::FsPath;
use nix::unistd::{Gid, Group, Uid, User};
use parking_lot::Mutex;
use std::collections::HashMap;
use std::fs::Metadata;
use std::os::unix::fs::MetadataExt;

#[derive(Default)]
pub struct Names {
    users: Mutex<HashMap<u32, String>>,
    groups: Mutex<HashMap<u32, String>>,
}

impl Names {
    fn user(&self, uid: u32) -> String {
        cached(&self.users, uid, || User::from_uid(Uid::from_raw(uid)).ok().flatten().map(|u| u.name))
    }
    fn group(&self, gid: u32) -> String {
        cached(&self.groups, gid, || Group::from_gid(Gid::from_raw(gid)).ok().flatten().map(|g| g.name))
    }

    pub fn status(&self, path: FsPath, m: &Metadata) -> FileStatus {
        FileStatus {
            path,
            len: if m.is_dir() { 0 } else { m.len() },
            is_dir: m.is_dir(),
            modified_ms: m.mtime() * 1000 + m.mtime_nsec() / 1_000_000,
            owner: self.user(m.uid()),
            group: self.group(m.gid()),
            permission: m.mode() & 0o7777,
            etag: String::new(),
        }
    }
}

/// The cached name for `id`, else the look-up's answer, else the number itself (ids without a name
/// are common in containers and on shared NFS/EFS volumes).
fn cached(map: &Mutex<HashMap<u32, String>>, id: u32, lookup: impl FnOnce() -> Option<String>) -> String {
    if let Some(n) = map.lock().get(&id) {
        return n.clone();
    }
    let name = lookup().unwrap_or_else(|| id.to_string());
    map.lock().insert(id, name.clone());
    name
}
