package io.commitfs.hadoop.reliability;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;

/**
 * CI sizes by default; soak sizes from the environment (scripts/soak.sh sets them; Gradle's JavaExec
 * passes the environment through, system properties it would not). Each test appends its totals to
 * {@code COMMITFS_SOAK_REPORT} so the soak script can sum rounds, crashes, faults and violations.
 */
final class Sizes {
  private Sizes() {}

  /** Race rounds per (race kind, scheme); fewer on s3c in CI, where a round of 8 processes takes ~1 s. */
  static int raceRounds(String scheme) {
    int ci = scheme.equals("s3c") ? 4 : 15;
    return env("COMMITFS_SOAK_RACE_ROUNDS_" + scheme.toUpperCase(java.util.Locale.ROOT), env("COMMITFS_SOAK_RACE_ROUNDS", ci));
  }

  /** Kill -9 crashes per scheme. */
  static int crashes() {
    return env("COMMITFS_SOAK_CRASHES", 8);
  }

  /** Duration of the delete+rename under readers test, per scheme. */
  static int replaceMillis() {
    return env("COMMITFS_SOAK_REPLACE_MS", 2000);
  }

  static int processes() {
    return env("COMMITFS_SOAK_PROCESSES", 8);
  }

  private static int env(String name, int ciDefault) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? ciDefault : Integer.parseInt(v.trim());
  }

  /** One line {@code test scheme rounds=N crashes=N faults=N violations=N} for the soak summary. */
  static synchronized void report(String test, String scheme, long rounds, long crashes, long faults, long violations) {
    String line = String.format("%s %s rounds=%d crashes=%d faults=%d violations=%d%n",
        test, scheme, rounds, crashes, faults, violations);
    System.out.print("[reliability] " + line);
    String file = System.getenv("COMMITFS_SOAK_REPORT");
    if (file != null && !file.isBlank()) {
      try {
        Files.write(Paths.get(file), line.getBytes(StandardCharsets.UTF_8),
            StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      } catch (IOException e) {
        System.err.println("[reliability] cannot append to " + file + ": " + e);
      }
    }
  }
}
