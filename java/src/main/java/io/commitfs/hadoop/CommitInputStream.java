package io.commitfs.hadoop;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import org.apache.hadoop.fs.ByteBufferPositionedReadable;
import org.apache.hadoop.fs.ByteBufferReadable;
import org.apache.hadoop.fs.FSExceptionMessages;
import org.apache.hadoop.fs.FSInputStream;
import org.apache.hadoop.fs.FileRange;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.StreamCapabilities;
import org.apache.hadoop.fs.VectoredReadUtils;

/**
 * Reads a file through positional native reads. Sequential reads go through a direct readahead buffer
 * (no copy across JNI); reads at least as large as that buffer go straight to the caller's array;
 * positioned and vectored reads never move the stream position. The length is fixed at open: the file
 * is immutable once published.
 */
final class CommitInputStream extends FSInputStream
    implements ByteBufferReadable, ByteBufferPositionedReadable, StreamCapabilities {
  private final String path;
  private final NativeObject reader;
  private final long length;
  private final FileSystem.Statistics statistics;
  private final ByteBuffer readahead;
  private long pos;
  /** File offset of readahead's first byte; readahead holds [bufferStart, bufferStart + limit). */
  private long bufferStart;

  CommitInputStream(String path, long readerHandle, int readaheadSize, FileSystem.Statistics statistics)
      throws IOException {
    this.path = path;
    this.reader = new NativeObject(this, "input stream for " + path, readerHandle, NativeFs::closeReader);
    this.length = reader.call(NativeFs::readerLength);
    this.statistics = statistics;
    this.readahead = ByteBuffer.allocateDirect(Math.max(4096, readaheadSize));
    this.readahead.limit(0);
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
    validate(b.length, off, len);
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
    } else if (len >= readahead.capacity()) {
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
    while (dst.hasRemaining()) {
      int n = read(position, dst);
      if (n <= 0) {
        throw new EOFException(FSExceptionMessages.EOF_IN_READ_FULLY + " at " + position + ": " + path);
      }
      position += n;
    }
  }

  @Override
  public void readVectored(List<? extends FileRange> ranges, IntFunction<ByteBuffer> allocate) throws IOException {
    readVectored(ranges, allocate, buffer -> { });
  }

  /** All ranges in one native call (the store coalesces nearby ranges); futures complete before return. */
  @Override
  public void readVectored(List<? extends FileRange> ranges, IntFunction<ByteBuffer> allocate,
      Consumer<ByteBuffer> release) throws IOException {
    java.util.Objects.requireNonNull(allocate, "allocate");
    java.util.Objects.requireNonNull(release, "release");
    checkOpen();
    List<? extends FileRange> sorted = VectoredReadUtils.validateAndSortRanges(ranges, java.util.Optional.of(length));
    long[] offsets = new long[sorted.size()];
    int[] lengths = new int[sorted.size()];
    for (int i = 0; i < offsets.length; i++) {
      offsets[i] = sorted.get(i).getOffset();
      lengths[i] = sorted.get(i).getLength();
    }
    for (FileRange r : sorted) {
      r.setData(new CompletableFuture<>());
    }
    byte[] data;
    try {
      data = reader.call(h -> NativeFs.readRanges(h, offsets, lengths));
    } catch (IOException | RuntimeException e) {
      for (FileRange r : sorted) {
        r.getData().completeExceptionally(e);
      }
      return;
    }
    int at = 0;
    for (FileRange r : sorted) {
      ByteBuffer buffer = allocate.apply(r.getLength());
      buffer.put(data, at, r.getLength());
      buffer.flip();
      at += r.getLength();
      r.getData().complete(buffer);
    }
    count(data.length);
  }

  @Override
  public synchronized void close() throws IOException {
    reader.close();
  }

  @Override
  public boolean hasCapability(String capability) {
    switch (capability.toLowerCase(java.util.Locale.ENGLISH)) {
      case StreamCapabilities.READBYTEBUFFER:
      case StreamCapabilities.PREADBYTEBUFFER:
      case StreamCapabilities.VECTOREDIO:
        return true;
      default:
        return false;
    }
  }

  private boolean buffered(long at) {
    return at >= bufferStart && at < bufferStart + readahead.limit();
  }

  private void fill(long at) throws IOException {
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

  private void count(int n) {
    if (statistics != null && n > 0) {
      statistics.incrementBytesRead(n);
    }
  }

  private void checkOpen() throws IOException {
    if (reader.isClosed()) {
      throw new IOException(path + ": " + FSExceptionMessages.STREAM_IS_CLOSED);
    }
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
