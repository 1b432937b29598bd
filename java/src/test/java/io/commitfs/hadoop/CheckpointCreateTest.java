package io.commitfs.hadoop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.commitfs.hadoop.contract.S3Server;
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
    Configuration conf = CommitFileSystemTest.filecConf(root);
    Path p = new Path("filec:///ckpt/commits/3");
    FSDataOutputStream cancelled = CheckpointCreate.create(conf, p, false);
    cancelled.write(new byte[4096]);
    CheckpointCreate.cancel(cancelled);
    cancelled.close();
    assertFalse(context().util().exists(p), "cancel publishes nothing, not even at a later close");

    try (FSDataOutputStream out = CheckpointCreate.create(conf, p, false)) {
      out.write(1);
    }
    assertThrows(FileAlreadyExistsException.class, () -> CheckpointCreate.create(conf, p, false),
        "another writer of the same batch loses, with the type Spark matches on");
    try (FSDataOutputStream out = CheckpointCreate.create(conf, p, true)) {
      out.write(new byte[] {2, 3});
    }
    assertEquals(2, context().getFileStatus(p).getLen(), "overwriteIfPossible replaces");
  }

  /**
   * On S3 a checkpoint file costs one request, the PUT (conditional when exclusive): no probe, the manager's
   * paths being files Spark names under directories it created. Two writers of one batch: one wins, the
   * other's close throws FileAlreadyExistsException naming the path (where Spark's own temp file + rename
   * throws it too), and the winner's bytes stay.
   */
  @Test
  void aCheckpointFileIsOnePutOnS3() throws Exception {
    S3Server server = S3Stores.orSkip("seaweed");
    Configuration conf = S3Stores.s3cConf(server);
    Path dir = new Path("s3c://" + server.bucket + "/ckpt-" + java.util.UUID.randomUUID() + "/state/0/1");
    CommitCheckpointFileManager manager = new CommitCheckpointFileManager(dir, conf);
    CommitFileSystem fs = (CommitFileSystem) dir.getFileSystem(conf);
    long before = requests(fs);
    try (CheckpointFileManager.CancellableFSDataOutputStream out = manager.createAtomic(new Path(dir, "1.delta"), true)) {
      out.write(1);
    }
    assertEquals(1, requests(fs) - before, "overwriting checkpoint file: the PUT alone; " + fs.nativeCounters());
    before = requests(fs);
    try (CheckpointFileManager.CancellableFSDataOutputStream out = manager.createAtomic(new Path(dir, "2.delta"), false)) {
      out.write(2);
    }
    assertEquals(1, requests(fs) - before, "exclusive checkpoint file: the conditional PUT alone; " + fs.nativeCounters());
    CheckpointFileManager.CancellableFSDataOutputStream loser = manager.createAtomic(new Path(dir, "2.delta"), false);
    loser.write(3);
    FileAlreadyExistsException lost = assertThrows(FileAlreadyExistsException.class, loser::close);
    assertTrue(lost.getMessage().contains("2.delta"), lost.getMessage());
    loser.cancel(); // what Spark's HDFSMetadataLog does after a lost race: nothing is published
    try (org.apache.hadoop.fs.FSDataInputStream in = fs.open(new Path(dir, "2.delta"))) {
      assertEquals(2, in.read(), "the winner's byte stays");
    }
    fs.delete(dir.getParent().getParent(), true);
  }

  private static long requests(CommitFileSystem fs) throws java.io.IOException {
    for (String line : fs.nativeCounters().split("\n")) {
      if (line.startsWith("requests=")) {
        return Long.parseLong(line.substring("requests=".length()));
      }
    }
    throw new AssertionError("no request counter in " + fs.nativeCounters());
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
