package io.commitfs.bench;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FilterFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;
import org.apache.hadoop.util.ReflectionUtils;

/**
 * A call tracer for the DStream workload ({@code COMMITFS_BENCH_TRACE}): registered as {@code fs.<scheme>.impl}
 * in the Spark driver, it wraps the filesystem under test ({@code commitfs.bench.trace.<scheme>.impl}) under the
 * same scheme and appends one line per FileSystem call Spark makes to {@code commitfs.bench.trace.log}:
 * {@code epoch-µs duration-µs thread call path}. Output streams are wrapped so that {@code close} (where a
 * commitfs file is published) is timed too. Not part of any measured row: only the trace run uses it.
 */
public final class TracingFileSystem extends FilterFileSystem {

    private static PrintWriter log;

    private interface Call<T> {
        T run() throws IOException;
    }

    @Override
    public void initialize(URI name, Configuration conf) throws IOException {
        long t0 = System.nanoTime();
        String inner = conf.get("commitfs.bench.trace." + name.getScheme() + ".impl");
        if (inner == null) {
            throw new IOException("commitfs.bench.trace." + name.getScheme() + ".impl is not set");
        }
        try {
            fs = (FileSystem) ReflectionUtils.newInstance(conf.getClassByName(inner), conf);
        } catch (ClassNotFoundException e) {
            throw new IOException("cannot load " + inner, e);
        }
        openLog(conf.get("commitfs.bench.trace.log"));
        // FilterFileSystem initializes the inner filesystem only when its conf is unset: do it here
        fs.initialize(name, conf);
        super.initialize(name, conf);
        write(t0, "initialize", name.toString());
    }

    private static synchronized void openLog(String file) throws IOException {
        if (log == null && file != null) {
            log = new PrintWriter(new OutputStreamWriter(new FileOutputStream(file, true), StandardCharsets.UTF_8), true);
        }
    }

    private static synchronized void write(long t0, String call, Object path) {
        if (log != null) {
            long end = System.nanoTime();
            long startMicros = System.currentTimeMillis() * 1000 - (end - t0) / 1000;
            log.printf("%d %d %s %s %s%n", startMicros, (end - t0) / 1000,
                    Thread.currentThread().getName().replace(' ', '_'), call, path);
        }
    }

    private static <T> T time(String call, Object path, Call<T> body) throws IOException {
        long t0 = System.nanoTime();
        try {
            return body.run();
        } finally {
            write(t0, call, path);
        }
    }

    private static FSDataOutputStream timedClose(FSDataOutputStream out, Path f) throws IOException {
        return new FSDataOutputStream(out, null) {
            @Override
            public void close() throws IOException {
                time("close", f, () -> {
                    super.close();
                    return null;
                });
            }
        };
    }

    @Override
    public FSDataOutputStream create(Path f, FsPermission permission, boolean overwrite, int bufferSize,
                                     short replication, long blockSize, Progressable progress) throws IOException {
        return timedClose(time("create", f,
                () -> fs.create(f, permission, overwrite, bufferSize, replication, blockSize, progress)), f);
    }

    @Override
    public FSDataInputStream open(Path f, int bufferSize) throws IOException {
        return time("open", f, () -> fs.open(f, bufferSize));
    }

    @Override
    public boolean rename(Path src, Path dst) throws IOException {
        return time("rename", src + " -> " + dst, () -> fs.rename(src, dst));
    }

    @Override
    public boolean delete(Path f, boolean recursive) throws IOException {
        return time(recursive ? "delete-recursive" : "delete", f, () -> fs.delete(f, recursive));
    }

    @Override
    public boolean mkdirs(Path f, FsPermission permission) throws IOException {
        return time("mkdirs", f, () -> fs.mkdirs(f, permission));
    }

    @Override
    public boolean mkdirs(Path f) throws IOException {
        return time("mkdirs", f, () -> fs.mkdirs(f));
    }

    @Override
    public FileStatus getFileStatus(Path f) throws IOException {
        return time("getFileStatus", f, () -> fs.getFileStatus(f));
    }

    @Override
    public boolean exists(Path f) throws IOException {
        return time("exists", f, () -> fs.exists(f));
    }

    @Override
    public FileStatus[] listStatus(Path f) throws IOException {
        return time("listStatus", f, () -> fs.listStatus(f));
    }
}
