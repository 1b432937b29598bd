package io.commitfs.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Workload 7: Structured Streaming micro-batches with state, checkpointing to s3c:// or s3a:// on the same
 * SeaweedFS through the counting proxy. Spark runs in a driver of its own (pyspark, local[2], with the
 * commitfs jar and hadoop-aws + the AWS SDK bundle of this harness), started once per S3 target by
 * {@code bench/streaming/micro_batches.py}, which cuts at every batch and reads the proxy's counts
 * through {@link ProxyControl}. Per batch: requests counted by the proxy and by the client itself
 * (commitfs's counters; S3A through {@link SdkRequestCounter}), and Spark's own trigger time.
 */
final class StreamingWorkload {

    /**
     * The state store provider of the query, one row group each. RocksDB is the provider Spark recommends
     * (and requires for real-time mode): with changelog checkpointing each batch uploads one changelog file
     * per store, and snapshots (zip + SST files) every few batches.
     */
    enum StateStore {
        HDFS_BACKED("streaming micro-batch (state)", Map.of()),
        ROCKSDB("streaming micro-batch (RocksDB state)", Map.of(
                "spark.sql.streaming.stateStore.providerClass",
                "org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider",
                "spark.sql.streaming.stateStore.rocksdb.changelogCheckpointing.enabled", "true"));

        final String workload;
        final Map<String, String> sparkConf;

        StateStore(String workload, Map<String, String> sparkConf) {
            this.workload = workload;
            this.sparkConf = sparkConf;
        }
    }

    static final String NAME = StateStore.HDFS_BACKED.workload;
    /** Shuffle partitions = state stores, each writing one delta file per batch. */
    static final int STATE_PARTITIONS = 4;
    /** commitfs's checkpoint manager: createAtomic is one exclusive (or overwriting) create, no temp + rename. */
    static final String COMMIT_CHECKPOINT_MANAGER = "io.commitfs.spark.CommitCheckpointFileManager";

    /** One target's row and the detail lines that explain where its requests go. */
    record Outcome(Result result, String profile) { }

    private StreamingWorkload() { }

    static int warmupBatches(Sizing sizing) {
        return sizing.quick() ? 2 : 3;
    }

    static int measuredBatches(Sizing sizing) {
        return sizing.quick() ? 5 : 20;
    }

    /**
     * Runs the query on {@code target}; {@code checkpointManager} (a class name, or null for Spark's default
     * FileContext-based one) goes to spark.sql.streaming.checkpointFileManagerClass.
     */
    static Outcome run(Target target, String checkpointManager, StateStore store, Sizing sizing,
                       CountingProxy proxy, Targets.S3Endpoint s3, Path repo) {
        String name = store.workload;
        if (target.unavailable != null) {
            return new Outcome(Result.skipped(name, target, target.unavailable), "");
        }
        if (proxy == null || s3 == null) {
            return new Outcome(Result.skipped(name, target, "needs the counting proxy and SeaweedFS"), "");
        }
        Path work = null;
        try (ProxyControl control = new ProxyControl(proxy)) {
            work = SparkDriver.workDir("commitfs-bench-stream-");
            JsonNode r = drive(target, checkpointManager, store, sizing, control, s3, repo, work);
            return new Outcome(result(name, target, r), profile(name, target, r));
        } catch (IOException | RuntimeException e) {
            return new Outcome(Result.skipped(name, target, "failed: " + e.getMessage()), "");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(Result.skipped(name, target, "interrupted"), "");
        } finally {
            SparkDriver.deleteQuietly(work);
        }
    }

    private static JsonNode drive(Target target, String checkpointManager, StateStore store, Sizing sizing,
                                  ProxyControl control, Targets.S3Endpoint s3, Path repo, Path work)
            throws IOException, InterruptedException {
        Map<String, Object> cfg = new LinkedHashMap<>();
        cfg.put("master", "local[2]");
        Map<String, String> spark = SparkDriver.sparkConf(s3, SparkDriver.log4j(work, List.of()));
        spark.put("spark.sql.shuffle.partitions", Integer.toString(STATE_PARTITIONS));
        // State store maintenance (snapshots, clean-up) runs in the background every 60 s by default; off in
        // the measured window so that both targets count only what every batch does.
        spark.put("spark.sql.streaming.stateStore.maintenanceInterval", "3600s");
        spark.putAll(store.sparkConf);
        // RocksDB's working copy stays on local disk, in this run's directory
        spark.put("spark.local.dir", work.resolve("local").toString());
        if (checkpointManager != null) {
            spark.put("spark.sql.streaming.checkpointFileManagerClass", checkpointManager);
        }
        cfg.put("conf", spark);
        cfg.put("client", target.commitfs ? "commitfs" : "s3a");
        // one checkpoint per row (the s3c target runs twice: Spark's manager and commitfs's)
        cfg.put("checkpoint", target.dir("streaming-" + store.name().toLowerCase(Locale.ROOT) + "-"
                + target.name.replaceAll("[^A-Za-z0-9]+", "-")) + "/checkpoint");
        cfg.put("proxy_counts_url", control.countsUrl());
        cfg.put("warmup", warmupBatches(sizing));
        cfg.put("batches", measuredBatches(sizing));
        cfg.put("rows_per_batch", 1000);
        cfg.put("keys", 100);
        cfg.put("timeout_seconds", 600);
        return SparkDriver.run(repo, "micro_batches.py", cfg, work);
    }

    private static Result result(String name, Target target, JsonNode r) {
        int batches = r.get("batches").asInt();
        Map<String, Double> perBatch = new LinkedHashMap<>();
        r.get("proxy_per_batch").fields().forEachRemaining(e -> perBatch.put(e.getKey(), e.getValue().asDouble()));
        double client = 0;
        for (JsonNode n : r.get("client_totals")) {
            client += n.asDouble() / batches;
        }
        List<Double> trigger = new ArrayList<>();
        r.get("trigger_ms").forEach(n -> trigger.add(n.asDouble()));
        return new Result(name, target, batches, r.get("seconds").asDouble(), 0, SparkDriver.percentile(trigger, 0.5),
                SparkDriver.percentile(trigger, 0.99), perBatch, client, null);
    }

    /** Where one batch's requests go (by checkpoint file), Spark's phases, and the spread between batches. */
    private static String profile(String name, Target target, JsonNode r) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%s, %s: %d batches (ids %s..%s); requests per batch (proxy) %s; "
                        + "client's own count per batch by operation: %s%n",
                name, target.name, r.get("batches").asInt(), r.get("batch_ids").get(0),
                r.get("batch_ids").get(r.get("batch_ids").size() - 1), r.get("proxy_totals"),
                SparkDriver.compact(r.get("client_per_batch"), 99)));
        out.append(String.format(Locale.ROOT, "  Spark's phases, p50 ms: %s; state store commit p50 %s ms%n",
                SparkDriver.compact(r.get("phase_p50_ms"), 99), r.get("state_commit_p50_ms")));
        out.append("  by request and checkpoint file, per batch: ").append(SparkDriver.compact(r.get("by_file"), 99)).append('\n');
        return out.toString();
    }
}
