package io.commitfs.hadoop;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;

/** Decodes the statuses rust/jni/src/marshal.rs encodes (one byte array per page, big-endian). */
final class StatusCodec {
  /** One page of a listing. */
  static final class Page {
    final List<FileStatus> entries;
    /** Where the next page starts, or null after the last page. */
    final String next;

    Page(List<FileStatus> entries, String next) {
      this.entries = entries;
      this.next = next;
    }
  }

  private final String scheme;
  private final String authority;
  private final String defaultOwner;
  private final long blockSize;
  private final java.util.concurrent.ConcurrentHashMap<Long, String> names = new java.util.concurrent.ConcurrentHashMap<>();

  /** Stores without owners (S3) report {@code defaultOwner} as owner and group, as S3A does. */
  StatusCodec(String scheme, String authority, String defaultOwner, long blockSize) {
    this.scheme = scheme;
    this.authority = authority;
    this.defaultOwner = defaultOwner;
    this.blockSize = blockSize;
  }

  /**
   * A status from {@code NativeFs.status}'s slots and ETag (null: none), for the qualified {@code path}
   * that was asked.
   */
  FileStatus status(Path path, long[] slots, String etag) {
    boolean isDir = (slots[2] >>> 32) != 0;
    return EtagStatus.of(new FileStatus(slots[0], isDir, isDir ? 0 : 1, isDir ? 0 : blockSize, slots[1], 0,
        permission((int) slots[2]), name(slots[3]), name(slots[4]), path), etag);
  }

  /** Owner and group names by id, resolved across JNI once each. */
  private String name(long id) {
    if (id == 0) {
      return defaultOwner;
    }
    return names.computeIfAbsent(id, NativeFs::name);
  }

  private static FsPermission permission(int bits) {
    return new FsPermission((short) (bits & 07777));
  }

  Page page(byte[] encoded, String dir) {
    ByteBuffer in = ByteBuffer.wrap(encoded);
    int n = in.getInt();
    List<FileStatus> entries = new ArrayList<>(n);
    String base = dir.endsWith("/") ? dir : dir + "/";
    for (int i = 0; i < n; i++) {
      entries.add(entry(in, base));
    }
    String next = in.get() != 0 ? string(in) : null;
    return new Page(entries, next);
  }

  /** A Hadoop path for an absolute store path such as {@code /dir/name}. */
  Path path(String absolute) {
    return new Path(scheme, authority, absolute);
  }

  private FileStatus entry(ByteBuffer in, String base) {
    boolean relative = in.get() != 0;
    String name = string(in);
    long len = in.getLong();
    long modified = in.getLong();
    int permission = in.getInt();
    boolean isDir = in.get() != 0;
    String owner = orDefault(string(in));
    String group = orDefault(string(in));
    String etag = string(in);
    Path p = path(relative ? base + name : name);
    return EtagStatus.of(new FileStatus(len, isDir, isDir ? 0 : 1, isDir ? 0 : blockSize, modified, 0,
        permission(permission), owner, group, p), etag);
  }

  private String orDefault(String s) {
    return s.isEmpty() ? defaultOwner : s;
  }

  private static String string(ByteBuffer in) {
    int len = in.getInt();
    String s = new String(in.array(), in.arrayOffset() + in.position(), len, StandardCharsets.UTF_8);
    in.position(in.position() + len);
    return s;
  }
}
