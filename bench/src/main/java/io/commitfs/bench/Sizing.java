package io.commitfs.bench;

/**
 * Run sizes: the full run fits in ~10 minutes on a 2-core machine, --quick in ~2. {@code scale} multiplies
 * the large-file size and the listing sizes (a value below 1 shrinks them further).
 */
record Sizing(boolean quick, double secondsPerCell, int smallOps, int probeOps, long largeFileBytes,
              int[] listSizes, int randomReadOps) {

    static final long MIB = 1L << 20;

    static Sizing of(boolean quick, double scale) {
        if (quick) {
            return new Sizing(true, 0.4, 300, 3, scaled(64 * MIB, scale),
                    new int[] {10, scaledCount(100, scale), scaledCount(1_000, scale)}, 200);
        }
        return new Sizing(false, 3.0, 2_000, 10, scaled(1024 * MIB, scale),
                new int[] {10, scaledCount(1_000, scale), scaledCount(10_000, scale)}, 2_000);
    }

    private static long scaled(long bytes, double scale) {
        return Math.max(MIB, (long) (bytes * scale) / MIB * MIB);
    }

    private static int scaledCount(int n, double scale) {
        return Math.max(10, (int) (n * scale));
    }
}
