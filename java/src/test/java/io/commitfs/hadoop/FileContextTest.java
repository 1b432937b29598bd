package io.commitfs.hadoop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.HadoopIllegalArgumentException;
import org.apache.hadoop.fs.CreateFlag;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The FileContext path Spark's checkpoint manager takes: CommitFs and its atomic no-overwrite rename. */
class FileContextTest {
  @TempDir
  java.nio.file.Path root;

  private FileContext context() throws Exception {
    return FileContext.getFileContext(URI.create("filec:///"), CommitFileSystemTest.filecConf(root));
  }

  private static void write(FileContext fc, Path p, String text) throws Exception {
    try (FSDataOutputStream out = fc.create(p, EnumSet.of(CreateFlag.CREATE), Options.CreateOpts.createParent())) {
      out.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
  }

  @Test
  void sixteenThreadsRenameToOneDestinationExactlyOneWins() throws Exception {
    int threads = 16;
    Path dst = new Path("/checkpoint/offsets/7");
    List<Path> sources = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      Path src = new Path("/checkpoint/offsets/.7.tmp-" + i);
      write(context(), src, "writer " + i);
      sources.add(src);
    }
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Throwable>> results = new ArrayList<>();
    for (Path src : sources) {
      results.add(pool.submit(() -> {
        start.await();
        try {
          // A FileContext per call, as Spark's FileContextBasedCheckpointFileManager does.
          context().rename(src, dst, Options.Rename.NONE);
          return null;
        } catch (Throwable t) {
          return t;
        }
      }));
    }
    start.countDown();
    int winners = 0;
    for (Future<Throwable> f : results) {
      Throwable t = f.get();
      if (t == null) {
        winners++;
      } else {
        assertInstanceOf(FileAlreadyExistsException.class, t, t.toString());
      }
    }
    pool.shutdown();
    assertEquals(1, winners);
    try (FSDataInputStream in = context().open(dst)) {
      assertTrue(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).startsWith("writer "));
    }
  }

  @Test
  void renameNoneNeverMovesIntoAnExistingDirectory() throws Exception {
    FileContext fc = context();
    write(fc, new Path("/a/src"), "x");
    fc.mkdir(new Path("/a/dir"), null, true);
    assertThrows(FileAlreadyExistsException.class, () -> fc.rename(new Path("/a/src"), new Path("/a/dir")));
    assertFalse(fc.util().exists(new Path("/a/dir/src")));
    assertThrows(java.io.FileNotFoundException.class, () -> fc.rename(new Path("/a/missing"), new Path("/a/x")));
  }

  @Test
  void renameOverwriteReplacesAFile() throws Exception {
    FileContext fc = context();
    write(fc, new Path("/o/src"), "new");
    write(fc, new Path("/o/dst"), "old");
    fc.rename(new Path("/o/src"), new Path("/o/dst"), Options.Rename.OVERWRITE);
    try (FSDataInputStream in = fc.open(new Path("/o/dst"))) {
      assertEquals("new", new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
    }
  }

  /** Create flags keep Hadoop's meaning without the default's extra existence probe. */
  @Test
  void createFlagsKeepTheirMeaning() throws Exception {
    FileContext fc = context();
    Path p = new Path("/flags/f");
    write(fc, p, "one");
    assertThrows(FileAlreadyExistsException.class, () -> write(fc, p, "two"));
    try (FSDataOutputStream out = fc.create(p, EnumSet.of(CreateFlag.CREATE, CreateFlag.OVERWRITE))) {
      out.write('3');
    }
    try (FSDataOutputStream out = fc.create(p, EnumSet.of(CreateFlag.OVERWRITE))) {
      out.write('4');
    }
    try (FSDataInputStream in = fc.open(p)) {
      assertEquals('4', in.read());
    }
    assertThrows(java.io.FileNotFoundException.class,
        () -> fc.create(new Path("/flags/missing"), EnumSet.of(CreateFlag.OVERWRITE)));
    assertThrows(UnsupportedOperationException.class, () -> fc.create(p, EnumSet.of(CreateFlag.APPEND)));
    assertFalse(fc.util().exists(new Path("/flags/missing")));
  }

  /** Hadoop's CreateFlag rules (FileContextMainOperationsBaseTest's testCreateFlag* cases). */
  @Test
  void createFlagsAreValidatedAsHadoopDoes() throws Exception {
    FileContext fc = context();
    Path missing = new Path("/flags2/missing");
    fc.mkdir(missing.getParent(), null, true); // Hadoop checks the parent before the flags
    assertThrows(HadoopIllegalArgumentException.class, () -> fc.create(missing, null));
    assertThrows(HadoopIllegalArgumentException.class, () -> fc.create(missing, EnumSet.noneOf(CreateFlag.class)));
    assertThrows(HadoopIllegalArgumentException.class,
        () -> fc.create(missing, EnumSet.of(CreateFlag.APPEND, CreateFlag.OVERWRITE)));
    assertThrows(HadoopIllegalArgumentException.class,
        () -> fc.create(missing, EnumSet.of(CreateFlag.CREATE, CreateFlag.APPEND, CreateFlag.OVERWRITE)));
    assertThrows(java.io.FileNotFoundException.class, () -> fc.create(missing, EnumSet.of(CreateFlag.APPEND)));
    assertFalse(fc.util().exists(missing));
    Path created = new Path("/flags2/created");
    try (FSDataOutputStream out = fc.create(created, EnumSet.of(CreateFlag.CREATE, CreateFlag.APPEND),
        Options.CreateOpts.createParent())) {
      out.write('c');
    }
    try (FSDataInputStream in = fc.open(created)) {
      assertEquals('c', in.read());
    }
    assertThrows(UnsupportedOperationException.class,
        () -> fc.create(created, EnumSet.of(CreateFlag.CREATE, CreateFlag.APPEND)));
  }
}
