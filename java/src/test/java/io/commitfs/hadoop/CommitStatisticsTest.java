package io.commitfs.hadoop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.StorageStatistics;
import org.apache.hadoop.fs.statistics.IOStatistics;
import org.apache.hadoop.fs.statistics.IOStatisticsSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The core's counters through IOStatistics and StorageStatistics: what one commit and one rename cost. */
class CommitStatisticsTest {
  @TempDir
  java.nio.file.Path root;
  private FileSystem fs;
  private IOStatistics stats;

  @BeforeEach
  void open() throws IOException {
    Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx------"));
    fs = FileSystem.get(URI.create("filec:///"), CommitFileSystemTest.filecConf(root));
    stats = ((IOStatisticsSource) fs).getIOStatistics();
    fs.mkdirs(new Path("/d"));
  }

  @AfterEach
  void close() throws IOException {
    fs.close();
  }

  /** Counters that moved since {@code before}, by how much. */
  private Map<String, Long> delta(Map<String, Long> before) {
    Map<String, Long> moved = new TreeMap<>();
    stats.counters().forEach((k, v) -> {
      long d = v - before.getOrDefault(k, 0L);
      if (d != 0) {
        moved.put(k, d);
      }
    });
    return moved;
  }

  private static long get(Map<String, Long> m, String name) {
    return m.getOrDefault(name, 0L);
  }

  @Test
  @SuppressWarnings("deprecation")
  void createAndCloseCostsOneTempFileOneRenameAndTwoFsyncs() throws IOException {
    FileSystem.Statistics hadoopStats = FileSystem.getStatistics("filec", CommitFileSystem.class);
    long bytesBefore = hadoopStats.getBytesWritten();
    Map<String, Long> before = stats.counters();
    try (FSDataOutputStream out = fs.create(new Path("/d/f"), false)) {
      out.write(new byte[] {1, 2, 3});
    }
    Map<String, Long> d = delta(before);
    assertEquals(1, get(d, "commitfs_syscall_write"), d::toString);
    assertEquals(1, get(d, "commitfs_syscall_fchmod"), d::toString);
    assertEquals(1, get(d, "commitfs_syscall_rename") + get(d, "commitfs_syscall_link"), d::toString);
    assertEquals(2, get(d, "commitfs_syscall_fsync"), "file and directory: " + d);
    assertEquals(2, get(d, "commitfs_syscall_open"), "temp file and directory (for its fsync): " + d);
    assertEquals(2, get(d, "commitfs_syscall_stat"), "open-time checks of the path and its parent: " + d);
    long sum = d.entrySet().stream().filter(e -> e.getKey().startsWith(CommitStatistics.SYSCALL_PREFIX))
        .mapToLong(Map.Entry::getValue).sum();
    assertEquals(sum, get(d, CommitStatistics.SYSCALLS), "the total is the sum of the kinds: " + d);
    assertEquals(3, hadoopStats.getBytesWritten() - bytesBefore, "FileSystem.Statistics still counts bytes");
  }

  @Test
  void fileRenameCostsOneNoReplaceRenameAndOneDirectoryFsync() throws IOException {
    fs.create(new Path("/d/src"), false).close();
    Map<String, Long> before = stats.counters();
    assertTrue(fs.rename(new Path("/d/src"), new Path("/d/dst")));
    Map<String, Long> d = delta(before);
    assertEquals(1, get(d, "commitfs_syscall_rename") + get(d, "commitfs_syscall_link"), d::toString);
    assertEquals(1, get(d, "commitfs_syscall_fsync"), "one directory fsync (same parent): " + d);
    assertEquals(0, get(d, "commitfs_syscall_write"), d::toString);
    assertEquals(0, get(d, "commitfs_syscall_open") - get(d, "commitfs_syscall_fsync"), "opens only for fsync: " + d);
  }

  @Test
  void storageStatisticsAgreeWithIoStatisticsAndReset() throws IOException {
    fs.create(new Path("/d/f"), false).close();
    StorageStatistics storage = fs.getStorageStatistics();
    assertEquals("filec", storage.getScheme());
    Map<String, Long> viaStorage = new HashMap<>();
    for (Iterator<StorageStatistics.LongStatistic> it = storage.getLongStatistics(); it.hasNext();) {
      StorageStatistics.LongStatistic s = it.next();
      viaStorage.put(s.getName(), s.getValue());
    }
    assertEquals(stats.counters(), viaStorage);
    assertTrue(storage.isTracked("commitfs_syscall_fsync"));
    assertTrue(storage.getLong("commitfs_syscall_fsync") >= 2);
    storage.reset();
    assertEquals(0L, storage.getLong("commitfs_syscall_fsync"));
    assertTrue(stats.gauges().isEmpty() && stats.meanStatistics().isEmpty());
  }

  @Test
  void s3RequestKindsTakeS3aNames() {
    assertEquals("object_put_request", CommitStatistics.hadoopName("PUT"));
    assertEquals("object_list_request", CommitStatistics.hadoopName("LIST"));
    assertEquals("object_metadata_request", CommitStatistics.hadoopName("HEAD"));
    assertEquals("object_copy_requests", CommitStatistics.hadoopName("COPY"));
    assertEquals("object_delete_request", CommitStatistics.hadoopName("DELETE"));
    assertEquals("commitfs_requests", CommitStatistics.hadoopName("requests"));
    assertEquals("commitfs_other_request", CommitStatistics.hadoopName("OTHER"));
    assertEquals("commitfs_syscall_renameat2", CommitStatistics.hadoopName("renameat2"));
    // The S3 round trips are requests, not syscalls: not under the syscall prefix, not in its total.
    assertEquals("commitfs_round_trips", CommitStatistics.hadoopName("round_trips"));
  }
}
