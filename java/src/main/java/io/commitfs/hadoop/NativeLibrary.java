package io.commitfs.hadoop;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import java.util.UUID;

/**
 * Loads the commitfs JNI library packaged in the jar under {@code native/<os>-<arch>/}.
 *
 * <p>The library is copied to a fresh private directory (mode 0700) under {@code java.io.tmpdir}, or
 * under the directory named by the {@value #DIR_PROPERTY} system property, with a file name unique to
 * this load. A JVM refuses to load one file into two class loaders; Spark loads the same jar in several
 * (driver {@code --jars}, executor task loaders), and each then gets its own copy. The copy is deleted
 * once loaded: the mapping stays valid and nothing is left behind.
 */
public final class NativeLibrary {
  /** System property naming the directory the library is extracted to. */
  public static final String DIR_PROPERTY = "commitfs.native.dir";
  static final String LIBRARY = "libcommitfs_jni.so";

  private static IOException failure;
  private static boolean loaded;

  private NativeLibrary() {}

  /** Loads the library once per class loader; later calls return at once (or repeat the failure). */
  public static synchronized void load() throws IOException {
    if (loaded) {
      return;
    }
    if (failure != null) {
      throw new IOException(failure.getMessage(), failure);
    }
    try {
      extractAndLoad();
      loaded = true;
    } catch (IOException e) {
      failure = e;
      throw e;
    }
  }

  /** {@code linux-x86_64} and so on: the directory in the jar that holds this platform's library. */
  static String platform() throws IOException {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    String normalisedArch = arch.equals("amd64") || arch.equals("x86_64") ? "x86_64"
        : arch.equals("aarch64") || arch.equals("arm64") ? "aarch64" : arch;
    if (!os.startsWith("linux")) {
      throw new IOException("commitfs has no native library for " + System.getProperty("os.name") + "/" + arch
          + ": only Linux is supported");
    }
    return "linux-" + normalisedArch;
  }

  private static void extractAndLoad() throws IOException {
    String resource = "/native/" + platform() + "/" + LIBRARY;
    String base = System.getProperty(DIR_PROPERTY, System.getProperty("java.io.tmpdir"));
    try (InputStream in = NativeLibrary.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException("commitfs has no native library for " + platform() + " (no " + resource
            + " in the jar): this platform is not supported by this build");
      }
      Path dir;
      Path file;
      try {
        dir = Files.createTempDirectory(Paths.get(base), "commitfs-native-",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        file = dir.resolve("commitfs_jni-" + UUID.randomUUID() + ".so");
        Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException | UnsupportedOperationException e) {
        throw new IOException("cannot extract the commitfs native library into " + base + " (" + e
            + "): set -D" + DIR_PROPERTY + "=<a writable directory> (or java.io.tmpdir)", e);
      }
      try {
        System.load(file.toAbsolutePath().toString());
      } catch (UnsatisfiedLinkError e) {
        throw new IOException("cannot load the commitfs native library from " + dir + " (" + e.getMessage()
            + "): if that directory is on a filesystem mounted noexec, set -D" + DIR_PROPERTY
            + "=<a directory on an exec-mounted filesystem>", e);
      } finally {
        Files.deleteIfExists(file);
        Files.deleteIfExists(dir);
      }
    }
  }
}
