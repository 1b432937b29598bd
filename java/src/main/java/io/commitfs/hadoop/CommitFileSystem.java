package io.commitfs.hadoop;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.util.EnumSet;
import java.util.concurrent.CompletableFuture;
import org.apache.hadoop.fs.ContentSummary;
import org.apache.hadoop.fs.CreateFlag;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FSDataOutputStreamBuilder;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.fs.impl.OpenFileParameters;
import org.apache.hadoop.fs.permission.FsPermission;
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
public class CommitFileSystem extends StoreFileSystem {
  /**
   * Our own logger: {@code FileSystem.LOG} is an slf4j Logger from Hadoop 3.4 on but commons-logging's Log
   * in 3.3 (Spark 3.5's client), where using it as slf4j fails with NoSuchFieldError.
   */
  private static final Logger LOG = LoggerFactory.getLogger(CommitFileSystem.class);

  // ---- reading and writing ----

  @Override
  public FSDataInputStream open(Path f, int bufferSize) throws IOException {
    return openWithBuffer(f, readBuffer);
  }

  private FSDataInputStream openWithBuffer(Path f, int buffer) throws IOException {
    byte[] p = utf8(storePath(f));
    statistics.incrementReadOps(1);
    long reader = store.call(h -> NativeFs.openReader(h, p));
    return new FSDataInputStream(CommitInputStream.open(qualifiedName(f), reader, buffer, statistics));
  }

  /** Opens at once with the buffer the read policy asks for ({@link OpenFileOptions}), probing nothing. */
  @Override
  protected CompletableFuture<FSDataInputStream> openFileWithOptions(Path path, OpenFileParameters parameters)
      throws IOException {
    int buffer = OpenFileOptions.readBuffer(parameters.getMandatoryKeys(), parameters.getOptions(), readBuffer,
        qualifiedName(path));
    CompletableFuture<FSDataInputStream> opened = new CompletableFuture<>();
    try { // Hadoop's contract: an open failure surfaces through the future, unknown keys at build()
      opened.complete(openWithBuffer(path, buffer));
    } catch (IOException | RuntimeException e) {
      opened.completeExceptionally(e);
    }
    return opened;
  }

  @Override
  public FSDataOutputStream create(Path f, FsPermission permission, boolean overwrite, int bufferSize,
      short replication, long blockSize, Progressable progress) throws IOException {
    return create(f, permission, overwrite, false);
  }

  /** {@code performance}: skip the open-time probes for this call ({@link CommitCreateBuilder}). */
  FSDataOutputStream create(Path f, FsPermission permission, boolean overwrite, boolean performance)
      throws IOException {
    byte[] p = utf8(storePath(f));
    statistics.incrementWriteOps(1);
    int mode = metadata.mode(permission, FsPermission.getFileDefault(), getConf());
    int parents = metadata.mode(null, FsPermission.getDirDefault(), getConf());
    long writer = store.call(h -> NativeFs.create(h, p, overwrite, mode, parents, performance));
    return new FSDataOutputStream(new CommitOutputStream(qualifiedName(f), writer, writeBuffer), statistics);
  }

  @Override
  @SuppressWarnings("rawtypes") // FileSystem's own signature
  public FSDataOutputStreamBuilder createFile(Path path) {
    return new CommitCreateBuilder(this, path);
  }

  @Override
  public FSDataOutputStream createNonRecursive(Path f, FsPermission permission, EnumSet<CreateFlag> flags,
      int bufferSize, short replication, long blockSize, Progressable progress) throws IOException {
    CreateRules.requireParentDirectory(this, makeQualified(f));
    return create(f, permission, flags.contains(CreateFlag.OVERWRITE), bufferSize, replication, blockSize, progress);
  }

  /**
   * FileContext's create, with Hadoop's flag rules ({@link CreateRules#appends}). (Deprecated in
   * FileSystem, but DelegateToFileSystem, hence every FileContext create, still calls it.)
   */
  @Override
  @SuppressWarnings("deprecation")
  protected FSDataOutputStream primitiveCreate(Path f, FsPermission absolutePermission, EnumSet<CreateFlag> flags,
      int bufferSize, short replication, long blockSize, Progressable progress, Options.ChecksumOpt checksumOpt)
      throws IOException {
    if (CreateRules.appends(this, f, flags)) {
      return append(f, bufferSize, progress);
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
   * FileSystem's rename with options, without the default's probes and delete-then-rename: exactly to
   * {@code dst}; FileAlreadyExistsException if anything is there, or with {@code OVERWRITE} a file replaced
   * atomically, an empty directory by delete then rename (the table in rust/core/src/fs/rename.rs).
   */
  @Override
  @Deprecated
  protected void rename(Path src, Path dst, Options.Rename... options) throws IOException {
    rename(src, dst, renameMode(options));
  }

  /**
   * The mode of FileSystem's rename with options: replace with {@code OVERWRITE}, else exact. Here, not in
   * NativeFs: the JNI class names no Hadoop type, so it loads in a class loader without Hadoop.
   */
  private static int renameMode(Options.Rename... options) {
    if (options != null) {
      for (Options.Rename o : options) {
        if (o == Options.Rename.OVERWRITE) {
          return NativeFs.RENAME_REPLACE;
        }
      }
    }
    return NativeFs.RENAME_EXACT;
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

  @Override
  public boolean delete(Path f, boolean recursive) throws IOException {
    byte[] p = utf8(storePath(f));
    statistics.incrementWriteOps(1);
    return store.call(h -> NativeFs.delete(h, p, recursive));
  }

  /** As RawLocalFileSystem: {@code permission} (default 0777) less the umask for {@code f}, 0777 less it for parents. */
  @Override
  public boolean mkdirs(Path f, FsPermission permission) throws IOException {
    byte[] p = utf8(storePath(f));
    statistics.incrementWriteOps(1);
    int leaf = metadata.mode(permission, FsPermission.getDirDefault(), getConf());
    int parents = metadata.mode(null, FsPermission.getDirDefault(), getConf());
    store.call(h -> {
      NativeFs.mkdirs(h, p, leaf, parents);
      return null;
    });
    return true;
  }

  /**
   * The status crosses JNI as primitives; its Path is the caller's, qualified (no URI re-parsed). Asked
   * of a file mostly (on S3 one HEAD; a directory costs HEAD + LIST, as on S3A).
   */
  @Override
  public FileStatus getFileStatus(Path f) throws IOException {
    return status(f, true);
  }

  /** {@code fileFirst} false: one look that answers file, directory and nothing alike (on S3 one LIST). */
  FileStatus status(Path f, boolean fileFirst) throws IOException {
    Path q = makeQualified(f);
    byte[] p = utf8(pathOf(q));
    statistics.incrementReadOps(1);
    long[] slots = new long[NativeFs.STATUS_SLOTS];
    String etag = store.call(h -> NativeFs.status(h, p, slots, fileFirst));
    return codec.status(q, slots, etag);
  }

  @Override
  public boolean exists(Path f) throws IOException {
    byte[] p = utf8(storePath(f));
    statistics.incrementReadOps(1);
    return store.call(h -> NativeFs.exists(h, p));
  }

  @Override
  public FileStatus[] listStatus(Path f) throws IOException {
    return CommitListing.all(listStatusIterator(f));
  }

  /** Fetches the store's page per native call, the first page eagerly (so a missing path fails here). */
  @Override
  public RemoteIterator<FileStatus> listStatusIterator(Path f) throws IOException {
    return new CommitListing(store, codec, statistics, storePath(f), LIST_PAGE);
  }

  /** Recursive on a store that lists trees flat (s3c): one LIST per page of keys ({@link TreeListing}). */
  @Override
  public RemoteIterator<LocatedFileStatus> listFiles(Path f, boolean recursive) throws IOException {
    if (!recursive || (capabilities & CAP_FLAT_LISTING) == 0) {
      return super.listFiles(f, recursive);
    }
    return CommitListing.located(TreeListing.files(treeListing(f)), s -> getFileBlockLocations(s, 0, s.getLen()));
  }

  @Override
  public ContentSummary getContentSummary(Path f) throws IOException {
    boolean flat = (capabilities & CAP_FLAT_LISTING) != 0;
    return flat ? TreeListing.summary(makeQualified(f), treeListing(f)) : super.getContentSummary(f);
  }

  private RemoteIterator<FileStatus> treeListing(Path f) throws IOException {
    return new CommitListing(store, codec, statistics, storePath(f), LIST_PAGE, true);
  }

  @Override
  public RemoteIterator<LocatedFileStatus> listLocatedStatus(Path f) throws IOException {
    return CommitListing.located(listStatusIterator(f), s -> getFileBlockLocations(s, 0, s.getLen()));
  }

}
