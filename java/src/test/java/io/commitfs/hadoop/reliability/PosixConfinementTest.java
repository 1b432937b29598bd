package io.commitfs.hadoop.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * filec security through the FileSystem API: temp files are private (0600) while being written and the
 * published file gets the umask-derived mode; {@code fs.filec.root} is never left, neither through
 * {@code ..} nor through symlinks planted inside the root.
 */
class PosixConfinementTest {
  @TempDir
  java.nio.file.Path tmp;
  private java.nio.file.Path root;
  private java.nio.file.Path outside;

  @BeforeEach
  void layout() throws IOException {
    root = Files.createDirectory(tmp.resolve("root"));
    outside = Files.createDirectory(tmp.resolve("outside"));
    Files.writeString(outside.resolve("secret.txt"), "outside the root");
    Files.createSymbolicLink(root.resolve("link"), outside);
    Files.createSymbolicLink(root.resolve("filelink"), outside.resolve("secret.txt"));
    Files.writeString(root.resolve("inside.txt"), "inside");
  }

  @Test
  void tempFilesArePrivateAndPublishedFilesFollowTheUmask() throws IOException {
    try (Store store = Store.filec(root)) {
      FileSystem fs = store.fs();
      java.nio.file.Path dir = Files.createDirectory(root.resolve("perm"));
      try (FSDataOutputStream out = fs.create(new Path("/perm/f"), false)) {
        out.write(new byte[3 << 20]); // past the write buffer: the temp file exists on disk now
        List<java.nio.file.Path> temps;
        try (Stream<java.nio.file.Path> s = Files.list(dir)) {
          temps = s.collect(Collectors.toList());
        }
        assertEquals(1, temps.size(), "expected one temp file, found " + temps);
        assertTrue(temps.get(0).getFileName().toString().startsWith(".f.commitfs-"), temps.toString());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(temps.get(0))));
        assertFalse(fs.exists(new Path("/perm/f")));
      }
      // What open(O_CREAT, 0666) gives under this process's umask: the mode a plain file would get.
      Set<PosixFilePermission> umaskDerived = Files.getPosixFilePermissions(Files.createFile(dir.resolve("reference")));
      assertEquals(PosixFilePermissions.toString(umaskDerived),
          PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("f"))));
    }
  }

  @Test
  void dotDotSegmentsNeverLeaveTheRoot() throws Exception {
    try (Store store = Store.filec(root)) {
      FileSystem fs = store.fs();
      for (String p : new String[] {"/../outside/secret.txt", "/a/../../outside/secret.txt", "/../../../../etc/passwd"}) {
        BadInputTest.clearFailure(() -> fs.open(new Path(p)).close());
        BadInputTest.clearFailure(() -> TestFiles.write(fs, new Path(p + ".new"), false, new byte[1]));
      }
      // Absolute-looking paths map below the root; escaped dots are plain names, not parents.
      assertFalse(fs.exists(new Path("/etc/passwd")));
      TestFiles.write(fs, new Path("/%2E%2E"), false, new byte[1]);
      assertTrue(Files.exists(root.resolve("%2E%2E")));
      assertOutsideUntouched();
    }
  }

  @Test
  void symlinksOutOfTheRootAreRefused() throws Exception {
    try (Store store = Store.filec(root)) {
      FileSystem fs = store.fs();
      BadInputTest.clearFailure(() -> fs.open(new Path("/link/secret.txt")).close());
      BadInputTest.clearFailure(() -> fs.open(new Path("/filelink")).close());
      BadInputTest.clearFailure(() -> fs.getFileStatus(new Path("/link/secret.txt")));
      BadInputTest.clearFailure(() -> fs.listStatus(new Path("/link")));
      BadInputTest.clearFailure(() -> TestFiles.write(fs, new Path("/link/planted"), false, new byte[1]));
      BadInputTest.clearFailure(() -> TestFiles.write(fs, new Path("/link/secret.txt"), true, new byte[1]));
      BadInputTest.clearFailure(() -> fs.mkdirs(new Path("/link/sub")));
      BadInputTest.clearFailure(() -> fs.delete(new Path("/link/secret.txt"), false));
      renameFailsOrStaysInside(fs, new Path("/inside.txt"), new Path("/link/moved"));
      renameFailsOrStaysInside(fs, new Path("/link/secret.txt"), new Path("/stolen"));
      assertFalse(Files.exists(root.resolve("stolen")));
      assertOutsideUntouched();
      // Deleting the link itself (even recursively) removes the link, never what it points to.
      try {
        fs.delete(new Path("/link"), true);
      } catch (IOException refused) {
        // refusing is fine too
      }
      assertOutsideUntouched();
    }
  }

  private static void renameFailsOrStaysInside(FileSystem fs, Path src, Path dst) {
    try {
      assertFalse(fs.rename(src, dst), "rename " + src + " -> " + dst + " succeeded across the root");
    } catch (IOException | IllegalArgumentException refused) {
      // a clear refusal
    }
  }

  private void assertOutsideUntouched() throws IOException {
    try (Stream<java.nio.file.Path> s = Files.list(outside)) {
      assertEquals(List.of("secret.txt"), s.map(p -> p.getFileName().toString()).collect(Collectors.toList()));
    }
    assertEquals("outside the root", Files.readString(outside.resolve("secret.txt")));
    assertEquals("inside", Files.readString(root.resolve("inside.txt")));
  }
}
