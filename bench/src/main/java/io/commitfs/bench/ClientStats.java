package io.commitfs.bench;

import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.StorageStatistics;
import org.apache.hadoop.fs.statistics.IOStatistics;
import org.apache.hadoop.fs.statistics.IOStatisticsSource;

/**
 * The client's own view of the requests it sent: S3A's IOStatistics counters, or whatever a filesystem
 * exposes through IOStatisticsSource / getStorageStatistics. Reported next to the proxy's neutral count.
 */
final class ClientStats {

    private ClientStats() { }

    /** S3A counters that each stand for one HTTP request (multipart parts and completes included). */
    private static final Set<String> S3A_REQUESTS = Set.of(
            "object_list_request", "object_continue_list_request", "object_metadata_request",
            "action_http_get_request", "object_put_request", "object_copy_requests", "object_delete_request",
            "object_bulk_delete_request", "object_multipart_initiated", "multipart_upload_part_put",
            "multipart_upload_completed",
            "object_multipart_aborted");

    /** commitfs's totals (io.commitfs.hadoop.CommitStatistics): every S3 request, every counted syscall. */
    static final String COMMITFS_REQUESTS = "commitfs_requests";
    static final String COMMITFS_SYSCALLS = "commitfs_syscalls";

    /** Syscalls commitfs counted itself between two snapshots, or null for other filesystems. */
    static Long syscalls(Map<String, Long> before, Map<String, Long> after) {
        Long now = after.get(COMMITFS_SYSCALLS);
        return now == null ? null : now - before.getOrDefault(COMMITFS_SYSCALLS, 0L);
    }

    static Map<String, Long> snapshot(FileSystem fs) {
        Map<String, Long> out = new TreeMap<>();
        if (fs instanceof IOStatisticsSource source) {
            IOStatistics stats = source.getIOStatistics();
            if (stats != null) {
                out.putAll(stats.counters());
                return out;
            }
        }
        StorageStatistics storage = fs.getStorageStatistics();
        if (storage != null) {
            for (Iterator<StorageStatistics.LongStatistic> it = storage.getLongStatistics(); it.hasNext(); ) {
                StorageStatistics.LongStatistic s = it.next();
                out.put(s.getName(), s.getValue());
            }
        }
        return out;
    }

    /**
     * Requests between two snapshots: S3A's known request counters, or for other clients every counter
     * whose name says it counts requests. Null when the client exposes none.
     */
    static Long requests(Map<String, Long> before, Map<String, Long> after) {
        if (after.containsKey(COMMITFS_REQUESTS)) {
            return after.get(COMMITFS_REQUESTS) - before.getOrDefault(COMMITFS_REQUESTS, 0L);
        }
        long total = 0;
        boolean any = false;
        for (Map.Entry<String, Long> e : after.entrySet()) {
            String name = e.getKey();
            boolean counted = S3A_REQUESTS.contains(name)
                    || (!after.containsKey("object_put_request") && name.matches(".*(request|requests)$"));
            if (counted) {
                total += e.getValue() - before.getOrDefault(name, 0L);
                any = true;
            }
        }
        return any ? total : null;
    }
}
