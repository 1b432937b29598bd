package io.commitfs.hadoop;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;

/**
 * The {@code openFile()} options commitfs honours. {@code fs.option.openfile.read.policy} sizes the
 * stream's buffer: {@code random}/{@code vector} read little beyond each call, {@code sequential} and
 * {@code whole-file} read ahead at least 1 MiB per native call; the native reader adapts its GETs either
 * way. A length ({@code fs.option.openfile.length}) or a FileStatus needs no use: opening probes nothing
 * (the first GET learns the length). Other standard options are accepted and need nothing; unknown
 * mandatory keys are refused, as Hadoop's builder refuses them.
 */
final class OpenFileOptions {
  private OpenFileOptions() {}

  static final String READ_POLICY = "fs.option.openfile.read.policy";
  private static final int SMALL = 4096;
  private static final int LARGE = 1 << 20;
  private static final Set<String> KNOWN = new HashSet<>(Arrays.asList(READ_POLICY,
      "fs.option.openfile.length", "fs.option.openfile.split.start", "fs.option.openfile.split.end",
      "fs.option.openfile.buffer.size", "fs.option.openfile.footer.cache", "fs.s3a.experimental.input.fadvise"));

  /** The stream buffer for these options ({@code fallback}: the configured read buffer). */
  static int readBuffer(Set<String> mandatory, Configuration options, int fallback, String path) {
    for (String key : mandatory) {
      if (!KNOWN.contains(key)) {
        throw new IllegalArgumentException("unknown mandatory key \"" + key + "\" for openFile(" + path
            + "); commitfs knows " + KNOWN);
      }
    }
    String policies = options.get(READ_POLICY, options.get("fs.s3a.experimental.input.fadvise", ""));
    for (String policy : policies.split(",")) {
      switch (policy.trim().toLowerCase(Locale.ROOT)) {
        case "random":
        case "vector":
          return SMALL;
        case "sequential":
        case "whole-file":
          return Math.max(fallback, LARGE);
        case "adaptive":
        case "default":
        case "normal":
          return fallback;
        default: // unknown policies are skipped, as Hadoop specifies
      }
    }
    return fallback;
  }
}
