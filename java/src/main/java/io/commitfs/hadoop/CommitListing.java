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
  private StatusCodec.Page page;
  private int index;

  CommitListing(NativeObject store, StatusCodec codec, FileSystem.Statistics statistics, String dir, int pageSize)
      throws IOException {
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
    return codec.page(store.call(h -> NativeFs.list(h, dirBytes, after, pageSize)), dir);
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

  /** The block locations of a file (directories have none). */
  interface Locator {
    BlockLocation[] locate(FileStatus file) throws IOException;
  }

  /** {@code statuses} as {@code listLocatedStatus} returns them: each file with its block locations. */
  static RemoteIterator<LocatedFileStatus> located(RemoteIterator<FileStatus> statuses, Locator locator) {
    return new RemoteIterator<LocatedFileStatus>() {
      @Override
      public boolean hasNext() throws IOException {
        return statuses.hasNext();
      }

      @Override
      public LocatedFileStatus next() throws IOException {
        FileStatus s = statuses.next();
        return new LocatedFileStatus(s, s.isFile() ? locator.locate(s) : null);
      }
    };
  }
}
