package io.commitfs.hadoop.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Races between separate JVMs through the jar: of N processes creating (overwrite=false) or renaming
 * (FileSystem.rename, FileContext.rename NONE) onto one destination, exactly one wins each round and
 * the destination holds the winner's bytes; and Spark's overwrite (write temp, delete, rename) never
 * shows a concurrent reader a partial or empty file.
 */
class CrossProcessRaceTest {
  private static final int FILE_BYTES = 3000;

  @TempDir
  static java.nio.file.Path filecRoot;
  /** One store and one set of worker JVMs per scheme, shared by the tests: JVM start-up dominates CI time. */
  private static final java.util.Map<String, Store> STORES = new java.util.HashMap<>();
  private static final java.util.Map<String, Children> WORKERS = new java.util.HashMap<>();

  private static synchronized Store store(String scheme) throws IOException {
    Store s = STORES.get(scheme);
    if (s == null) {
      s = Store.of(scheme, filecRoot);
      STORES.put(scheme, s);
      WORKERS.put(scheme, Children.start(s, Sizes.processes()));
    }
    return s;
  }

  @org.junit.jupiter.api.AfterAll
  static void stopWorkers() throws IOException {
    for (Children c : WORKERS.values()) {
      c.close();
    }
    for (Store s : STORES.values()) {
      s.close();
    }
    WORKERS.clear();
    STORES.clear();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"filec", "s3c"})
  void exactlyOneProcessWinsEachRound(String scheme) throws Exception {
    Store store = store(scheme);
    Children kids = WORKERS.get(scheme);
    FileSystem fs = store.fs();
    List<String> violations = new ArrayList<>();
    int rounds = Sizes.raceRounds(scheme);
    long total = 0;
    for (String kind : new String[] {"create", "rename", "fcrename"}) {
      long started = System.nanoTime();
      long racing = 0;
      for (int r = 0; r < rounds; r++, total++) {
        Path dir = store.path(kind + "-" + r);
        Path dst = new Path(dir, "dst");
        if (!kind.equals("create")) {
          for (String a : kids.callAll(i -> "put " + new Path(dir, "src-" + i) + " " + FILE_BYTES + " " + i)) {
            assertEquals("OK", a, "preparing the sources");
          }
        }
        long raceStart = System.nanoTime();
        List<String> answers = kids.callAll(i -> kind.equals("create")
            ? "create " + dst + " " + FILE_BYTES + " " + i
            : kind + " " + new Path(dir, "src-" + i) + " " + dst);
        racing += System.nanoTime() - raceStart;
        checkRound(fs, kind + " round " + r, dir, dst, answers, violations);
        fs.delete(dir, true);
      }
      System.out.printf("[reliability] %s %s: %d rounds in %d ms (%d ms racing)%n", scheme, kind, rounds,
          (System.nanoTime() - started) / 1_000_000, racing / 1_000_000);
    }
    // What the races cost one process (retries count as requests): shows a store that retries conflicts.
    System.out.println("[reliability] " + scheme + " process 0 after " + total + " rounds: " + kids.all.get(0).call("counters"));
    Sizes.report("race", scheme, total, 0, 0, violations.size());
    assertTrue(violations.isEmpty(), () -> violations.size() + " violations: " + violations.subList(0, Math.min(5, violations.size())));
  }

  private static void checkRound(FileSystem fs, String round, Path dir, Path dst, List<String> answers,
      List<String> violations) throws IOException {
    int winner = -1;
    int wins = 0;
    for (int i = 0; i < answers.size(); i++) {
      String a = answers.get(i);
      if (a.equals("WIN")) {
        wins++;
        winner = i;
      } else if (!a.startsWith("LOSE")) {
        violations.add(round + ": process " + i + " failed instead of losing cleanly: " + a);
      }
    }
    if (wins != 1) {
      violations.add(round + ": " + wins + " winners " + answers);
      return;
    }
    long seed = TestFiles.seedAt(fs, dst);
    if (seed != winner) {
      violations.add(round + ": destination holds " + seed + ", winner was " + winner);
    }
    if (!round.startsWith("create")) {
      // Losers keep their sources: a failed rename must not lose data.
      for (int i = 0; i < answers.size(); i++) {
        long s = TestFiles.seedAt(fs, new Path(dir, "src-" + i));
        if (i == winner ? s != -2 : s != i) {
          violations.add(round + ": source of process " + i + " is " + s + " after the race");
        }
      }
    }
  }

  /**
   * One process replaces a file over and over as Spark's FileSystem-based checkpoint manager does
   * (write temp, delete destination, rename); the others read it in a loop. Missing is fine (between
   * delete and rename); a partial, empty or mixed file is a violation.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"filec", "s3c"})
  void sparkDeleteThenRenameNeverShowsReadersAPartialFile(String scheme) throws Exception {
    Store store = store(scheme);
    Children kids = WORKERS.get(scheme);
    Path dst = store.path("offsets/0");
    Child writer = kids.all.get(0);
    assertEquals("OK", writer.call("put " + dst + " 200000 100"));
    long millis = Sizes.replaceMillis();
    for (Child reader : kids.all.subList(1, kids.all.size())) {
      reader.send("readloop " + dst + " " + millis);
    }
    long end = System.currentTimeMillis() + millis;
    int replaced = 0;
    List<String> violations = new ArrayList<>();
    while (System.currentTimeMillis() < end) {
      Path tmp = store.path("offsets/.0." + replaced + ".tmp");
      // Sizes vary so a truncated or mixed read cannot pass the length check by luck.
      String a = writer.call("replace " + dst + " " + tmp + " " + (150_000 + replaced % 7 * 20_000) + " " + replaced);
      if (!a.equals("OK")) {
        violations.add("replace " + replaced + ": " + a);
      }
      replaced++;
    }
    long complete = 0;
    long bad = 0;
    for (Child reader : kids.all.subList(1, kids.all.size())) {
      String a = reader.receive();
      String[] f = a.split(" ");
      if (!f[0].equals("READS")) {
        violations.add("reader " + reader.id + ": " + a);
        continue;
      }
      complete += Long.parseLong(f[1]);
      long b = Long.parseLong(f[4]);
      bad += b;
      if (b > 0) {
        violations.add("reader " + reader.id + " saw " + b + " partial files (first " + (f.length > 5 ? f[5] : "") + ")");
      }
    }
    System.out.println("[reliability] replace " + scheme + ": " + replaced + " replacements, " + complete
        + " complete reads, " + bad + " bad");
    Sizes.report("replace", scheme, replaced, 0, 0, violations.size());
    assertTrue(complete > 0, "the readers never read the file");
    assertTrue(violations.isEmpty(), violations.toString());
  }
}
