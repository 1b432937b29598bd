package io.commitfs.hadoop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/**
 * The jar loads on Java 8: everything Hadoop or Spark 3.5 can load is class file version 52 (what
 * {@code javap -v} prints as "major version"), and META-INF/services names only such classes. On Hadoop
 * 3.3 one service class that cannot load breaks every filesystem of the JVM, so this is checked on the
 * packaged jar, not the compiler flags.
 */
class JarBytecodeTest {
  private static final int JAVA_8 = 52;
  /** Spark 4's checkpoint manager: Spark 4 needs Java 17, and it is loaded only when configured. */
  private static final String SPARK4_MANAGER = "io/commitfs/spark/CommitCheckpointFileManager";

  @Test
  void everyClassHadoopOrSpark35LoadsIsJava8() throws IOException {
    Map<String, Integer> majors = majors();
    assertTrue(majors.keySet().stream().anyMatch(c -> c.startsWith("io/commitfs/hadoop/")), "no classes in the jar");
    assertTrue(majors.containsKey("io/commitfs/spark/Spark35CommitCheckpointFileManager.class"));
    assertTrue(majors.containsKey("io/commitfs/spark/CheckpointCreate.class"));
    List<String> wrong = new ArrayList<>();
    majors.forEach((name, major) -> {
      boolean spark4 = name.startsWith(SPARK4_MANAGER + ".") || name.startsWith(SPARK4_MANAGER + "$");
      if (!spark4 && major != JAVA_8) {
        wrong.add(name + " is major " + major);
      }
    });
    assertEquals(new ArrayList<String>(), wrong, "classes that Java 8 cannot load");
  }

  @Test
  void servicesNameOnlyJava8ClassesAndNotTheSpark4Manager() throws IOException {
    Map<String, Integer> majors = majors();
    try (JarFile jar = new JarFile(jarPath())) {
      ZipEntry e = jar.getEntry("META-INF/services/org.apache.hadoop.fs.FileSystem");
      assertTrue(e != null, "no FileSystem service entry");
      List<String> services = new ArrayList<>();
      try (BufferedReader r = new BufferedReader(new InputStreamReader(jar.getInputStream(e), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null;) {
          if (!line.trim().isEmpty() && !line.startsWith("#")) {
            services.add(line.trim());
          }
        }
      }
      assertFalse(services.isEmpty());
      for (String s : services) {
        assertEquals(Integer.valueOf(JAVA_8), majors.get(s.replace('.', '/') + ".class"), s);
      }
      jar.stream().filter(x -> x.getName().startsWith("META-INF/services/")).forEach(x ->
          assertFalse(x.getName().contains("spark"), "a Spark service entry: " + x.getName()));
    }
  }

  /** Class file name in the jar to its major version (bytes 6-7 after the 0xCAFEBABE magic). */
  static Map<String, Integer> majors() throws IOException {
    Map<String, Integer> majors = new TreeMap<>();
    try (JarFile jar = new JarFile(jarPath())) {
      for (ZipEntry e : java.util.Collections.list(jar.entries())) {
        if (!e.getName().endsWith(".class")) {
          continue;
        }
        try (InputStream in = jar.getInputStream(e); DataInputStream d = new DataInputStream(in)) {
          assertEquals(0xCAFEBABE, d.readInt(), e.getName());
          d.readUnsignedShort(); // minor
          majors.put(e.getName(), d.readUnsignedShort());
        }
      }
    }
    return majors;
  }

  static String jarPath() {
    String jar = System.getProperty("commitfs.test.jar");
    assertTrue(jar != null && new java.io.File(jar).isFile(), "commitfs.test.jar not set or missing: " + jar);
    return jar;
  }
}
