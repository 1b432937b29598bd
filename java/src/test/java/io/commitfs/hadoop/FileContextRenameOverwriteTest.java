package io.commitfs.hadoop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.commitfs.hadoop.contract.S3Server;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.CreateFlag;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.ParentNotDirectoryException;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * FileContext's {@code rename(src, dst, Options.Rename.OVERWRITE)} (how Spark's default checkpoint manager
 * commits state-store deltas) through CommitFs, and FileSystem's {@code rename(src, dst, options)}: the
 * rules of Hadoop's {@code AbstractFileSystem.renameInternal(src, dst, true)}, a destination file never
 * missing for readers, and the S3 request count. On filec, and on s3c against moto and SeaweedFS.
 */
class FileContextRenameOverwriteTest {
  @org.junit.jupiter.api.io.TempDir
  java.nio.file.Path root;

  private Configuration conf(String store) {
    if (store.equals("filec")) {
      return CommitFileSystemTest.filecConf(root);
    }
    return S3Stores.s3cConf(S3Stores.orSkip(store));
  }

  private URI uri(String store) {
    return URI.create(store.equals("filec") ? "filec:///" : "s3c://" + S3Server.get(store).bucket + "/");
  }

  /** A FileContext on the store, and a base directory of this test's own. */
  private FileContext context(String store) throws IOException {
    return FileContext.getFileContext(uri(store), conf(store));
  }

  private static Path base() {
    return new Path("/overwrite-" + UUID.randomUUID());
  }

  private static void write(FileContext fc, Path p, String text) throws IOException {
    try (FSDataOutputStream out = fc.create(p, EnumSet.of(CreateFlag.CREATE, CreateFlag.OVERWRITE),
        Options.CreateOpts.createParent())) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
  }

  private static String read(FileContext fc, Path p) throws IOException {
    try (FSDataInputStream in = fc.open(p)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static void overwrite(FileContext fc, Path src, Path dst) throws IOException {
    fc.rename(src, dst, Options.Rename.OVERWRITE);
  }

  @ParameterizedTest
  @ValueSource(strings = {"filec", "moto", "seaweed"})
  void filesAreReplacedAndMoved(String store) throws Exception {
    FileContext fc = context(store);
    Path b = base();
    write(fc, new Path(b, "d/src"), "new");
    write(fc, new Path(b, "d/dst"), "old");
    overwrite(fc, new Path(b, "d/src"), new Path(b, "d/dst"));
    assertEquals("new", read(fc, new Path(b, "d/dst")));
    assertFalse(fc.util().exists(new Path(b, "d/src")));
    overwrite(fc, new Path(b, "d/dst"), new Path(b, "d/fresh"));
    assertEquals("new", read(fc, new Path(b, "d/fresh")));
    assertFalse(fc.util().exists(new Path(b, "d/dst")));
    fc.delete(b, true);
  }

  @ParameterizedTest
  @ValueSource(strings = {"filec", "moto", "seaweed"})
  void hadoopsRulesForEveryRefusal(String store) throws Exception {
    FileContext fc = context(store);
    Path b = base();
    Path file = new Path(b, "file");
    Path dir = new Path(b, "dir");
    write(fc, file, "F");
    fc.mkdir(dir, null, true);
    assertThrows(FileNotFoundException.class, () -> overwrite(fc, new Path(b, "missing"), file), "missing source");
    assertThrows(FileAlreadyExistsException.class, () -> overwrite(fc, file, file), "source and destination the same");
    IOException e = assertThrows(IOException.class, () -> overwrite(fc, file, dir), "file onto a directory");
    assertEquals(IOException.class, e.getClass(), e.toString());
    e = assertThrows(IOException.class, () -> overwrite(fc, dir, file), "directory onto a file");
    assertEquals(IOException.class, e.getClass(), e.toString());
    write(fc, new Path(b, "full/x"), "X");
    e = assertThrows(IOException.class, () -> overwrite(fc, dir, new Path(b, "full")), "onto a non-empty directory");
    assertFalse(e instanceof FileNotFoundException || e instanceof FileAlreadyExistsException, e.toString());
    write(fc, new Path(b, "plain"), "P");
    assertThrows(ParentNotDirectoryException.class, () -> overwrite(fc, file, new Path(b, "plain/below")),
        "the destination's parent is a file");
    assertThrows(FileNotFoundException.class, () -> overwrite(fc, file, new Path(b, "no/such/f")),
        "the destination's parent is missing");
    assertThrows(FileNotFoundException.class, () -> fc.rename(file, new Path(b, "no/such/f"), Options.Rename.NONE),
        "the destination's parent is missing (NONE)");
    assertFalse(fc.util().exists(new Path(b, "no")));
    assertEquals("F", read(fc, file), "every refusal leaves the files alone");
    assertEquals("X", read(fc, new Path(b, "full/x")));
    assertTrue(fc.getFileStatus(dir).isDirectory());
    // A directory replaces an empty directory (delete then rename: not atomic).
    write(fc, new Path(b, "srcdir/a"), "A");
    overwrite(fc, new Path(b, "srcdir"), dir);
    assertEquals("A", read(fc, new Path(dir, "a")));
    assertFalse(fc.util().exists(new Path(b, "srcdir")));
    fc.delete(b, true);
  }

  /** FileSystem's rename with options goes to the same core calls. */
  @ParameterizedTest
  @ValueSource(strings = {"filec", "seaweed"})
  @SuppressWarnings("deprecation")
  void fileSystemRenameWithOptions(String store) throws Exception {
    try (CommitFileSystem fs = (CommitFileSystem) FileSystem.newInstance(uri(store), conf(store))) {
      FileContext fc = context(store);
      Path b = base();
      write(fc, new Path(b, "src"), "new");
      write(fc, new Path(b, "dst"), "old");
      write(fc, new Path(b, "other"), "other");
      assertThrows(FileAlreadyExistsException.class,
          () -> fs.rename(new Path(b, "src"), new Path(b, "dst"), Options.Rename.NONE));
      fs.rename(new Path(b, "src"), new Path(b, "dst"), Options.Rename.OVERWRITE);
      assertEquals("new", read(fc, new Path(b, "dst")));
      assertFalse(fs.exists(new Path(b, "src")));
      fs.rename(new Path(b, "other"), new Path(b, "moved"));
      assertThrows(FileNotFoundException.class,
          () -> fs.rename(new Path(b, "src"), new Path(b, "x"), Options.Rename.OVERWRITE));
      for (Options.Rename option : Options.Rename.values()) {
        assertThrows(FileNotFoundException.class,
            () -> fs.rename(new Path(b, "dst"), new Path(b, "no/such/x"), option), "missing parent, " + option);
      }
      assertTrue(fs.rename(new Path(b, "dst"), new Path(b, "implicit/parent/x")) || store.equals("filec"),
          "FileSystem.rename(src, dst) creates a missing parent on S3, as S3A does");
      fs.delete(b, true);
    }
  }

  /**
   * Spark's createAtomic pattern (temp file, then rename OVERWRITE) repeated while a reader opens the
   * destination in a loop: it is never missing and always whole.
   */
  @ParameterizedTest
  @ValueSource(strings = {"filec", "seaweed"})
  void readersNeverFindTheDestinationMissing(String store) throws Exception {
    FileContext fc = context(store);
    Path b = base();
    Path dst = new Path(b, "state/1.delta");
    write(fc, dst, version(0));
    AtomicBoolean done = new AtomicBoolean();
    AtomicInteger reads = new AtomicInteger();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread reader = new Thread(() -> {
      try {
        FileContext mine = context(store);
        while (!done.get()) {
          String text = read(mine, dst);
          int v = Integer.parseInt(text.substring(0, text.indexOf(';')));
          assertEquals(version(v), text, "a partial or mixed file");
          reads.incrementAndGet();
        }
      } catch (Throwable t) {
        failure.set(t);
      }
    });
    reader.start();
    int rounds = store.equals("filec") ? 200 : 40;
    for (int r = 1; r <= rounds && failure.get() == null; r++) {
      Path tmp = new Path(b, "state/.1.delta." + r + ".tmp");
      try (FSDataOutputStream out = fc.create(tmp, EnumSet.of(CreateFlag.CREATE))) {
        out.write(version(r).getBytes(StandardCharsets.UTF_8));
      }
      overwrite(fc, tmp, dst);
    }
    done.set(true);
    reader.join();
    if (failure.get() != null) {
      throw new AssertionError("the reader failed after " + reads.get() + " reads", failure.get());
    }
    assertTrue(reads.get() > 0);
    assertEquals(version(rounds), read(fc, dst));
    fc.delete(b, true);
  }

  private static String version(int v) {
    return (v + ";").repeat(100 + v % 13);
  }

  /**
   * The common case on S3: one LIST of the destination, then the move: one RenameObject on SeaweedFS, the
   * COPY and the DELETE of the source on moto (no RenameObject); no probe by Hadoop.
   */
  @ParameterizedTest
  @ValueSource(strings = {"moto", "seaweed"})
  void fewRequestsOnS3(String store) throws Exception {
    FileContext fc = context(store);
    Path b = base();
    write(fc, new Path(b, "d/warm"), "warm");
    overwrite(fc, new Path(b, "d/warm"), new Path(b, "d/warmed")); // the store's once-per-store rename probe
    write(fc, new Path(b, "d/src"), "new");
    write(fc, new Path(b, "d/dst"), "old");
    try (CommitFileSystem counters = (CommitFileSystem) FileSystem.newInstance(uri(store), conf(store))) {
      long before = requests(counters);
      overwrite(fc, new Path(b, "d/src"), new Path(b, "d/dst"));
      assertEquals(store.equals("seaweed") ? 2 : 3, requests(counters) - before, counters.nativeCounters());
      counters.delete(b, true);
    }
  }

  /** The native store's request total (shared by every instance on the same store and configuration). */
  private static long requests(CommitFileSystem fs) throws IOException {
    for (String line : fs.nativeCounters().split("\n")) {
      if (line.startsWith("requests=")) {
        return Long.parseLong(line.substring("requests=".length()));
      }
    }
    throw new AssertionError("no request counter in " + fs.nativeCounters());
  }
}
