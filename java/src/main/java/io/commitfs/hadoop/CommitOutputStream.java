package io.commitfs.hadoop;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import org.apache.hadoop.fs.Abortable;
import org.apache.hadoop.fs.StreamCapabilities;
import org.apache.hadoop.fs.statistics.IOStatistics;
import org.apache.hadoop.fs.statistics.IOStatisticsSource;

/**
 * Writes a file that becomes visible, complete, only when {@link #close()} returns (the core's commit:
 * exclusive create or atomic replace, durable where the store is). Bytes gather in a direct buffer over
 * native memory, which the native writer then keeps as it is (uploads send it from there): one copy from
 * the caller's array, one JNI call per buffer. Not thread-safe beyond what Hadoop asks: methods are
 * synchronized. hflush/hsync are not offered: nothing is visible before close. {@link #abort()} discards the
 * file instead of publishing it, which is how Spark cancels a checkpoint write. Its {@link IOStatistics}
 * ({@link StreamStatistics}) count the bytes written as they are written, and time the commit at close.
 */
final class CommitOutputStream extends OutputStream implements StreamCapabilities, Abortable, IOStatisticsSource {
  static final int MIN_BUFFER = 64 * 1024;

  private final String path;
  private final NativeObject writer;
  private final int bufferSize;
  private final StreamStatistics statistics = StreamStatistics.output();
  /**
   * Native memory owned by the writer; null until the first write, and while it is being handed over:
   * once handed over (or the writer freed) it may be reused by another stream, so it is never touched
   * again.
   */
  private ByteBuffer buffer;
  private boolean closed;

  CommitOutputStream(String path, long writerHandle, int bufferSize) {
    this.path = path;
    this.writer = new NativeObject(this, "output stream for " + path, writerHandle,
        h -> abortQuietly(h));
    this.bufferSize = Math.max(MIN_BUFFER, bufferSize);
  }

  private static void abortQuietly(long handle) {
    try {
      NativeFs.finishWriter(handle, 0, false);
    } catch (IOException | RuntimeException e) {
      // Abort only discards temporary state; there is nobody to report to (close or GC).
    }
  }

  @Override
  public synchronized void write(int b) throws IOException {
    checkOpen();
    if (buffer == null || !buffer.hasRemaining()) {
      drain();
    }
    buffer.put((byte) b);
    statistics.increment(StreamStatistics.WRITE_BYTES, 1);
  }

  @Override
  public synchronized void write(byte[] b, int off, int len) throws IOException {
    checkOpen();
    // A message on every Java: helpful NullPointerException messages start with Java 15.
    java.util.Objects.requireNonNull(b, () -> "null buffer to write to " + path);
    if (off < 0 || len < 0 || len > b.length - off) {
      throw new IndexOutOfBoundsException("offset " + off + ", length " + len + ", array " + b.length);
    }
    while (len > 0) {
      if (buffer == null || !buffer.hasRemaining()) {
        drain();
      }
      int n = Math.min(len, buffer.remaining());
      buffer.put(b, off, n);
      statistics.increment(StreamStatistics.WRITE_BYTES, n);
      off += n;
      len -= n;
    }
  }

  /** No-op: data becomes visible at close only. */
  @Override
  public void flush() throws IOException {
    checkOpen();
  }

  /** Hands the filled buffer (if any) to the writer and takes the next one. */
  private void drain() throws IOException {
    int filled = filled();
    buffer = null; // handed over even if the call fails
    try {
      buffer = writer.call(h -> NativeFs.write(h, filled, bufferSize));
    } catch (IOException | RuntimeException e) {
      statistics.increment(StreamStatistics.WRITE_EXCEPTIONS, 1);
      throw e;
    }
  }

  private int filled() {
    return buffer == null ? 0 : buffer.position();
  }

  /** Publishes the file. A second close does nothing; a failed close leaves nothing published. */
  @Override
  public synchronized void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    int filled = filled();
    buffer = null;
    long h = writer.take();
    if (h != 0) {
      long started = System.nanoTime();
      try {
        NativeFs.finishWriter(h, filled, true);
      } catch (IOException | RuntimeException e) {
        statistics.increment(StreamStatistics.WRITE_EXCEPTIONS, 1);
        throw e;
      }
      statistics.increment(StreamStatistics.WRITE_COMMIT, 1);
      statistics.duration(StreamStatistics.WRITE_COMMIT, System.nanoTime() - started);
    }
  }

  @Override
  public IOStatistics getIOStatistics() {
    return statistics;
  }

  /** Discards everything written: nothing is published. After close (or a second abort) does nothing. */
  @Override
  public synchronized AbortableResult abort() {
    boolean alreadyClosed = closed || writer.isClosed();
    closed = true;
    buffer = null;
    writer.close();
    return new AbortableResult() {
      @Override
      public boolean alreadyClosed() {
        return alreadyClosed;
      }

      @Override
      public IOException anyCleanupException() {
        return null; // aborting only drops temporary state; its failures are not the caller's
      }
    };
  }

  private void checkOpen() throws IOException {
    if (closed || writer.isClosed()) {
      throw new IOException(path + ": stream is closed");
    }
  }

  @Override
  public boolean hasCapability(String capability) {
    // No hflush/hsync (nothing is visible before close).
    return StreamCapabilities.ABORTABLE_STREAM.equalsIgnoreCase(capability)
        || StreamCapabilities.IOSTATISTICS.equalsIgnoreCase(capability);
  }

  @Override
  public String toString() {
    return "CommitOutputStream{" + path + "}";
  }
}
