package io.commitfs.hadoop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.commitfs.hadoop.contract.S3Server;
import java.io.BufferedReader;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The core's log records through slf4j at the right levels: each S3 request at DEBUG (method, path,
 * status, time, retry number), a 503 SlowDown at WARN, the retry with its cause at INFO, a rolled-forward
 * directory rename at INFO; and no credential (access key, secret key, session token, SSE-C key) in any
 * line even at DEBUG.
 */
class NativeLogTest {
  private static final String ACCESS_KEY = "AKIALOGTESTACCESS0001";
  private static final String SECRET_KEY = "logtest/Secret+Key/0123456789abcdefghij";
  private static final String SESSION_TOKEN = "LogTestSessionToken0123456789";
  private static final String SSE_C_KEY =
      Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII));

  private LogCapture log;

  @BeforeEach
  void captureAtDebug() {
    log = new LogCapture();
  }

  @AfterEach
  void restore() {
    log.close();
  }

  private List<String> lines() {
    return log.lines();
  }

  private static List<String> matching(List<String> lines, String level, String text) {
    return lines.stream().filter(l -> l.startsWith(level + " ") && l.contains(text)).collect(Collectors.toList());
  }

  @Test
  void retriedRequestShowsItsLinesAndNoSecret() throws Exception {
    AtomicInteger requests = new AtomicInteger();
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread answering = new Thread(() -> serve(server, requests), "fake-s3");
      answering.setDaemon(true);
      answering.start();
      Configuration conf = new Configuration(false);
      conf.set("fs.s3c.endpoint", "http://127.0.0.1:" + server.getLocalPort());
      conf.set("fs.s3c.endpoint.region", "us-east-1");
      conf.set("fs.s3c.path.style.access", "true");
      conf.set("fs.s3c.access.key", ACCESS_KEY);
      conf.set("fs.s3c.secret.key", SECRET_KEY);
      conf.set("fs.s3c.session.token", SESSION_TOKEN);
      conf.set("fs.s3c.encryption.algorithm", "SSE-C");
      conf.set("fs.s3c.encryption.key", SSE_C_KEY);
      conf.set("fs.s3c.retry.limit", "3");
      conf.set("fs.s3c.retry.interval", "10ms");
      conf.set("fs.s3c.impl", CommitFileSystem.class.getName());
      conf.set("fs.AbstractFileSystem.s3c.impl", CommitFs.class.getName());
      conf.setBoolean("fs.s3c.impl.disable.cache", true);
      try (FileSystem fs = FileSystem.get(URI.create("s3c://logbucket/"), conf)) {
        assertThrows(FileNotFoundException.class, () -> fs.getFileStatus(new Path("/logs/missing")));
      }
    }
    List<String> lines = lines();
    String all = String.join("\n", lines);
    assertFalse(matching(lines, "WARN", "503 SlowDown").isEmpty(), "the throttling at WARN:\n" + all);
    assertFalse(matching(lines, "DEBUG", "GET /logbucket/ prefix=logs/missing").isEmpty(), "the request line:\n" + all);
    assertFalse(matching(lines, "DEBUG", "(retry 1)").isEmpty(), "the retried request's line:\n" + all);
    assertFalse(matching(lines, "INFO", "retry").isEmpty(), "the retry and its cause at INFO:\n" + all);
    assertNoSecret(all);
  }

  /**
   * A fake S3 endpoint (the JDK's HTTP server is not in every runtime the tests run on): 503 SlowDown to
   * the first request, then a missing object (HEAD 404, LIST empty). One request per connection.
   */
  private static void serve(ServerSocket server, AtomicInteger requests) {
    while (!server.isClosed()) {
      try (Socket socket = server.accept()) {
        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
        String requestLine = in.readLine();
        for (String header = in.readLine(); header != null && !header.isEmpty(); header = in.readLine()) {
          // headers (signature, token, SSE-C key) are read and dropped
        }
        if (requestLine == null) {
          continue;
        }
        String[] parts = requestLine.split(" ");
        String method = parts[0];
        String target = parts.length > 1 ? parts[1] : "/";
        String body;
        String status;
        if (requests.getAndIncrement() == 0) {
          status = "503 Slow Down";
          body = "<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>";
        } else if (method.equals("GET") && target.contains("list-type")) {
          status = "200 OK";
          body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListBucketResult><Name>logbucket</Name><Prefix></Prefix>"
              + "<KeyCount>0</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated></ListBucketResult>";
        } else {
          status = "404 Not Found";
          body = "<Error><Code>NoSuchKey</Code><Message>no such key</Message></Error>";
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        OutputStream out = socket.getOutputStream();
        out.write(("HTTP/1.1 " + status + "\r\nContent-Type: application/xml\r\nContent-Length: " + bytes.length
            + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        if (!method.equals("HEAD")) {
          out.write(bytes);
        }
        out.flush();
      } catch (IOException e) {
        // the socket closed (end of the test) or the client went away: next connection
      }
    }
  }

  @Test
  void rolledForwardRenameIsLoggedAtInfo() throws Exception {
    S3Server moto = S3Server.get("moto");
    String run = "logtest-" + System.nanoTime();
    Configuration conf = new Configuration(false);
    moto.configure(conf, "s3c");
    conf.set("fs.s3c.impl", CommitFileSystem.class.getName());
    conf.set("fs.AbstractFileSystem.s3c.impl", CommitFs.class.getName());
    conf.set("fs.s3c.rename.recovery.grace", "0");
    conf.setBoolean("fs.s3c.impl.disable.cache", true);
    URI bucket = URI.create("s3c://" + moto.bucket + "/");
    try (FileSystem fs = FileSystem.get(bucket, conf)) {
      try (FSDataOutputStream out = fs.create(new Path("/" + run + "/src/f"), false)) {
        out.write(1);
      }
      // What a renamer that died after recording its intent leaves: the record, the source untouched.
      String intent = "{\"version\":1,\"src\":\"" + run + "/src/\",\"dst\":\"" + run + "/dst/\",\"token\":\"t" + run
          + "\",\"started_ms\":" + System.currentTimeMillis() + "}";
      try (FSDataOutputStream out = fs.create(new Path("/_commitfs/journal/" + System.currentTimeMillis() + "-" + run + ".json"))) {
        out.write(intent.getBytes(StandardCharsets.UTF_8));
      }
    }
    // A fresh store (another check interval, so not the one above) lists first: recovery runs before it.
    conf.set("fs.s3c.rename.recovery.interval", "59s");
    try (FileSystem fs = FileSystem.get(bucket, conf)) {
      fs.listStatus(new Path("/" + run));
      assertTrue(fs.exists(new Path("/" + run + "/dst/f")), "the rename was completed");
    }
    List<String> lines = lines();
    String all = String.join("\n", lines);
    assertEquals(1, matching(lines, "INFO", "completed the interrupted directory rename").stream()
        .filter(l -> l.contains(run)).count(), all);
    assertFalse(all.contains(moto.secretKeyForTests()), "the secret key was logged");
  }

  private static void assertNoSecret(String all) {
    for (String secret : new String[] {ACCESS_KEY, SECRET_KEY, SESSION_TOKEN, SSE_C_KEY}) {
      assertFalse(all.contains(secret), "a credential reached the log:\n" + all);
    }
  }
}
