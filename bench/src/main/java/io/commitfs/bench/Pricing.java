package io.commitfs.bench;

import java.util.Map;

/**
 * Request counts turned into what users pay: list prices per 1,000 requests (us-east-1, as stated in
 * docs/performance.md with their date). A LIST costs 12.5 HEADs on S3 Standard, so two rows with the same
 * request count can differ more than tenfold in dollars. Only request charges are counted: storage and S3
 * Express One Zone's per-GB upload/retrieval charges are the same for every filesystem writing the same bytes.
 */
enum Pricing {
    /** S3 Standard: PUT, COPY, POST, LIST $0.005 per 1,000; GET, HEAD $0.0004; DELETE free. */
    STANDARD("$/M std", 0.005, 0.0004),
    /** S3 Express One Zone (directory buckets, after the April 2025 cut): writes and LIST $0.00113, reads $0.00003. */
    EXPRESS("$/M express", 0.00113, 0.00003);

    final String column;
    /** Dollars per 1,000 requests that write or list (PUT, COPY, POST, LIST). */
    private final double writeTier;
    /** Dollars per 1,000 requests that read (GET, HEAD). */
    private final double readTier;

    Pricing(String column, double writeTier, double readTier) {
        this.column = column;
        this.writeTier = writeTier;
        this.readTier = readTier;
    }

    /** Dollars per 1,000 requests of one kind as the counting proxy names them ({@link CountingProxy.Kind}). */
    double perThousand(String kind) {
        switch (kind) {
            case "PUT": case "COPY": case "POST": case "LIST":
                return writeTier;
            case "RENAME": // RenameObject (SeaweedFS here; on AWS S3 Express only): priced as a write, the dearer tier
                return writeTier;
            case "GET": case "HEAD":
                return readTier;
            case "DELETE":
                return 0;
            default: // OTHER: bill as the dearer tier, never understate a cost
                return writeTier;
        }
    }

    /** Dollars per million operations, from requests per operation by kind. */
    double perMillionOps(Map<String, Double> requestsPerOp) {
        double perOp = 0;
        for (Map.Entry<String, Double> e : requestsPerOp.entrySet()) {
            perOp += e.getValue() * perThousand(e.getKey()) / 1000;
        }
        return perOp * 1e6;
    }
}
