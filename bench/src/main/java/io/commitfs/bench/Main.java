package io.commitfs.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * {@code Main [--quick] [--scale X] [--only a,b] [--targets a,b] [--no-s3] [--no-proxy] [--no-strace] [--out FILE]
 * [--dir DIR]}: runs every workload on commitfs and its peers in one JVM and prints the table.
 * --only and --targets keep workloads / filesystems whose name contains one of the given words.
 */
public final class Main {

    private Main() { }

    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args);
        Sizing sizing = Sizing.of(o.quick, o.scale);
        Path repo = Path.of(System.getProperty("commitfs.repo", ".")).toAbsolutePath().normalize();
        Path posixBase = Files.createTempDirectory(o.dir, "commitfs-bench-");
        String runId = Long.toString(System.currentTimeMillis(), 36);
        long started = System.nanoTime();
        SeaweedServer seaweed = o.s3 ? SeaweedServer.start(repo, "commitfs-bench") : null;
        CountingProxy proxy = seaweed == null || !o.proxy ? null : new CountingProxy(URI.create(seaweed.endpoint.endpoint()));
        List<Target> targets = new ArrayList<>();
        try {
            Targets.S3Endpoint viaProxy = seaweed == null ? null
                    : proxy == null ? seaweed.endpoint : withEndpoint(seaweed.endpoint, proxy.endpoint());
            for (Target t : Targets.create(viaProxy, posixBase, runId)) {
                if (o.keepTarget(t.name)) {
                    targets.add(t);
                }
            }
            boolean strace = o.strace && StraceProbe.available();
            if (o.strace && !strace) {
                System.err.println("bench: strace not found: POSIX rows get no syscall counts (scripts/setup.sh installs it)");
            }
            Runner runner = new Runner(sizing, proxy, strace);
            List<Result> results = new ArrayList<>();
            for (Workload.Factory w : workloads(sizing, seaweed == null ? null : seaweed.endpoint)) {
                if (!o.keepWorkload(w.spec().name())) {
                    continue;
                }
                for (Target t : targets) {
                    long t0 = System.nanoTime();
                    Result r = runner.run(w, t);
                    System.err.printf(Locale.ROOT, "bench: %-44s %-16s %s (%.1f s)%n", w.spec().name(), t.name,
                            r.ran() ? Report.num(r.rate()) + (r.mbPerSecond() ? " MB/s" : " ops/s") : r.note(),
                            (System.nanoTime() - t0) / 1e9);
                    results.add(r);
                }
            }
            String streaming = "";
            for (StreamingWorkload.StateStore store : StreamingWorkload.StateStore.values()) {
                if (o.keepWorkload(store.workload)) {
                    streaming += streaming(targets, store, sizing, proxy, viaProxy, repo, results);
                }
            }
            if (!streaming.isEmpty()) {
                streaming = String.format(Locale.ROOT, """

                        Streaming micro-batch (workload 7): rate-micro-batch -> groupBy(key).count() -> foreachBatch, \
                        local[2], %d state stores (shuffle partitions), checkpointLocation on each S3 target, \
                        %d warm-up batches, then per batch ("per op" = per batch; p50/p99 = Spark's triggerExecution; \
                        rate = batches/s); state kept by Spark's default provider, then by RocksDB with changelog \
                        checkpointing:
                        """, StreamingWorkload.STATE_PARTITIONS, StreamingWorkload.warmupBatches(sizing)) + streaming;
            }
            if (o.keepWorkload(DStreamWorkload.NAME)) {
                streaming += dstream(targets, sizing, proxy, viaProxy, repo, results);
            }
            String jni = jniOverhead(targets, sizing) + rawRead(o, targets, sizing);
            Report report = new Report(results);
            String header = header(sizing, strace, (System.nanoTime() - started) / 1e9) + streaming + jni;
            System.out.println();
            System.out.print(report.text());
            System.out.println();
            System.out.print(header);
            Files.createDirectories(o.out.toAbsolutePath().getParent());
            Files.writeString(o.out, "# commitfs benchmark\n\n" + report.markdown() + "\n" + header);
            System.err.println("bench: Markdown copy in " + o.out);
        } finally {
            for (Target t : targets) {
                try {
                    t.close();
                } catch (IOException e) {
                    System.err.println("bench: closing " + t + ": " + e);
                }
            }
            if (proxy != null) {
                proxy.close();
            }
            if (seaweed != null) {
                seaweed.close();
            }
            deleteTree(posixBase);
        }
    }

    static List<Workload.Factory> workloads(Sizing sizing, Targets.S3Endpoint upstream) {
        List<Workload.Factory> w = new ArrayList<>();
        w.add(CommitWorkloads.checkpoint("4 KiB", 4 << 10, sizing));
        w.add(CommitWorkloads.checkpoint("256 KiB", 256 << 10, sizing));
        w.add(CommitWorkloads.checkpoint("4 MiB", 4 << 20, sizing));
        w.add(CommitWorkloads.createAtomic(false, sizing));
        w.add(CommitWorkloads.createAtomic(true, sizing));
        w.add(CommitWorkloads.exclusiveCreate(sizing));
        w.add(MetadataWorkloads.fileRename(sizing));
        w.add(MetadataWorkloads.fileStatus(sizing));
        w.add(LargeFileWorkloads.sequentialWrite(sizing));
        w.add(LargeFileWorkloads.sequentialRead(sizing));
        w.add(LargeFileWorkloads.positionedReads(sizing));
        w.add(LargeFileWorkloads.vectoredReads(sizing));
        for (int n : sizing.listSizes()) {
            w.add(ListWorkload.factory(n, sizing, upstream));
        }
        return w;
    }

    /** Workload 7 on each S3 target (rows into results); returns its profile lines for the notes. */
    private static String streaming(List<Target> targets, StreamingWorkload.StateStore store, Sizing sizing,
                                    CountingProxy proxy, Targets.S3Endpoint s3, Path repo, List<Result> results) {
        StringBuilder profile = new StringBuilder();
        for (Target t : targets) {
            if (t.store != Target.Store.S3 || t.name.equals(Targets.S3C_RELAXED)) {
                continue; // the Spark driver gets the S3 keys of Targets.s3Settings, without the relaxed switches
            }
            List<Target> rows = new ArrayList<>(List.of(t));
            if (t.commitfs) {
                // the same s3c target with commitfs's own checkpoint manager (java/src/spark)
                rows.add(new Target(t.name + " + CommitCheckpointFileManager", t.store, true, false, t.root, t.conf,
                        t.unavailable));
            }
            for (Target row : rows) {
                long t0 = System.nanoTime();
                StreamingWorkload.Outcome out = StreamingWorkload.run(row,
                        row == t ? null : StreamingWorkload.COMMIT_CHECKPOINT_MANAGER, store, sizing, proxy, s3, repo);
                Result r = out.result();
                System.err.printf(Locale.ROOT, "bench: %-44s %-16s %s (%.1f s)%n", r.workload(), row.name,
                        r.ran() ? Report.num(r.totalPerOp()) + " req/batch, p50 " + Report.num(r.p50Millis()) + " ms"
                                : r.note(), (System.nanoTime() - t0) / 1e9);
                results.add(r);
                profile.append(out.profile());
            }
        }
        return profile.toString();
    }

    /** Workload 8 (the seed's DStream application) on each store's commitfs row and peers; its detail lines. */
    private static String dstream(List<Target> targets, Sizing sizing, CountingProxy proxy, Targets.S3Endpoint s3,
                                  Path repo, List<Result> results) {
        StringBuilder profile = new StringBuilder();
        for (Target t : targets) {
            if (!DStreamWorkload.TARGETS.contains(t.name)) {
                continue;
            }
            long t0 = System.nanoTime();
            StreamingWorkload.Outcome out = DStreamWorkload.run(t, sizing, proxy, s3, repo);
            Result r = out.result();
            System.err.printf(Locale.ROOT, "bench: %-44s %-16s %s (%.1f s)%n", r.workload(), t.name,
                    r.ran() ? "p50 " + Report.num(r.p50Millis()) + " ms per checkpoint" : r.note(),
                    (System.nanoTime() - t0) / 1e9);
            results.add(r);
            profile.append(out.profile());
        }
        return profile.length() == 0 ? "" : String.format(Locale.ROOT, """

                DStream checkpoint (workload 8, the seed's application): textFileStream (one generated file of \
                2,000 words over 5,000 keys per %d s batch) -> reduceByKey -> updateStateByKey over %d partitions, \
                state RDD checkpointed every %d batches, metadata every batch; per op = per state checkpoint (requests of its whole interval); \
                p50/p99 = Spark's "Checkpointing took N ms"; rate = state checkpoints per second of checkpointing:
                """, DStreamWorkload.BATCH_SECONDS, DStreamWorkload.PARTITIONS, DStreamWorkload.CHECKPOINT_BATCHES)
                + profile;
    }

    /** The sequential read and write lines against object_store alone (see RawBaseline), when those run. */
    private static String rawRead(Options o, List<Target> targets, Sizing sizing) {
        StringBuilder out = new StringBuilder();
        String size = LargeFileWorkloads.human(sizing.largeFileBytes());
        for (String what : new String[] {"write", "read"}) {
            if (!o.keepWorkload("sequential " + what + " " + size)) {
                continue;
            }
            try {
                String line = what.equals("read") ? RawBaseline.measureRead(targets, sizing.largeFileBytes())
                        : RawBaseline.measureWrite(targets, sizing.largeFileBytes());
                System.err.print("bench: " + line.trim() + "\n");
                out.append(line);
            } catch (IOException | RuntimeException e) {
                out.append("\nRaw object_store ").append(what).append(": not measured (").append(e).append(")\n");
            }
        }
        return out.toString();
    }

    /** The JNI-overhead line (see JniOverhead), on the first runnable commitfs POSIX target. */
    private static String jniOverhead(List<Target> targets, Sizing sizing) {
        for (Target t : targets) {
            if (t.commitfs && t.store == Target.Store.POSIX && t.unavailable == null) {
                try {
                    String line = JniOverhead.measure(t, sizing.quick() ? 20_000 : 200_000).text();
                    System.err.println("bench: " + line);
                    return "\n" + line + "\n";
                } catch (IOException | RuntimeException e) {
                    return "\nJNI overhead: not measured (" + e + ")\n";
                }
            }
        }
        return "";
    }

    private static String header(Sizing sizing, boolean strace, double seconds) {
        return String.format(Locale.ROOT, """
                Notes: %s run, %.0f s wall time. "vs peer" = rate / rate of s3a (S3 rows) or of file:// \
                LocalFileSystem with chmod in-process as libhadoop does it on a cluster (POSIX rows; "forks chmod" is \
                the same LocalFileSystem without libhadoop, as on this machine), same server or disk, same run. \
                "$/M std" and "$/M express" = request charges per million operations at S3 Standard and S3 Express \
                One Zone list prices (docs/performance.md). S3 "per op" = HTTP requests counted by a proxy in front \
                of SeaweedFS (LIST/HEAD/GET/PUT/COPY/RENAME/DELETE/POST); "client says" = the filesystem's own counters \
                (S3A's IOStatistics; commitfs's IOStatistics, commitfs_requests, flagged "≠ proxy" if they differ). \
                POSIX "per op" = %s (strace -f -c attached to this JVM for %d ops after the timed ops; large-file \
                rows probed on a 64 MiB file and scaled); "commitfs counts" = commitfs_syscalls from its IOStatistics over \
                the timed ops (only the calls that do the work: open, write, fsync, rename, stat, ...). LocalFileSystem and RawLocalFileSystem never fsync; \
                "filec no-fsync" is commitfs with fs.filec.fsync=false, the like-for-like comparison. Sequential \
                reads on POSIX come from the page cache.
                """, sizing.quick() ? "--quick" : "full", seconds,
                strace ? "syscalls of classes " + StraceProbe.TRACED : "not measured (no strace)", sizing.probeOps());
    }

    private static Targets.S3Endpoint withEndpoint(Targets.S3Endpoint s3, String endpoint) {
        return new Targets.S3Endpoint(endpoint, s3.bucket(), s3.accessKey(), s3.secretKey(), s3.region());
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private record Options(boolean quick, double scale, List<String> only, List<String> targets, boolean s3,
                           boolean proxy, boolean strace, Path out, Path dir) {

        static Options parse(String[] args) {
            boolean quick = false;
            boolean s3 = true;
            boolean strace = true;
            boolean proxy = true;
            double scale = 1.0;
            List<String> only = List.of();
            List<String> targets = List.of();
            Path out = Path.of("build/bench/results.md");
            Path dir = Path.of(System.getProperty("java.io.tmpdir"));
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--quick" -> quick = true;
                    case "--no-s3" -> s3 = false;
                    case "--no-strace" -> strace = false;
                    case "--no-proxy" -> proxy = false;
                    case "--scale" -> scale = Double.parseDouble(args[++i]);
                    case "--only" -> only = List.of(args[++i].split(","));
                    case "--targets" -> targets = List.of(args[++i].split(","));
                    case "--out" -> out = Path.of(args[++i]);
                    case "--dir" -> dir = Path.of(args[++i]);
                    default -> throw new IllegalArgumentException("unknown option " + args[i]
                            + ": use --quick, --scale X, --only a,b, --targets a,b, --no-s3, --no-proxy, --no-strace, --out F, --dir D");
                }
            }
            return new Options(quick, scale, only, targets, s3, proxy, strace, out, dir);
        }

        boolean keepWorkload(String name) {
            return only.isEmpty() || only.stream().anyMatch(name::contains);
        }

        boolean keepTarget(String name) {
            return targets.isEmpty() || targets.stream().anyMatch(name::contains);
        }
    }
}
