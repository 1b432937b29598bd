package io.commitfs.hadoop;

import java.io.IOException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The benchmark's entry points into commitfs, compiled only for bench/ (against the commitfs jar, in its
 * package to reach its package-private native calls) and backed by a native library built with the cargo
 * feature {@code bench-hooks} (rust/jni/src/bench_hooks.rs), as scripts/bench.sh builds it. The product
 * jar has neither.
 */
public final class BenchHooks {
  private BenchHooks() {}

  /**
   * Nanoseconds the core itself takes for {@code n} status calls on {@code f}, with no JVM or JNI in the
   * loop: the benchmark compares it with {@code n} getFileStatus calls to measure the JNI overhead.
   */
  public static long coreStatusNanos(FileSystem fs, Path f, int n) throws IOException {
    CommitFileSystem c = (CommitFileSystem) fs;
    byte[] p = CommitFileSystem.utf8(c.storePath(f));
    long handle = connect(c);
    try {
      return coreStatusNanos(handle, p, n);
    } finally {
      NativeFs.release(handle);
    }
  }

  /**
   * {nanoseconds, bytes} of one read of the whole of {@code f} by object_store alone, from Rust, on a
   * store of its own with this instance's configuration: the benchmark's baseline for sequential reads.
   */
  public static long[] rawObjectRead(FileSystem fs, Path f) throws IOException {
    CommitFileSystem c = (CommitFileSystem) fs;
    String scheme = c.getScheme();
    return rawObjectRead(scheme, c.getUri().getAuthority(), StoreConfig.relevantPairs(c.getConf(), scheme),
        CommitFileSystem.utf8(c.storePath(f)));
  }

  /**
   * Nanoseconds of one write of {@code bytes} bytes to {@code f} by object_store alone (one multipart
   * upload), from Rust, on a store of its own: the benchmark's baseline for sequential writes.
   */
  public static long rawObjectWrite(FileSystem fs, Path f, long bytes) throws IOException {
    CommitFileSystem c = (CommitFileSystem) fs;
    String scheme = c.getScheme();
    return rawObjectWrite(scheme, c.getUri().getAuthority(), StoreConfig.relevantPairs(c.getConf(), scheme),
        CommitFileSystem.utf8(c.storePath(f)), bytes);
  }

  /** A handle on the instance's shared native store (the registry returns the same store). */
  private static long connect(CommitFileSystem c) throws IOException {
    String scheme = c.getScheme();
    return NativeFs.connect(scheme, c.getUri().getAuthority(), StoreConfig.relevantPairs(c.getConf(), scheme));
  }

  private static native long coreStatusNanos(long fs, byte[] path, int n) throws IOException;

  private static native long[] rawObjectRead(String scheme, String authority, String[] conf, byte[] path)
      throws IOException;

  private static native long rawObjectWrite(String scheme, String authority, String[] conf, byte[] path, long bytes)
      throws IOException;
}
