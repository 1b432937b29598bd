package io.commitfs.bench;

import java.io.IOException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** Single metadata operations, each measured alone: what one rename or one status call costs. */
final class MetadataWorkloads {

    private MetadataWorkloads() { }

    /**
     * rename(dir/r-i, dir/r-(i+1)) of one small file, over and over: one file rename per op, no create in
     * the timed loop (S3: COPY + DELETE plus the checks; POSIX: one rename).
     */
    static Workload.Factory fileRename(Sizing sizing) {
        Workload.Spec spec = new Workload.Spec("file rename (1 KiB)", 3, sizing.smallOps(), sizing.probeOps(), 1.0);
        return Workload.Factory.of(spec, t -> {
            FileSystem fs = t.fs();
            Path dir = t.dir("rename");
            return new Workload() {
                private long last = -1;

                @Override
                public void setup() throws IOException {
                    fs.mkdirs(dir);
                    fs.create(name(0), false).close();
                    last = 0;
                }

                private Path name(long i) {
                    return new Path(dir, "r-" + i);
                }

                @Override
                public void op(long i) throws IOException {
                    // indexes start at 0 and increase by one per call, so the source is always the last name
                    if (!fs.rename(name(last), name(last + 1))) {
                        throw new IOException("rename " + name(last) + " returned false");
                    }
                    last++;
                }
            };
        });
    }

    /** getFileStatus of an existing small file. */
    static Workload.Factory fileStatus(Sizing sizing) {
        Workload.Spec spec = new Workload.Spec("getFileStatus", 50, sizing.smallOps() * 5, sizing.probeOps(), 1.0);
        return Workload.Factory.of(spec, t -> {
            FileSystem fs = t.fs();
            Path file = new Path(t.dir("status"), "f");
            return new Workload() {
                @Override
                public void setup() throws IOException {
                    fs.create(file, true).close();
                }

                @Override
                public void op(long i) throws IOException {
                    fs.getFileStatus(file);
                }
            };
        });
    }
}
