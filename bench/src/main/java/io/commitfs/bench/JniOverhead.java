package io.commitfs.bench;

import java.io.IOException;
import java.lang.reflect.Method;
import java.util.Locale;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * What the JVM face adds to a metadata call: N getFileStatus calls on a filec:// file through
 * CommitFileSystem (Java, JNI, path and status marshalling, FileStatus construction) against the same N
 * status calls made by the core in one native loop ({@code BenchHooks.coreStatusNanos}), same
 * process, same store, same file. Reflection: the harness compiles without the commitfs jar.
 */
final class JniOverhead {

    /** Alternating rounds; the best of each side is kept. */
    private static final int ROUNDS = 9;

    private JniOverhead() { }

    record Measurement(double javaMicros, double coreMicros, int calls) {
        double overheadMicros() {
            return javaMicros - coreMicros;
        }

        String text() {
            return String.format(Locale.ROOT, "JNI overhead (getFileStatus on filec://, %d calls, best of %d rounds): "
                    + "%.2f µs/op through CommitFileSystem, %.2f µs/op in the core alone: %.2f µs/op added by "
                    + "the JVM face (target ≤ 2 µs)", calls, ROUNDS, javaMicros, coreMicros, overheadMicros());
        }
    }

    static Measurement measure(Target filec, int calls) throws IOException {
        FileSystem fs = filec.fs();
        Path file = new Path(filec.dir("jni-overhead"), "f");
        fs.create(file, true).close();
        Method core;
        try {
            core = Hooks.method("coreStatusNanos", Path.class, int.class);
        } catch (ReflectiveOperationException e) {
            throw new IOException(Hooks.MISSING, e);
        }
        double bestJava = Double.MAX_VALUE;
        double bestCore = Double.MAX_VALUE;
        // alternating rounds, best of each: JIT warm-up and a busy neighbour affect both sides alike
        for (int round = 0; round < ROUNDS; round++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < calls; i++) {
                fs.getFileStatus(file);
            }
            bestJava = Math.min(bestJava, (System.nanoTime() - t0) / 1e3 / calls);
            try {
                bestCore = Math.min(bestCore, (long) core.invoke(null, fs, file, calls) / 1e3 / calls);
            } catch (ReflectiveOperationException e) {
                throw new IOException("coreStatusNanos failed", e.getCause() != null ? e.getCause() : e);
            }
        }
        fs.delete(file.getParent(), true);
        return new Measurement(bestJava, bestCore, calls);
    }
}
