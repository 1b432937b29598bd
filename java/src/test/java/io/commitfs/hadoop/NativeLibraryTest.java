package io.commitfs.hadoop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The loader over the built jar, as Spark uses it: several class loaders in one JVM. */
class NativeLibraryTest {
  private static URLClassLoader jarLoader() throws IOException {
    String jar = System.getProperty("commitfs.test.jar");
    assertTrue(jar != null && new File(jar).isFile(), "commitfs.test.jar must name the built jar: " + jar);
    // The platform loader as parent: our classes come from the jar, not from the test class path.
    return new URLClassLoader(new URL[] {new File(jar).toURI().toURL()}, ClassLoader.getPlatformClassLoader());
  }

  private static Object invoke(ClassLoader loader, String cls, String method) throws Throwable {
    Method m = Class.forName("io.commitfs.hadoop." + cls, true, loader).getDeclaredMethod(method);
    m.setAccessible(true);
    try {
      return m.invoke(null);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  @Test
  void twoClassLoadersEachLoadTheirOwnCopy() throws Throwable {
    NativeLibrary.load(); // and a third: the test class path's
    try (URLClassLoader a = jarLoader(); URLClassLoader b = jarLoader()) {
      invoke(a, "NativeLibrary", "load");
      invoke(b, "NativeLibrary", "load");
      invoke(a, "NativeLibrary", "load"); // idempotent per loader
      assertEquals(NativeFs.version(), invoke(a, "NativeFs", "version"));
      assertEquals(NativeFs.version(), invoke(b, "NativeFs", "version"));
      assertNotSame(a.loadClass("io.commitfs.hadoop.NativeFs"), b.loadClass("io.commitfs.hadoop.NativeFs"));
    }
  }

  @Test
  void extractionLeavesNothingBehind(@TempDir Path dir) throws Throwable {
    String old = System.getProperty(NativeLibrary.DIR_PROPERTY);
    System.setProperty(NativeLibrary.DIR_PROPERTY, dir.toString());
    try (URLClassLoader a = jarLoader()) {
      invoke(a, "NativeLibrary", "load");
      try (Stream<Path> left = Files.list(dir)) {
        assertEquals(0, left.count());
      }
    } finally {
      restore(NativeLibrary.DIR_PROPERTY, old);
    }
  }

  @Test
  void anUnwritableDirectoryFailsNamingTheDirectoryAndTheProperty(@TempDir Path tmp) throws Throwable {
    // root ignores permission bits, so as root use a directory no one can create entries in.
    Path dir = "root".equals(System.getProperty("user.name")) ? Path.of("/proc/self") : tmp.resolve("ro");
    if (!Files.exists(dir)) {
      Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("r-x------")));
    }
    String old = System.getProperty(NativeLibrary.DIR_PROPERTY);
    System.setProperty(NativeLibrary.DIR_PROPERTY, dir.toString());
    try (URLClassLoader a = jarLoader()) {
      IOException e = assertThrows(IOException.class, () -> invoke(a, "NativeLibrary", "load"));
      assertTrue(e.getMessage().contains(dir.toString()), e.getMessage());
      assertTrue(e.getMessage().contains("-Dcommitfs.native.dir="), e.getMessage());
      // The failure is remembered, not retried with a half-extracted file.
      IOException again = assertThrows(IOException.class, () -> invoke(a, "NativeLibrary", "load"));
      assertEquals(e.getMessage(), again.getMessage());
    } finally {
      restore(NativeLibrary.DIR_PROPERTY, old);
    }
  }

  @Test
  void anUnsupportedPlatformSaysSo() throws Throwable {
    String old = System.getProperty("os.name");
    System.setProperty("os.name", "Windows 11");
    try (URLClassLoader a = jarLoader()) {
      IOException e = assertThrows(IOException.class, () -> invoke(a, "NativeLibrary", "load"));
      assertTrue(e.getMessage().contains("Windows 11") && e.getMessage().contains("only Linux"), e.getMessage());
    } finally {
      restore("os.name", old);
    }
  }

  private static void restore(String key, String old) {
    if (old == null) {
      System.clearProperty(key);
    } else {
      System.setProperty(key, old);
    }
  }
}
