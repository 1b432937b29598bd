package io.commitfs.spark;

import io.commitfs.hadoop.CommitFileSystem;
import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Abortable;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * What commitfs's checkpoint managers (one per Spark line: Spark moved its classes between 3.5 and 4.x)
 * share, with no Spark class in sight. Spark writes every offset, commit and state file as "temp file,
 * then rename without overwrite" so that readers never see a partial file and two writers of one batch
 * cannot both win. commitfs's {@code create} already gives exactly that: the file appears whole at close
 * or never, {@code overwrite=false} is exclusive, and a cancelled write publishes nothing.
 */
public final class CheckpointCreate {
  private CheckpointCreate() {}

  /** Whether one create at {@code path} is as atomic as Spark's temp file + rename. */
  public static boolean isAtomic(FileContext fc, Path path) {
    try {
      return fc.hasPathCapability(path, CommitFileSystem.CREATE_INVISIBLE_UNTIL_CLOSE);
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * The one create, through the FileSystem serving {@code path}, with the create's "is a directory there?"
   * probe skipped ({@code create.performance} for this call only): a checkpoint file is a name Spark chose
   * under a directory it created, so the answer cannot be yes, and on S3 the probe is a LIST ($0.005)
   * per file. What stays: the file appears whole at close or never; without {@code overwriteIfPossible}
   * the create is exclusive: the conditional PUT ({@code If-None-Match: *}) at close decides, and a lost
   * race is a FileAlreadyExistsException from {@code close}, where Spark's own temp file + rename reports
   * it too (HDFSMetadataLog catches it around the write and the close). Either way a checkpoint file is one
   * request. IOExceptions leave unchecked, as from Scala code: Spark's callers match on the type
   * (FileAlreadyExistsException: another writer won the batch).
   */
  public static FSDataOutputStream create(Configuration conf, Path path, boolean overwriteIfPossible) {
    try {
      FileSystem fs = path.getFileSystem(conf);
      // createFile's builder is a raw type in FileSystem's signature: build() answers Object
      return (FSDataOutputStream) fs.createFile(path).overwrite(overwriteIfPossible).recursive()
          .opt("fs." + fs.getScheme() + ".create.performance", true).build();
    } catch (IOException e) {
      throw CheckpointCreate.<RuntimeException>sneaky(e);
    }
  }

  /** Spark's cancel: nothing is published. */
  public static void cancel(FSDataOutputStream out) {
    ((Abortable) out).abort();
  }

  @SuppressWarnings("unchecked")
  private static <E extends Throwable> E sneaky(Throwable e) throws E {
    throw (E) e;
  }
}
