package io.commitfs.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * listStatus of a directory of N empty files. Every target of a store lists the same directory (same
 * bucket prefix, same local directory), populated once by the fastest means: parallel PUTs straight to
 * the server (not through the counting proxy), or plain file creation. Population is setup, not measured.
 */
final class ListWorkload {

    private ListWorkload() { }

    private static final int POPULATE_THREADS = 16;
    private static final Set<String> POPULATED = new HashSet<>();

    static Workload.Factory factory(int entries, Sizing sizing, Targets.S3Endpoint upstream) {
        int maxOps = Math.max(5, sizing.smallOps() * 10 / Math.max(10, entries));
        Workload.Spec spec = new Workload.Spec("listStatus " + entries + " entries", 2, maxOps,
                Math.min(sizing.probeOps(), maxOps), 1.0);
        return Workload.Factory.of(spec, t -> {
            FileSystem fs = t.fs();
            Path dir = new Path(new Path(t.root).getParent(), "shared/list-" + entries);
            return new Workload() {
                @Override
                public void setup() throws IOException {
                    populate(t, dir, entries, upstream);
                }

                @Override
                public void op(long i) throws IOException {
                    FileStatus[] listed = fs.listStatus(dir);
                    if (listed.length != entries) {
                        throw new IOException(dir + ": listed " + listed.length + " entries, expected " + entries);
                    }
                }
            };
        });
    }

    private static synchronized void populate(Target t, Path dir, int entries, Targets.S3Endpoint upstream)
            throws IOException {
        if (!POPULATED.add(t.store + " " + dir.toUri().getPath())) {
            return;
        }
        if (t.store == Target.Store.POSIX) {
            java.nio.file.Path local = java.nio.file.Path.of(dir.toUri().getPath());
            Files.createDirectories(local);
            for (int i = 0; i < entries; i++) {
                Files.createFile(local.resolve(name(i)));
            }
            return;
        }
        populateS3(dir.toUri().getPath().substring(1) + "/", entries, upstream);
    }

    private static void populateS3(String prefix, int entries, Targets.S3Endpoint s3) throws IOException {
        ExecutorService pool = Executors.newFixedThreadPool(POPULATE_THREADS);
        try (S3Client client = S3Client.builder()
                .endpointOverride(URI.create(s3.endpoint()))
                .region(Region.of(s3.region()))
                .forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(s3.accessKey(), s3.secretKey())))
                .build()) {
            List<Future<?>> puts = new ArrayList<>();
            for (int i = 0; i < entries; i++) {
                String key = prefix + name(i);
                puts.add(pool.submit(() -> client.putObject(
                        PutObjectRequest.builder().bucket(s3.bucket()).key(key).build(), RequestBody.empty())));
            }
            for (Future<?> put : puts) {
                put.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while populating " + prefix, e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IOException("cannot populate s3://" + s3.bucket() + "/" + prefix + ": " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    private static String name(int i) {
        return String.format("part-%05d", i);
    }
}
