//! One tokio runtime per process, shared by every store: FileContext creates a filesystem object per
//! call, so nothing per-instance may own threads. Blocking callers drive futures with `block_on` on their
//! own thread (measured ~0.15 µs) rather than hopping to a worker (~15 µs); the workers run the I/O driver
//! and background tasks such as multipart part uploads.

use once_cell::sync::Lazy;
use std::future::Future;

static RUNTIME: Lazy<tokio::runtime::Runtime> = Lazy::new(|| {
    // A bad COMMITFS_IO_THREADS is refused when a store is built (registry::build); here it cannot be.
    let workers = crate::settings::io_threads().unwrap_or(2);
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .thread_name("commitfs-io")
        .enable_all()
        .build()
        .expect("cannot start the commitfs I/O runtime")
});

pub fn handle() -> &'static tokio::runtime::Handle {
    RUNTIME.handle()
}

/// Runs `f` to completion on the calling thread. Must not be called from inside the runtime.
pub fn block_on<F: Future>(f: F) -> F::Output {
    RUNTIME.block_on(f)
}
