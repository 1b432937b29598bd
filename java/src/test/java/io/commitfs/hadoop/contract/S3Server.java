package io.commitfs.hadoop.contract;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;

/**
 * A throw-away S3 server (moto or SeaweedFS) started through tests/servers/launch.py, one per kind per
 * JVM. The launcher stops the server when our end of its stdin closes, so the JVM exiting (even killed)
 * never leaks a server.
 */
public final class S3Server {
  private static final Map<String, S3Server> RUNNING = new HashMap<>();
  private static final Pattern FIELD = Pattern.compile("\"(\\w+)\":\\s*(\"([^\"]*)\"|(\\d+))");

  public final String kind;
  public final String endpoint;
  public final String bucket;
  final String accessKey;
  final String secretKey;
  final String region;
  private final Process process;

  private S3Server(String kind, Process process, Map<String, String> info) {
    this.kind = kind;
    this.process = process;
    this.endpoint = info.get("endpoint");
    this.bucket = info.get("bucket");
    this.accessKey = info.get("access_key");
    this.secretKey = info.get("secret_key");
    this.region = info.get("region");
  }

  /** The server of this kind, started on first use; fails (so the caller can skip) if it cannot start. */
  public static synchronized S3Server get(String kind) {
    return RUNNING.computeIfAbsent(kind, S3Server::start);
  }

  private static S3Server start(String kind) {
    File launcher = new File(repoRoot(), "tests/servers/launch.py");
    if (!launcher.isFile()) {
      throw new IllegalStateException("no " + launcher + ": the S3 test servers are not available");
    }
    try {
      ProcessBuilder pb = new ProcessBuilder("python3", launcher.getPath(), kind, "--bucket", "commitfs-contract");
      pb.redirectError(ProcessBuilder.Redirect.INHERIT);
      Process p = pb.start();
      BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      String line = out.readLine();
      if (line == null) {
        p.destroy();
        throw new IllegalStateException("tests/servers/launch.py " + kind + " exited without starting a server");
      }
      Map<String, String> info = new HashMap<>();
      Matcher m = FIELD.matcher(line);
      while (m.find()) {
        info.put(m.group(1), m.group(3) != null ? m.group(3) : m.group(4));
      }
      S3Server server = new S3Server(kind, p, info);
      Runtime.getRuntime().addShutdownHook(new Thread(server::stop));
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run tests/servers/launch.py " + kind, e);
    }
  }

  /** Sets endpoint, credentials and path-style access for {@code scheme} on this server. */
  public void configure(Configuration conf, String scheme) {
    String p = "fs." + scheme + ".";
    conf.set(p + "endpoint", endpoint);
    conf.set(p + "endpoint.region", region);
    conf.set(p + "access.key", accessKey);
    conf.set(p + "secret.key", secretKey);
    conf.set(p + "path.style.access", "true");
    // moto ignores If-None-Match on CopyObject but enforces it on CompleteMultipartUpload.
    conf.set(p + "copy-if-not-exists", kind.equals("moto") ? "multipart" : "header");
  }

  void stop() {
    try {
      process.getOutputStream().close();
      if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroy();
      }
    } catch (IOException | InterruptedException e) {
      process.destroy();
    }
  }

  public static File repoRoot() {
    String prop = System.getProperty("commitfs.repo.root");
    if (prop != null) {
      return new File(prop);
    }
    File dir = new File("").getAbsoluteFile();
    while (dir != null && !new File(dir, "Cargo.toml").isFile()) {
      dir = dir.getParentFile();
    }
    return dir == null ? new File(".") : dir;
  }
}
