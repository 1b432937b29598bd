package io.commitfs.hadoop;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The native entry points (rust/jni). Failures arrive as the exception their error kind maps to
 * (FileNotFoundException, FileAlreadyExistsException, ...); see rust/jni/src/errors.rs. Call
 * {@link NativeLibrary#load()} before any of these.
 */
final class NativeFs {
  private NativeFs() {}

  static native String version();

  /** A handle on the shared store for scheme://authority configured by {@code conf} (key, value, ...). */
  static native long connect(String scheme, String authority, String[] conf) throws IOException;

  static native void release(long fs);

  /** {block size, read buffer size, write buffer size} from the settings table (rust/core settings). */
  static native long[] jvmSettings(String scheme, String authority, String[] conf) throws IOException;

  /** {live, idle}: native stores some FileSystem holds, and stores waiting to be released. */
  static native long[] storeCensus();

  /**
   * Bit 0: atomic directory rename; bit 1: implicit directories; bit 2: durable close; bit 3: permissions;
   * bit 4: flat tree listing; bit 5: ETags in statuses.
   */
  static native int capabilities(long fs);

  static native String counters(long fs);

  /** The most detailed level the core records: 0 off, 1 error, 2 warn, 3 info, 4 debug, 5 trace. */
  static native void setLogLevel(int level);

  /** The native core's queued log records, one per line as {@code LEVEL message}; null when none. */
  static native String drainLog();

  /** Slots of {@link #status}'s result. */
  static final int STATUS_SLOTS = 5;

  /**
   * The status of {@code path} into {@code out}: {len, modified ms, permission | isDir << 32, owner id,
   * group id} (ids: see {@link #name}); returns its ETag (null where the store has none);
   * FileNotFoundException if nothing is there. Paths cross as UTF-8. {@code fileFirst}: the path is usually
   * a file (on S3 a HEAD, then a LIST only on a miss); false: usually a directory or nothing (one LIST that
   * answers all three).
   */
  static native String status(long fs, byte[] path, long[] out, boolean fileFirst) throws IOException;

  /** The owner or group name behind an id from {@link #status}; 0 is the empty name. */
  static native String name(long id);

  static native boolean exists(long fs, byte[] path) throws IOException;

  /** One encoded page of children sorted by name, after {@code startAfter} (null: from the start). */
  static native byte[] list(long fs, byte[] path, String startAfter, int max) throws IOException;

  /**
   * One encoded page of everything below {@code path} at any depth, in path order (files, and directories
   * the store records), where capability bit 4 says the store lists trees flat (one LIST per 1,000 keys).
   */
  static native byte[] listTree(long fs, byte[] path, String startAfter, int max) throws IOException;

  /** Creates {@code path} and missing parents with these modes where permissions are real (-1: default). */
  static native void mkdirs(long fs, byte[] path, int leafMode, int parentMode) throws IOException;

  /**
   * chmod/chown/utimensat where permissions are real: a negative mode or time, a null owner or group,
   * is left unchanged; FileNotFoundException if nothing is at {@code path}.
   */
  static native void setAttributes(long fs, byte[] path, int mode, String owner, String group, long modifiedMs,
      long accessedMs) throws IOException;

  /** {capacity, used, remaining} bytes into {@code out}; false where the store has no volume (S3). */
  static native boolean space(long fs, long[] out) throws IOException;

  static native boolean delete(long fs, byte[] path, boolean recursive) throws IOException;

  /** {@link #rename} mode: FileSystem.rename rules: into {@code dst} if it is a directory; never overwrites. */
  static final int RENAME_INTO = 0;

  /** {@link #rename} mode: exactly to {@code dst}: FileAlreadyExistsException if anything is there. */
  static final int RENAME_EXACT = 1;

  /**
   * {@link #rename} mode: exactly to {@code dst}, replacing it (FileContext's rename OVERWRITE): a file
   * atomically, an empty directory by delete then rename.
   */
  static final int RENAME_REPLACE = 2;

  /** The core's one rename (rust/core/src/fs/rename.rs has the rules of each mode). */
  static native void rename(long fs, byte[] src, byte[] dst, int mode) throws IOException;

  static native long openReader(long fs, byte[] path) throws IOException;

  static native long readerLength(long reader) throws IOException;

  /** Requests the reader sent so far (GETs on S3; 0 on POSIX), for the stream's statistics. */
  static native long readerRequests(long reader) throws IOException;

  /** Reads into a direct buffer; returns the count, 0 at end of file. */
  static native int read(long reader, long position, ByteBuffer direct, int offset, int len) throws IOException;

  static native int readArray(long reader, long position, byte[] dst, int offset, int len) throws IOException;

  /** The ranges' bytes back to back. */
  static native byte[] readRanges(long reader, long[] offsets, int[] lengths) throws IOException;

  /** Drops the reader's buffers and read-ahead window (Hadoop's unbuffer); the reader stays open. */
  static native void unbuffer(long reader) throws IOException;

  static native void closeReader(long reader);

  /**
   * A writer for {@code path}; {@code mode} the published file's bits, {@code parentMode} those of missing
   * parents it creates, where permissions are real (-1: default); {@code performance}: no open-time
   * probes for this call (S3A's create performance).
   */
  static native long create(long fs, byte[] path, boolean overwrite, int mode, int parentMode, boolean performance)
      throws IOException;

  /**
   * Hands the first {@code filled} bytes of the buffer the previous call returned to the writer (0 on the
   * first call), and returns the next buffer to fill, {@code size} bytes of native memory. The returned
   * buffer must not be touched after the next write or finishWriter call on this writer.
   */
  static native ByteBuffer write(long writer, int filled, int size) throws IOException;

  /**
   * Commits (publishes) the file with the first {@code filled} bytes of its current buffer, or aborts it
   * ({@code filled} ignored), then frees the writer whatever happens.
   */
  static native void finishWriter(long writer, int filled, boolean commit) throws IOException;
}
