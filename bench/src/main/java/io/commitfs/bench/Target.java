package io.commitfs.bench;

import java.io.IOException;
import java.net.URI;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** One filesystem under test: a URI root, the configuration it is opened with, and its store kind. */
final class Target {

    /** S3 targets are compared by HTTP requests per operation, POSIX targets by syscalls per operation. */
    enum Store { S3, POSIX }

    final String name;
    final Store store;
    final boolean commitfs;
    /** The peer every row of the same store is compared against (s3a, file://). */
    final boolean reference;
    final URI root;
    final Configuration conf;
    /** Why this target cannot run (its classes are missing), or null. */
    final String unavailable;
    private FileSystem fs;

    Target(String name, Store store, boolean commitfs, boolean reference, URI root, Configuration conf,
           String unavailable) {
        this.name = name;
        this.store = store;
        this.commitfs = commitfs;
        this.reference = reference;
        this.root = root;
        this.conf = conf;
        this.unavailable = unavailable;
    }

    /** A private instance, never the JVM-wide cached one, so its statistics count only this target. */
    synchronized FileSystem fs() throws IOException {
        if (fs == null) {
            fs = FileSystem.newInstance(root, conf);
        }
        return fs;
    }

    /** A FileContext on this target's AbstractFileSystem, as Spark's checkpoint manager builds it. */
    FileContext fileContext() throws IOException {
        return FileContext.getFileContext(root, conf);
    }

    Path dir(String workload) {
        return new Path(new Path(root), workload);
    }

    synchronized void close() throws IOException {
        if (fs != null) {
            fs.close();
            fs = null;
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
