package io.commitfs.bench;

import java.io.IOException;

/**
 * One measured operation pattern on one target. {@link #op(long)} is called with increasing indexes over
 * the warm-up, timed and syscall-probe phases, so every call can use fresh paths.
 */
interface Workload {

    /** Prepares the target (directories, input files); not measured. */
    void setup() throws IOException;

    void op(long i) throws IOException;

    /** Removes what the operations left behind, if that matters for the next workload. */
    default void teardown() throws IOException { }

    /**
     * Called before the syscall probe; may switch to a smaller input and returns the factor that scales the
     * probe's per-op counts back to the measured op.
     */
    default double enterProbe() throws IOException {
        return 1.0;
    }

    /** Bytes moved per operation, for MB/s; 0 when the row is reported in ops/s. */
    default long bytesPerOp() {
        return 0;
    }

    /** A description and the op count/time limits, independent of the target. */
    record Spec(String name, int warmupOps, int maxOps, int probeOps, double budgetFactor) { }

    /** Builds a workload for one target. */
    interface Factory {
        Spec spec();

        Workload on(Target target) throws IOException;

        static Factory of(Spec spec, Builder builder) {
            return new Factory() {
                @Override
                public Spec spec() {
                    return spec;
                }

                @Override
                public Workload on(Target target) throws IOException {
                    return builder.build(target);
                }
            };
        }
    }

    interface Builder {
        Workload build(Target target) throws IOException;
    }
}
