package io.commitfs.bench;

import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs one workload on one target: warm-up ops, then timed ops until the op cap or the time budget
 * (at least one op), counting requests at the proxy and in the client over exactly the timed window;
 * then, for POSIX targets, a few more ops under strace for syscalls per op.
 */
final class Runner {

    private final Sizing sizing;
    private final CountingProxy proxy;
    private final boolean strace;

    Runner(Sizing sizing, CountingProxy proxy, boolean strace) {
        this.sizing = sizing;
        this.proxy = proxy;
        this.strace = strace;
    }

    Result run(Workload.Factory factory, Target target) {
        Workload.Spec spec = factory.spec();
        if (target.unavailable != null) {
            return Result.skipped(spec.name(), target, target.unavailable);
        }
        Workload w = null;
        try {
            w = factory.on(target);
            debug("before setup", target);
            w.setup();
            debug("after setup", target);
            long i = 0;
            for (int k = 0; k < spec.warmupOps(); k++) {
                w.op(i++);
            }
            debug("after warm-up", target);
            long[] proxyBefore = proxy == null ? null : proxy.snapshot();
            Map<String, Long> clientBefore = ClientStats.snapshot(target.fs());
            long[] latencies = new long[spec.maxOps()];
            int ops = 0;
            long start = System.nanoTime();
            long deadline = start + (long) (sizing.secondsPerCell() * spec.budgetFactor() * 1e9);
            do {
                long t0 = System.nanoTime();
                w.op(i++);
                latencies[ops++] = System.nanoTime() - t0;
            } while (ops < spec.maxOps() && System.nanoTime() < deadline);
            double seconds = (System.nanoTime() - start) / 1e9;
            debug("after " + ops + " timed ops", target);
            Map<String, Double> perOp = new LinkedHashMap<>();
            Double clientPerOp = null;
            if (target.store == Target.Store.POSIX && target.commitfs) {
                Long own = ClientStats.syscalls(clientBefore, ClientStats.snapshot(target.fs()));
                clientPerOp = own == null ? null : (double) own / ops;
            }
            if (target.store == Target.Store.S3 && proxy != null) {
                long[] after = proxy.snapshot();
                long total = 0;
                for (CountingProxy.Kind kind : CountingProxy.Kind.values()) {
                    long d = after[kind.ordinal()] - proxyBefore[kind.ordinal()];
                    total += d;
                    if (d > 0) {
                        perOp.put(kind.name(), (double) d / ops);
                    }
                }
                Long client = ClientStats.requests(clientBefore, ClientStats.snapshot(target.fs()));
                // a FileContext workload runs on its own instance, whose counters this one does not see
                if (client != null && (client > 0 || total == 0)) {
                    clientPerOp = (double) client / ops;
                }
            }
            String note = null;
            if (target.store == Target.Store.POSIX && strace && spec.probeOps() > 0) {
                perOp = probeSyscalls(w, spec.probeOps(), i);
                note = "syscalls";
            }
            long[] sorted = Arrays.copyOf(latencies, ops);
            Arrays.sort(sorted);
            return new Result(spec.name(), target, ops, seconds, w.bytesPerOp(), percentile(sorted, 0.50),
                    percentile(sorted, 0.99), perOp, clientPerOp, note);
        } catch (Exception e) {
            return Result.skipped(spec.name(), target, "failed: " + e);
        } finally {
            if (w != null) {
                try {
                    w.teardown();
                } catch (IOException e) {
                    System.err.println("bench: teardown of " + spec.name() + " on " + target + ": " + e);
                }
            }
        }
    }

    private static Map<String, Double> probeSyscalls(Workload w, int probeOps, long firstIndex) throws IOException {
        double scale = w.enterProbe();
        Map<String, Long> calls;
        try (StraceProbe probe = StraceProbe.attach()) {
            for (int k = 0; k < probeOps; k++) {
                w.op(firstIndex + k);
            }
            calls = probe.finish();
        }
        Map<String, Double> perOp = new TreeMap<>();
        calls.forEach((name, n) -> perOp.put(name, n * scale / probeOps));
        return perOp;
    }

    /** BENCH_DEBUG=1 prints the proxy's counts between phases, to see where requests go. */
    private void debug(String phase, Target target) {
        if (proxy != null && target.store == Target.Store.S3 && System.getenv("BENCH_DEBUG") != null) {
            System.err.println("bench debug: " + target + " " + phase + ": " + Arrays.toString(proxy.snapshot()));
        }
    }

    private static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int idx = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, idx))] / 1e6;
    }
}
