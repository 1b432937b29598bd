package io.commitfs.hadoop;

import java.io.IOException;
import java.util.HashSet;
import java.util.NoSuchElementException;
import java.util.Set;
import org.apache.hadoop.fs.ContentSummary;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * {@code listFiles(path, true)} and {@code getContentSummary} over a flat tree listing
 * ({@link CommitListing} with {@code tree}): on S3 one LIST per 1,000 keys, as S3A, instead of one per
 * directory.
 */
final class TreeListing {
  private TreeListing() {}

  /** The files of a tree listing (the directories it reports are skipped). */
  static RemoteIterator<FileStatus> files(RemoteIterator<FileStatus> tree) {
    return new RemoteIterator<FileStatus>() {
      private FileStatus ahead;

      @Override
      public boolean hasNext() throws IOException {
        while (ahead == null && tree.hasNext()) {
          FileStatus s = tree.next();
          ahead = s.isFile() ? s : null;
        }
        return ahead != null;
      }

      @Override
      public FileStatus next() throws IOException {
        if (!hasNext()) {
          throw new NoSuchElementException("no more files");
        }
        FileStatus s = ahead;
        ahead = null;
        return s;
      }
    };
  }

  /**
   * Hadoop's content summary of {@code root} (qualified): the bytes and files below it, and its
   * directories, itself included: those the listing reports and every ancestor of an entry below root.
   */
  static ContentSummary summary(Path root, RemoteIterator<FileStatus> tree) throws IOException {
    long length = 0;
    long files = 0;
    Set<Path> dirs = new HashSet<>();
    int depth = root.depth();
    while (tree.hasNext()) {
      FileStatus s = tree.next();
      Path p = s.getPath();
      if (s.isFile() && p.depth() == depth && p.equals(root)) {
        return new ContentSummary.Builder().length(s.getLen()).fileCount(1).directoryCount(0)
            .spaceConsumed(s.getLen()).build();
      }
      if (s.isFile()) {
        length += s.getLen();
        files++;
        p = p.getParent();
      }
      while (p != null && p.depth() > depth && dirs.add(p)) {
        p = p.getParent();
      }
    }
    return new ContentSummary.Builder().length(length).fileCount(files).directoryCount(dirs.size() + 1L)
        .spaceConsumed(length).build();
  }
}
