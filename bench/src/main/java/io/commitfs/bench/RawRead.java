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
 * Sequential read of the large file three ways, alternating, same server, same proxy: object_store alone
 * from Rust (one streaming GET, {@code CommitFileSystem.rawObjectRead}), s3c:// through CommitFileSystem,
 * and s3a://; best of {@value #ROUNDS} rounds each. The target "≥ 90% of raw object_store" is read here.
 * Reflection: the harness compiles without the commitfs jar.
 */
final class RawRead {

    private static final int ROUNDS = 2;

    private RawRead() { }

    static String measure(List<Target> targets, long bytes) throws IOException {
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
            raw = fs.getClass().getMethod("rawObjectRead", Path.class);
        } catch (NoSuchMethodException e) {
            return "\nRaw object_store read: not measured (this commitfs jar has no rawObjectRead)\n";
        }
        double bestRaw = 0;
        double bestCommit = 0;
        double bestPeer = 0;
        for (int round = 0; round < ROUNDS; round++) {
            try {
                long[] r = (long[]) raw.invoke(fs, file);
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
        String peer = peerFile == null ? "" : String.format(Locale.ROOT, ", s3a %.1f MB/s (s3c = %.2fx s3a)",
                bestPeer, bestCommit / bestPeer);
        return String.format(Locale.ROOT, "%nSequential read of %s, alternating, best of %d: object_store alone from Rust "
                + "(one streaming GET) %.1f MB/s, s3c %.1f MB/s (%.0f%% of object_store; target ≥ 90%%)%s%n",
                LargeFileWorkloads.human(bytes), ROUNDS, bestRaw, bestCommit, 100 * bestCommit / bestRaw, peer);
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
