package io.commitfs.hadoop;

import java.io.Closeable;
import java.io.IOException;
import java.lang.ref.PhantomReference;
import java.lang.ref.ReferenceQueue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.LongConsumer;

/**
 * A native handle that is freed exactly once: by {@link #close()}, by {@link #take()} (whose caller hands
 * it to a native call that consumes it), or by a daemon thread if the owner is garbage collected unclosed
 * (a phantom reference: java.lang.ref.Cleaner would do the same but is Java 9+, and the jar loads on 8).
 * Calls hold a read lock, and freeing takes the write lock, so a handle is never freed under a running
 * call; after close every call fails with "... is closed" instead of touching freed memory.
 */
final class NativeObject implements Closeable {
  /** A native call that uses the handle. */
  interface Call<T> {
    T apply(long handle) throws IOException;
  }

  private final String what;
  private final AtomicLong handle;
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final Release cleanable;

  /**
   * @param what names the object in errors ("stream", "filesystem")
   * @param free releases the handle; must not refer to the owner, or the owner is never collected
   */
  NativeObject(Object owner, String what, long handle, LongConsumer free) {
    this.what = what;
    this.handle = new AtomicLong(handle);
    this.cleanable = new Release(owner, this.handle, free);
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

  /**
   * Frees the handle once, on {@link #clean()} or after the owner became phantom reachable. Registered in
   * {@link #LIVE} so the reference itself stays reachable until then.
   */
  private static final class Release extends PhantomReference<Object> {
    private static final ReferenceQueue<Object> QUEUE = new ReferenceQueue<>();
    private static final Set<Release> LIVE = ConcurrentHashMap.newKeySet();

    static {
      Thread reaper = new Thread(Release::reap, "commitfs-native-cleaner");
      reaper.setDaemon(true);
      // Not the creating thread's loader (a Spark task's, say): the thread lives as long as the JVM.
      reaper.setContextClassLoader(null);
      reaper.start();
    }

    private final AtomicLong handle;
    private final LongConsumer free;

    Release(Object owner, AtomicLong handle, LongConsumer free) {
      super(owner, QUEUE);
      this.handle = handle;
      this.free = free;
      LIVE.add(this);
    }

    /** Unregisters and frees the handle if still set; later calls do nothing. */
    void clean() {
      if (LIVE.remove(this)) {
        clear();
        long h = handle.getAndSet(0);
        if (h != 0) {
          free.accept(h);
        }
      }
    }

    private static void reap() {
      while (true) {
        try {
          ((Release) QUEUE.remove()).clean();
        } catch (InterruptedException e) {
          // Like java.lang.ref.Cleaner's thread: nothing may stop it while handles can leak.
        } catch (RuntimeException e) {
          // A failing free must not end the thread that frees every other handle; the error is lost
          // as it would be in a Cleaner action.
        }
      }
    }
  }
}
