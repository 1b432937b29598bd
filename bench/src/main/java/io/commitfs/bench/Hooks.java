package io.commitfs.bench;

import java.lang.reflect.Method;
import org.apache.hadoop.fs.FileSystem;

/**
 * commitfs' bench-only entry points ({@code io.commitfs.hadoop.BenchHooks}, bench/src/hooks), looked up at
 * run time: the harness also runs without commitfs (peers only).
 */
final class Hooks {
    static final String MISSING = "no io.commitfs.hadoop.BenchHooks with a bench-hooks native library: "
            + "run scripts/bench.sh, which builds both";

    private Hooks() {}

    /** The static hook {@code name(FileSystem, params...)}. */
    static Method method(String name, Class<?>... params) throws ReflectiveOperationException {
        Class<?>[] all = new Class<?>[params.length + 1];
        all[0] = FileSystem.class;
        System.arraycopy(params, 0, all, 1, params.length);
        return Class.forName("io.commitfs.hadoop.BenchHooks").getMethod(name, all);
    }
}
