package io.commitfs.hadoop.reliability;

import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** Small file helpers shared by the tests and the child worker. */
final class TestFiles {
  private TestFiles() {}

  static void write(FileSystem fs, Path p, boolean overwrite, byte[] data) throws IOException {
    try (FSDataOutputStream out = fs.create(p, overwrite)) {
      out.write(data);
    }
  }

  static byte[] readAll(FileSystem fs, Path p) throws IOException {
    try (InputStream in = fs.open(p)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      in.transferTo(out);
      return out.toByteArray();
    }
  }

  /** The payload seed at {@code p}, -2 if absent, -1 if present but not a complete payload. */
  static long seedAt(FileSystem fs, Path p) throws IOException {
    try {
      return Payload.seedOf(readAll(fs, p));
    } catch (FileNotFoundException e) {
      return -2;
    }
  }

  static void deleteTree(java.nio.file.Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<java.nio.file.Path> all = Files.walk(dir)) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort
    }
  }
}
