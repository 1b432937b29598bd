package io.commitfs.hadoop;

import java.io.IOException;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.fs.StorageStatistics;
import org.apache.hadoop.fs.statistics.IOStatistics;
import org.apache.hadoop.fs.statistics.MeanStatistic;

/**
 * The core's own operation counters (S3 requests by kind, POSIX syscalls by kind) as Hadoop's
 * {@link IOStatistics} and {@link StorageStatistics}. S3 requests carry S3A's names where one exists
 * ({@code object_put_request}, {@code object_list_request}, ...), so dashboards built for S3A read them
 * unchanged; the rest are {@code commitfs_*}. The counts are read live from the native store, which is
 * shared by every FileSystem instance with the same scheme, authority and configuration: they cover all
 * of them (like S3A's instrumentation, not per stream). Only interfaces present since Hadoop 3.3.1 are
 * used, so Spark 3.5's Hadoop 3.3.4 loads this class.
 */
final class CommitStatistics extends StorageStatistics implements IOStatistics {
  /** The core's request kinds (rust/core/src/object/counting.rs) that S3A also counts, by S3A's name. */
  private static final Map<String, String> S3A_NAMES = pairs(
      "HEAD=object_metadata_request LIST=object_list_request GET=action_http_get_request PUT=object_put_request "
          + "COPY=object_copy_requests DELETE=object_delete_request DELETE_OBJECTS=object_bulk_delete_request "
          + "MPU_CREATE=object_multipart_initiated MPU_PART=multipart_upload_part_put "
          + "MPU_COMPLETE=multipart_upload_completed MPU_ABORT=object_multipart_aborted LIST_UPLOADS=object_multipart_list");

  private static Map<String, String> pairs(String table) {
    Map<String, String> map = new HashMap<>();
    for (String pair : table.split(" ")) {
      map.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
    }
    return map;
  }

  /** Total S3 requests of every kind (retries included). */
  static final String REQUESTS = "commitfs_requests";
  /** Total counted POSIX syscalls. */
  static final String SYSCALLS = "commitfs_syscalls";
  static final String SYSCALL_PREFIX = "commitfs_syscall_";

  /** Reads the native counters as {@code name=value} lines. */
  interface Source {
    String read() throws IOException;
  }

  private final Source source;
  /** Values at the last {@link #reset()}: the native counters only ever grow. */
  private volatile Map<String, Long> baseline = Collections.emptyMap();

  CommitStatistics(String name, Source source) {
    super(name);
    this.source = source;
  }

  /** The Hadoop name of one native counter. */
  static String hadoopName(String nativeName) {
    String s3a = S3A_NAMES.get(nativeName);
    if (s3a != null) {
      return s3a;
    }
    if (nativeName.equals("requests")) {
      return REQUESTS;
    }
    String lower = nativeName.toLowerCase(Locale.ROOT);
    // S3 request kinds are upper case, syscall names lower case (posix/sys.rs).
    return lower.equals(nativeName) ? SYSCALL_PREFIX + lower : "commitfs_" + lower + "_request";
  }

  /** Every counter now, under its Hadoop name, less the baseline; empty once the store is closed. */
  private Map<String, Long> read() {
    String text;
    try {
      text = source.read();
    } catch (IOException | RuntimeException e) {
      return Collections.emptyMap();
    }
    Map<String, Long> out = new TreeMap<>();
    long syscalls = 0;
    boolean posix = false;
    for (String line : text.split("\n")) {
      int eq = line.indexOf('=');
      if (eq <= 0) {
        continue;
      }
      String name = hadoopName(line.substring(0, eq));
      long value = Long.parseLong(line.substring(eq + 1).trim());
      if (name.startsWith(SYSCALL_PREFIX)) {
        posix = true;
        syscalls += value;
      }
      out.put(name, value);
    }
    if (posix) {
      out.put(SYSCALLS, syscalls);
    }
    Map<String, Long> base = baseline;
    out.replaceAll((k, v) -> v - base.getOrDefault(k, 0L));
    return out;
  }

  // ---- IOStatistics ----

  @Override
  public Map<String, Long> counters() {
    return read();
  }

  // The core keeps counts only: no gauges, extremes or means.
  @Override public Map<String, Long> gauges() { return Collections.emptyMap(); }
  @Override public Map<String, Long> minimums() { return Collections.emptyMap(); }
  @Override public Map<String, Long> maximums() { return Collections.emptyMap(); }
  @Override public Map<String, MeanStatistic> meanStatistics() { return Collections.emptyMap(); }

  // ---- StorageStatistics ----

  @Override
  public String getScheme() {
    return getName().substring(0, Math.max(0, getName().indexOf(':')));
  }

  @Override
  public Iterator<LongStatistic> getLongStatistics() {
    return read().entrySet().stream().map(e -> new LongStatistic(e.getKey(), e.getValue())).iterator();
  }

  @Override
  public Long getLong(String key) {
    return read().get(key);
  }

  @Override
  public boolean isTracked(String key) {
    return read().containsKey(key);
  }

  /** Counts from now on; the native store (shared with other instances) is not touched. */
  @Override
  public void reset() {
    baseline = Collections.emptyMap();
    baseline = read();
  }

  @Override
  public String toString() {
    return "counters=" + read();
  }
}
