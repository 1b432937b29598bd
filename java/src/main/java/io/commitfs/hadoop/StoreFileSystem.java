package io.commitfs.hadoop;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FsStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.StorageStatistics;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.fs.statistics.IOStatistics;
import org.apache.hadoop.fs.statistics.IOStatisticsSource;
import org.apache.hadoop.security.UserGroupInformation;

/**
 * The store side of {@link CommitFileSystem}: the shared native store and its settings, paths as the core
 * takes them, metadata (permissions, owners, times, space), capabilities, statistics and lifecycle.
 * {@link CommitFileSystem} holds the operations.
 */
public abstract class StoreFileSystem extends FileSystem implements IOStatisticsSource {
  /**
   * Entries fetched per JNI call when listing: 0 leaves it to the store, one request's worth (s3c:
   * {@code fs.s3c.paging.maximum}, 5,000 by default, as S3A's; filec: 1,000).
   */
  static final int LIST_PAGE = 0;
  /**
   * Path capability: a file written through {@code create} appears whole at {@code close} or not at all
   * (also after a crash), and an aborted stream publishes nothing. A temp file + rename adds nothing then.
   */
  public static final String CREATE_INVISIBLE_UNTIL_CLOSE = "fs.commitfs.capability.create.invisible-until-close";
  private static final int CAP_ATOMIC_DIR_RENAME = 1;
  static final int CAP_FLAT_LISTING = 1 << 4;
  private static final int CAP_ETAGS = 1 << 5;

  String scheme;
  URI uri;
  Path workingDir;
  NativeObject store;
  int capabilities;
  StatusCodec codec;
  long blockSize;
  int readBuffer;
  int writeBuffer;
  CommitStatistics storeStatistics;
  StoreMetadata metadata;

  /** The scheme this class answers to before {@link #initialize} (Hadoop's service loader asks). */
  protected String defaultScheme() {
    return "s3c";
  }

  @Override
  public String getScheme() {
    return scheme != null ? scheme : defaultScheme();
  }

  @Override
  public void initialize(URI name, Configuration conf) throws IOException {
    super.initialize(name, conf);
    setConf(conf);
    NativeLibrary.load();
    NativeLog.start();
    scheme = name.getScheme().toLowerCase(java.util.Locale.ROOT);
    FileContextCheck.warnIfMissing(scheme, conf);
    String authority = name.getAuthority();
    uri = URI.create(scheme + "://" + (authority == null ? "" : authority) + "/");
    String[] pairs = StoreConfig.relevantPairs(conf, scheme);
    long handle;
    // A Java credential provider class the store loads gets this FileSystem's Configuration.
    CredentialBridge.INITIALIZING.set(conf);
    try {
      handle = NativeFs.connect(scheme, authority, pairs);
    } finally {
      CredentialBridge.INITIALIZING.remove();
      NativeLog.forward();
    }
    store = new NativeObject(this, "filesystem " + uri, handle, NativeFs::release);
    capabilities = store.call(NativeFs::capabilities);
    metadata = new StoreMetadata(store, capabilities);
    storeStatistics = new CommitStatistics(uri.toString(), this::nativeCounters);
    String user = UserGroupInformation.getCurrentUser().getShortUserName();
    // {block size, read buffer, write buffer}, read through the native settings table like every key.
    long[] sizes = NativeFs.jvmSettings(scheme, authority, pairs);
    blockSize = sizes[0];
    codec = new StatusCodec(scheme, authority, user, blockSize);
    readBuffer = (int) Math.min(sizes[1], Integer.MAX_VALUE);
    writeBuffer = (int) Math.min(sizes[2], Integer.MAX_VALUE);
    workingDir = getHomeDirectory();
  }

  @Override
  public URI getUri() {
    return uri;
  }

  @Override
  public Path getWorkingDirectory() {
    return workingDir;
  }

  @Override
  public void setWorkingDirectory(Path dir) {
    workingDir = makeQualified(dir);
  }

  @Override
  public long getDefaultBlockSize(Path f) {
    return blockSize;
  }

  /** The store path of {@code p}: absolute and percent-decoded, as the core takes it. */
  String storePath(Path p) {
    return pathOf(makeQualified(p));
  }

  static String pathOf(Path qualified) {
    String s = qualified.toUri().getPath();
    return s.isEmpty() ? "/" : s;
  }

  /** A store path as it crosses JNI. */
  static byte[] utf8(String storePath) {
    return storePath.getBytes(StandardCharsets.UTF_8);
  }

  // ---- metadata (filec: as RawLocalFileSystem; s3c: no-ops, as S3A) ----

  @Override
  public void setPermission(Path p, FsPermission permission) throws IOException {
    metadata.set(utf8(storePath(p)), permission.toShort(), null, null, -1, -1);
  }

  @Override
  public void setOwner(Path p, String username, String groupname) throws IOException {
    if (username == null && groupname == null) { // as RawLocalFileSystem; one null: unchanged
      throw new IOException("setOwner " + qualifiedName(p) + ": username and groupname are both null");
    }
    metadata.set(utf8(storePath(p)), -1, username, groupname, -1, -1);
  }

  /** Times in ms since the epoch; -1 leaves one unchanged. */
  @Override
  public void setTimes(Path p, long mtime, long atime) throws IOException {
    metadata.set(utf8(storePath(p)), -1, null, null, mtime, atime);
  }

  /** The volume's capacity, used and remaining bytes (filec); S3 has no limit to report (FileSystem's answer). */
  @Override
  public FsStatus getStatus(Path p) throws IOException {
    FsStatus space = metadata.space();
    return space != null ? space : super.getStatus(p);
  }

  // ---- capabilities and lifecycle ----

  boolean atomicDirectoryRename() {
    return (capabilities & CAP_ATOMIC_DIR_RENAME) != 0;
  }

  @Override
  public boolean hasPathCapability(Path path, String capability) throws IOException {
    Boolean known = CommitCapabilities.known(makeQualified(path), capability, atomicDirectoryRename(),
        metadata.permissions(), (capabilities & CAP_ETAGS) != 0);
    return known != null ? known : super.hasPathCapability(path, capability);
  }

  /** No delegation tokens: Spark and YARN must not ask for any. */
  @Override
  public String getCanonicalServiceName() {
    return null;
  }

  /** Backend operation counters (requests or syscalls), {@code name=value} per line. */
  public String nativeCounters() throws IOException {
    return store.call(NativeFs::counters);
  }

  /** The native store's S3 requests or POSIX syscalls by kind, live (see {@link CommitStatistics}). */
  @Override
  public IOStatistics getIOStatistics() {
    return storeStatistics;
  }

  @Override
  public StorageStatistics getStorageStatistics() {
    return storeStatistics != null ? storeStatistics : super.getStorageStatistics();
  }

  @Override
  public void close() throws IOException {
    try {
      super.close();
    } finally {
      if (store != null) {
        store.close();
      }
    }
  }

  String qualifiedName(Path f) {
    return makeQualified(f).toString();
  }

  @Override
  public String toString() {
    return "CommitFileSystem{" + uri + "}";
  }
}
