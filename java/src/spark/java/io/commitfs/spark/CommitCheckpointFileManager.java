package io.commitfs.spark;

import java.io.IOException;
import java.util.EnumSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Abortable;
import org.apache.hadoop.fs.CreateFlag;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Options.CreateOpts;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.execution.streaming.checkpointing.CheckpointFileManager.CancellableFSDataOutputStream;
import org.apache.spark.sql.execution.streaming.checkpointing.FileContextBasedCheckpointFileManager;

/**
 * Structured Streaming's checkpoint manager (Spark 4.x) for commitfs paths. Spark writes every offset,
 * commit and state file as "temp file, then rename without overwrite" so that readers never see a partial
 * file and two writers of one batch cannot both win. commitfs's {@code create} already gives exactly that:
 * the file appears whole at close or never, {@code overwrite=false} is exclusive, and a cancelled write
 * publishes nothing. So {@code createAtomic} is one {@code create}: on S3 a LIST and a PUT instead of the
 * temp PUT, COPY, DELETE and the probes around them.
 *
 * <p>Paths on other filesystems keep Spark's temp file + rename. Enable with
 * {@code spark.sql.streaming.checkpointFileManagerClass=io.commitfs.spark.CommitCheckpointFileManager}.
 */
public class CommitCheckpointFileManager extends FileContextBasedCheckpointFileManager {
  static final String CAPABILITY = "fs.commitfs.capability.create.invisible-until-close";

  public CommitCheckpointFileManager(Path path, Configuration hadoopConf) {
    super(path, hadoopConf);
  }

  @Override
  public CancellableFSDataOutputStream createAtomic(Path path, boolean overwriteIfPossible) {
    if (!createIsAtomic(path)) {
      return super.createAtomic(path, overwriteIfPossible);
    }
    EnumSet<CreateFlag> flags = overwriteIfPossible
        ? EnumSet.of(CreateFlag.CREATE, CreateFlag.OVERWRITE) : EnumSet.of(CreateFlag.CREATE);
    FSDataOutputStream out;
    try {
      out = fc().create(path, flags, CreateOpts.createParent());
    } catch (IOException e) {
      // Spark's callers match on the type (FileAlreadyExistsException: another writer won the batch).
      throw sneaky(e);
    }
    return new CancellableFSDataOutputStream(out) {
      @Override
      public void cancel() {
        ((Abortable) out).abort();
      }
    };
  }

  private boolean createIsAtomic(Path path) {
    try {
      return fc().hasPathCapability(path, CAPABILITY);
    } catch (IOException e) {
      return false;
    }
  }

  /** Rethrows a checked exception unchecked, as Scala code (Spark's, which calls this) does. */
  @SuppressWarnings("unchecked")
  private static <E extends Throwable> RuntimeException sneaky(Throwable e) throws E {
    throw (E) e;
  }
}
