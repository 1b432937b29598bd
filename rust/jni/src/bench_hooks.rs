//! `io.commitfs.hadoop.BenchHooks` (bench/src/hooks): entry points for the benchmark only, compiled with
//! the cargo feature `bench-hooks` (scripts/bench.sh builds the library with it; the product library has
//! none of them).

use crate::errors::{run, NativeResult};
use crate::marshal;
use crate::store::store;
use jni::objects::{JByteArray, JClass, JObjectArray, JString};
use jni::sys::{jint, jlong};
use jni::{Env, EnvUnowned};

/// `n` status calls on `path` made by the core from Rust, in nanoseconds: the benchmark subtracts this
/// from the same calls through `CommitFileSystem.getFileStatus` to measure what the JVM face adds.
#[no_mangle]
pub extern "system" fn Java_io_commitfs_hadoop_BenchHooks_coreStatusNanos<'l>(
    mut env: EnvUnowned<'l>,
    _c: JClass<'l>,
    fs: jlong,
    path: JByteArray<'l>,
    n: jint,
) -> jlong {
    run(&mut env, |env| {
        let (fs, path) = (store(fs)?, marshal::path(env, &path)?);
        let start = std::time::Instant::now();
        for _ in 0..n {
            std::hint::black_box(fs.status(&path)?);
        }
        Ok(start.elapsed().as_nanos() as jlong)
    })
}

/// A store of its own (not the shared one), built from the same configuration, for the benchmark's
/// object_store-alone baselines; and the path they read or write.
fn baseline_store(
    env: &mut Env<'_>,
    scheme: &JString<'_>,
    authority: &JString<'_>,
    conf: &JObjectArray<'_, JString<'_>>,
    path: &JByteArray<'_>,
) -> NativeResult<(commitfs_core::object::ObjectBackend, commitfs_core::FsPath)> {
    let scheme = marshal::string(env, scheme, "scheme")?;
    let authority = marshal::optional_string(env, authority)?.unwrap_or_default();
    let (conf, path) = (marshal::config(env, conf)?, marshal::path(env, path)?);
    Ok((commitfs_core::object::ObjectBackend::s3(&scheme, &authority, &conf)?, path))
}

/// Reads file `path` once with object_store alone, on a store of its own built from the same
/// configuration (one streaming GET, no commitfs reader): the benchmark's baseline for sequential reads.
/// Returns `{nanoseconds, bytes}`.
#[no_mangle]
pub extern "system" fn Java_io_commitfs_hadoop_BenchHooks_rawObjectRead<'l>(
    mut env: EnvUnowned<'l>,
    _c: JClass<'l>,
    scheme: JString<'l>,
    authority: JString<'l>,
    conf: JObjectArray<'l, JString<'l>>,
    path: JByteArray<'l>,
) -> jni::objects::JLongArray<'l> {
    run(&mut env, |env| {
        let (backend, path) = baseline_store(env, &scheme, &authority, &conf, &path)?;
        let start = std::time::Instant::now();
        let bytes = backend.raw_read(&path)?;
        let out = env.new_long_array(2)?;
        out.set_region(env, 0, &[start.elapsed().as_nanos() as i64, bytes as i64])?;
        Ok(out)
    })
}

/// Writes `bytes` bytes to file `path` once with object_store alone (one multipart upload, no commitfs
/// writer), on a store of its own built from the same configuration: the benchmark's baseline for
/// sequential writes. Returns the nanoseconds taken.
#[no_mangle]
pub extern "system" fn Java_io_commitfs_hadoop_BenchHooks_rawObjectWrite<'l>(
    mut env: EnvUnowned<'l>,
    _c: JClass<'l>,
    scheme: JString<'l>,
    authority: JString<'l>,
    conf: JObjectArray<'l, JString<'l>>,
    path: JByteArray<'l>,
    bytes: jlong,
) -> jlong {
    run(&mut env, |env| {
        let (backend, path) = baseline_store(env, &scheme, &authority, &conf, &path)?;
        let start = std::time::Instant::now();
        backend.raw_write(&path, bytes.max(0) as u64)?;
        Ok(start.elapsed().as_nanos() as jlong)
    })
}
