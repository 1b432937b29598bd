package io.commitfs.hadoop;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.DelegateToFileSystem;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;

/**
 * FileContext binding ({@code fs.AbstractFileSystem.<scheme>.impl}). FileContext builds one of these per
 * call and never closes it, so construction is a look-up of the shared native store. Renames go
 * straight to the core's atomic rename (no overwrite) or replace (overwrite) instead of Hadoop's
 * check-then-rename, which is what makes Spark's FileContext-based checkpoint manager safe.
 */
public class CommitFs extends DelegateToFileSystem {
  public CommitFs(URI uri, Configuration conf) throws IOException, URISyntaxException {
    super(uri, new CommitFileSystem(), conf, uri.getScheme(), false);
  }

  @Override
  public int getUriDefaultPort() {
    return -1;
  }

  /**
   * Both flavours go straight to the core: without overwrite its atomic no-replace rename; with
   * overwrite (how Spark commits state-store deltas) its replace, atomic for a file, instead of Hadoop's
   * generic status probes then delete(dst) then rename, which leaves a moment with no {@code dst}.
   */
  @Override
  public void renameInternal(Path src, Path dst, boolean overwrite) throws IOException {
    checkPath(src);
    checkPath(dst);
    ((CommitFileSystem) fsImpl).rename(src, dst, overwrite ? NativeFs.RENAME_REPLACE : NativeFs.RENAME_EXACT);
  }

  /**
   * FileContext's status is how Hadoop and Spark spell the parent check of {@code create} and
   * {@code util().exists} (Spark's FileContext checkpoint managers, the HADOOP-16255 {@code .crc} check):
   * paths that are mostly directories or absent, so the one look that answers all three (on S3 one LIST)
   * instead of {@link CommitFileSystem#getFileStatus}'s HEAD first, which would cost those HEAD + LIST.
   */
  @Override
  public FileStatus getFileStatus(Path f) throws IOException {
    checkPath(f);
    return ((CommitFileSystem) fsImpl).status(f, false);
  }

  /** No symlinks: the status itself, in the same one look. */
  @Override
  public FileStatus getFileLinkStatus(Path f) throws IOException {
    return getFileStatus(f);
  }

  @Override
  public String toString() {
    return "CommitFs{" + fsImpl + "}";
  }
}
