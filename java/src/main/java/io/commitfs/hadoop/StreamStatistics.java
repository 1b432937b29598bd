package io.commitfs.hadoop;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.apache.hadoop.fs.statistics.IOStatistics;
import org.apache.hadoop.fs.statistics.MeanStatistic;

/**
 * One stream's statistics under S3A's names ({@code StreamStatisticNames}, {@code StoreStatisticNames}),
 * so code that reads an S3A stream's {@link IOStatistics} reads these unchanged. Counters are fixed at
 * construction (a stream offers the same keys from open to after close); one may be live from the
 * native side (the reader's GETs) until the stream closes, then it keeps its last value. Durations are
 * of the native calls that sent requests, as {@code <name>.min/.max/.mean} in milliseconds. Only
 * interfaces present since Hadoop 3.3.1 are used.
 */
final class StreamStatistics implements IOStatistics {
  static final String READ_BYTES = "stream_read_bytes";
  static final String READ_OPERATIONS = "stream_read_operations";
  static final String READ_SEEK_OPERATIONS = "stream_read_seek_operations";
  static final String READ_CLOSE_OPERATIONS = "stream_read_close_operations";
  static final String READ_EXCEPTIONS = "stream_read_exceptions";
  static final String READ_OPENED = "stream_read_opened";
  static final String GET_REQUESTS = "action_http_get_request";
  static final String WRITE_BYTES = "stream_write_bytes";
  static final String WRITE_EXCEPTIONS = "stream_write_exceptions";
  /** The writer's commit at close (one PUT, or a multipart upload's completion and publish). */
  static final String WRITE_COMMIT = "commitfs_stream_write_commit";

  private final Map<String, AtomicLong> counters = new TreeMap<>();
  private final Map<String, Duration> durations = new TreeMap<>();
  /** The counter read live from native code while the stream is open, or null. */
  private final String liveName;
  private volatile LongSupplier live;

  private StreamStatistics(String liveName, String[] counterNames, String[] durationNames) {
    this.liveName = liveName;
    for (String name : counterNames) {
      counters.put(name, new AtomicLong());
    }
    for (String name : durationNames) {
      durations.put(name, new Duration());
    }
  }

  static StreamStatistics input(LongSupplier getRequests) {
    StreamStatistics s = new StreamStatistics(GET_REQUESTS,
        new String[] {READ_BYTES, READ_OPERATIONS, READ_SEEK_OPERATIONS, READ_CLOSE_OPERATIONS, READ_EXCEPTIONS,
            READ_OPENED, GET_REQUESTS},
        new String[] {GET_REQUESTS});
    s.live = getRequests;
    s.increment(READ_OPENED, 1);
    return s;
  }

  static StreamStatistics output() {
    return new StreamStatistics(null, new String[] {WRITE_BYTES, WRITE_EXCEPTIONS, WRITE_COMMIT},
        new String[] {WRITE_COMMIT});
  }

  void increment(String name, long by) {
    counters.get(name).addAndGet(by);
  }

  /** One timed native call of kind {@code name}, {@code nanos} long. */
  void duration(String name, long nanos) {
    durations.get(name).add(nanos / 1_000_000);
  }

  /** The live counter's last value becomes its value for good (the native object goes away). */
  void freeze() {
    LongSupplier source = live;
    if (source != null) {
      counters.get(liveName).set(source.getAsLong());
      live = null;
    }
  }

  @Override
  public Map<String, Long> counters() {
    Map<String, Long> out = new TreeMap<>();
    counters.forEach((k, v) -> out.put(k, v.get()));
    LongSupplier source = live;
    if (source != null) {
      out.put(liveName, source.getAsLong());
    }
    return out;
  }

  @Override
  public Map<String, Long> gauges() {
    return Collections.emptyMap();
  }

  @Override
  public Map<String, Long> minimums() {
    return perDuration(".min", Duration::min);
  }

  @Override
  public Map<String, Long> maximums() {
    return perDuration(".max", Duration::max);
  }

  @Override
  public Map<String, MeanStatistic> meanStatistics() {
    return perDuration(".mean", Duration::mean);
  }

  /** One entry per timed call, named as S3A names its duration statistics (`op.min`, `op.max`, `op.mean`). */
  private <T> Map<String, T> perDuration(String suffix, Function<Duration, T> value) {
    Map<String, T> out = new TreeMap<>();
    durations.forEach((k, d) -> out.put(k + suffix, value.apply(d)));
    return out;
  }

  @Override
  public String toString() {
    return "counters=" + counters() + ", minimums=" + minimums() + ", maximums=" + maximums() + ", means="
        + meanStatistics();
  }

  /** Milliseconds of one kind of timed call: minimum, maximum, sum and count. */
  private static final class Duration {
    private long min = IOStatistics.MIN_UNSET_VALUE;
    private long max = IOStatistics.MAX_UNSET_VALUE;
    private long sum;
    private long samples;

    synchronized void add(long ms) {
      min = samples == 0 ? ms : Math.min(min, ms);
      max = samples == 0 ? ms : Math.max(max, ms);
      sum += ms;
      samples++;
    }

    synchronized long min() {
      return min;
    }

    synchronized long max() {
      return max;
    }

    synchronized MeanStatistic mean() {
      return new MeanStatistic(samples, sum);
    }
  }
}
