package io.commitfs.spark;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.execution.streaming.checkpointing.CheckpointFileManager.CancellableFSDataOutputStream;
import org.apache.spark.sql.execution.streaming.checkpointing.FileContextBasedCheckpointFileManager;

/**
 * Structured Streaming's checkpoint manager (Spark 4.x) for commitfs paths: {@code createAtomic} is one
 * {@code create} (see {@link CheckpointCreate}), on S3 one PUT (conditional when exclusive) instead of
 * the temp PUT, COPY, DELETE and the probes around them. Paths on other filesystems keep Spark's temp file + rename. Enable
 * with {@code spark.sql.streaming.checkpointFileManagerClass=io.commitfs.spark.CommitCheckpointFileManager};
 * on Spark 3.5 use {@code io.commitfs.spark.Spark35CommitCheckpointFileManager}.
 */
public class CommitCheckpointFileManager extends FileContextBasedCheckpointFileManager {
  private final Configuration hadoopConf;

  public CommitCheckpointFileManager(Path path, Configuration hadoopConf) {
    super(path, hadoopConf);
    this.hadoopConf = hadoopConf;
  }

  @Override
  public CancellableFSDataOutputStream createAtomic(Path path, boolean overwriteIfPossible) {
    if (!CheckpointCreate.isAtomic(fc(), path)) {
      return super.createAtomic(path, overwriteIfPossible);
    }
    // Not named `out`: inside the subclass that name is FilterOutputStream's field (Spark's wrapper).
    FSDataOutputStream created = CheckpointCreate.create(hadoopConf, path, overwriteIfPossible);
    return new CancellableFSDataOutputStream(created) {
      @Override
      public void cancel() {
        CheckpointCreate.cancel(created);
      }
    };
  }
}
