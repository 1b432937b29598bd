package io.commitfs.hadoop.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.util.VersionInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dropping the jar onto a Hadoop classpath breaks nothing and adds our schemes: a child JVM (the Java
 * this test runs on) with the Hadoop jars of this run (3.5.0, or 3.3.4 with -PhadoopVersion=3.3.4) and
 * the jar, nothing configured, uses file://, viewfs:// and filec:// ({@link ClasspathProbe}). Hadoop 3.3's
 * FileSystem.loadFileSystems catches only ServiceConfigurationError, so one service class that cannot
 * load (say, newer bytecode than the JVM) would fail every filesystem there.
 */
class JarOnHadoopClasspathTest {
  @Test
  void builtInFilesystemsAndOursWorkWithTheJarOnTheClasspath(@TempDir File dir) throws Exception {
    String jar = System.getProperty("commitfs.test.jar");
    String hadoop = System.getProperty("commitfs.test.hadoopClasspath");
    assertTrue(jar != null && new File(jar).isFile(), "commitfs.test.jar: " + jar);
    assertTrue(hadoop != null, "commitfs.test.hadoopClasspath not set (build.gradle sets it)");
    String probeDir = new File(ClasspathProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getPath();
    List<String> cmd = new ArrayList<>();
    cmd.add(new File(System.getProperty("java.home"), "bin/java").getPath());
    cmd.add("-Xmx256m");
    cmd.add("-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"));
    cmd.add("-cp");
    cmd.add(jar + File.pathSeparator + probeDir + File.pathSeparator + hadoop);
    cmd.add(ClasspathProbe.class.getName());
    cmd.add(dir.getPath());
    File log = new File(dir.getParentFile(), dir.getName() + ".log");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log).start();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "probe did not finish in 120 s");
    String out = new String(Files.readAllBytes(log.toPath()), StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), "probe on Hadoop " + VersionInfo.getVersion() + ", Java "
        + System.getProperty("java.version") + " failed:\n" + out);
    assertTrue(out.contains("OK viewfs "), out);
    assertTrue(out.contains("OK file org.apache.hadoop.fs.LocalFileSystem"), out);
    assertTrue(out.contains("OK filec io.commitfs.hadoop."), out);
  }
}
