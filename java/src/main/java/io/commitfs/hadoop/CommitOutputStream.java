package io.commitfs.hadoop;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import org.apache.hadoop.fs.Abortable;
import org.apache.hadoop.fs.StreamCapabilities;

/**
 * Writes a file that becomes visible, complete, only when {@link #close()} returns (the core's commit:
 * exclusive create or atomic replace, durable where the store is). Bytes gather in a direct buffer and
 * cross JNI in large chunks without a copy. Not thread-safe beyond what Hadoop asks: methods are
 * synchronized. hflush/hsync are not offered: nothing is visible before close. {@link #abort()} discards the
 * file instead of publishing it, which is how Spark cancels a checkpoint write.
 */
final class CommitOutputStream extends OutputStream implements StreamCapabilities, Abortable {
  static final int MIN_BUFFER = 64 * 1024;

  private final String path;
  private final NativeObject writer;
  private final ByteBuffer buffer;
  private boolean closed;

  CommitOutputStream(String path, long writerHandle, int bufferSize) {
    this.path = path;
    this.writer = new NativeObject(this, "output stream for " + path, writerHandle,
        h -> abortQuietly(h));
    this.buffer = ByteBuffer.allocateDirect(Math.max(MIN_BUFFER, bufferSize));
  }

  private static void abortQuietly(long handle) {
    try {
      NativeFs.finishWriter(handle, false);
    } catch (IOException | RuntimeException e) {
      // Abort only discards temporary state; there is nobody to report to (close or GC).
    }
  }

  @Override
  public synchronized void write(int b) throws IOException {
    checkOpen();
    if (!buffer.hasRemaining()) {
      drain();
    }
    buffer.put((byte) b);
  }

  @Override
  public synchronized void write(byte[] b, int off, int len) throws IOException {
    checkOpen();
    if (off < 0 || len < 0 || len > b.length - off) {
      throw new IndexOutOfBoundsException("offset " + off + ", length " + len + ", array " + b.length);
    }
    while (len > 0) {
      if (!buffer.hasRemaining()) {
        drain();
      }
      int n = Math.min(len, buffer.remaining());
      buffer.put(b, off, n);
      off += n;
      len -= n;
    }
  }

  /** No-op: data becomes visible at close only. */
  @Override
  public void flush() throws IOException {
    checkOpen();
  }

  private void drain() throws IOException {
    if (buffer.position() == 0) {
      return;
    }
    int len = buffer.position();
    writer.call(h -> {
      NativeFs.write(h, buffer, 0, len);
      return null;
    });
    buffer.clear();
  }

  /** Publishes the file. A second close does nothing; a failed close leaves nothing published. */
  @Override
  public synchronized void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      drain();
    } catch (IOException | RuntimeException e) {
      writer.close();
      throw e;
    }
    long h = writer.take();
    if (h != 0) {
      NativeFs.finishWriter(h, true);
    }
  }

  /** Discards everything written: nothing is published. After close (or a second abort) does nothing. */
  @Override
  public synchronized AbortableResult abort() {
    boolean alreadyClosed = closed || writer.isClosed();
    closed = true;
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
    // No hflush/hsync (nothing is visible before close), no iostatistics.
    return StreamCapabilities.ABORTABLE_STREAM.equalsIgnoreCase(capability);
  }

  @Override
  public String toString() {
    return "CommitOutputStream{" + path + "}";
  }
}
