package io.commitfs.hadoop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.commitfs.spark.CheckpointCreate;
import io.commitfs.spark.CommitCheckpointFileManager;
import java.net.URI;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.execution.streaming.checkpointing.CheckpointFileManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Spark-free half of commitfs's checkpoint managers, through FileContext as Spark calls it. */
class CheckpointCreateTest {
  @TempDir
  java.nio.file.Path root;

  private FileContext context() throws Exception {
    return FileContext.getFileContext(URI.create("filec:///"), CommitFileSystemTest.filecConf(root));
  }

  @Test
  void oneCreateIsAtomicOnCommitfsPathsOnly() throws Exception {
    assertTrue(CheckpointCreate.isAtomic(context(), new Path("/ckpt/offsets/0")));
    FileContext local = FileContext.getFileContext(URI.create("file:///"), new Configuration());
    assertFalse(CheckpointCreate.isAtomic(local, new Path(root.toUri().getPath(), "x")),
        "file:// keeps Spark's temp file + rename");
  }

  @Test
  void aCancelledCreatePublishesNothingAndAWinnerKeepsTheName() throws Exception {
    Path p = new Path("/ckpt/commits/3");
    FSDataOutputStream cancelled = CheckpointCreate.create(context(), p, false);
    cancelled.write(new byte[4096]);
    CheckpointCreate.cancel(cancelled);
    cancelled.close();
    assertFalse(context().util().exists(p), "cancel publishes nothing, not even at a later close");

    try (FSDataOutputStream out = CheckpointCreate.create(context(), p, false)) {
      out.write(1);
    }
    assertThrows(FileAlreadyExistsException.class, () -> CheckpointCreate.create(context(), p, false),
        "another writer of the same batch loses, with the type Spark matches on");
    try (FSDataOutputStream out = CheckpointCreate.create(context(), p, true)) {
      out.write(new byte[] {2, 3});
    }
    assertEquals(2, context().getFileStatus(p).getLen(), "overwriteIfPossible replaces");
  }

  /** Through Spark's own classes: Spark cancels a failed or aborted checkpoint write this way. */
  @Test
  void sparksCancelAbortsTheCommitfsStream() throws Exception {
    Path p = new Path("filec:///ckpt/state/0/1.delta");
    CommitCheckpointFileManager manager = new CommitCheckpointFileManager(p.getParent(), CommitFileSystemTest.filecConf(root));
    CheckpointFileManager.CancellableFSDataOutputStream out = manager.createAtomic(p, true);
    out.write(new byte[1024]);
    out.cancel();
    assertFalse(manager.exists(p), "nothing published");
    CheckpointFileManager.CancellableFSDataOutputStream kept = manager.createAtomic(p, false);
    kept.write(5);
    kept.close();
    assertTrue(manager.exists(p));
    assertThrows(FileAlreadyExistsException.class, () -> manager.createAtomic(p, false));
  }
}
