package io.commitfs.bench;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * S3A's client-side request count for the streaming workload, by SDK operation (HeadObject, PutObject,
 * ...), JVM-wide. S3A's own IOStatistics are per FileSystem instance, and Spark's FileContext-based
 * checkpoint manager gets a new S3AFileSystem for every FileContext (one per metadata log and per state
 * store), none of them reachable from outside; this interceptor, added through
 * {@code fs.s3a.audit.execution.interceptors}, sees every request of every instance. It counts each
 * transmission, so retries count as requests, as the proxy and commitfs count them.
 */
public final class SdkRequestCounter implements ExecutionInterceptor {

    private static final Map<String, LongAdder> COUNTS = new ConcurrentHashMap<>();

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        String op = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        COUNTS.computeIfAbsent(op == null ? "unknown" : op, k -> new LongAdder()).increment();
    }

    /** {@code name=value} lines, the format of commitfs's {@code nativeCounters()}, plus {@code requests}. */
    public static String snapshot() {
        Map<String, Long> sorted = new TreeMap<>();
        long total = 0;
        for (Map.Entry<String, LongAdder> e : COUNTS.entrySet()) {
            long n = e.getValue().sum();
            sorted.put(e.getKey(), n);
            total += n;
        }
        StringBuilder out = new StringBuilder();
        sorted.forEach((k, v) -> out.append(k).append('=').append(v).append('\n'));
        return out.append("requests=").append(total).append('\n').toString();
    }
}
