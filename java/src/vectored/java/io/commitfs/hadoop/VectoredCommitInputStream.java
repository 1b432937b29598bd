package io.commitfs.hadoop;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import org.apache.hadoop.fs.FileRange;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.StreamCapabilities;
import org.apache.hadoop.fs.VectoredReadUtils;

/**
 * {@link CommitInputStream} with native vectored reads. Compiled against the Hadoop 3.4+ API and used
 * only where that API is present ({@link CommitInputStream#open}), so the rest of the jar still loads on
 * Hadoop 3.3.
 */
final class VectoredCommitInputStream extends CommitInputStream {
  VectoredCommitInputStream(String path, long readerHandle, int readaheadSize, FileSystem.Statistics statistics)
      throws IOException {
    super(path, readerHandle, readaheadSize, statistics);
  }

  @Override
  public void readVectored(List<? extends FileRange> ranges, IntFunction<ByteBuffer> allocate) throws IOException {
    readVectored(ranges, allocate, buffer -> { });
  }

  /** All ranges in one native call (the store coalesces nearby ranges); futures complete before return. */
  @Override
  public void readVectored(List<? extends FileRange> ranges, IntFunction<ByteBuffer> allocate,
      Consumer<ByteBuffer> release) throws IOException {
    Objects.requireNonNull(allocate, "allocate");
    Objects.requireNonNull(release, "release");
    checkOpen();
    List<? extends FileRange> sorted = VectoredReadUtils.validateAndSortRanges(ranges, Optional.of(length));
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
      data = timed(h -> NativeFs.readRanges(h, offsets, lengths));
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
  public boolean hasCapability(String capability) {
    return StreamCapabilities.VECTOREDIO.equals(capability.toLowerCase(Locale.ENGLISH)) || super.hasCapability(capability);
  }
}
