package io.commitfs.hadoop;

import java.io.IOException;
import java.util.NoSuchElementException;
import org.apache.hadoop.fs.BlockLocation;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * A directory listing fetched page by page through JNI ({@code pageSize} entries per call); the first page
 * is fetched eagerly, so a missing path fails when the listing is created.
 */
final class CommitListing implements RemoteIterator<FileStatus> {
  private final NativeObject store;
  private final StatusCodec codec;
  private final FileSystem.Statistics statistics;
  private final String dir;
  private final byte[] dirBytes;
  private final int pageSize;
  /** The whole tree below {@code dir} in flat pages ({@code NativeFs.listTree}), not its children. */
  private final boolean tree;
  private StatusCodec.Page page;
  private int index;

  CommitListing(NativeObject store, StatusCodec codec, FileSystem.Statistics statistics, String dir, int pageSize)
      throws IOException {
    this(store, codec, statistics, dir, pageSize, false);
  }

  CommitListing(NativeObject store, StatusCodec codec, FileSystem.Statistics statistics, String dir, int pageSize,
      boolean tree) throws IOException {
    this.tree = tree;
    this.store = store;
    this.codec = codec;
    this.statistics = statistics;
    this.dir = dir;
    this.dirBytes = CommitFileSystem.utf8(dir);
    this.pageSize = pageSize;
    statistics.incrementReadOps(1);
    this.page = fetch(null);
  }

  private StatusCodec.Page fetch(String after) throws IOException {
    return codec.page(store.call(h -> tree ? NativeFs.listTree(h, dirBytes, after, pageSize)
        : NativeFs.list(h, dirBytes, after, pageSize)), dir);
  }

  @Override
  public boolean hasNext() throws IOException {
    while (index >= page.entries.size() && page.next != null) {
      statistics.incrementLargeReadOps(1);
      page = fetch(page.next);
      index = 0;
    }
    return index < page.entries.size();
  }

  @Override
  public FileStatus next() throws IOException {
    if (!hasNext()) {
      throw new NoSuchElementException("no more entries in " + codec.path(dir));
    }
    return page.entries.get(index++);
  }

  /** Block locations of a file, for {@link #located}. */
  interface Locator {
    BlockLocation[] of(FileStatus file) throws IOException;
  }

  /** {@code listLocatedStatus} over a listing: block locations for files, none for directories. */
  static RemoteIterator<LocatedFileStatus> located(RemoteIterator<FileStatus> it, Locator locator) {
    return new RemoteIterator<LocatedFileStatus>() {
      @Override
      public boolean hasNext() throws IOException {
        return it.hasNext();
      }

      @Override
      public LocatedFileStatus next() throws IOException {
        FileStatus s = it.next();
        return EtagStatus.located(s, s.isFile() ? locator.of(s) : null);
      }
    };
  }

  /** Every entry of a listing, for {@code listStatus}. */
  static FileStatus[] all(RemoteIterator<FileStatus> it) throws IOException {
    java.util.List<FileStatus> all = new java.util.ArrayList<>();
    while (it.hasNext()) {
      all.add(it.next());
    }
    return all.toArray(new FileStatus[0]);
  }
}
