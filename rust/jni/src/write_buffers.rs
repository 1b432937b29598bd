//! The buffers an output stream fills in Java: native memory that Java sees as a direct ByteBuffer, handed
//! to the core writer as owned `Bytes` once filled, so that a byte is copied once on its way from a Java
//! `byte[]` to the socket (Java's put into this buffer), not twice. A filled buffer returns to a small
//! process-wide pool when the upload has sent it: steady writing reuses warm pages instead of faulting in
//! fresh ones for every MiB.

use bytes::Bytes;
use parking_lot::Mutex;

/// Idle memory the pool keeps at most; beyond it released buffers are freed.
const POOL_BYTES: usize = 16 << 20;

static POOL: Mutex<Vec<Box<[u8]>>> = Mutex::new(Vec::new());

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
        WriteBuffer(Pooled(Some(pooled.unwrap_or_else(|| vec![0u8; size].into_boxed_slice()))))
    }

    pub fn capacity(&self) -> usize {
        self.0 .0.as_deref().map_or(0, <[u8]>::len)
    }

    /// Start and length, for `NewDirectByteBuffer`. Java writes through this pointer only while the
    /// stream holds this buffer; Rust reads the memory only after `fill` (the Java stream's lock orders
    /// the two).
    pub fn raw_parts(&mut self) -> (*mut u8, usize) {
        let b = self.0 .0.as_mut().expect("a buffer not yet handed over");
        (b.as_mut_ptr(), b.len())
    }

    /// The first `len` bytes, which Java has filled, as an owned `Bytes` that goes back to the pool when
    /// dropped (once uploaded).
    pub fn fill(self, len: usize) -> Bytes {
        let mut bytes = Bytes::from_owner(self.0);
        bytes.truncate(len);
        bytes
    }
}

/// Returns its memory to the pool on drop.
struct Pooled(Option<Box<[u8]>>);

impl AsRef<[u8]> for Pooled {
    fn as_ref(&self) -> &[u8] {
        self.0.as_deref().unwrap_or_default()
    }
}

impl Drop for Pooled {
    fn drop(&mut self) {
        if let Some(b) = self.0.take() {
            let mut pool = POOL.lock();
            if (pool.len() + 1) * b.len() <= POOL_BYTES {
                pool.push(b);
            }
        }
    }
}
