package io.commitfs.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Workload 8, the seed's headline: a DStream application with {@code updateStateByKey} whose checkpoints
 * took 8-10 s on S3 (S3A) and 2-4 s on a shared POSIX mount. Real Spark (pyspark, local[2],
 * {@code bench/streaming/dstream_checkpoints.py}), a replayable file source, state over {@link #PARTITIONS}
 * partitions, the state RDD checkpointed every {@link #CHECKPOINT_BATCHES} batches of {@link #BATCH_SECONDS} s and the
 * metadata every batch. One op = one state checkpoint: its time is Spark's own ("Checkpointing took N ms"),
 * its requests are everything the store saw per checkpoint interval (the RDD checkpoint, the metadata
 * checkpoints of its batches and Spark's clean-up of old ones), counted by the proxy.
 */
final class DStreamWorkload {

    static final String NAME = "DStream checkpoint (updateStateByKey)";
    static final int PARTITIONS = 12;
    static final int CHECKPOINT_BATCHES = 3;
    /** Long enough that a batch's processing (Python workers, 2 shared cores) stays within it. */
    static final int BATCH_SECONDS = 2;
    private static final Pattern RDD_CHECKPOINT = Pattern.compile("Checkpointing took (\\d+) ms");
    private static final Pattern METADATA_CHECKPOINT =
            Pattern.compile("Checkpoint for time (\\d+) ms saved to file .*took (\\d+) bytes and (\\d+) ms");
    /** The targets it runs on: each store's commitfs rows and its peers (not s3c relaxed: Spark gets the default keys). */
    static final List<String> TARGETS = List.of("s3c", "s3a", "filec fsync", "filec no-fsync", Targets.LOCAL_FAIR,
            "file (LocalFS, forks chmod)");

    private DStreamWorkload() { }

    static int warmupBatches(Sizing sizing) {
        return 2 * CHECKPOINT_BATCHES;
    }

    static int measuredBatches(Sizing sizing) {
        return (sizing.quick() ? 4 : 10) * CHECKPOINT_BATCHES;
    }

    /** One row; the second element is its detail line (metadata checkpoint times, batch processing). */
    static StreamingWorkload.Outcome run(Target target, Sizing sizing, CountingProxy proxy, Targets.S3Endpoint s3,
                                         Path repo) {
        if (target.unavailable != null) {
            return new StreamingWorkload.Outcome(Result.skipped(NAME, target, target.unavailable), "");
        }
        boolean onS3 = target.store == Target.Store.S3;
        if (onS3 && (proxy == null || s3 == null)) {
            return new StreamingWorkload.Outcome(Result.skipped(NAME, target, "needs the counting proxy and SeaweedFS"), "");
        }
        Path work = null;
        try (ProxyControl control = onS3 ? new ProxyControl(proxy) : null) {
            work = SparkDriver.workDir("commitfs-bench-dstream-");
            Map<String, Object> cfg = config(target, sizing, onS3 ? s3 : null, control, work);
            JsonNode r = SparkDriver.run(repo, "dstream_checkpoints.py", cfg, work);
            String trace = System.getenv("COMMITFS_BENCH_TRACE");
            if (trace != null) { // Spark's log beside the calls: the checkpoint and job times to line them up with
                Files.copy(SparkDriver.stderr(work), Path.of(trace, traceName(target) + ".log"));
            }
            return outcome(target, r, Files.readString(SparkDriver.stderr(work)));
        } catch (IOException | RuntimeException e) {
            return new StreamingWorkload.Outcome(Result.skipped(NAME, target, "failed: " + e.getMessage()), "");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new StreamingWorkload.Outcome(Result.skipped(NAME, target, "interrupted"), "");
        } finally {
            SparkDriver.deleteQuietly(work);
        }
    }

    private static Map<String, Object> config(Target target, Sizing sizing, Targets.S3Endpoint s3,
                                              ProxyControl control, Path work) throws IOException {
        Path input = Files.createDirectory(work.resolve("input"));
        String trace = System.getenv("COMMITFS_BENCH_TRACE");
        List<String> loggers = new ArrayList<>(List.of("org.apache.spark.rdd.ReliableCheckpointRDD",
                "org.apache.spark.streaming.CheckpointWriter"));
        if (trace != null) {
            loggers.add("org.apache.spark.scheduler.DAGScheduler");
        }
        Map<String, String> spark = SparkDriver.sparkConf(s3, SparkDriver.log4j(work, loggers));
        // Inside pyspark, hive-exec maps file:// to its ProxyLocalFileSystem: pin Hadoop's own (or the target's).
        spark.put("spark.hadoop.fs.file.impl", "org.apache.hadoop.fs.LocalFileSystem");
        for (String key : new String[] {"fs.file.impl", "fs.AbstractFileSystem.file.impl", "fs.filec.fsync"}) {
            String value = target.conf.get(key);
            if (value != null && target.root.getScheme().equals(key.contains("filec") ? "filec" : "file")) {
                spark.put("spark.hadoop." + key, value);
            }
        }
        if (trace != null) {
            traceCalls(target, spark, Path.of(trace));
        }
        Map<String, Object> cfg = new LinkedHashMap<>();
        cfg.put("master", "local[2]");
        cfg.put("conf", spark);
        cfg.put("checkpoint", target.dir("dstream-" + target.name.replaceAll("[^A-Za-z0-9]+", "-")) + "/checkpoint");
        cfg.put("input", input.toUri().toString());
        cfg.put("input_dir", input.toString());
        cfg.put("proxy_counts_url", control == null ? null : control.countsUrl());
        cfg.put("batch_seconds", BATCH_SECONDS);
        cfg.put("checkpoint_batches", CHECKPOINT_BATCHES);
        cfg.put("partitions", PARTITIONS);
        cfg.put("keys", 5_000);
        cfg.put("words_per_batch", 2_000);
        cfg.put("warmup_batches", warmupBatches(sizing));
        cfg.put("batches", measuredBatches(sizing));
        cfg.put("timeout_seconds", 600);
        cfg.put("trace", trace == null ? null : Path.of(trace, traceName(target) + ".requests").toString());
        return cfg;
    }

    private static String traceName(Target target) {
        return target.name.replaceAll("[^A-Za-z0-9]+", "-");
    }

    /**
     * {@code COMMITFS_BENCH_TRACE=DIR}: the driver's filesystem under test goes through {@link TracingFileSystem},
     * which logs every FileSystem call with its duration to {@code DIR/<target>.calls} (the driver script writes
     * the proxy's request targets per batch to {@code DIR/<target>.requests}, and Spark's log is kept as
     * {@code DIR/<target>.log}). A profiling run, not a row.
     */
    private static void traceCalls(Target target, Map<String, String> spark, Path dir) throws IOException {
        Files.createDirectories(dir);
        String scheme = target.root.getScheme();
        if (scheme.equals("file")) {
            return; // Spark casts file://'s filesystem to LocalFileSystem (FileSystem.getLocal): no wrapper there
        }
        String inner = scheme.equals("s3a") ? "org.apache.hadoop.fs.s3a.S3AFileSystem" : Targets.COMMITFS_FS;
        String name = traceName(target);
        spark.put("spark.hadoop.commitfs.bench.trace." + scheme + ".impl", inner);
        spark.put("spark.hadoop.fs." + scheme + ".impl", TracingFileSystem.class.getName());
        spark.put("spark.hadoop.commitfs.bench.trace.log", dir.resolve(name + ".calls").toString());
    }

    private static StreamingWorkload.Outcome outcome(Target target, JsonNode r, String sparkLog) {
        int checkpoints = r.get("batches").asInt() / CHECKPOINT_BATCHES;
        List<Double> rdd = new ArrayList<>();
        Matcher m = RDD_CHECKPOINT.matcher(sparkLog);
        while (m.find()) {
            rdd.add(Double.parseDouble(m.group(1)));
        }
        // the measured window's state checkpoints are the last ones Spark logged
        List<Double> measured = rdd.subList(Math.max(0, rdd.size() - checkpoints), rdd.size());
        List<Double> metadata = new ArrayList<>();
        long first = r.get("first_batch_time").asLong();
        long last = r.get("last_batch_time").asLong();
        m = METADATA_CHECKPOINT.matcher(sparkLog);
        while (m.find()) {
            long time = Long.parseLong(m.group(1));
            if (time > first && time <= last) {
                metadata.add(Double.parseDouble(m.group(3)));
            }
        }
        if (measured.isEmpty()) {
            return new StreamingWorkload.Outcome(Result.skipped(NAME, target, "Spark logged no state checkpoint"), "");
        }
        Map<String, Double> perCheckpoint = new LinkedHashMap<>();
        r.get("requests").fields().forEachRemaining(e ->
                perCheckpoint.put(e.getKey(), e.getValue().asDouble() / measured.size()));
        double seconds = measured.stream().mapToDouble(Double::doubleValue).sum() / 1000;
        List<Double> processing = new ArrayList<>();
        r.get("processing_ms").forEach(n -> processing.add(n.asDouble()));
        Result result = new Result(NAME, target, measured.size(), seconds, 0, SparkDriver.percentile(measured, 0.5),
                SparkDriver.percentile(measured, 0.99), target.store == Target.Store.S3 ? perCheckpoint : Map.of(),
                null, null);
        String profile = String.format(Locale.ROOT, "%s: %d state checkpoints, p50 %s ms (all: %s); metadata "
                        + "checkpoints p50 %s ms (n=%d); batch processing p50 %s ms, max %s ms%n", target.name,
                measured.size(), Report.num(SparkDriver.percentile(measured, 0.5)), measured,
                Report.num(SparkDriver.percentile(metadata, 0.5)), metadata.size(),
                Report.num(SparkDriver.percentile(processing, 0.5)), Report.num(SparkDriver.percentile(processing, 1)));
        return new StreamingWorkload.Outcome(result, profile);
    }
}
