//! `io.commitfs.hadoop.NativeFs`: namespace operations on a store handle. A store handle is a boxed
//! `StoreRef` of the registry's shared `FileSystem`: freeing it returns this Java instance's reference;
//! the registry releases the store once no instance holds it (see core `stores.rs`).

use crate::errors::{run, NativeResult};
use crate::handle::{borrow, into_handle, take};
use crate::marshal::{self, Encoder};
use commitfs_core::{registry, RenameMode};
use jni::objects::{JByteArray, JClass, JLongArray, JObjectArray, JString};
use jni::sys::{jboolean, jint, jlong};
use jni::{Env, EnvUnowned};

type Store = registry::StoreRef;
const STORE: &str = "filesystem";

pub(crate) fn store<'a>(h: jlong) -> NativeResult<&'a Store> {
    // SAFETY: Java's NativeObject passes a live handle from `connect`, or 0 once released.
    Ok(unsafe { borrow::<Store>(h, STORE)? })
}

fn bytes<'local>(env: &mut Env<'local>, data: &[u8]) -> NativeResult<JByteArray<'local>> {
    Ok(env.byte_array_from_slice(data)?)
}

#[no_mangle]
pub extern "system" fn Java_io_commitfs_hadoop_NativeFs_version<'l>(mut env: EnvUnowned<'l>, _c: JClass<'l>) -> JString<'l> {
    run(&mut env, |env| Ok(env.new_string(env!("CARGO_PKG_VERSION"))?))
}

#[no_mangle]
pub extern "system" fn Java_io_commitfs_hadoop_NativeFs_connect<'l>(
    mut env: EnvUnowned<'l>,
    _c: JClass<'l>,
    scheme: JString<'l>,
    authority: JString<'l>,
    conf: JObjectArray<'l, JString<'l>>,
) -> jlong {
    run(&mut env, |env| {
        commitfs_core::logging::to_queue();
        let (scheme, authority, conf) = marshal::store_args(env, &scheme, &authority, &conf)?;
        crate::credentials::install();
        let fs: Store = registry::filesystem(&scheme, &authority, &conf)?;
        Ok(into_handle(fs))
    })
}

#[no_mangle]
pub extern "system" fn Java_io_commitfs_hadoop_NativeFs_release<'l>(mut env: EnvUnowned<'l>, _c: JClass<'l>, fs: jlong) {
    // SAFETY: called once by NativeObject.close with the handle it just took.
    run(&mut env, |_| Ok(drop(unsafe { take::<Store>(fs, STORE)? })))
}

/// Bit 0: atomic directory rename; bit 1: implicit directories; bit 2: durable close; bit 3: permissions;
/// bit 4: flat tree listing; bit 5: ETags in statuses.
#[no_mangle]
pub extern "system" fn Java_io_commitfs_hadoop_NativeFs_capabilities<'l>(mut env: EnvUnowned<'l>, _c: JClass<'l>, fs: jlong) -> jint {
    run(&mut env, |_| {
        let c = store(fs)?.capabilities();
        Ok(c.atomic_dir_rename as jint
            | (c.implicit_directories as jint) << 1
            | (c.durable_close as jint) << 2
            | (c.permissions as jint) << 3
            | (c.flat_listing as jint) << 4
            | (c.etags as jint) << 5)
    })
}

/// The status of `path` into `out` (`marshal::status_slots`): primitives only, no Java object built here
/// but the ETag, returned (null where the store has none). `file_first`: the path is usually a file
/// (`FileSystem::status`: a HEAD on S3), else usually a directory or nothing
/// (`FileSystem::status_in_one_look`: one LIST).
#[no_mangle]
pub extern "system" fn Java_io_commitfs_hadoop_NativeFs_status<'l>(
    mut env: EnvUnowned<'l>,
    _c: JClass<'l>,
    fs: jlong,
    path: JByteArray<'l>,
    out: JLongArray<'l>,
    file_first: jboolean,
) -> JString<'l> {
    run(&mut env, |env| {
        let (fs, p) = (store(fs)?, marshal::path(env, &path)?);
        let status = if file_first { fs.status(&p)? } else { fs.status_in_one_look(&p)? };
        out.set_region(env, 0, &marshal::status_slots(&status))?;
        Ok(if status.etag.is_empty() { JString::null() } else { env.new_string(&status.etag)? })
    })
}

/// The owner or group name behind an id of `status` (null if unknown).
#[no_mangle]
pub extern "system" fn Java_io_commitfs_hadoop_NativeFs_name<'l>(mut env: EnvUnowned<'l>, _c: JClass<'l>, id: jlong) -> JString<'l> {
    run(&mut env, |env| match marshal::name(id) {
        Some(name) => Ok(env.new_string(name)?),
        None => Ok(JString::null()),
    })
}

#[no_mangle]
pub extern "system" fn Java_io_commitfs_hadoop_NativeFs_exists<'l>(
    mut env: EnvUnowned<'l>,
    _c: JClass<'l>,
    fs: jlong,
    path: JByteArray<'l>,
) -> jboolean {
    run(&mut env, |env| Ok(store(fs)?.exists(&marshal::path(env, &path)?)?))
}

#[no_mangle]
pub extern "system" fn Java_io_commitfs_hadoop_NativeFs_list<'l>(
    mut env: EnvUnowned<'l>,
    _c: JClass<'l>,
    fs: jlong,
    path: JByteArray<'l>,
    start_after: JString<'l>,
    max: jint,
) -> JByteArray<'l> {
    run(&mut env, |env| encoded_page(env, fs, &path, &start_after, max, false))
}

/// One flat page of the whole tree below `path` (`FileSystem::list_tree`), encoded as `list`'s pages.
#[no_mangle]
pub extern "system" fn Java_io_commitfs_hadoop_NativeFs_listTree<'l>(
    mut env: EnvUnowned<'l>,
    _c: JClass<'l>,
    fs: jlong,
    path: JByteArray<'l>,
    start_after: JString<'l>,
    max: jint,
) -> JByteArray<'l> {
    run(&mut env, |env| encoded_page(env, fs, &path, &start_after, max, true))
}

fn encoded_page<'l>(
    env: &mut Env<'l>,
    fs: jlong,
    path: &JByteArray<'_>,
    start_after: &JString<'_>,
    max: jint,
    tree: bool,
) -> NativeResult<JByteArray<'l>> {
    let dir = marshal::path(env, path)?;
    let after = marshal::optional_string(env, start_after)?;
    let store = store(fs)?;
    let max = max.max(0) as usize;
    let page = if tree { store.list_tree(&dir, after.as_deref(), max)? } else { store.list(&dir, after.as_deref(), max)? };
    let mut e = Encoder::default();
    e.page(&page, &dir);
    bytes(env, &e.into_bytes())
}

/// A permission from Java: bits, or negative for the store's default.
pub(crate) fn mode(permission: jint) -> Option<u32> {
    u32::try_from(permission).ok().map(|m| m & 0o7777)
}

/// `leaf` and `parents`: the modes of the directories created (see `FileSystem::mkdirs_with`).
#[no_mangle]
pub extern "system" fn Java_io_commitfs_hadoop_NativeFs_mkdirs<'l>(
    mut env: EnvUnowned<'l>,
    _c: JClass<'l>,
    fs: jlong,
    path: JByteArray<'l>,
    leaf: jint,
    parents: jint,
) {
    run(&mut env, |env| Ok(store(fs)?.mkdirs_with(&marshal::path(env, &path)?, mode(leaf), mode(parents))?))
}

/// setPermission/setOwner/setTimes in one: a negative permission or time, a null owner or group, is
/// left as it is.
#[no_mangle]
pub extern "system" fn Java_io_commitfs_hadoop_NativeFs_setAttributes<'l>(
    mut env: EnvUnowned<'l>,
    _c: JClass<'l>,
    fs: jlong,
    path: JByteArray<'l>,
    permission: jint,
    owner: JString<'l>,
    group: JString<'l>,
    modified_ms: jlong,
    accessed_ms: jlong,
) {
    run(&mut env, |env| {
        let attrs = commitfs_core::Attributes {
            times: commitfs_core::Times {
                modified_ms: (modified_ms >= 0).then_some(modified_ms),
                accessed_ms: (accessed_ms >= 0).then_some(accessed_ms),
            },
            permission: mode(permission),
            owner: marshal::optional_string(env, &owner)?,
            group: marshal::optional_string(env, &group)?,
        };
        Ok(store(fs)?.set_attributes(&marshal::path(env, &path)?, &attrs)?)
    })
}

/// {capacity, used, remaining} bytes of the store's volume into `out`; false where it has none (S3).
#[no_mangle]
pub extern "system" fn Java_io_commitfs_hadoop_NativeFs_space<'l>(mut env: EnvUnowned<'l>, _c: JClass<'l>, fs: jlong, out: JLongArray<'l>) -> jboolean {
    run(&mut env, |env| match store(fs)?.space()? {
        Some(s) => {
            let clamp = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
            out.set_region(env, 0, &[clamp(s.capacity), clamp(s.used), clamp(s.remaining)])?;
            Ok(true)
        }
        None => Ok(false),
    })
}

#[no_mangle]
pub extern "system" fn Java_io_commitfs_hadoop_NativeFs_delete<'l>(
    mut env: EnvUnowned<'l>,
    _c: JClass<'l>,
    fs: jlong,
    path: JByteArray<'l>,
    recursive: jboolean,
) -> jboolean {
    run(&mut env, |env| Ok(store(fs)?.delete(&marshal::path(env, &path)?, recursive)?))
}

/// `NativeFs.RENAME_*`: the modes of the core's one rename, in this order.
const RENAME_MODES: [RenameMode; 3] = [RenameMode::Into, RenameMode::Exact, RenameMode::Replace];

/// Every rename: `mode` picks Hadoop's flavour (see `commitfs_core::fs::RenameMode`).
#[no_mangle]
pub extern "system" fn Java_io_commitfs_hadoop_NativeFs_rename<'l>(
    mut env: EnvUnowned<'l>,
    _c: JClass<'l>,
    fs: jlong,
    src: JByteArray<'l>,
    dst: JByteArray<'l>,
    mode: jint,
) {
    run(&mut env, |env| {
        let mode = usize::try_from(mode)
            .ok()
            .and_then(|m| RENAME_MODES.get(m).copied())
            .ok_or_else(|| commitfs_core::Error::invalid(format!("rename mode {mode} is not one of 0 (into), 1 (exact), 2 (replace)")))?;
        let (src, dst) = (marshal::path(env, &src)?, marshal::path(env, &dst)?);
        Ok(store(fs)?.rename(&src, &dst, mode)?)
    })
}

/// Operation counters of the backend as `name=value` lines (S3 requests, POSIX syscalls).
#[no_mangle]
pub extern "system" fn Java_io_commitfs_hadoop_NativeFs_counters<'l>(mut env: EnvUnowned<'l>, _c: JClass<'l>, fs: jlong) -> JString<'l> {
    run(&mut env, |env| {
        let text: String = store(fs)?.counters().iter().map(|(k, v)| format!("{k}={v}\n")).collect();
        Ok(env.new_string(text)?)
    })
}

/// The most detailed level the core records (`logging::set_level`: 0 off ... 4 debug, 5 trace), the
/// Java logger's, so DEBUG request lines cost nothing unless someone reads them.
#[no_mangle]
pub extern "system" fn Java_io_commitfs_hadoop_NativeFs_setLogLevel<'l>(mut env: EnvUnowned<'l>, _c: JClass<'l>, level: jint) {
    run(&mut env, |_env| {
        commitfs_core::logging::to_queue();
        commitfs_core::logging::set_level(level);
        Ok(())
    })
}

/// The core's queued log records, one per line as `LEVEL message` (`logging::drain`); null when none.
#[no_mangle]
pub extern "system" fn Java_io_commitfs_hadoop_NativeFs_drainLog<'l>(mut env: EnvUnowned<'l>, _c: JClass<'l>) -> JString<'l> {
    run(&mut env, |env| {
        let records = commitfs_core::logging::drain();
        if records.is_empty() {
            return Ok(JString::null());
        }
        let text: String = records.iter().map(|(level, msg)| format!("{level} {}\n", msg.replace('\n', " "))).collect();
        Ok(env.new_string(text)?)
    })
}

pub(crate) fn open_reader(fs: jlong, env: &Env<'_>, path: &JByteArray<'_>) -> NativeResult<Box<dyn commitfs_core::Reader>> {
    Ok(store(fs)?.open(&marshal::path(env, path)?)?)
}

pub(crate) fn open_writer(
    fs: jlong,
    env: &Env<'_>,
    path: &JByteArray<'_>,
    opts: &commitfs_core::CreateOptions,
    performance: bool,
) -> NativeResult<Box<dyn commitfs_core::Writer>> {
    Ok(store(fs)?.create_with(&marshal::path(env, path)?, opts, performance)?)
}
