package io.commitfs.hadoop.contract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.IOUtils;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The few operations every platform build must get right, on filec and on s3c (SeaweedFS): create,
 * close, rename, list, read, and an exclusive-create race. Small on purpose: scripts/aarch64.sh runs it
 * (with JniRoundTripTest) on an aarch64 JVM under qemu, where every call is emulated.
 */
class PlatformSmokeTest {
  private static final int RACERS = 6;

  static FileSystem open(String store) throws IOException {
    Configuration conf = new Configuration();
    CommitContract contract = store.equals("filec") ? CommitContract.filec(conf)
        : CommitContract.s3c(conf, S3Server.get(store));
    contract.init();
    return contract.getTestFileSystem();
  }

  @ParameterizedTest
  @ValueSource(strings = {"filec", "seaweed"})
  void createCloseRenameListRead(String store) throws IOException {
    FileSystem fs = open(store);
    Path dir = new Path("/platform-smoke-" + UUID.randomUUID());
    byte[] data = ("commitfs on " + System.getProperty("os.arch")).getBytes(StandardCharsets.UTF_8);
    try {
      assertTrue(fs.mkdirs(dir));
      Path a = new Path(dir, "a");
      try (FSDataOutputStream out = fs.create(a, false)) {
        out.write(data);
      }
      assertEquals(data.length, fs.getFileStatus(a).getLen());
      Path b = new Path(dir, "b");
      assertTrue(fs.rename(a, b), "rename a -> b");
      assertFalse(fs.exists(a), "source still visible after rename");
      FileStatus[] listed = fs.listStatus(dir);
      assertEquals(1, listed.length);
      assertEquals("b", listed[0].getPath().getName());
      assertArrayEquals(data, read(fs, b, data.length));
    } finally {
      fs.delete(dir, true);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"filec", "seaweed"})
  void exactlyOneExclusiveCreateWins(String store) throws Exception {
    FileSystem fs = open(store);
    Path dir = new Path("/platform-race-" + UUID.randomUUID());
    Path target = new Path(dir, "winner");
    ExecutorService pool = Executors.newFixedThreadPool(RACERS);
    try {
      assertTrue(fs.mkdirs(dir));
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < RACERS; i++) {
        byte[] mine = ("racer-" + i).getBytes(StandardCharsets.UTF_8);
        Callable<Boolean> racer = () -> {
          start.await();
          // Losing may surface at create or at close (the commit): both are a refusal, not a failure.
          try (FSDataOutputStream out = fs.create(target, false)) {
            out.write(mine);
          } catch (IOException lost) {
            return false;
          }
          return true;
        };
        results.add(pool.submit(racer));
      }
      start.countDown();
      int winners = 0;
      for (Future<Boolean> r : results) {
        winners += r.get(120, TimeUnit.SECONDS) ? 1 : 0;
      }
      assertEquals(1, winners, "exclusive creates that succeeded");
      String content = new String(read(fs, target, (int) fs.getFileStatus(target).getLen()), StandardCharsets.UTF_8);
      assertTrue(content.startsWith("racer-"), content);
    } finally {
      pool.shutdownNow();
      fs.delete(dir, true);
    }
  }

  private static byte[] read(FileSystem fs, Path p, int length) throws IOException {
    byte[] back = new byte[length];
    try (FSDataInputStream in = fs.open(p)) {
      IOUtils.readFully(in, back, 0, length);
      assertEquals(-1, in.read(), "data past the expected length");
    }
    return back;
  }
}
