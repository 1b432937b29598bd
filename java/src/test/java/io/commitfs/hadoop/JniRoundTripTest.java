package io.commitfs.hadoop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.util.stream.Stream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.InvalidPathException;
import org.apache.hadoop.fs.ParentNotDirectoryException;
import org.apache.hadoop.fs.PathIsNotDirectoryException;
import org.apache.hadoop.fs.PathIsNotEmptyDirectoryException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Data, errors and panics crossing JNI. */
class JniRoundTripTest {
  @BeforeAll
  static void load() throws IOException {
    NativeLibrary.load();
  }

  @Test
  void dataRoundTripsThroughRust() {
    byte[] in = "commitfs ünï".getBytes(StandardCharsets.UTF_8);
    byte[] expected = new byte[in.length];
    for (int i = 0; i < in.length; i++) {
      expected[i] = in[in.length - 1 - i];
    }
    assertArrayEquals(expected, NativeTestHooks.reverse(in));
    assertEquals(System.getProperty("commitfs.expected.version", "0.1.0"), NativeFs.version());
  }

  @Test
  void rustNotFoundBecomesFileNotFoundExceptionWithPathAndCause() {
    FileNotFoundException e = assertThrows(FileNotFoundException.class,
        () -> NativeTestHooks.fail("NotFound", "s3c://bucket/missing/key", "no such file or directory"));
    assertEquals("s3c://bucket/missing/key: no such file or directory", e.getMessage());
  }

  static Stream<Arguments> kinds() {
    return Stream.of(
        Arguments.of("NotFound", FileNotFoundException.class),
        Arguments.of("IsDirectory", FileNotFoundException.class),
        Arguments.of("AlreadyExists", FileAlreadyExistsException.class),
        Arguments.of("ParentNotDirectory", ParentNotDirectoryException.class),
        Arguments.of("DirectoryNotEmpty", PathIsNotEmptyDirectoryException.class),
        Arguments.of("NotDirectory", PathIsNotDirectoryException.class),
        Arguments.of("EndOfFile", EOFException.class),
        Arguments.of("PermissionDenied", AccessDeniedException.class),
        Arguments.of("InvalidArgument", InvalidPathException.class),
        Arguments.of("Unsupported", UnsupportedOperationException.class),
        Arguments.of("Conflict", ConcurrentChangeException.class),
        Arguments.of("Unsafe", UnsafeStoreException.class),
        Arguments.of("Closed", IOException.class),
        Arguments.of("Io", IOException.class));
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void everyErrorKindMapsToItsExceptionAndKeepsThePath(String kind, Class<? extends Throwable> expected) {
    Throwable e = assertThrows(Throwable.class, () -> NativeTestHooks.fail(kind, "/dir/file", "what happened"));
    assertEquals(expected, e.getClass(), kind + " → " + e);
    assertTrue(e.getMessage().contains("/dir/file"), e.getMessage());
  }

  @Test
  void invalidArgumentWithoutPathIsIllegalArgument() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> NativeTestHooks.fail("InvalidArgument", null, "bad option"));
    assertEquals("bad option", e.getMessage());
  }

  @Test
  void aRustPanicBecomesAnIOExceptionAndTheJvmLivesOn() {
    for (int i = 0; i < 3; i++) {
      IOException e = assertThrows(IOException.class, () -> sneaky(() -> NativeTestHooks.panic("deliberate test panic")));
      assertEquals("commitfs internal error (panic): deliberate test panic", e.getMessage());
    }
    assertArrayEquals(new byte[] {2, 1}, NativeTestHooks.reverse(new byte[] {1, 2}));
  }

  /** The panic hook declares no exception; rethrow what it throws as-is. */
  private static void sneaky(Runnable r) throws IOException {
    r.run();
  }
}
