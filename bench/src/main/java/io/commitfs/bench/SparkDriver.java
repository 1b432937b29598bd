package io.commitfs.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A pyspark driver of a Spark workload (bench/streaming/*.py) in a process of its own: local[2], with the
 * commitfs jar, hadoop-aws + the AWS SDK bundle and this harness's classes, started with one JSON config and
 * answering one line {@code RESULT {json}} on stdout. Its stderr (Spark's log) stays in the work directory
 * for the workload to read.
 */
final class SparkDriver {

    private static final ObjectMapper JSON = new ObjectMapper();

    private SparkDriver() { }

    /** An owner-only temporary directory (the driver's config holds S3 credentials). */
    static Path workDir(String prefix) throws IOException {
        return Files.createTempDirectory(prefix,
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }

    /** Spark's log4j2 config: errors only, plus INFO for the given loggers (lines a workload parses). */
    static Path log4j(Path work, List<String> infoLoggers) throws IOException {
        StringBuilder text = new StringBuilder("rootLogger.level = error\nrootLogger.appenderRef.stderr.ref = console\n"
                + "appender.console.type = Console\nappender.console.name = console\n"
                + "appender.console.target = SYSTEM_ERR\nappender.console.layout.type = PatternLayout\n"
                + "appender.console.layout.pattern = %d{HH:mm:ss.SSS} %p %c{1}: %m%n\n");
        for (int i = 0; i < infoLoggers.size(); i++) {
            text.append("logger.l").append(i).append(".name = ").append(infoLoggers.get(i)).append('\n')
                    .append("logger.l").append(i).append(".level = info\n");
        }
        Path log4j = work.resolve("log4j2.properties");
        Files.writeString(log4j, text);
        return log4j;
    }

    /**
     * The Spark conf of a driver: small and quiet; the filesystem keys exactly as the harness's targets use
     * them (S3 keys only when {@code s3} is given).
     */
    static Map<String, String> sparkConf(Targets.S3Endpoint s3, Path log4j) {
        Map<String, String> conf = new LinkedHashMap<>();
        conf.put("spark.ui.enabled", "false");
        conf.put("spark.ui.showConsoleProgress", "false");
        conf.put("spark.sql.streaming.ui.enabled", "false");
        conf.put("spark.sql.catalogImplementation", "in-memory");
        conf.put("spark.log.structuredLogging.enabled", "false");
        conf.put("spark.driver.host", "127.0.0.1");
        conf.put("spark.driver.bindAddress", "127.0.0.1");
        conf.put("spark.default.parallelism", "2");
        conf.put("spark.driver.extraJavaOptions", "-Dlog4j2.configurationFile=file:" + log4j);
        List<String> extra = new ArrayList<>();
        String commitfsJar = null;
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String name = new File(entry).getName();
            if (name.startsWith("commitfs-") && name.endsWith(".jar")) {
                commitfsJar = entry;
            } else if (name.startsWith("hadoop-aws-") || name.startsWith("bundle-")
                    || name.startsWith("analyticsaccelerator-")
                    || Files.isDirectory(Path.of(entry, "io", "commitfs", "bench"))) {
                extra.add(entry);
            }
        }
        conf.put("spark.driver.extraClassPath", String.join(File.pathSeparator, extra));
        if (commitfsJar != null) {
            conf.put("spark.jars", commitfsJar);
        }
        conf.put("spark.hadoop.fs.s3c.impl", Targets.COMMITFS_FS);
        conf.put("spark.hadoop.fs.AbstractFileSystem.s3c.impl", Targets.COMMITFS_AFS);
        conf.put("spark.hadoop.fs.filec.impl", Targets.COMMITFS_FS);
        conf.put("spark.hadoop.fs.AbstractFileSystem.filec.impl", Targets.COMMITFS_AFS);
        if (s3 != null) {
            Targets.s3Settings(s3).forEach((k, v) -> conf.put("spark.hadoop." + k, v));
            conf.put("spark.hadoop.fs.s3a.audit.execution.interceptors", SdkRequestCounter.class.getName());
        }
        return conf;
    }

    /** Runs {@code bench/streaming/<script>} with {@code cfg}; its RESULT line, or an error with its log's tail. */
    static JsonNode run(Path repo, String script, Map<String, Object> cfg, Path work)
            throws IOException, InterruptedException {
        // holds the S3 credentials: owner-only (the directory is too), never printed
        Path config = work.resolve("config.json");
        Files.writeString(config, JSON.writeValueAsString(cfg));
        Path stderr = stderr(work);
        ProcessBuilder pb = new ProcessBuilder("python3", repo.resolve("bench/streaming/" + script).toString(),
                config.toString())
                .redirectError(stderr.toFile())
                .directory(work.toFile());
        pb.environment().put("PYSPARK_PYTHON", "python3");
        pb.environment().put("PYSPARK_DRIVER_PYTHON", "python3");
        Process p = pb.start();
        p.getOutputStream().close();
        String result = null;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                if (line.startsWith("RESULT ")) {
                    result = line.substring("RESULT ".length());
                }
            }
        }
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        if (result == null) {
            throw new IOException("the Spark driver gave no result (exit " + p.exitValue() + "): " + tail(stderr));
        }
        return JSON.readTree(result);
    }

    /** The driver's stderr: Spark's log. */
    static Path stderr(Path work) {
        return work.resolve("driver.log");
    }

    static String compact(JsonNode map, int max) {
        List<String> parts = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext() && parts.size() < max; ) {
            Map.Entry<String, JsonNode> e = it.next();
            parts.add(e.getKey() + " " + Report.num(e.getValue().asDouble()));
        }
        return String.join(", ", parts);
    }

    static double percentile(List<Double> values, double p) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int idx = (int) Math.ceil(p * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, idx)));
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException e) {
            return "(no driver log: " + e + ")";
        }
    }

    static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory left behind is harmless
        }
    }
}
