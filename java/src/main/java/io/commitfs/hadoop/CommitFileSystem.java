package io.commitfs.hadoop;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.CommonPathCapabilities;
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
  private static final int CAP_IMPLICIT_DIRECTORIES = 2;

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
    long handle = NativeFs.connect(scheme, authority, pairs);
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
      renameNative(s, d, NativeFs::rename);
      return true;
    } catch (FileNotFoundException | FileAlreadyExistsException | IllegalArgumentException e) {
      LOG.debug("rename {} to {} returns false", src, dst, e);
      return false;
    }
  }

  /** Rename exactly to {@code dst}, atomically failing with FileAlreadyExistsException if it exists. */
  public void renameNoReplace(Path src, Path dst) throws IOException {
    renameNative(utf8(storePath(src)), utf8(storePath(dst)), NativeFs::renameNoReplace);
  }

  /**
   * Rename exactly to {@code dst}, replacing it (FileContext's {@code Options.Rename.OVERWRITE} rules): a
   * file replaces a file atomically (readers see the old or the new one, never nothing); a directory
   * replaces only an empty directory, by delete then rename (not atomic). A file and a directory never
   * replace each other (IOException), nor does anything a non-empty directory.
   */
  public void renameReplace(Path src, Path dst) throws IOException {
    renameNative(utf8(storePath(src)), utf8(storePath(dst)), NativeFs::renameReplace);
  }

  /** One of NativeFs's renames: (store handle, source, destination). */
  private interface NativeRename {
    void apply(long store, byte[] src, byte[] dst) throws IOException;
  }

  private void renameNative(byte[] s, byte[] d, NativeRename rename) throws IOException {
    statistics.incrementWriteOps(1);
    store.call(h -> {
      rename.apply(h, s, d);
      return null;
    });
  }

  /**
   * FileSystem's rename with options, without the default's status probes and delete-then-rename:
   * {@code OVERWRITE} is {@link #renameReplace}, otherwise {@link #renameNoReplace}.
   */
  @Override
  @Deprecated
  protected void rename(Path src, Path dst, Options.Rename... options) throws IOException {
    if (overwrites(options)) {
      renameReplace(src, dst);
    } else {
      renameNoReplace(src, dst);
    }
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
    return new Listing(storePath(f));
  }

  @Override
  public RemoteIterator<LocatedFileStatus> listLocatedStatus(Path f) throws IOException {
    RemoteIterator<FileStatus> it = listStatusIterator(f);
    return new RemoteIterator<LocatedFileStatus>() {
      @Override
      public boolean hasNext() throws IOException {
        return it.hasNext();
      }

      @Override
      public LocatedFileStatus next() throws IOException {
        FileStatus s = it.next();
        return new LocatedFileStatus(s, s.isFile() ? getFileBlockLocations(s, 0, s.getLen()) : null);
      }
    };
  }

  private final class Listing implements RemoteIterator<FileStatus> {
    private final String dir;
    private final byte[] dirBytes;
    private StatusCodec.Page page;
    private int index;

    Listing(String dir) throws IOException {
      this.dir = dir;
      this.dirBytes = utf8(dir);
      statistics.incrementReadOps(1);
      this.page = fetch(null);
    }

    private StatusCodec.Page fetch(String after) throws IOException {
      return codec.page(store.call(h -> NativeFs.list(h, dirBytes, after, LIST_PAGE)), dir);
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
  }

  // ---- capabilities and lifecycle ----

  boolean atomicDirectoryRename() {
    return (capabilities & CAP_ATOMIC_DIR_RENAME) != 0;
  }

  boolean implicitDirectories() {
    return (capabilities & CAP_IMPLICIT_DIRECTORIES) != 0;
  }

  @Override
  public boolean hasPathCapability(Path path, String capability) throws IOException {
    switch (validatePathCapabilityArgs(makeQualified(path), capability)) {
      case CommonPathCapabilities.FS_APPEND:
      case CommonPathCapabilities.FS_CONCAT:
      case CommonPathCapabilities.FS_TRUNCATE:
      case CommonPathCapabilities.FS_CHECKSUMS:
      case CommonPathCapabilities.FS_SYMLINKS:
      case CommonPathCapabilities.FS_PERMISSIONS:
      case CommonPathCapabilities.FS_ACLS:
      case CommonPathCapabilities.FS_XATTRS:
      case CommonPathCapabilities.FS_SNAPSHOTS:
      case CommonPathCapabilities.FS_STORAGEPOLICY:
      case CommonPathCapabilities.FS_MULTIPART_UPLOADER:
      case CommonPathCapabilities.ETAGS_AVAILABLE:
        return false;
      case CommonPathCapabilities.FS_PATHHANDLES:
        return false;
      case CommonPathCapabilities.ABORTABLE_STREAM:
      case "fs.commitfs.capability.rename.noreplace":
      case "fs.commitfs.capability.create.exclusive":
      case CREATE_INVISIBLE_UNTIL_CLOSE:
        return true;
      case "fs.commitfs.capability.directory.rename.atomic":
        return atomicDirectoryRename();
      default:
        return super.hasPathCapability(path, capability);
    }
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

  /**
   * Nanoseconds the core itself takes for {@code n} status calls on {@code f}, with no JVM or JNI in the
   * loop: the benchmark compares it with {@code n} {@link #getFileStatus} calls to measure the JNI overhead.
   */
  public long coreStatusNanos(Path f, int n) throws IOException {
    byte[] p = utf8(storePath(f));
    return store.call(h -> NativeFs.coreStatusNanos(h, p, n));
  }

  /**
   * {nanoseconds, bytes} of one read of the whole of {@code f} by object_store alone, from Rust, on a
   * store of its own with this instance's configuration: the benchmark's baseline for sequential reads.
   */
  public long[] rawObjectRead(Path f) throws IOException {
    String authority = uri.getAuthority();
    return NativeFs.rawObjectRead(scheme, authority, StoreConfig.relevantPairs(getConf(), scheme), utf8(storePath(f)));
  }

  /**
   * Nanoseconds of one write of {@code bytes} bytes to {@code f} by object_store alone (one multipart
   * upload), from Rust, on a store of its own: the benchmark's baseline for sequential writes.
   */
  public long rawObjectWrite(Path f, long bytes) throws IOException {
    String authority = uri.getAuthority();
    return NativeFs.rawObjectWrite(scheme, authority, StoreConfig.relevantPairs(getConf(), scheme), utf8(storePath(f)),
        bytes);
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
