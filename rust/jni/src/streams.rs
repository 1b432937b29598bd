//! Reader and writer handles of `io.commitfs.hadoop.NativeFs`. Bulk data crosses JNI through direct
//! ByteBuffers (no copy); vectored reads return one byte array holding every range back to back. Writes
//! fill native buffers (`write_buffers.rs`) that the writer then keeps as they are.

use crate::errors::{run, NativeResult};
use crate::handle::{borrow, into_handle, take};
use crate::store::{open_reader, open_writer};
use crate::write_buffers::WriteBuffer;
use commitfs_core::{Error, Reader, Writer};
use jni::objects::{JByteArray, JByteBuffer, JClass, JIntArray, JLongArray};
use jni::sys::{jboolean, jint, jlong};
use jni::{Env, EnvUnowned};
use parking_lot::Mutex;

type ReaderBox = Box<dyn Reader>;
/// Java serialises writes, but a mutex keeps a misbehaving caller from aliasing `&mut Writer`.
type WriterBox = Mutex<WriterHandle>;

/// A writer and the buffer Java is filling for it, if any.
struct WriterHandle {
    writer: Box<dyn Writer>,
    buffer: Option<WriteBuffer>,
}

impl WriterHandle {
    /// Hands the first `len` bytes of the buffer Java filled to the writer (nothing if `len` is 0). The
    /// buffer leaves the handle first: after a failure Java holds no buffer that Rust still owns.
    fn hand_over(&mut self, len: jint) -> NativeResult<()> {
        let Some(buffer) = self.buffer.take() else {
            return if len == 0 { Ok(()) } else { Err(Error::invalid(format!("{len} bytes written but no buffer was handed out")).into()) };
        };
        let cap = buffer.capacity();
        if len < 0 || len as usize > cap {
            return Err(Error::invalid(format!("{len} bytes written into a buffer of {cap}")).into());
        }
        if len > 0 {
            self.writer.write_bytes(buffer.fill(len as usize))?;
        }
        Ok(())
    }
}
const READER: &str = "input stream";
const WRITER: &str = "output stream";

/// The `len` bytes at `offset` of a direct buffer, bounds-checked against its capacity.
fn direct_slice<'b>(env: &Env<'_>, buf: &JByteBuffer<'_>, offset: jint, len: jint) -> NativeResult<&'b mut [u8]> {
    if buf.is_null() {
        return Err(Error::invalid("buffer is null").into());
    }
    let addr = env.get_direct_buffer_address(buf)?;
    let cap = env.get_direct_buffer_capacity(buf)?;
    if offset < 0 || len < 0 || offset as usize + len as usize > cap {
        return Err(Error::invalid(format!("range {offset}+{len} lies outside a direct buffer of {cap} bytes")).into());
    }
    // SAFETY: the range is inside the buffer, which the Java caller keeps alive for this call.
    Ok(unsafe { std::slice::from_raw_parts_mut(addr.add(offset as usize), len as usize) })
}

#[no_mangle]
pub extern "system" fn Java_io_commitfs_hadoop_NativeFs_openReader<'l>(
    mut env: EnvUnowned<'l>,
    _c: JClass<'l>,
    fs: jlong,
    path: JByteArray<'l>,
) -> jlong {
    run(&mut env, |env| Ok(into_handle::<ReaderBox>(open_reader(fs, env, &path)?)))
}

#[no_mangle]
pub extern "system" fn Java_io_commitfs_hadoop_NativeFs_readerLength<'l>(mut env: EnvUnowned<'l>, _c: JClass<'l>, r: jlong) -> jlong {
    // SAFETY: NativeObject passes a live handle or 0.
    run(&mut env, |_| Ok(unsafe { borrow::<ReaderBox>(r, READER)? }.len() as jlong))
}

/// Reads up to `len` bytes at `position` into the direct buffer; returns the count, 0 at end of file.
#[no_mangle]
pub extern "system" fn Java_io_commitfs_hadoop_NativeFs_read<'l>(
    mut env: EnvUnowned<'l>,
    _c: JClass<'l>,
    r: jlong,
    position: jlong,
    buf: JByteBuffer<'l>,
    offset: jint,
    len: jint,
) -> jint {
    run(&mut env, |env| {
        let reader = unsafe { borrow::<ReaderBox>(r, READER)? };
        if position < 0 {
            return Err(Error::invalid(format!("negative read position {position}")).into());
        }
        let dst = direct_slice(env, &buf, offset, len)?;
        Ok(reader.read_at(position as u64, dst)? as jint)
    })
}

/// As `read`, into a heap array (one copy: Rust buffer → array).
#[no_mangle]
pub extern "system" fn Java_io_commitfs_hadoop_NativeFs_readArray<'l>(
    mut env: EnvUnowned<'l>,
    _c: JClass<'l>,
    r: jlong,
    position: jlong,
    dst: JByteArray<'l>,
    offset: jint,
    len: jint,
) -> jint {
    run(&mut env, |env| {
        let reader = unsafe { borrow::<ReaderBox>(r, READER)? };
        if position < 0 || offset < 0 || len < 0 || offset as usize + len as usize > dst.len(env)? {
            return Err(Error::invalid(format!("invalid read: position {position}, offset {offset}, length {len}")).into());
        }
        with_scratch(len as usize, |buf| {
            let n = reader.read_at(position as u64, buf)?;
            dst.set_region(env, offset, as_signed(&buf[..n]))?;
            Ok(n as jint)
        })
    })
}

/// Largest scratch buffer a thread keeps between calls.
const SCRATCH_KEPT: usize = 8 << 20;

thread_local! {
    static SCRATCH: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Runs `f` on a `len`-byte buffer reused by this thread: a fresh one per read costs an allocation, page
/// faults and zeroing of the whole length (1 MiB per sequential read).
fn with_scratch<T>(len: usize, f: impl FnOnce(&mut [u8]) -> NativeResult<T>) -> NativeResult<T> {
    let mut buf = SCRATCH.with(|s| std::mem::take(&mut *s.borrow_mut()));
    if buf.len() < len {
        buf.resize(len, 0);
    }
    let out = f(&mut buf[..len]);
    if buf.capacity() <= SCRATCH_KEPT {
        SCRATCH.with(|s| *s.borrow_mut() = buf);
    }
    out
}

fn as_signed(b: &[u8]) -> &[i8] {
    // SAFETY: u8 and i8 have the same size and alignment.
    unsafe { std::slice::from_raw_parts(b.as_ptr() as *const i8, b.len()) }
}

/// Reads every `[offsets[i], offsets[i] + lengths[i])` (the backend coalesces them) and returns the
/// ranges concatenated in order.
#[no_mangle]
pub extern "system" fn Java_io_commitfs_hadoop_NativeFs_readRanges<'l>(
    mut env: EnvUnowned<'l>,
    _c: JClass<'l>,
    r: jlong,
    offsets: JLongArray<'l>,
    lengths: JIntArray<'l>,
) -> JByteArray<'l> {
    run(&mut env, |env| {
        let reader = unsafe { borrow::<ReaderBox>(r, READER)? };
        let n = offsets.len(env)?;
        if lengths.len(env)? != n {
            return Err(Error::invalid("offsets and lengths differ in length").into());
        }
        let (mut offs, mut lens) = (vec![0i64; n], vec![0i32; n]);
        offsets.get_region(env, 0, &mut offs)?;
        lengths.get_region(env, 0, &mut lens)?;
        let mut total: u64 = 0;
        let mut ranges = Vec::with_capacity(n);
        for (&o, &l) in offs.iter().zip(&lens) {
            if o < 0 || l < 0 {
                return Err(Error::invalid(format!("invalid range: offset {o}, length {l}")).into());
            }
            total += l as u64;
            ranges.push(o as u64..o as u64 + l as u64);
        }
        if total > i32::MAX as u64 - 8 {
            return Err(Error::invalid(format!("{total} bytes requested in one vectored read: at most 2 GiB")).into());
        }
        let parts = reader.read_ranges(&ranges)?;
        let out = JByteArray::new(env, total as usize)?;
        let mut at = 0;
        for part in parts {
            out.set_region(env, at, as_signed(&part))?;
            at += part.len() as i32;
        }
        Ok(out)
    })
}

/// Drops the reader's buffers and read-ahead (Hadoop's unbuffer); the reader stays open.
#[no_mangle]
pub extern "system" fn Java_io_commitfs_hadoop_NativeFs_unbuffer<'l>(mut env: EnvUnowned<'l>, _c: JClass<'l>, r: jlong) {
    // SAFETY: NativeObject passes a live handle or 0.
    run(&mut env, |_| Ok(unsafe { borrow::<ReaderBox>(r, READER)? }.release_buffers()))
}

#[no_mangle]
pub extern "system" fn Java_io_commitfs_hadoop_NativeFs_closeReader<'l>(mut env: EnvUnowned<'l>, _c: JClass<'l>, r: jlong) {
    // SAFETY: called once by NativeObject.close with the handle it just took.
    run(&mut env, |_| Ok(drop(unsafe { take::<ReaderBox>(r, READER)? })))
}

#[no_mangle]
pub extern "system" fn Java_io_commitfs_hadoop_NativeFs_create<'l>(
    mut env: EnvUnowned<'l>,
    _c: JClass<'l>,
    fs: jlong,
    path: JByteArray<'l>,
    overwrite: jboolean,
    permission: jint,
    parent_permission: jint,
    performance: jboolean,
) -> jlong {
    run(&mut env, |env| {
        let opts = commitfs_core::CreateOptions {
            overwrite,
            permission: crate::store::mode(permission),
            parent_permission: crate::store::mode(parent_permission),
        };
        let writer = open_writer(fs, env, &path, &opts, performance)?;
        Ok(into_handle::<WriterBox>(Mutex::new(WriterHandle { writer, buffer: None })))
    })
}

/// Hands the first `filled` bytes of the buffer the last call returned to the writer, then returns the
/// next buffer to fill, of `size` bytes (the first call passes `filled` = 0).
#[no_mangle]
pub extern "system" fn Java_io_commitfs_hadoop_NativeFs_write<'l>(
    mut env: EnvUnowned<'l>,
    _c: JClass<'l>,
    w: jlong,
    filled: jint,
    size: jint,
) -> JByteBuffer<'l> {
    run(&mut env, |env| {
        // SAFETY: NativeObject passes a live handle or 0.
        let mut handle = unsafe { borrow::<WriterBox>(w, WRITER)? }.lock();
        handle.hand_over(filled)?;
        if size <= 0 {
            return Err(Error::invalid(format!("write buffer size {size}")).into());
        }
        let (addr, len) = handle.buffer.insert(WriteBuffer::take(size as usize)).raw_parts();
        // SAFETY: the memory lives in the handle until the next call hands it over or the writer is freed;
        // the Java stream drops its ByteBuffer before either (CommitOutputStream).
        Ok(unsafe { env.new_direct_byte_buffer(addr, len)? })
    })
}

/// Commits (publishes) the file with the last `filled` bytes of its buffer, or aborts it; then frees the
/// writer whatever the outcome.
#[no_mangle]
pub extern "system" fn Java_io_commitfs_hadoop_NativeFs_finishWriter<'l>(
    mut env: EnvUnowned<'l>,
    _c: JClass<'l>,
    w: jlong,
    filled: jint,
    commit: jboolean,
) {
    run(&mut env, |_| -> NativeResult<()> {
        // SAFETY: called once by NativeObject with the handle it just took.
        let mut handle = unsafe { take::<WriterBox>(w, WRITER)? }.into_inner();
        if commit {
            handle.hand_over(filled)?;
            handle.writer.commit()?;
        } else {
            handle.writer.abort();
        }
        Ok(())
    })
}
