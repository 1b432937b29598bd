package io.commitfs.hadoop.contract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Abortable;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Multipart writes through the JVM face on SeaweedFS (5 MiB parts, 64 KiB stream buffers that the native
 * writer keeps as they are): byte-exact across buffer and part boundaries on both publish paths, and an
 * abort mid-upload publishes nothing.
 */
class LargeWriteTest {
  private static final int PART = 5 << 20;
  private static final int BUFFER = 64 << 10;
  private FileSystem fs;

  @BeforeEach
  void open() throws IOException {
    Configuration conf = new Configuration(false);
    CommitContract.configure(conf, "s3c");
    conf.setBoolean("fs.s3c.impl.disable.cache", true);
    conf.set("fs.s3c.multipart.size", "5M");
    conf.setInt("fs.commitfs.write.buffer.size", BUFFER);
    S3Server server = S3Server.get("seaweed");
    server.configure(conf, "s3c");
    try {
      fs = FileSystem.get(URI.create("s3c://" + server.bucket + "/"), conf);
    } catch (UnsupportedOperationException e) {
      org.junit.jupiter.api.Assumptions.abort("object backend not available: " + e.getMessage());
    }
  }

  @AfterEach
  void close() throws IOException {
    if (fs != null) {
      fs.delete(new Path("/large-write"), true);
      fs.close();
    }
  }

  private static byte[] pattern(int len, int seed) {
    byte[] b = new byte[len];
    for (int i = 0; i < len; i++) {
      b[i] = (byte) ((i + seed) % 251);
    }
    return b;
  }

  private byte[] readAll(Path p) throws IOException {
    try (FSDataInputStream in = fs.open(p)) {
      return in.readAllBytes();
    }
  }

  @Test
  void bytesSurviveBufferAndPartBoundariesOnBothPublishPaths() throws IOException {
    // Exactly two parts, then 2.5 parts with one write larger than a part and single bytes at boundaries.
    int[][] shapes = {{PART, PART}, {3, 2 * PART, BUFFER - 3, 1, PART / 2 - BUFFER - 1}};
    for (boolean overwrite : new boolean[] {true, false}) {
      for (int s = 0; s < shapes.length; s++) {
        int total = 0;
        for (int n : shapes[s]) {
          total += n;
        }
        byte[] data = pattern(total, s);
        Path p = new Path("/large-write/f" + s + "-" + overwrite);
        try (FSDataOutputStream out = fs.create(p, overwrite)) {
          int at = 0;
          for (int n : shapes[s]) {
            if (n == 1) {
              out.write(data[at]);
            } else {
              out.write(data, at, n);
            }
            at += n;
          }
          assertFalse(fs.exists(p), p + " is invisible until close");
        }
        assertArrayEquals(data, readAll(p), p + ": content");
      }
    }
  }

  @Test
  void anAbortMidUploadPublishesNothing() throws IOException {
    for (boolean overwrite : new boolean[] {true, false}) {
      Path p = new Path("/large-write/aborted-" + overwrite);
      FSDataOutputStream out = fs.create(p, overwrite);
      out.write(pattern(PART + PART / 2, 1)); // one part uploading, half a part buffered
      assertTrue(((Abortable) out.getWrappedStream()).abort() != null);
      assertThrows(IOException.class, () -> out.write(1));
      out.close();
      assertFalse(fs.exists(p), p + ": an aborted upload is never published");
    }
  }
}
