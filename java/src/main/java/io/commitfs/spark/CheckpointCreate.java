package io.commitfs.spark;

import io.commitfs.hadoop.CommitFileSystem;
import java.io.IOException;
import java.util.EnumSet;
import org.apache.hadoop.fs.Abortable;
import org.apache.hadoop.fs.CreateFlag;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.Options.CreateOpts;
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
   * The one create. IOExceptions leave unchecked, as from Scala code: Spark's callers match on the type
   * (FileAlreadyExistsException: another writer won the batch).
   */
  public static FSDataOutputStream create(FileContext fc, Path path, boolean overwriteIfPossible) {
    EnumSet<CreateFlag> flags = overwriteIfPossible
        ? EnumSet.of(CreateFlag.CREATE, CreateFlag.OVERWRITE) : EnumSet.of(CreateFlag.CREATE);
    try {
      return fc.create(path, flags, CreateOpts.createParent());
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
