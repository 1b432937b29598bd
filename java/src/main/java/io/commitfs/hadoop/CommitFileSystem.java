package io.commitfs.hadoop;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.CreateFlag;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.ParentNotDirectoryException;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.fs.StorageStatistics;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.fs.statistics.IOStatistics;
import org.apache.hadoop.fs.statistics.IOStatisticsSource;
import org.apache.hadoop.security.UserGroupInformation;
import org.apache.hadoop.util.Progressable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hadoop FileSystem for {@code s3c://bucket/key}, {@code filec:///abs/path} and any scheme mapped by
 * {@code fs.commitfs.scheme.<scheme>.backend}. The rules (exclusive create, invisible until close, atomic
 * rename without overwrite) live in the Rust core; this class adapts Hadoop's API to them. Instances
 * share one native store per scheme, authority and configuration; {@link #close()} frees only this
 * instance's handle. {@link #getIOStatistics()} and {@link #getStorageStatistics()} report the native
 * store's requests or syscalls ({@link CommitStatistics}); {@code FileSystem.Statistics} counts Hadoop-level
 * operations and bytes as every FileSystem does.
 */
public class CommitFileSystem extends FileSystem implements IOStatisticsSource {
  /**
   * Our own logger: {@code FileSystem.LOG} is an slf4j Logger from Hadoop 3.4 on but commons-logging's Log
   * in 3.3 (Spark 3.5's client), where using it as slf4j fails with NoSuchFieldError.
   */
  private static final Logger LOG = LoggerFactory.getLogger(CommitFileSystem.class);
  /** Entries fetched per JNI call when listing. */
  static final int LIST_PAGE = 1000;
  /**
   * Path capability: a file written through {@code create} appears whole at {@code close} or not at all
   * (also after a crash), and an aborted stream publishes nothing. A temp file + rename adds nothing then.
   */
  public static final String CREATE_INVISIBLE_UNTIL_CLOSE = "fs.commitfs.capability.create.invisible-until-close";
  private static final int CAP_ATOMIC_DIR_RENAME = 1;

  private String scheme;
  private URI uri;
  private Path workingDir;
  private NativeObject store;
  private int capabilities;
  private StatusCodec codec;
  private long blockSize;
  private int readBuffer;
  private int writeBuffer;
  private CommitStatistics storeStatistics;

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
    scheme = name.getScheme().toLowerCase(java.util.Locale.ROOT);
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
    }
    store = new NativeObject(this, "filesystem " + uri, handle, NativeFs::release);
    capabilities = store.call(NativeFs::capabilities);
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

  private static String pathOf(Path qualified) {
    String s = qualified.toUri().getPath();
    return s.isEmpty() ? "/" : s;
  }

  /** A store path as it crosses JNI. */
  static byte[] utf8(String storePath) {
    return storePath.getBytes(StandardCharsets.UTF_8);
  }

  // ---- reading and writing ----

  @Override
  public FSDataInputStream open(Path f, int bufferSize) throws IOException {
    byte[] p = utf8(storePath(f));
    statistics.incrementReadOps(1);
    long reader = store.call(h -> NativeFs.openReader(h, p));
    return new FSDataInputStream(CommitInputStream.open(qualifiedName(f), reader, readBuffer, statistics));
  }

  @Override
  public FSDataOutputStream create(Path f, FsPermission permission, boolean overwrite, int bufferSize,
      short replication, long blockSize, Progressable progress) throws IOException {
    byte[] p = utf8(storePath(f));
    statistics.incrementWriteOps(1);
    long writer = store.call(h -> NativeFs.create(h, p, overwrite));
    return new FSDataOutputStream(new CommitOutputStream(qualifiedName(f), writer, writeBuffer), statistics);
  }

  @Override
  public FSDataOutputStream createNonRecursive(Path f, FsPermission permission, EnumSet<CreateFlag> flags,
      int bufferSize, short replication, long blockSize, Progressable progress) throws IOException {
    Path parent = makeQualified(f).getParent();
    if (parent != null) {
      FileStatus ps;
      try {
        ps = getFileStatus(parent);
      } catch (FileNotFoundException e) {
        throw new FileNotFoundException("cannot create " + qualifiedName(f) + ": parent directory " + parent
            + " does not exist (createNonRecursive)");
      }
      if (!ps.isDirectory()) {
        throw new ParentNotDirectoryException("cannot create " + qualifiedName(f) + ": parent " + parent + " is a file");
      }
    }
    return create(f, permission, flags.contains(CreateFlag.OVERWRITE), bufferSize, replication, blockSize, progress);
  }

  /**
   * FileContext's create. Hadoop's default first asks {@code exists(f)} to validate the flags; our create
   * already refuses an existing file without OVERWRITE (atomically, at open and again at commit), so only
   * OVERWRITE without CREATE, which needs the file to exist, pays that probe. (Deprecated in FileSystem,
   * but DelegateToFileSystem, hence every FileContext create, still calls it.)
   */
  @Override
  @SuppressWarnings("deprecation")
  protected FSDataOutputStream primitiveCreate(Path f, FsPermission absolutePermission, EnumSet<CreateFlag> flags,
      int bufferSize, short replication, long blockSize, Progressable progress, Options.ChecksumOpt checksumOpt)
      throws IOException {
    if (flags.contains(CreateFlag.APPEND)) {
      return append(f, bufferSize, progress);
    }
    if (!flags.contains(CreateFlag.CREATE)) {
      CreateFlag.validate(f, exists(f), flags);
    }
    return create(f, absolutePermission, flags.contains(CreateFlag.OVERWRITE), bufferSize, replication, blockSize,
        progress);
  }

  @Override
  public FSDataOutputStream append(Path f, int bufferSize, Progressable progress) throws IOException {
    throw new UnsupportedOperationException("append is not supported by commitfs (" + qualifiedName(f)
        + "): files are immutable once closed; write a new file instead");
  }

  @Override
  public void concat(Path trg, Path[] psrcs) throws IOException {
    throw new UnsupportedOperationException("concat is not supported by commitfs (" + qualifiedName(trg) + ")");
  }

  @Override
  public boolean truncate(Path f, long newLength) throws IOException {
    throw new UnsupportedOperationException("truncate is not supported by commitfs (" + qualifiedName(f)
        + "): files are immutable once closed");
  }

  // ---- namespace ----

  /**
   * Hadoop's rename: into {@code dst} when it is a directory, never overwriting. Returns false where
   * HDFS does (missing source or destination parent, existing destination, a directory into itself, the
   * root); other failures throw.
   */
  @Override
  public boolean rename(Path src, Path dst) throws IOException {
    byte[] s = utf8(storePath(src)); // a path of another filesystem throws here, as everywhere
    byte[] d = utf8(storePath(dst));
    try {
      rename(s, d, NativeFs.RENAME_INTO);
      return true;
    } catch (FileNotFoundException | FileAlreadyExistsException | IllegalArgumentException e) {
      LOG.debug("rename {} to {} returns false", src, dst, e);
      return false;
    }
  }

  /**
   * FileSystem's rename with options, without the default's status probes and delete-then-rename:
   * exactly to {@code dst}. Without {@code OVERWRITE} it fails with FileAlreadyExistsException if anything
   * is there, atomically. With it ({@code Options.Rename.OVERWRITE} rules) a file replaces a file
   * atomically (readers see the old or the new one, never nothing); a directory replaces only an empty
   * directory, by delete then rename (not atomic); a file and a directory never replace each other
   * (IOException), nor does anything a non-empty directory.
   */
  @Override
  @Deprecated
  protected void rename(Path src, Path dst, Options.Rename... options) throws IOException {
    rename(src, dst, overwrites(options) ? NativeFs.RENAME_REPLACE : NativeFs.RENAME_EXACT);
  }

  /** The core's one rename; {@code mode} is one of {@code NativeFs.RENAME_*}. */
  void rename(Path src, Path dst, int mode) throws IOException {
    rename(utf8(storePath(src)), utf8(storePath(dst)), mode);
  }

  private void rename(byte[] s, byte[] d, int mode) throws IOException {
    statistics.incrementWriteOps(1);
    store.call(h -> {
      NativeFs.rename(h, s, d, mode);
      return null;
    });
  }

  private static boolean overwrites(Options.Rename... options) {
    if (options != null) {
      for (Options.Rename o : options) {
        if (o == Options.Rename.OVERWRITE) {
          return true;
        }
      }
    }
    return false;
  }

  @Override
  public boolean delete(Path f, boolean recursive) throws IOException {
    byte[] p = utf8(storePath(f));
    statistics.incrementWriteOps(1);
    return store.call(h -> NativeFs.delete(h, p, recursive));
  }

  @Override
  public boolean mkdirs(Path f, FsPermission permission) throws IOException {
    byte[] p = utf8(storePath(f));
    statistics.incrementWriteOps(1);
    store.call(h -> {
      NativeFs.mkdirs(h, p);
      return null;
    });
    return true;
  }

  /** The status crosses JNI as primitives; its Path is the caller's, qualified (no URI re-parsed). */
  @Override
  public FileStatus getFileStatus(Path f) throws IOException {
    Path q = makeQualified(f);
    byte[] p = utf8(pathOf(q));
    statistics.incrementReadOps(1);
    long[] slots = new long[NativeFs.STATUS_SLOTS];
    store.call(h -> {
      NativeFs.status(h, p, slots);
      return null;
    });
    return codec.status(q, slots);
  }

  @Override
  public boolean exists(Path f) throws IOException {
    byte[] p = utf8(storePath(f));
    statistics.incrementReadOps(1);
    return store.call(h -> NativeFs.exists(h, p));
  }

  @Override
  public FileStatus[] listStatus(Path f) throws IOException {
    List<FileStatus> all = new ArrayList<>();
    RemoteIterator<FileStatus> it = listStatusIterator(f);
    while (it.hasNext()) {
      all.add(it.next());
    }
    return all.toArray(new FileStatus[0]);
  }

  /** Fetches {@value #LIST_PAGE} entries per native call, the first page eagerly (so a missing path fails here). */
  @Override
  public RemoteIterator<FileStatus> listStatusIterator(Path f) throws IOException {
    return new CommitListing(store, codec, statistics, storePath(f), LIST_PAGE);
  }

  @Override
  public RemoteIterator<LocatedFileStatus> listLocatedStatus(Path f) throws IOException {
    return CommitListing.located(listStatusIterator(f), s -> getFileBlockLocations(s, 0, s.getLen()));
  }

  // ---- capabilities and lifecycle ----

  boolean atomicDirectoryRename() {
    return (capabilities & CAP_ATOMIC_DIR_RENAME) != 0;
  }

  @Override
  public boolean hasPathCapability(Path path, String capability) throws IOException {
    Boolean known = CommitCapabilities.known(
        validatePathCapabilityArgs(makeQualified(path), capability), atomicDirectoryRename());
    return known != null ? known : super.hasPathCapability(path, capability);
  }

  private static String validatePathCapabilityArgs(Path path, String capability) {
    return org.apache.hadoop.fs.impl.PathCapabilitiesSupport.validatePathCapabilityArgs(path, capability);
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

  private String qualifiedName(Path f) {
    return makeQualified(f).toString();
  }

  @Override
  public String toString() {
    return "CommitFileSystem{" + uri + "}";
  }
}
