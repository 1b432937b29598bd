package io.commitfs.bench;

import java.util.Map;

/**
 * One cell of the table: a workload on a target. {@code rate} is ops/s, or MB/s when {@code bytesPerOp}
 * is set. {@code perOp} holds requests by kind (S3) or syscalls by name (POSIX), per operation.
 */
record Result(String workload, Target target, long ops, double seconds, long bytesPerOp, double p50Millis,
              double p99Millis, Map<String, Double> perOp, Double clientRequestsPerOp, String note) {

    static Result skipped(String workload, Target target, String why) {
        return new Result(workload, target, 0, 0, 0, Double.NaN, Double.NaN, Map.of(), null, why);
    }

    boolean ran() {
        return ops > 0;
    }

    boolean mbPerSecond() {
        return bytesPerOp > 0;
    }

    double rate() {
        if (!ran() || seconds <= 0) {
            return Double.NaN;
        }
        double opsPerSecond = ops / seconds;
        return mbPerSecond() ? opsPerSecond * bytesPerOp / 1e6 : opsPerSecond;
    }

    double totalPerOp() {
        return perOp.values().stream().mapToDouble(Double::doubleValue).sum();
    }
}
