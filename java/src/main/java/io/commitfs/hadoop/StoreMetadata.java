package io.commitfs.hadoop;

import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FsStatus;
import org.apache.hadoop.fs.permission.FsPermission;

/**
 * Permissions, owners, times and space where the store has them (filec: chmod, chown, utimensat,
 * statvfs, as RawLocalFileSystem does), and what S3A does where it has not (s3c: setters are no-ops,
 * {@code getStatus} reports unlimited space).
 */
final class StoreMetadata {
  /** Bit of {@code NativeFs.capabilities}: permissions, owners and times are real and settable. */
  private static final int CAP_PERMISSIONS = 1 << 3;

  private final NativeObject store;
  private final boolean permissions;

  StoreMetadata(NativeObject store, int capabilities) {
    this.store = store;
    this.permissions = (capabilities & CAP_PERMISSIONS) != 0;
  }

  boolean permissions() {
    return permissions;
  }

  /**
   * The mode a new file or directory gets: {@code permission} (null: {@code otherwise}) less the
   * configured umask ({@code fs.permissions.umask-mode}: Hadoop's key, read by Hadoop as for every
   * FileSystem), or -1 (the store's default) where permissions are not real.
   */
  int mode(FsPermission permission, FsPermission otherwise, Configuration conf) {
    FsPermission p = permission != null ? permission : otherwise;
    return permissions ? p.applyUMask(FsPermission.getUMask(conf)).toShort() : -1;
  }

  /**
   * Sets what is given: {@code permission} bits (negative: unchanged), owner and group (null:
   * unchanged), modification and access times in ms (negative: unchanged). FileNotFoundException if
   * nothing is at {@code path} where the store has metadata.
   */
  void set(byte[] path, int permission, String owner, String group, long modified, long accessed) throws IOException {
    if (!permissions) {
      return;
    }
    store.call(h -> {
      NativeFs.setAttributes(h, path, permission, owner, group, modified, accessed);
      return null;
    });
  }

  /** The volume's space, or null where the store has none (the caller then answers as FileSystem does). */
  FsStatus space() throws IOException {
    long[] out = new long[3];
    boolean known = store.call(h -> NativeFs.space(h, out));
    return known ? new FsStatus(out[0], out[1], out[2]) : null;
  }
}
