package io.commitfs.hadoop.reliability;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM running {@link Worker} on the commitfs jar (not the class directories), spoken to by
 * lines: commands on its stdin, {@code @}-prefixed answers on its stdout. Its stderr goes to a file so
 * tests can scan everything it printed (for secrets) and show it when something fails.
 */
final class Child implements AutoCloseable {
  final int id;
  final File stderr;
  private final Process process;
  private final Writer in;
  private final BufferedReader out;
  private final List<String> noise = new ArrayList<>();

  private Child(int id, Process process, File stderr) {
    this.id = id;
    this.process = process;
    this.stderr = stderr;
    this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
  }

  /** Starts a worker for {@code store}; it answers {@code @READY} once its FileSystem is open. */
  static Child start(Store store, int id) throws IOException {
    return start(store, id, List.of(), Map.of());
  }

  static Child start(Store store, int id, List<String> jvmOptions, Map<String, String> env) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(new File(System.getProperty("java.home"), "bin/java").getPath());
    cmd.add("-Xmx192m");
    cmd.add("-XX:+UseSerialGC");
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"));
    cmd.addAll(jvmOptions);
    cmd.add("-cp");
    cmd.add(classpath());
    cmd.add(Worker.class.getName());
    cmd.add(store.confFile().toString());
    cmd.add(store.uri.toString());
    cmd.add(Integer.toString(id));
    File err = store.privateDir.resolve("child-" + id + "-" + System.nanoTime() + ".err").toFile();
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(err);
    pb.environment().putAll(env);
    return new Child(id, pb.start(), err);
  }

  /**
   * The test classpath with the built jar in place of the main class and resource directories, so the
   * children load commitfs exactly as Spark does (set by build.gradle as commitfs.test.jar).
   */
  static String classpath() {
    String jar = System.getProperty("commitfs.test.jar");
    String cp = System.getProperty("java.class.path");
    if (jar == null || !new File(jar).isFile()) {
      return cp;
    }
    StringBuilder b = new StringBuilder(jar);
    for (String entry : cp.split(File.pathSeparator)) {
      String e = entry.replace('\\', '/');
      if (e.endsWith("/classes/java/main") || e.endsWith("/classes/java/vectored") || e.endsWith("/resources/main")) {
        continue;
      }
      b.append(File.pathSeparatorChar).append(entry);
    }
    return b.toString();
  }

  void send(String command) throws IOException {
    in.write(command);
    in.write('\n');
    in.flush();
  }

  /** The next answer line (without the '@'); fails if the child exits or stays silent too long. */
  String receive() throws IOException {
    String line;
    while ((line = out.readLine()) != null) {
      if (line.startsWith("@")) {
        return line.substring(1);
      }
      noise.add(line);
    }
    throw new IOException("child " + id + " exited (" + exitCode() + ") without answering; stderr: " + stderrTail());
  }

  String call(String command) throws IOException {
    send(command);
    return receive();
  }

  /** Answers the child printed before it died (read after a kill; the pipe keeps what was written). */
  List<String> remainingAnswers() throws IOException {
    List<String> rest = new ArrayList<>();
    String line;
    while ((line = out.readLine()) != null) {
      if (line.startsWith("@")) {
        rest.add(line.substring(1));
      }
    }
    return rest;
  }

  /**
   * SIGKILL (kill -9), then waits for the exit. Through the ProcessHandle: Process.destroyForcibly would
   * also close our ends of the pipes, losing answers the child wrote just before dying.
   */
  void kill() throws InterruptedException {
    process.toHandle().destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  String exitCode() {
    return process.isAlive() ? "running" : Integer.toString(process.exitValue());
  }

  String stderrTail() {
    try {
      String s = Files.readString(stderr.toPath());
      return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
    } catch (IOException e) {
      return "(no stderr: " + e + ")";
    }
  }

  /** Everything the child printed, stdout and stderr. */
  String allOutput() {
    String err;
    try {
      err = Files.readString(stderr.toPath());
    } catch (IOException e) {
      err = "(no stderr: " + e + ")";
    }
    return String.join("\n", noise) + "\n" + err;
  }

  /** Closes its stdin (the worker exits) and kills it if it has not exited within 10 s. */
  @Override
  public void close() {
    try {
      in.close();
    } catch (IOException e) {
      // already gone
    }
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        kill();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
