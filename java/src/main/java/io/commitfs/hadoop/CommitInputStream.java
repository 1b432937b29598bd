package io.commitfs.hadoop;

import java.io.EOFException;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.nio.ByteBuffer;
import java.util.Objects;
import org.apache.hadoop.fs.ByteBufferPositionedReadable;
import org.apache.hadoop.fs.ByteBufferReadable;
import org.apache.hadoop.fs.CanUnbuffer;
import org.apache.hadoop.fs.FSExceptionMessages;
import org.apache.hadoop.fs.FSInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.StreamCapabilities;

/**
 * Reads a file through positional native reads. Sequential reads go through a direct readahead buffer
 * (no copy across JNI); reads at least as large as that buffer go straight to the caller's array;
 * positioned and vectored reads never move the stream position. The length is fixed at open: the file
 * is immutable once published. Vectored reads (Hadoop 3.4+ API) are {@link VectoredCommitInputStream}'s,
 * chosen by {@link #open} where the running Hadoop has that API.
 */
class CommitInputStream extends FSInputStream
    implements ByteBufferReadable, ByteBufferPositionedReadable, StreamCapabilities, CanUnbuffer {
  /** The readahead buffer of a stream not reading (before the first read, after {@link #unbuffer}). */
  private static final ByteBuffer NONE = ByteBuffer.allocateDirect(0);

  private final String path;
  final NativeObject reader;
  final long length;
  private final FileSystem.Statistics statistics;
  private final int readaheadSize;
  /** {@link #NONE} until a sequential read needs it, and again after {@link #unbuffer}. */
  private ByteBuffer readahead = NONE;
  private long pos;
  /** File offset of readahead's first byte; readahead holds [bufferStart, bufferStart + limit). */
  private long bufferStart;

  /** The vectored subclass if the running Hadoop has its API (3.4+), else this class; looked up once. */
  private static final Constructor<? extends CommitInputStream> VECTORED = vectoredConstructor();

  static CommitInputStream open(String path, long readerHandle, int readaheadSize, FileSystem.Statistics statistics)
      throws IOException {
    if (VECTORED == null) {
      return new CommitInputStream(path, readerHandle, readaheadSize, statistics);
    }
    try {
      return VECTORED.newInstance(path, readerHandle, readaheadSize, statistics);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException) {
        throw (IOException) cause;
      }
      throw new IOException("cannot open " + path + ": " + cause, cause);
    } catch (ReflectiveOperationException e) {
      throw new IOException("cannot open " + path + ": " + e, e);
    }
  }

  private static Constructor<? extends CommitInputStream> vectoredConstructor() {
    try {
      // The exact Hadoop method the subclass calls: absent before 3.4, where Hadoop's default
      // readVectored (positioned reads per range) serves vectored reads instead.
      Class.forName("org.apache.hadoop.fs.VectoredReadUtils", false, CommitInputStream.class.getClassLoader())
          .getMethod("validateAndSortRanges", java.util.List.class, java.util.Optional.class);
      return Class.forName("io.commitfs.hadoop.VectoredCommitInputStream", true, CommitInputStream.class.getClassLoader())
          .asSubclass(CommitInputStream.class)
          .getDeclaredConstructor(String.class, long.class, int.class, FileSystem.Statistics.class);
    } catch (ReflectiveOperationException | LinkageError e) {
      return null;
    }
  }

  CommitInputStream(String path, long readerHandle, int readaheadSize, FileSystem.Statistics statistics)
      throws IOException {
    this.path = path;
    this.reader = new NativeObject(this, "input stream for " + path, readerHandle, NativeFs::closeReader);
    this.length = reader.call(NativeFs::readerLength);
    this.statistics = statistics;
    this.readaheadSize = Math.max(4096, readaheadSize);
  }

  @Override
  public synchronized void seek(long target) throws IOException {
    checkOpen();
    if (target < 0) {
      throw new EOFException(FSExceptionMessages.NEGATIVE_SEEK + " " + target + ": " + path);
    }
    if (target > length) {
      throw new EOFException(FSExceptionMessages.CANNOT_SEEK_PAST_EOF + " " + target + " > " + length + ": " + path);
    }
    pos = target;
  }

  @Override
  public synchronized long getPos() throws IOException {
    return pos;
  }

  @Override
  public boolean seekToNewSource(long targetPos) {
    return false;
  }

  @Override
  public synchronized int available() throws IOException {
    checkOpen();
    return (int) Math.min(Integer.MAX_VALUE, length - pos);
  }

  @Override
  public synchronized long skip(long n) throws IOException {
    checkOpen();
    long skipped = Math.max(0, Math.min(n, length - pos));
    pos += skipped;
    return skipped;
  }

  @Override
  public synchronized int read() throws IOException {
    checkOpen();
    if (pos >= length) {
      return -1;
    }
    if (!buffered(pos)) {
      fill(pos);
    }
    int b = readahead.get((int) (pos - bufferStart)) & 0xff;
    pos++;
    count(1);
    return b;
  }

  @Override
  public synchronized int read(byte[] b, int off, int len) throws IOException {
    checkOpen();
    validate(nonNull(b).length, off, len);
    if (len == 0) {
      return 0;
    }
    if (pos >= length) {
      return -1;
    }
    int n;
    if (buffered(pos)) {
      n = Math.min(len, (int) (bufferStart + readahead.limit() - pos));
      readahead.position((int) (pos - bufferStart));
      readahead.get(b, off, n);
    } else if (len >= readaheadSize) {
      n = readArray(pos, b, off, len);
    } else {
      fill(pos);
      n = Math.min(len, readahead.limit());
      readahead.position(0);
      readahead.get(b, off, n);
    }
    pos += n;
    count(n);
    return n;
  }

  @Override
  public synchronized int read(ByteBuffer dst) throws IOException {
    nonNull(dst);
    checkOpen();
    if (!dst.hasRemaining()) {
      return 0;
    }
    int n = read(pos, dst);
    if (n > 0) {
      pos += n;
    }
    return n;
  }

  @Override
  public int read(long position, byte[] b, int off, int len) throws IOException {
    checkOpen();
    validatePositionedReadArgs(position, b, off, len);
    if (len == 0) {
      return 0;
    }
    if (position >= length) {
      return -1;
    }
    int n = readArray(position, b, off, len);
    count(n);
    return n;
  }

  @Override
  public int read(long position, ByteBuffer dst) throws IOException {
    nonNull(dst);
    checkOpen();
    if (position < 0) {
      throw new EOFException(FSExceptionMessages.NEGATIVE_SEEK + " " + position + ": " + path);
    }
    if (position >= length) {
      return dst.hasRemaining() ? -1 : 0;
    }
    int want = dst.remaining();
    int n;
    if (dst.isDirect()) {
      n = reader.call(h -> NativeFs.read(h, position, dst, dst.position(), want));
    } else if (dst.hasArray()) {
      n = readArray(position, dst.array(), dst.arrayOffset() + dst.position(), want);
    } else {
      byte[] tmp = new byte[want];
      n = readArray(position, tmp, 0, want);
      dst.duplicate().put(tmp, 0, n);
    }
    dst.position(dst.position() + n);
    count(n);
    return n;
  }

  @Override
  public void readFully(long position, ByteBuffer dst) throws IOException {
    nonNull(dst);
    while (dst.hasRemaining()) {
      int n = read(position, dst);
      if (n <= 0) {
        throw new EOFException(FSExceptionMessages.EOF_IN_READ_FULLY + " at " + position + ": " + path);
      }
      position += n;
    }
  }

  @Override
  public synchronized void close() throws IOException {
    reader.close();
    readahead = NONE;
  }

  /**
   * Frees the readahead buffer and the native reader's block and read-ahead GETs (an idle stream holds
   * no memory beyond its handle); the position and the pinned version stay. A no-op once closed.
   */
  @Override
  public synchronized void unbuffer() {
    readahead = NONE;
    if (reader.isClosed()) {
      return;
    }
    try {
      reader.call(h -> {
        NativeFs.unbuffer(h);
        return null;
      });
    } catch (IOException e) {
      // Closed concurrently: nothing left to free.
    }
  }

  @Override
  public boolean hasCapability(String capability) {
    switch (capability.toLowerCase(java.util.Locale.ENGLISH)) {
      case StreamCapabilities.READBYTEBUFFER:
      case StreamCapabilities.PREADBYTEBUFFER:
      case StreamCapabilities.UNBUFFER:
        return true;
      default:
        return false;
    }
  }

  private boolean buffered(long at) {
    return at >= bufferStart && at < bufferStart + readahead.limit();
  }

  private void fill(long at) throws IOException {
    if (readahead == NONE) {
      readahead = ByteBuffer.allocateDirect(readaheadSize);
    }
    int want = (int) Math.min(readahead.capacity(), length - at);
    readahead.clear();
    int n = reader.call(h -> NativeFs.read(h, at, readahead, 0, want));
    readahead.limit(n);
    bufferStart = at;
    if (n == 0) {
      throw new EOFException("unexpected end of file at " + at + " of " + length + ": " + path);
    }
  }

  private int readArray(long at, byte[] b, int off, int len) throws IOException {
    int want = (int) Math.min(len, length - at);
    return reader.call(h -> NativeFs.readArray(h, at, b, off, want));
  }

  final void count(int n) {
    if (statistics != null && n > 0) {
      statistics.incrementBytesRead(n);
    }
  }

  final void checkOpen() throws IOException {
    if (reader.isClosed()) {
      throw new IOException(path + ": " + FSExceptionMessages.STREAM_IS_CLOSED);
    }
  }

  /** A message on every Java: helpful NullPointerException messages start with Java 15. */
  private <T> T nonNull(T buffer) {
    return Objects.requireNonNull(buffer, () -> "null buffer to read " + path + " into");
  }

  private static void validate(int arrayLength, int off, int len) {
    if (off < 0 || len < 0 || len > arrayLength - off) {
      throw new IndexOutOfBoundsException("offset " + off + ", length " + len + ", array " + arrayLength);
    }
  }

  @Override
  public String toString() {
    return "CommitInputStream{" + path + ", pos=" + pos + ", length=" + length + "}";
  }
}
