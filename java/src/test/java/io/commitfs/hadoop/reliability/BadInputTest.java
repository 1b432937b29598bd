package io.commitfs.hadoop.reliability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bad input through the FileSystem API: each a clear exception (naming what was wrong), never a JVM
 * crash, never a hang. A crash here would abort the whole test JVM, which the launcher reports.
 */
class BadInputTest {
  @TempDir
  java.nio.file.Path filecRoot;

  /** Fails unless {@code body} throws an IOException or IllegalArgumentException with a message. */
  static Exception clearFailure(Executable body) {
    Exception e = assertThrows(Exception.class, body);
    assertTrue(e instanceof IOException || e instanceof IllegalArgumentException || e instanceof NullPointerException
        || e instanceof UnsupportedOperationException || e instanceof IndexOutOfBoundsException, "unexpected " + e);
    assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), "no message in " + e);
    return e;
  }

  @Test
  void malformedUrisAndMissingBucketAreRefusedClearly() {
    Exception e = clearFailure(() -> FileSystem.get(URI.create("s3c:///no-bucket/key"), Store.bareConf("s3c")));
    assertTrue(e.getMessage().contains("bucket"), e.getMessage());
    e = clearFailure(() -> FileSystem.get(URI.create("nosuchc://x/y"),
        withImpl(Store.bareConf("nosuchc"), "nosuchc")));
    assertTrue(e.getMessage().contains("nosuchc"), e.getMessage());
    org.apache.hadoop.conf.Configuration conf = Store.bareConf("filec");
    conf.set("fs.filec.root", "relative/dir");
    e = clearFailure(() -> FileSystem.get(URI.create("filec:///"), conf));
    assertTrue(e.getMessage().contains("fs.filec.root"), e.getMessage());
    org.apache.hadoop.conf.Configuration missing = Store.bareConf("filec");
    missing.set("fs.filec.root", filecRoot.resolve("does-not-exist").toString());
    clearFailure(() -> FileSystem.get(URI.create("filec:///"), missing));
    org.apache.hadoop.conf.Configuration badS3 = Store.bareConf("s3c");
    badS3.set("fs.s3c.copy-if-not-exists", "sometimes");
    badS3.set("fs.s3c.secret.key", "SECRET-never-shown-42");
    e = clearFailure(() -> FileSystem.get(URI.create("s3c://bucket/"), badS3));
    assertFalse(e.toString().contains("SECRET-never-shown-42"), e.toString());
  }

  private static org.apache.hadoop.conf.Configuration withImpl(org.apache.hadoop.conf.Configuration c, String scheme) {
    c.set("fs." + scheme + ".impl", io.commitfs.hadoop.CommitFileSystem.class.getName());
    return c;
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"filec", "s3c"})
  void oddPathCharactersRoundTrip(String scheme) throws Exception {
    try (Store store = Store.of(scheme, filecRoot)) {
      FileSystem fs = store.fs();
      List<String> names = new ArrayList<>(List.of("sp ace", "per%cent", "%41%zz", "plus+sign", "hash#tag",
          "q?mark", "ünïcødé-日本語", "emoji-\uD83D\uDE00", "k=v&x", "'quote\"", "a".repeat(255)));
      // (No ':' in names: Hadoop's Path cannot make a child called "c:olon".)
      fs.mkdirs(store.path("odd2"));
      for (String name : names) {
        Path p = new Path(store.path("odd"), name);
        byte[] data = Payload.make(name.length(), 100);
        TestFiles.write(fs, p, false, data);
        assertArrayEquals(data, TestFiles.readAll(fs, p), name);
        assertEquals(data.length, fs.getFileStatus(p).getLen(), name);
        Path moved = new Path(store.path("odd2"), name);
        assertTrue(fs.rename(p, moved), name);
        assertTrue(fs.exists(moved) && !fs.exists(p), name);
      }
      List<String> listed = new ArrayList<>();
      for (FileStatus s : fs.listStatus(store.path("odd2"))) {
        listed.add(s.getPath().getName());
      }
      assertEquals(names.stream().sorted().collect(Collectors.toList()),
          listed.stream().sorted().collect(Collectors.toList()));
      for (String name : names) {
        assertTrue(fs.delete(new Path(store.path("odd2"), name), false), name);
      }
      if (scheme.equals("filec")) {
        // NAME_MAX is 255 bytes on Linux: one more is refused with the name, not a crash.
        Exception e = clearFailure(() -> TestFiles.write(fs, new Path(store.path("odd"), "b".repeat(256)), false, new byte[1]));
        assertTrue(e.getMessage().contains("bbbb"), e.getMessage());
      }
      // Segments Hadoop would not normalise away never reach the store as '..'.
      clearFailure(() -> fs.getFileStatus(new Path("/../x")));
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"filec", "s3c"})
  void streamsRefuseBadPositionsAndUseAfterClose(String scheme) throws Exception {
    try (Store store = Store.of(scheme, filecRoot)) {
      FileSystem fs = store.fs();
      Path p = store.path("streams/f");
      TestFiles.write(fs, p, false, Payload.make(7, 5000));
      FSDataInputStream in = fs.open(p);
      assertThrows(EOFException.class, () -> in.seek(-1));
      assertThrows(EOFException.class, () -> in.seek(Long.MIN_VALUE));
      assertThrows(EOFException.class, () -> in.seek(Long.MAX_VALUE));
      assertThrows(EOFException.class, () -> in.seek(5001));
      clearFailure(() -> in.readFully(-1, new byte[10]));
      clearFailure(() -> in.readFully(Long.MAX_VALUE - 5, new byte[10]));
      assertEquals(-1, in.read(Long.MAX_VALUE, new byte[10], 0, 10));
      clearFailure(() -> in.read(0, new byte[10], 5, 10));
      clearFailure(() -> in.read(0, new byte[10], -1, 1));
      clearFailure(() -> in.read(null, 0, 1));
      clearFailure(() -> in.read((ByteBuffer) null));
      clearFailure(() -> in.readFully(0, (ByteBuffer) null));
      assertThrows(Exception.class, () -> in.read(ByteBuffer.allocate(10).asReadOnlyBuffer()));
      in.seek(10);
      assertEquals(10, in.getPos());
      in.close();
      in.close(); // double close: nothing
      clearFailure(() -> in.read());
      clearFailure(() -> in.read(new byte[10], 0, 10));
      clearFailure(() -> in.seek(0));
      clearFailure(() -> in.read(ByteBuffer.allocateDirect(10)));

      FSDataOutputStream out = fs.create(store.path("streams/g"), false);
      clearFailure(() -> out.write(null, 0, 1));
      clearFailure(() -> out.write(new byte[10], 5, 10));
      clearFailure(() -> out.write(new byte[10], -1, 1));
      out.write(new byte[] {1, 2, 3});
      out.close();
      out.close();
      clearFailure(() -> out.write(1));
      assertEquals(3, fs.getFileStatus(store.path("streams/g")).getLen());
    }
  }

  @Test
  void nullArgumentsAreRefusedBeforeTheNativeCall() throws Exception {
    try (Store store = Store.filec(filecRoot)) {
      FileSystem fs = store.fs();
      clearFailure(() -> fs.create(null));
      clearFailure(() -> fs.open((Path) null));
      clearFailure(() -> fs.getFileStatus(null));
      clearFailure(() -> fs.listStatus((Path) null));
      clearFailure(() -> fs.delete(null, true));
      clearFailure(() -> fs.rename(null, new Path("/x")));
      clearFailure(() -> fs.rename(new Path("/x"), null));
      clearFailure(() -> fs.mkdirs(null));
      clearFailure(() -> fs.exists(null));
      fs.close();
      fs.close(); // double close of the filesystem
      clearFailure(() -> fs.getFileStatus(new Path("/")));
    }
  }
}
