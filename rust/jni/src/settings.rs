//! What the JVM face reads from the settings table, and the store registry's census.

use crate::errors::run;
use crate::marshal;
use commitfs_core::registry;
use commitfs_core::settings::JvmSettings;
use jni::objects::{JClass, JLongArray, JObjectArray, JString};
use jni::EnvUnowned;

fn clamp(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// `{block size, read buffer size, write buffer size}` for `scheme://authority` under `conf`.
#[no_mangle]
pub extern "system" fn Java_io_commitfs_hadoop_NativeFs_jvmSettings<'l>(
    mut env: EnvUnowned<'l>,
    _c: JClass<'l>,
    scheme: JString<'l>,
    authority: JString<'l>,
    conf: JObjectArray<'l, JString<'l>>,
) -> JLongArray<'l> {
    run(&mut env, |env| {
        let (scheme, authority, conf) = marshal::store_args(env, &scheme, &authority, &conf)?;
        let s = JvmSettings::read(&scheme, &authority, &conf)?;
        let out = env.new_long_array(3)?;
        out.set_region(env, 0, &[clamp(s.block_size), clamp(s.read_buffer), clamp(s.write_buffer)])?;
        Ok(out)
    })
}

/// `{live, idle}`: stores some FileSystem instance holds, and stores waiting to be released.
#[no_mangle]
pub extern "system" fn Java_io_commitfs_hadoop_NativeFs_storeCensus<'l>(mut env: EnvUnowned<'l>, _c: JClass<'l>) -> JLongArray<'l> {
    run(&mut env, |env| {
        let c = registry::census();
        let out = env.new_long_array(2)?;
        out.set_region(env, 0, &[c.live as i64, c.idle as i64])?;
        Ok(out)
    })
}
