package io.commitfs.hadoop;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Paths;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;

/**
 * 1,000 FileSystem instances created and closed with 1,000 different session tokens leave the native
 * store count at the live ones and the process's RSS flat: each token is a store of its own (its own
 * HTTP client), released when its last instance closes.
 */
class StoreLifecycleTest {
  /** RSS growth allowed over the 1,000 instances after warm-up (JVM heap and allocator slack). */
  static final long RSS_BOUND_KIB = 64 << 10;
  static final int MAX_IDLE = 8;

  private static long rssKib() throws Exception {
    for (String line : Files.readAllLines(Paths.get("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return 0;
  }

  private static FileSystem open(Configuration base, String token) throws Exception {
    Configuration conf = new Configuration(base);
    conf.set("fs.s3c.session.token", token);
    return FileSystem.newInstance(URI.create("s3c://lifecycle-bucket/"), conf);
  }

  @Test
  void rotatingSessionTokensLeaveOnlyLiveStoresAndFlatRss() throws Exception {
    Configuration base = new Configuration(false);
    base.set("fs.s3c.impl", CommitFileSystem.class.getName());
    base.set("fs.s3c.endpoint", "http://127.0.0.1:9"); // never contacted: building a store needs no request
    base.set("fs.s3c.path.style.access", "true");
    base.set("fs.s3c.access.key", "AKIDEXAMPLE");
    base.set("fs.s3c.secret.key", "SECRET-never-kept-42");
    for (int i = 0; i < 100; i++) {
      open(base, "warm-" + i).close();
    }
    System.gc();
    long[] before = NativeFs.storeCensus();
    long rssBefore = rssKib();
    // Other tests' unclosed instances may be collected meanwhile (their stores then go): counts may
    // only fall below "the ones before".
    FileSystem held = open(base, "held");
    try {
      for (int i = 0; i < 1000; i++) {
        open(base, "session-token-" + i).close();
      }
      long[] during = NativeFs.storeCensus();
      assertTrue(during[0] >= 1 && during[0] <= before[0] + 1,
          "live stores: at most the ones before plus the held instance's, got " + during[0] + " after " + before[0]);
      assertTrue(during[1] <= MAX_IDLE, "idle stores " + during[1]);
    } finally {
      held.close();
    }
    System.gc();
    long rssAfter = rssKib();
    long[] after = NativeFs.storeCensus();
    System.out.printf("StoreLifecycleTest: stores {live, idle} %d/%d -> %d/%d; RSS %d KiB -> %d KiB (%+d KiB)%n",
        before[0], before[1], after[0], after[1], rssBefore, rssAfter, rssAfter - rssBefore);
    assertTrue(after[0] <= before[0], "live stores back to (at most) the ones before: " + after[0] + " > " + before[0]);
    assertTrue(rssAfter - rssBefore <= RSS_BOUND_KIB, "RSS grew " + (rssAfter - rssBefore) + " KiB");
  }
}
