package io.commitfs.bench;

import java.io.IOException;
import java.util.EnumSet;
import java.util.UUID;
import org.apache.hadoop.fs.CreateFlag;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;

/** The small-file commit patterns: what checkpoints and commit logs do on every batch. */
final class CommitWorkloads {

    private CommitWorkloads() { }

    /** Finals kept by the checkpoint workload; the oldest beyond this is deleted on every commit. */
    private static final int RETAINED = 5;

    /**
     * Checkpoint commit through FileSystem: create a temp file (overwrite=true, as Spark's
     * FileSystemBasedCheckpointFileManager does), write, close, rename to the final name, list the
     * directory, delete the oldest final.
     */
    static Workload.Factory checkpoint(String label, int size, Sizing sizing) {
        Workload.Spec spec = new Workload.Spec("checkpoint commit " + label, 3, sizing.smallOps(), sizing.probeOps(), 1.0);
        return Workload.Factory.of(spec, t -> {
            FileSystem fs = t.fs();
            Path dir = t.dir("checkpoint-" + label.replace(' ', '-'));
            byte[] payload = Payload.bytes(size);
            return new Workload() {
                @Override
                public void setup() throws IOException {
                    fs.mkdirs(dir);
                }

                @Override
                public void op(long i) throws IOException {
                    Path tmp = new Path(dir, "." + i + ".tmp");
                    try (FSDataOutputStream out = fs.create(tmp, true)) {
                        out.write(payload);
                    }
                    if (!fs.rename(tmp, new Path(dir, Long.toString(i)))) {
                        throw new IOException("rename " + tmp + " returned false");
                    }
                    fs.listStatus(dir);
                    if (i >= RETAINED) {
                        fs.delete(new Path(dir, Long.toString(i - RETAINED)), false);
                    }
                }
            };
        });
    }

    /**
     * Spark's createAtomic through FileContext, step for step as FileContextBasedCheckpointFileManager and
     * its RenameBasedFSDataOutputStream do it: create ".name.uuid.tmp" with CREATE|OVERWRITE and checksums
     * disabled, write, close, rename(tmp, final, NONE or OVERWRITE), then the HADOOP-16255 work-around
     * (exists(".tmp.crc") and delete it). NONE writes a new final each time (offset/commit logs);
     * OVERWRITE replaces one final each time (state store files written with overwriteIfPossible=true).
     */
    static Workload.Factory createAtomic(boolean overwrite, Sizing sizing) {
        Options.Rename mode = overwrite ? Options.Rename.OVERWRITE : Options.Rename.NONE;
        Workload.Spec spec = new Workload.Spec("createAtomic (FileContext) rename " + mode, 3, sizing.smallOps(),
                sizing.probeOps(), 1.0);
        byte[] payload = Payload.bytes(1024);
        return Workload.Factory.of(spec, t -> {
            FileContext fc = t.fileContext();
            Path dir = t.dir("create-atomic-" + mode.name().toLowerCase());
            return new Workload() {
                @Override
                public void setup() throws IOException {
                    fc.mkdir(dir, FsPermission.getDirDefault(), true);
                }

                @Override
                public void op(long i) throws IOException {
                    String name = overwrite ? "latest" : Long.toString(i);
                    Path tmp = new Path(dir, "." + name + "." + UUID.randomUUID() + ".tmp");
                    try (FSDataOutputStream out = fc.create(tmp, EnumSet.of(CreateFlag.CREATE, CreateFlag.OVERWRITE),
                            Options.CreateOpts.checksumParam(Options.ChecksumOpt.createDisabled()))) {
                        out.write(payload);
                    }
                    fc.rename(tmp, new Path(dir, name), mode);
                    Path crc = new Path(dir, "." + tmp.getName() + ".crc");
                    if (fc.util().exists(crc)) {
                        fc.delete(crc, false);
                    }
                }
            };
        });
    }

    /** create(path, overwrite=false) of a new 128-byte file, write, close: the commit-log "claim" step. */
    static Workload.Factory exclusiveCreate(Sizing sizing) {
        Workload.Spec spec = new Workload.Spec("exclusive create 128 B", 3, sizing.smallOps(), sizing.probeOps(), 1.0);
        byte[] payload = Payload.bytes(128);
        return Workload.Factory.of(spec, t -> {
            FileSystem fs = t.fs();
            Path dir = t.dir("exclusive-create");
            return new Workload() {
                @Override
                public void setup() throws IOException {
                    fs.mkdirs(dir);
                }

                @Override
                public void op(long i) throws IOException {
                    try (FSDataOutputStream out = fs.create(new Path(dir, "f-" + i), false)) {
                        out.write(payload);
                    }
                }
            };
        });
    }
}
