//! The buffers an output stream fills in Java: native memory that Java sees as a direct ByteBuffer, handed
//! to the core writer as owned `Bytes` once filled, so that a byte is copied once on its way from a Java
//! `byte[]` to the socket (Java's put into this buffer), not twice. A filled buffer returns to a small
//! process-wide pool when the upload has sent it: steady writing reuses warm pages instead of faulting in
//! fresh ones for every MiB. Buffers are not zeroed: only the bytes Java wrote are ever read.

use bytes::Bytes;
use parking_lot::Mutex;
use std::mem::MaybeUninit;

/// Idle memory the pool keeps at most; beyond it released buffers are freed. One writer at 8 MiB parts
/// has up to 41 MiB under way (4 parts of 8 MiB in flight, one part gathering, the buffer Java fills):
/// below that, steady writing would allocate and fault in the difference again and again. At the
/// default 64 MiB parts a writer cycles through 192 MiB, more than the pool keeps idle for the process.
const POOL_BYTES: usize = 48 << 20;

type Memory = Box<[MaybeUninit<u8>]>;

static POOL: Mutex<Vec<Memory>> = Mutex::new(Vec::new());

/// One buffer of the stream, exposed to Java until handed over with `fill`.
pub struct WriteBuffer(Pooled);

impl WriteBuffer {
    /// A buffer of exactly `size` bytes, from the pool when one of that size is idle.
    pub fn take(size: usize) -> WriteBuffer {
        let pooled = {
            let mut pool = POOL.lock();
            match pool.last() {
                Some(b) if b.len() == size => pool.pop(),
                // Another size was configured: start over with this one.
                Some(_) => {
                    pool.clear();
                    None
                }
                None => None,
            }
        };
        WriteBuffer(Pooled { memory: Some(pooled.unwrap_or_else(|| Box::new_uninit_slice(size))), filled: 0 })
    }

    pub fn capacity(&self) -> usize {
        self.0.memory.as_deref().map_or(0, <[_]>::len)
    }

    /// Start and length, for `NewDirectByteBuffer`. Java writes through this pointer only while the
    /// stream holds this buffer; Rust reads the memory only after `fill` (the Java stream's lock orders
    /// the two).
    pub fn raw_parts(&mut self) -> (*mut u8, usize) {
        let b = self.0.memory.as_mut().expect("a buffer not yet handed over");
        (b.as_mut_ptr().cast(), b.len())
    }

    /// The first `len` bytes, which Java has filled, as an owned `Bytes` that goes back to the pool when
    /// dropped (once uploaded).
    pub fn fill(mut self, len: usize) -> Bytes {
        self.0.filled = len.min(self.capacity());
        Bytes::from_owner(self.0)
    }
}

/// Returns its memory to the pool on drop. Only its first `filled` bytes (written by Java) are readable.
struct Pooled {
    memory: Option<Memory>,
    filled: usize,
}

impl AsRef<[u8]> for Pooled {
    fn as_ref(&self) -> &[u8] {
        match &self.memory {
            // SAFETY: Java wrote the first `filled` bytes before handing the buffer over (`fill`).
            Some(m) => unsafe { std::slice::from_raw_parts(m.as_ptr().cast(), self.filled) },
            None => &[],
        }
    }
}

impl Drop for Pooled {
    fn drop(&mut self) {
        if let Some(m) = self.memory.take() {
            let mut pool = POOL.lock();
            if (pool.len() + 1) * m.len() <= POOL_BYTES {
                pool.push(m);
            }
        }
    }
}
