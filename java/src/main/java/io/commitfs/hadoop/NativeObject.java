package io.commitfs.hadoop;

import java.io.Closeable;
import java.io.IOException;
import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.LongConsumer;

/**
 * A native handle that is freed exactly once: by {@link #close()}, by {@link #take()} (whose caller hands
 * it to a native call that consumes it), or by the cleaner if the owner is garbage collected unclosed.
 * Calls hold a read lock, and freeing takes the write lock, so a handle is never freed under a running
 * call; after close every call fails with "... is closed" instead of touching freed memory.
 */
final class NativeObject implements Closeable {
  /** A native call that uses the handle. */
  interface Call<T> {
    T apply(long handle) throws IOException;
  }

  private static final Cleaner CLEANER = Cleaner.create();

  private final String what;
  private final AtomicLong handle;
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final Cleaner.Cleanable cleanable;

  /**
   * @param what names the object in errors ("stream", "filesystem")
   * @param free releases the handle; must not refer to the owner, or the owner is never collected
   */
  NativeObject(Object owner, String what, long handle, LongConsumer free) {
    this.what = what;
    this.handle = new AtomicLong(handle);
    this.cleanable = CLEANER.register(owner, new Release(this.handle, free));
  }

  <T> T call(Call<T> body) throws IOException {
    lock.readLock().lock();
    try {
      long h = handle.get();
      if (h == 0) {
        throw new IOException(what + " is closed");
      }
      return body.apply(h);
    } finally {
      lock.readLock().unlock();
    }
  }

  boolean isClosed() {
    return handle.get() == 0;
  }

  /** Takes the handle out (0 if already closed); the caller must pass it to a call that frees it. */
  long take() {
    lock.writeLock().lock();
    try {
      long h = handle.getAndSet(0);
      cleanable.clean(); // the handle is now 0: this only unregisters
      return h;
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public void close() {
    lock.writeLock().lock();
    try {
      cleanable.clean();
    } finally {
      lock.writeLock().unlock();
    }
  }

  private static final class Release implements Runnable {
    private final AtomicLong handle;
    private final LongConsumer free;

    Release(AtomicLong handle, LongConsumer free) {
      this.handle = handle;
      this.free = free;
    }

    @Override
    public void run() {
      long h = handle.getAndSet(0);
      if (h != 0) {
        free.accept(h);
      }
    }
  }
}
