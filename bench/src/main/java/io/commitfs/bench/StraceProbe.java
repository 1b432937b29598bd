package io.commitfs.bench;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts this JVM's file, descriptor and process syscalls over a window: {@code strace -f -c -p <own pid>}
 * attaches to every thread (including the native threads commitfs runs I/O on and children Hadoop forks),
 * so JVM start-up is never in the count. Memory, futex and signal syscalls are filtered out: they are the
 * JIT and GC's background noise, not the filesystem's work.
 */
final class StraceProbe implements Closeable {

    static final String TRACED = "%file,%desc,%process";

    private final Process strace;
    private final Path output;

    private StraceProbe(Process strace, Path output) {
        this.strace = strace;
        this.output = output;
    }

    static boolean available() {
        try {
            Process p = new ProcessBuilder("strace", "-V").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Attaches and returns once every current thread of this JVM is being traced. */
    static StraceProbe attach() throws IOException {
        Path output = Files.createTempFile("commitfs-bench-strace", ".txt");
        long pid = ProcessHandle.current().pid();
        int threads;
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            threads = (int) tasks.count();
        }
        Process p = new ProcessBuilder("strace", "-f", "-c", "-e", "trace=" + TRACED, "-o", output.toString(),
                "-p", Long.toString(pid)).start();
        p.getOutputStream().close();
        AtomicInteger attached = new AtomicInteger();
        AtomicBoolean withThreads = new AtomicBoolean();
        Thread reader = new Thread(() -> {
            try (BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = err.readLine()) != null) {
                    if (line.contains("attached")) {
                        attached.incrementAndGet();
                        withThreads.compareAndSet(false, line.contains("threads"));
                    }
                }
            } catch (IOException ignored) {
                // strace ended
            }
        }, "strace-stderr");
        reader.setDaemon(true);
        reader.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        // strace reports either one line per thread or one "attached with N threads" line
        while (attached.get() < threads - 1 && !withThreads.get() && System.nanoTime() < deadline && p.isAlive()) {
            sleep(20);
        }
        if (!p.isAlive()) {
            throw new IOException("strace could not attach to pid " + pid + " (ptrace not permitted here?)");
        }
        sleep(100); // let the threads reach their next syscall under the tracer
        return new StraceProbe(p, output);
    }

    /** Detaches (SIGTERM makes strace print its summary) and returns calls per syscall name. */
    Map<String, Long> finish() throws IOException {
        strace.destroy();
        try {
            if (!strace.waitFor(30, TimeUnit.SECONDS)) {
                strace.destroyForcibly();
                throw new IOException("strace did not detach within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while stopping strace", e);
        }
        Map<String, Long> calls = parse(Files.readAllLines(output));
        Files.deleteIfExists(output);
        return calls;
    }

    /** Parses strace -c's table: "% time  seconds  usecs/call  calls  [errors]  syscall". */
    static Map<String, Long> parse(Iterable<String> lines) {
        Map<String, Long> calls = new TreeMap<>();
        for (String line : lines) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 5 || !f[0].matches("[0-9.]+")) {
                continue;
            }
            String name = f[f.length - 1];
            if (!name.equals("total")) {
                calls.merge(name, Long.parseLong(f[3]), Long::sum);
            }
        }
        return calls;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (strace.isAlive()) {
            strace.destroyForcibly();
        }
    }
}
