package io.commitfs.hadoop.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * kill -9 of writer JVMs mid-write, mid-close, mid-rename of a file and of a directory. Afterwards the
 * final path is absent or complete (never partial), a close or rename that returned is durable, and
 * commitfs' temporary objects never show in listings.
 */
class KillDuringCommitTest {
  private static final String[] MODES = {"write", "close", "rename-file", "rename-dir"};
  private static final int DIR_FILES = 12;

  @TempDir
  java.nio.file.Path filecRoot;

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"filec", "s3c"})
  void killedWritersLeaveNothingPartial(String scheme) throws Exception {
    try (Store store = Store.of(scheme, filecRoot)) {
      FileSystem fs = store.fs();
      Random random = new Random(scheme.hashCode() ^ System.nanoTime());
      List<String> violations = new ArrayList<>();
      TreeMap<String, Integer> outcomes = new TreeMap<>();
      int crashes = Sizes.crashes();
      // One child starts while the previous one is being killed: JVM start-up dominates otherwise.
      Child next = Child.start(store, 0);
      for (int i = 0; i < crashes; i++) {
        Child child = next;
        next = i + 1 < crashes ? Child.start(store, i + 1) : null;
        String mode = MODES[i % MODES.length];
        String ready = child.receive();
        assertTrue(ready.startsWith("READY"), "child did not start: " + ready + " " + child.stderrTail());
        String outcome = crashOnce(store, child, mode, i, random, violations);
        outcomes.merge(mode + ":" + outcome, 1, Integer::sum);
      }
      // Temp objects from every crash are hidden from the listings of the test directory and the root.
      checkNoTempsListed(fs, store.base, violations);
      checkNoTempsListed(fs, new Path("/"), violations);
      System.out.println("[reliability] crash " + scheme + " outcomes " + outcomes);
      Sizes.report("crash", scheme, 0, crashes, 0, violations.size());
      assertTrue(violations.isEmpty(), () -> violations.size() + " violations: " + violations.subList(0, Math.min(5, violations.size())));
    }
  }

  /** One crash; returns how it ended (absent/complete, before/after the call returned) for the summary. */
  private static String crashOnce(Store store, Child child, String mode, int i, Random random, List<String> violations)
      throws Exception {
    FileSystem fs = store.fs();
    String what = mode + " crash " + i;
    Path dir = store.path("crash-" + i);
    Path dst = new Path(dir, "final");
    int len = (store.scheme.equals("s3c") ? 6 : 2) * 1024 * 1024 + random.nextInt(100_000);
    String marker;
    switch (mode) {
      case "write":
        child.send("crash-write " + dst + " " + len + " " + i);
        marker = "WRITING";
        break;
      case "close":
        child.send("crash-close " + dst + " " + len + " " + i);
        marker = "CLOSING";
        break;
      case "rename-file":
        assertEquals("OK", child.call("put " + new Path(dir, "src") + " " + len + " " + i));
        child.send("crash-rename " + new Path(dir, "src") + " " + dst);
        marker = "RENAMING";
        break;
      default:
        for (int f = 0; f < DIR_FILES; f++) {
          assertEquals("OK", child.call("put " + new Path(dir, "srcdir/f" + f) + " 5000 " + f));
        }
        child.send("crash-rename " + new Path(dir, "srcdir") + " " + dst);
        marker = "RENAMING";
        break;
    }
    String got = child.receive();
    if (!got.equals(marker)) {
      violations.add(what + ": expected " + marker + ", got " + got);
      child.kill();
      return "error";
    }
    // Spread the kill over the operation: sometimes before it starts, sometimes after it returned.
    boolean s3 = store.scheme.equals("s3c");
    Thread.sleep(random.nextInt(mode.equals("write") ? 50 : mode.equals("close") ? (s3 ? 400 : 40) : (s3 ? 120 : 15)));
    child.kill();
    boolean returned = child.remainingAnswers().stream().anyMatch(a -> a.equals("CLOSED") || a.equals("RENAMED"));

    if (mode.equals("rename-dir")) {
      return checkDirectoryRename(store, what, new Path(dir, "srcdir"), dst, returned, violations);
    }
    long seed = TestFiles.seedAt(fs, dst);
    if (seed == -1 || seed >= 0 && seed != i) {
      violations.add(what + ": " + dst + " is partial or foreign (" + seed + ")");
    }
    if (mode.equals("write") && seed != -2) {
      violations.add(what + ": an unclosed file became visible");
    }
    if (returned && seed != i) {
      violations.add(what + ": the call returned but " + dst + " is not complete (" + seed + ")");
    }
    if (mode.equals("rename-file")) {
      long src = TestFiles.seedAt(fs, new Path(dir, "src"));
      boolean atomic = store.scheme.equals("filec");
      // s3c renames a file by copy then delete: a kill in between leaves both, each complete.
      if (src == -1 || (seed == -2 && src != i) || (atomic && (src == -2) == (seed == -2))) {
        violations.add(what + ": source " + src + ", destination " + seed + " after the crash");
      }
    }
    checkNoTempsListed(fs, dir, violations);
    return (seed == -2 ? "absent" : "complete") + (returned ? "-returned" : "");
  }

  /**
   * filec renames a directory with one rename(2): all or nothing. s3c copies then deletes key by key
   * (documented as not atomic): every file must still exist, complete, on at least one side.
   */
  private static String checkDirectoryRename(Store store, String what, Path src, Path dst, boolean returned,
      List<String> violations) throws IOException {
    FileSystem fs = store.fs();
    int inSrc = 0;
    int inDst = 0;
    for (int f = 0; f < DIR_FILES; f++) {
      long a = TestFiles.seedAt(fs, new Path(src, "f" + f));
      long b = TestFiles.seedAt(fs, new Path(dst, "f" + f));
      if (a == -1 || b == -1 || (a == -2 && b == -2) || (a >= 0 && a != f) || (b >= 0 && b != f)) {
        violations.add(what + ": file f" + f + " is " + a + " in the source and " + b + " in the destination");
      }
      inSrc += a == f ? 1 : 0;
      inDst += b == f ? 1 : 0;
    }
    if (store.scheme.equals("filec") && !(inSrc == DIR_FILES && inDst == 0 || inSrc == 0 && inDst == DIR_FILES)) {
      violations.add(what + ": directory rename not atomic: " + inSrc + " files in the source, " + inDst + " in the destination");
    }
    if (returned && inDst != DIR_FILES) {
      violations.add(what + ": the rename returned but the destination holds " + inDst + " files");
    }
    checkNoTempsListed(fs, src.getParent(), violations);
    return inDst == DIR_FILES ? (inSrc == 0 ? "moved" : "copied-not-deleted") : inDst == 0 ? "not-moved" : "part-copied";
  }

  static void checkNoTempsListed(FileSystem fs, Path dir, List<String> violations) throws IOException {
    FileStatus[] listing;
    try {
      listing = fs.listStatus(dir);
    } catch (FileNotFoundException e) {
      return;
    }
    for (FileStatus s : listing) {
      String name = s.getPath().getName();
      if (name.contains(".commitfs-") || name.startsWith("_commitfs") || name.endsWith(".tmp")) {
        violations.add("listing of " + dir + " shows commitfs' temporary entry " + s.getPath());
      }
      if (s.isDirectory() && !dir.isRoot()) {
        checkNoTempsListed(fs, s.getPath(), violations);
      }
    }
  }
}
