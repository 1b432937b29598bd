package io.commitfs.spark;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.execution.streaming.CheckpointFileManager.CancellableFSDataOutputStream;
import org.apache.spark.sql.execution.streaming.FileContextBasedCheckpointFileManager;

/**
 * {@code CommitCheckpointFileManager} for Spark 3.5, whose checkpoint classes live one package up:
 * {@code spark.sql.streaming.checkpointFileManagerClass=io.commitfs.spark.Spark35CommitCheckpointFileManager}.
 */
public class Spark35CommitCheckpointFileManager extends FileContextBasedCheckpointFileManager {
  private final Configuration hadoopConf;

  public Spark35CommitCheckpointFileManager(Path path, Configuration hadoopConf) {
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
