package io.commitfs.bench;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileRange;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Bulk data: sequential write and read of one large file per target, then random 64 KiB positioned reads
 * and readVectored on it. The file is written by the target itself (so file:// has its .crc and verifies
 * it on read). Syscall probes of the sequential rows run on a smaller file and are scaled to the row's
 * size, since streaming syscalls grow linearly with the bytes and tracing a full GiB would take minutes.
 */
final class LargeFileWorkloads {

    private LargeFileWorkloads() { }

    static final int IO_BUFFER = 1 << 20;
    static final int RANDOM_READ = 64 << 10;
    static final int VECTOR_RANGES = 16;
    static final long PROBE_BYTES = 64L << 20;

    static Path largeFile(Target t) {
        return new Path(t.dir("large"), "big");
    }

    /** Writes {@code bytes} to {@code path} with 1 MiB writes, replacing what was there. */
    static void write(FileSystem fs, Path path, long bytes) throws IOException {
        byte[] chunk = Payload.bytes(IO_BUFFER);
        try (FSDataOutputStream out = fs.create(path, true)) {
            for (long left = bytes; left > 0; left -= IO_BUFFER) {
                out.write(chunk, 0, (int) Math.min(IO_BUFFER, left));
            }
        }
    }

    /** Writes the file unless it is already there with the right size (left by the write row). */
    static void ensure(FileSystem fs, Path path, long bytes) throws IOException {
        try {
            if (fs.getFileStatus(path).getLen() == bytes) {
                return;
            }
        } catch (java.io.FileNotFoundException absent) {
            // written below
        }
        write(fs, path, bytes);
    }

    private abstract static class Sequential implements Workload {
        final FileSystem fs;
        final Path full;
        final long fullBytes;
        Path path;
        long bytes;

        Sequential(Target t, long fullBytes) throws IOException {
            this.fs = t.fs();
            this.full = largeFile(t);
            this.fullBytes = fullBytes;
            this.path = full;
            this.bytes = fullBytes;
        }

        @Override
        public long bytesPerOp() {
            return fullBytes;
        }

        @Override
        public double enterProbe() throws IOException {
            if (fullBytes <= PROBE_BYTES) {
                return 1.0;
            }
            path = new Path(full.getParent(), "probe");
            bytes = PROBE_BYTES;
            return (double) fullBytes / PROBE_BYTES;
        }
    }

    static Workload.Factory sequentialWrite(Sizing sizing) {
        Workload.Spec spec = new Workload.Spec("sequential write " + human(sizing.largeFileBytes()), 0, 3, 1, 1.0);
        return Workload.Factory.of(spec, t -> new Sequential(t, sizing.largeFileBytes()) {
            @Override
            public void setup() throws IOException {
                fs.mkdirs(full.getParent());
            }

            @Override
            public void op(long i) throws IOException {
                write(fs, path, bytes);
            }
        });
    }

    static Workload.Factory sequentialRead(Sizing sizing) {
        Workload.Spec spec = new Workload.Spec("sequential read " + human(sizing.largeFileBytes()), 0, 3, 1, 1.0);
        return Workload.Factory.of(spec, t -> new Sequential(t, sizing.largeFileBytes()) {
            @Override
            public void setup() throws IOException {
                ensure(fs, full, fullBytes);
            }

            @Override
            public double enterProbe() throws IOException {
                double scale = super.enterProbe();
                ensure(fs, path, bytes);
                return scale;
            }

            @Override
            public void op(long i) throws IOException {
                byte[] buf = new byte[IO_BUFFER];
                long total = 0;
                try (FSDataInputStream in = fs.open(path)) {
                    int n;
                    while ((n = in.read(buf)) > 0) {
                        total += n;
                    }
                }
                if (total != bytes) {
                    throw new EOFException(path + ": read " + total + " bytes, expected " + bytes);
                }
            }
        });
    }

    /** Random 64 KiB readFully(position, ...) on one open stream, as columnar readers do. */
    static Workload.Factory positionedReads(Sizing sizing) {
        Workload.Spec spec = new Workload.Spec("random pread 64 KiB", 3, sizing.randomReadOps(), sizing.probeOps(), 1.0);
        return Workload.Factory.of(spec, t -> new RandomReads(t, sizing.largeFileBytes()) {
            @Override
            public void op(long i) throws IOException {
                in.readFully(offset(i, 0), new byte[RANDOM_READ]);
            }
        });
    }

    /** readVectored of 16 random 64 KiB ranges, waiting for all of them. */
    static Workload.Factory vectoredReads(Sizing sizing) {
        Workload.Spec spec = new Workload.Spec("readVectored 16 x 64 KiB", 2, sizing.randomReadOps() / 4,
                sizing.probeOps(), 1.0);
        return Workload.Factory.of(spec, t -> new RandomReads(t, sizing.largeFileBytes()) {
            @Override
            public void op(long i) throws IOException {
                List<FileRange> ranges = new ArrayList<>();
                long slice = bytes / VECTOR_RANGES;
                for (int r = 0; r < VECTOR_RANGES; r++) {
                    // one range per slice keeps them sorted and disjoint, as readVectored requires
                    ranges.add(FileRange.createFileRange(r * slice + offset(i, r) % (slice - RANDOM_READ) / 4096 * 4096,
                            RANDOM_READ));
                }
                in.readVectored(ranges, ByteBuffer::allocate);
                for (FileRange range : ranges) {
                    try {
                        range.getData().get();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IOException("interrupted", e);
                    } catch (ExecutionException e) {
                        throw new IOException("readVectored range " + range, e.getCause());
                    }
                }
            }
        });
    }

    private abstract static class RandomReads implements Workload {
        final FileSystem fs;
        final Path path;
        final long bytes;
        FSDataInputStream in;

        RandomReads(Target t, long bytes) throws IOException {
            this.fs = t.fs();
            this.path = largeFile(t);
            this.bytes = bytes;
        }

        @Override
        public void setup() throws IOException {
            ensure(fs, path, bytes);
            FileStatus status = fs.getFileStatus(path);
            in = fs.open(status.getPath());
        }

        /** A 4 KiB-aligned offset, reproducible per (op, range). */
        long offset(long i, int range) {
            long slots = (bytes - RANDOM_READ) / 4096;
            return Math.floorMod(new Random(i * 31 + range).nextLong(), slots) * 4096;
        }

        @Override
        public void teardown() throws IOException {
            if (in != null) {
                in.close();
            }
        }
    }

    static String human(long bytes) {
        return bytes >= (1L << 30) && bytes % (1L << 30) == 0 ? (bytes >> 30) + " GiB" : (bytes >> 20) + " MiB";
    }
}
