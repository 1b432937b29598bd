package io.commitfs.hadoop;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.conf.Configuration;

/**
 * One WARN per scheme when this FileSystem serves a scheme whose FileContext binding
 * ({@code fs.AbstractFileSystem.<scheme>.impl}) is not set: Hadoop finds AbstractFileSystems through that
 * key only (no service file), so FileContext cannot open the scheme, and Spark Structured Streaming then
 * falls back from its FileContext-based checkpoint manager (atomic rename) to the FileSystem-based one,
 * which Spark itself warns may lose data on a store without atomic rename semantics it can rely on.
 */
final class FileContextCheck {
  private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

  private FileContextCheck() {}

  /** The key to add for {@code scheme}, or null when it is set. */
  static String missingKey(String scheme, Configuration conf) {
    String key = "fs.AbstractFileSystem." + scheme + ".impl";
    return conf.get(key) == null ? key : null;
  }

  static void warnIfMissing(String scheme, Configuration conf) {
    String key = missingKey(scheme, conf);
    if (key != null && WARNED.add(scheme)) {
      NativeLog.LOG.warn("{} is not set, so FileContext cannot open {}:// paths and Spark Structured Streaming "
          + "falls back to a checkpoint manager without atomic rename. Add {}={} (with Spark: spark.hadoop.{}={})",
          key, scheme, key, CommitFs.class.getName(), key, CommitFs.class.getName());
    }
  }
}
