package io.commitfs.bench;

import java.io.EOFException;
import java.io.IOException;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Sequential read and write of the large file three ways, alternating, same server, same proxy:
 * object_store alone from Rust ({@code BenchHooks.rawObjectRead}: one streaming GET;
 * {@code rawObjectWrite}: one multipart upload), s3c:// through CommitFileSystem, and s3a://; best of
 * {@link #ROUNDS} rounds each. The targets "≥ 90% of raw object_store" are read here.
 * Reflection: the harness compiles without the commitfs jar.
 */
final class RawBaseline {

    /** Rounds per line: 2, or BENCH_ROUNDS (more rounds steady the best-of on a loaded machine). */
    private static final int ROUNDS = rounds(System.getenv("BENCH_ROUNDS"));

    private static int rounds(String env) {
        try {
            return env == null ? 2 : Math.max(1, Integer.parseInt(env.trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("BENCH_ROUNDS=" + env + ": expected a number of rounds", e);
        }
    }

    private RawBaseline() { }

    /** The S3 commitfs target and the S3A peer (null if absent). */
    private static Target[] s3Pair(List<Target> targets) {
        Target s3c = null;
        Target s3a = null;
        for (Target t : targets) {
            if (t.store == Target.Store.S3 && t.unavailable == null) {
                if (t.commitfs && s3c == null) {
                    s3c = t;
                } else if (!t.commitfs && s3a == null) {
                    s3a = t;
                }
            }
        }
        return new Target[] {s3c, s3a};
    }

    static String measureWrite(List<Target> targets, long bytes) throws IOException {
        Target[] pair = s3Pair(targets);
        if (pair[0] == null) {
            return "";
        }
        FileSystem fs = pair[0].fs();
        Path file = new Path(pair[0].dir("large"), "raw-write");
        Method raw;
        try {
            raw = Hooks.method("rawObjectWrite", Path.class, long.class);
        } catch (ReflectiveOperationException e) {
            return "\nRaw object_store write: not measured (" + Hooks.MISSING + ")\n";
        }
        double bestRaw = 0;
        double bestCommit = 0;
        double bestPeer = 0;
        // Every round's rates, so that the noise of a shared machine is visible next to the best-of.
        StringBuilder rounds = new StringBuilder();
        for (int round = 0; round < ROUNDS; round++) {
            double r;
            double c;
            double p = -1;
            try {
                long nanos = (long) raw.invoke(null, fs, file, bytes);
                r = bytes / (nanos / 1e9) / 1e6;
                bestRaw = Math.max(bestRaw, r);
            } catch (ReflectiveOperationException e) {
                throw new IOException("rawObjectWrite failed", e.getCause() != null ? e.getCause() : e);
            }
            c = timedWrite(fs, file, bytes);
            bestCommit = Math.max(bestCommit, c);
            if (pair[1] != null) {
                p = timedWrite(pair[1].fs(), new Path(pair[1].dir("large"), "raw-write"), bytes);
                bestPeer = Math.max(bestPeer, p);
            }
            rounds.append(String.format(Locale.ROOT, "%s%.0f/%.0f%s", round == 0 ? "" : ", ", r, c,
                    p < 0 ? "" : String.format(Locale.ROOT, "/%.0f", p)));
        }
        fs.delete(file, false);
        if (pair[1] != null) {
            pair[1].fs().delete(new Path(pair[1].dir("large"), "raw-write"), false);
        }
        return line("write", bytes, "one multipart upload", bestRaw, bestCommit, pair[1] == null ? -1 : bestPeer).stripTrailing()
                + String.format(Locale.ROOT, "; rounds, MB/s object_store/s3c%s: %s%n", pair[1] == null ? "" : "/s3a", rounds);
    }

    private static double timedWrite(FileSystem fs, Path path, long bytes) throws IOException {
        long t0 = System.nanoTime();
        LargeFileWorkloads.write(fs, path, bytes);
        return bytes / ((System.nanoTime() - t0) / 1e9) / 1e6;
    }

    private static String line(String what, long bytes, String how, double raw, double commit, double peer) {
        String peerText = peer < 0 ? "" : String.format(Locale.ROOT, ", s3a %.1f MB/s (s3c = %.2fx s3a)",
                peer, commit / peer);
        return String.format(Locale.ROOT, "%nSequential %s of %s, alternating, best of %d: object_store alone from Rust "
                + "(%s) %.1f MB/s, s3c %.1f MB/s (%.0f%% of object_store; target ≥ 90%%)%s%n",
                what, LargeFileWorkloads.human(bytes), ROUNDS, how, raw, commit, 100 * commit / raw, peerText);
    }

    static String measureRead(List<Target> targets, long bytes) throws IOException {
        Target[] pair = s3Pair(targets);
        Target s3c = pair[0];
        Target s3a = pair[1];
        if (s3c == null) {
            return "";
        }
        FileSystem fs = s3c.fs();
        Path file = LargeFileWorkloads.largeFile(s3c);
        LargeFileWorkloads.ensure(fs, file, bytes);
        Path peerFile = null;
        if (s3a != null) {
            peerFile = LargeFileWorkloads.largeFile(s3a);
            LargeFileWorkloads.ensure(s3a.fs(), peerFile, bytes);
        }
        Method raw;
        try {
            raw = Hooks.method("rawObjectRead", Path.class);
        } catch (ReflectiveOperationException e) {
            return "\nRaw object_store read: not measured (" + Hooks.MISSING + ")\n";
        }
        double bestRaw = 0;
        double bestCommit = 0;
        double bestPeer = 0;
        for (int round = 0; round < ROUNDS; round++) {
            try {
                long[] r = (long[]) raw.invoke(null, fs, file);
                if (r[1] != bytes) {
                    throw new EOFException(file + ": object_store read " + r[1] + " bytes, expected " + bytes);
                }
                bestRaw = Math.max(bestRaw, bytes / (r[0] / 1e9) / 1e6);
            } catch (ReflectiveOperationException e) {
                throw new IOException("rawObjectRead failed", e.getCause() != null ? e.getCause() : e);
            }
            bestCommit = Math.max(bestCommit, timedRead(fs, file, bytes));
            if (peerFile != null) {
                bestPeer = Math.max(bestPeer, timedRead(s3a.fs(), peerFile, bytes));
            }
        }
        return line("read", bytes, "one streaming GET", bestRaw, bestCommit, peerFile == null ? -1 : bestPeer);
    }

    /** MB/s of one read of the whole file with 1 MiB reads, as the sequential-read workload does. */
    private static double timedRead(FileSystem fs, Path path, long bytes) throws IOException {
        byte[] buf = new byte[LargeFileWorkloads.IO_BUFFER];
        long total = 0;
        long t0 = System.nanoTime();
        try (FSDataInputStream in = fs.open(path)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                total += n;
            }
        }
        long nanos = System.nanoTime() - t0;
        if (total != bytes) {
            throw new EOFException(path + ": read " + total + " bytes, expected " + bytes);
        }
        return bytes / (nanos / 1e9) / 1e6;
    }
}
