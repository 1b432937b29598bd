package io.commitfs.hadoop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.commitfs.hadoop.contract.S3Server;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;

/**
 * {@code createFile()} and {@code openFile()} builder options on s3c (SeaweedFS), counted in S3 requests:
 * S3A's per-call {@code create.performance} under both names, the standard openFile options, and no probe
 * when a FileStatus or a length is given.
 */
class BuilderOptionsTest {
  private static FileSystem fs() throws IOException {
    S3Server server = S3Stores.orSkip("seaweed");
    return FileSystem.newInstance(URI.create("s3c://" + server.bucket + "/"), S3Stores.s3cConf(server));
  }

  /** Requests by kind since {@code before}. */
  private static Map<String, Long> since(CommitFileSystem fs, Map<String, Long> before) throws IOException {
    Map<String, Long> now = counters(fs);
    now.replaceAll((k, v) -> v - before.getOrDefault(k, 0L));
    now.values().removeIf(v -> v == 0);
    return now;
  }

  private static Map<String, Long> counters(CommitFileSystem fs) throws IOException {
    Map<String, Long> out = new HashMap<>();
    for (String line : fs.nativeCounters().split("\n")) {
      String[] kv = line.split("=");
      if (kv.length == 2) {
        out.put(kv[0], Long.parseLong(kv[1]));
      }
    }
    return out;
  }

  private static void write(FSDataOutputStream out, String text) throws IOException {
    try (FSDataOutputStream o = out) {
      o.write(text.getBytes(StandardCharsets.UTF_8));
    }
  }

  @Test
  void createFileTakesCreatePerformancePerCall() throws Exception {
    try (CommitFileSystem fs = (CommitFileSystem) fs()) {
      Path b = new Path("/builder-" + UUID.randomUUID());
      Path f = new Path(b, "f");
      fs.mkdirs(b);
      write(fs.createFile(f).build(), "one");
      Map<String, Long> before = counters(fs);
      write(fs.createFile(f).build(), "two");
      assertEquals(3L, since(fs, before).get("requests"),
          "Hadoop's default (overwrite, not recursive): the parent's status, LIST of f/, PUT " + since(fs, before));
      for (String key : new String[] {"fs.s3a.create.performance", "fs.s3c.create.performance"}) {
        before = counters(fs);
        write((FSDataOutputStream) fs.createFile(f).overwrite(true).must(key, true).build(), "three");
        assertEquals(1L, since(fs, before).get("requests"), key + " (must): the PUT alone " + since(fs, before));
        before = counters(fs);
        write((FSDataOutputStream) fs.createFile(f).overwrite(true).opt(key, "true").build(), "four");
        assertEquals(1L, since(fs, before).get("requests"), key + " (opt): the PUT alone " + since(fs, before));
      }
      // Without overwrite, performance on the call still refuses an existing file: no probe at build(),
      // the conditional PUT at close (then the winner's write token is read: PUT + HEAD), nothing replaced.
      before = counters(fs);
      FSDataOutputStream late = (FSDataOutputStream) fs.createFile(f).overwrite(false).must("fs.s3a.create.performance", true).build();
      assertEquals(null, since(fs, before).get("requests"), "nothing asked at build() " + since(fs, before));
      FileAlreadyExistsException lost = assertThrows(FileAlreadyExistsException.class, () -> write(late, "five"));
      assertTrue(lost.getMessage().contains(f.getName()), lost.getMessage());
      assertEquals(2L, since(fs, before).get("requests"), "PUT (412) + HEAD " + since(fs, before));
      byte[] kept = new byte[4];
      try (FSDataInputStream in = fs.open(f)) {
        in.readFully(0, kept);
      }
      assertArrayEquals("four".getBytes(StandardCharsets.UTF_8), kept, "the file stays");
      assertThrows(IllegalArgumentException.class, () -> fs.createFile(f).must("fs.s3c.no.such.option", 1).build());
      fs.delete(b, true);
    }
  }

  @Test
  void openFileTakesTheStandardOptionsAndProbesNothing() throws Exception {
    try (CommitFileSystem fs = (CommitFileSystem) fs()) {
      Path b = new Path("/builder-" + UUID.randomUUID());
      Path f = new Path(b, "f");
      byte[] data = new byte[300_000];
      for (int i = 0; i < data.length; i++) {
        data[i] = (byte) (i % 251);
      }
      try (FSDataOutputStream out = fs.create(f)) {
        out.write(data);
      }
      FileStatus status = fs.getFileStatus(f);
      for (String policy : new String[] {"random", "sequential", "whole-file", "vector, random", "unknown-policy"}) {
        Map<String, Long> before = counters(fs);
        try (FSDataInputStream in = fs.openFile(f).withFileStatus(status)
            .must(OpenFileOptions.READ_POLICY, policy)
            .must("fs.option.openfile.length", data.length)
            .build().get()) {
          byte[] back = new byte[data.length];
          in.readFully(0, back);
          assertArrayEquals(data, back, policy);
        }
        Map<String, Long> used = since(fs, before);
        assertEquals(used.get("requests"), used.get("GET"), policy + ": GETs only, no HEAD or LIST: " + used);
      }
      assertThrows(IllegalArgumentException.class, () -> fs.openFile(f).must("fs.s3c.no.such.option", 1).build());
      assertTrue(OpenFileOptions.readBuffer(java.util.Collections.emptySet(), conf("random"), 65536, "p") < 65536);
      assertTrue(OpenFileOptions.readBuffer(java.util.Collections.emptySet(), conf("whole-file"), 65536, "p") >= 1 << 20);
      assertEquals(65536, OpenFileOptions.readBuffer(java.util.Collections.emptySet(), conf("adaptive"), 65536, "p"));
      fs.delete(b, true);
    }
  }

  private static Configuration conf(String policy) {
    Configuration c = new Configuration(false);
    c.set(OpenFileOptions.READ_POLICY, policy);
    return c;
  }
}
