//! Entry points for `io.commitfs.hadoop.NativeTestHooks`, a class that exists only in the Java tests:
//! they prove that errors of every kind and panics cross JNI as Java exceptions and the JVM lives on.

use crate::errors::run;
use crate::marshal;
use commitfs_core::{Error, ErrorKind};
use jni::objects::{JByteArray, JClass, JString};
use jni::EnvUnowned;

#[no_mangle]
pub extern "system" fn Java_io_commitfs_hadoop_NativeTestHooks_panic<'l>(mut env: EnvUnowned<'l>, _c: JClass<'l>, message: JString<'l>) {
    run(&mut env, |env| {
        let message = marshal::string(env, &message, "message")?;
        panic!("{message}");
    })
}

/// Returns `data` reversed: a round trip of bytes through Rust.
#[no_mangle]
pub extern "system" fn Java_io_commitfs_hadoop_NativeTestHooks_reverse<'l>(
    mut env: EnvUnowned<'l>,
    _c: JClass<'l>,
    data: JByteArray<'l>,
) -> JByteArray<'l> {
    run(&mut env, |env| {
        let mut bytes = env.convert_byte_array(&data)?;
        bytes.reverse();
        Ok(env.byte_array_from_slice(&bytes)?)
    })
}

/// Fails with an `Error` of the named kind (`NotFound`, `AlreadyExists`, ...), at `path` if not null.
#[no_mangle]
pub extern "system" fn Java_io_commitfs_hadoop_NativeTestHooks_fail<'l>(
    mut env: EnvUnowned<'l>,
    _c: JClass<'l>,
    kind: JString<'l>,
    path: JString<'l>,
    message: JString<'l>,
) {
    run(&mut env, |env| {
        use ErrorKind::*;
        let name = marshal::string(env, &kind, "kind")?;
        let kind = [
            NotFound, AlreadyExists, ParentNotDirectory, DirectoryNotEmpty, IsDirectory, NotDirectory,
            PermissionDenied, InvalidArgument, EndOfFile, Unsupported, Closed, Unsafe, Conflict, Io,
        ]
        .into_iter()
        .find(|k| format!("{k:?}") == name)
        .ok_or_else(|| Error::invalid(format!("no error kind named {name}")))?;
        let path = marshal::optional_string(env, &path)?;
        let message = marshal::string(env, &message, "message")?;
        Err(Error::new(kind, path, message).into())
    })
}
