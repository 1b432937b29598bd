package io.commitfs.hadoop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every platform's library is in the built jar and loads on glibc 2.17 (CentOS 7, Amazon Linux 2, EMR
 * 6.x, RHEL 8): no dynamic symbol bound to a newer glibc version, and no shared library beyond the ones
 * every glibc system has. Read with binutils' objdump, which reads both architectures' ELF.
 */
class NativeFloorTest {
  /** glibc 2.17, as major * 1000 + minor. */
  private static final int FLOOR = 2_017;
  private static final Set<String> ALLOWED_NEEDED = new HashSet<>(Arrays.asList("libc.so.6", "libm.so.6",
      "libdl.so.2", "libpthread.so.0", "libgcc_s.so.1", "ld-linux-x86-64.so.2", "ld-linux-aarch64.so.1"));
  private static final Pattern VERSIONED = Pattern.compile("\\(?GLIBC_(\\d+)\\.(\\d+)(?:\\.\\d+)?\\)?\\s+(\\S+)$");
  private static final Pattern NEEDED = Pattern.compile("^\\s*NEEDED\\s+(\\S+)");

  @ParameterizedTest(name = "{0}")
  @CsvSource({"linux-x86_64, 62", "linux-aarch64, 183"})
  void theLibraryIsPackagedForItsArchitectureAndNeedsNoMoreThanGlibc217(String platform, int elfMachine,
      @TempDir Path dir) throws Exception {
    Path lib = extract(platform, dir);
    assertEquals(elfMachine, elfMachine(lib), platform + ": ELF e_machine");

    List<String> newer = new ArrayList<>();
    int max = 0;
    for (String line : objdump("-T", lib)) {
      Matcher m = VERSIONED.matcher(line.trim());
      if (m.find()) {
        int version = Integer.parseInt(m.group(1)) * 1000 + Integer.parseInt(m.group(2));
        max = Math.max(max, version);
        if (version > FLOOR) {
          newer.add(m.group(3) + "@GLIBC_" + m.group(1) + "." + m.group(2));
        }
      }
    }
    Set<String> needed = new TreeSet<>();
    for (String line : objdump("-p", lib)) {
      Matcher m = NEEDED.matcher(line);
      if (m.find()) {
        needed.add(m.group(1));
      }
    }
    // The summary the README's platform table quotes.
    System.out.printf("%s: highest glibc symbol version GLIBC_%d.%d, NEEDED %s%n", platform, max / 1000, max % 1000, needed);
    assertTrue(newer.isEmpty(), platform + ": symbols bound to glibc newer than 2.17 (built without the zig"
        + " 2.17 target? see scripts/native.sh): " + newer);
    Set<String> extra = new TreeSet<>(needed);
    extra.removeAll(ALLOWED_NEEDED);
    assertTrue(extra.isEmpty(), platform + ": shared libraries a glibc 2.17 system may lack: " + extra);
    assertTrue(needed.contains("libc.so.6"), platform + ": not linked against glibc? NEEDED " + needed);
  }

  private static Path extract(String platform, Path dir) throws IOException {
    String jar = System.getProperty("commitfs.test.jar");
    assertTrue(jar != null && new File(jar).isFile(), "commitfs.test.jar must name the built jar: " + jar);
    String name = "native/" + platform + "/" + NativeLibrary.LIBRARY;
    try (ZipFile zip = new ZipFile(jar)) {
      ZipEntry entry = zip.getEntry(name);
      assertNotNull(entry, jar + " has no " + name);
      Path out = dir.resolve(platform + ".so");
      try (InputStream in = zip.getInputStream(entry)) {
        Files.copy(in, out);
      }
      return out;
    }
  }

  /** e_machine, the little-endian 16-bit field at offset 18 of the ELF header. */
  private static int elfMachine(Path lib) throws IOException {
    byte[] header = new byte[20];
    try (InputStream in = Files.newInputStream(lib)) {
      assertEquals(header.length, in.read(header), lib + ": shorter than an ELF header");
    }
    assertEquals(0x7f, header[0] & 0xff, lib + ": not an ELF file");
    return (header[18] & 0xff) | (header[19] & 0xff) << 8;
  }

  private static List<String> objdump(String option, Path lib) throws Exception {
    Process p = new ProcessBuilder("objdump", option, lib.toString()).redirectErrorStream(true).start();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (InputStream in = p.getInputStream()) {
      byte[] buf = new byte[8192];
      for (int n; (n = in.read(buf)) > 0; ) {
        out.write(buf, 0, n);
      }
    }
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "objdump " + option + " did not finish");
    String text = new String(out.toByteArray(), StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), "objdump " + option + " " + lib + " (binutils, from scripts/setup.sh): " + text);
    return Arrays.asList(text.split("\n"));
  }
}
