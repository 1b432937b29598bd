package io.commitfs.hadoop;

import org.apache.hadoop.fs.BlockLocation;
import org.apache.hadoop.fs.EtagSource;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.LocatedFileStatus;

/**
 * Statuses of files on a store with ETags (s3c: the object's ETag from HEAD or LIST, which agree), so
 * consumers can tell a changed file from an unchanged one ({@link EtagSource}, as S3A's statuses).
 * Equality and hashing stay FileStatus's (by path).
 */
final class EtagStatus {
  private EtagStatus() {}

  /** {@code status} carrying {@code etag}, or {@code status} itself when there is none. */
  static FileStatus of(FileStatus status, String etag) {
    return etag == null || etag.isEmpty() ? status : new File(status, etag);
  }

  /** A located status keeping the ETag of {@code status}, if it has one. */
  static LocatedFileStatus located(FileStatus status, BlockLocation[] blocks) {
    return status instanceof EtagSource ? new Located(status, blocks, ((EtagSource) status).getEtag())
        : new LocatedFileStatus(status, blocks);
  }

  private static final class File extends FileStatus implements EtagSource {
    private static final long serialVersionUID = 1L;
    private final String etag;

    File(FileStatus status, String etag) {
      super(status.getLen(), status.isDirectory(), status.getReplication(), status.getBlockSize(),
          status.getModificationTime(), status.getAccessTime(), status.getPermission(), status.getOwner(),
          status.getGroup(), status.getPath());
      this.etag = etag;
    }

    @Override
    public String getEtag() {
      return etag;
    }
  }

  private static final class Located extends LocatedFileStatus implements EtagSource {
    private static final long serialVersionUID = 1L;
    private final String etag;

    Located(FileStatus status, BlockLocation[] blocks, String etag) {
      super(status, blocks);
      this.etag = etag;
    }

    @Override
    public String getEtag() {
      return etag;
    }
  }
}
