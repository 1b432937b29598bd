package io.commitfs.hadoop.reliability;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;

/**
 * Wrong credentials and unreachable endpoints: clear, bounded failures that name the bucket, and the
 * secret key never appears in an exception or in anything the process prints (log4j at DEBUG, native
 * logging at trace, stdout and stderr all captured from a child JVM).
 */
class CredentialsAndSecretsTest {
  private static final String BAD_SECRET = "wR0ngS3cretK3y-commitfs-must-not-leak-7f3a";

  @Test
  void wrongSecretFailsNamingTheBucketAndNeverPrintsTheSecret() throws Exception {
    try (Store store = Store.s3c()) {
      store.conf.set("fs.s3c.secret.key", BAD_SECRET);
      String bucket = store.uri.getAuthority();
      java.nio.file.Path log4j = store.privateDir.resolve("log4j.properties");
      Files.writeString(log4j, String.join("\n",
          "log4j.rootLogger=DEBUG, err",
          "log4j.appender.err=org.apache.log4j.ConsoleAppender",
          "log4j.appender.err.target=System.err",
          "log4j.appender.err.layout=org.apache.log4j.PatternLayout",
          "log4j.appender.err.layout.ConversionPattern=%p %c: %m%n", ""));
      Child child = Child.start(store, 0, List.of("-Dlog4j.configuration=file:" + log4j),
          Map.of("RUST_LOG", "trace", "RUST_BACKTRACE", "1"));
      String answer;
      try {
        answer = child.receive();
        if (answer.startsWith("READY")) {
          answer = child.call("probe " + store.path("secret-probe/f"));
        }
        child.send("exit");
      } finally {
        child.close();
      }
      String everything = answer + "\n" + child.allOutput();
      assertFalse(everything.contains(BAD_SECRET), "the secret key was printed:\n" + everything);
      System.out.println("[reliability] wrong secret: " + answer);
      if (answer.startsWith("INITFAIL")) {
        assertTrue(answer.contains(bucket), answer);
        return;
      }
      // Every operation fails (none may succeed with a bad signature), naming the bucket.
      for (String op : answer.substring("PROBE | ".length()).split(" \\| ")) {
        assertFalse(op.endsWith(" ok"), "succeeded with a wrong secret: " + op);
        assertTrue(op.contains("AccessDeniedException") || op.contains("IOException"), op);
        assertTrue(op.contains(bucket), "does not name the bucket: " + op);
      }
    }
  }

  @Test
  void wrongSecretInProcessExceptionsCarryNoSecret() throws Exception {
    try (Store store = Store.s3c()) {
      store.conf.set("fs.s3c.secret.key", BAD_SECRET);
      FileSystem fs;
      try {
        fs = store.fs();
      } catch (IOException e) {
        assertNoSecret(e);
        return;
      }
      Path p = store.path("secret-probe/g");
      for (org.junit.jupiter.api.function.Executable op : List.<org.junit.jupiter.api.function.Executable>of(
          () -> fs.getFileStatus(p), () -> fs.listStatus(p.getParent()), () -> fs.open(p),
          () -> TestFiles.write(fs, p, false, new byte[10]), () -> fs.delete(p, true), () -> fs.mkdirs(p))) {
        assertNoSecret(assertThrows(IOException.class, op));
      }
    }
  }

  private static void assertNoSecret(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      assertFalse(String.valueOf(t.getMessage()).contains(BAD_SECRET), "secret in " + t);
      java.io.StringWriter trace = new java.io.StringWriter();
      t.printStackTrace(new java.io.PrintWriter(trace));
      assertFalse(trace.toString().contains(BAD_SECRET), "secret in the stack trace of " + t);
    }
  }

  /** A closed port on 127.0.0.1: refused connections must fail within a bounded time, not retry for minutes. */
  @Test
  void unreachableEndpointFailsInBoundedTime() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Configuration conf = Store.bareConf("s3c");
    conf.set("fs.s3c.endpoint", "http://127.0.0.1:" + port);
    conf.set("fs.s3c.path.style.access", "true");
    conf.set("fs.s3c.access.key", "AKIDEXAMPLE");
    conf.set("fs.s3c.secret.key", BAD_SECRET);
    long start = System.nanoTime();
    try (FileSystem fs = FileSystem.get(URI.create("s3c://nowhere-bucket/"), conf)) {
      IOException e = assertThrows(IOException.class, () -> fs.getFileStatus(new Path("/some/key")));
      assertNoSecret(e);
      assertTrue(e.getMessage().contains("nowhere-bucket") || e.getMessage().contains("127.0.0.1"), e.getMessage());
    } catch (IOException initFailure) {
      assertNoSecret(initFailure);
    }
    long seconds = (System.nanoTime() - start) / 1_000_000_000L;
    System.out.println("[reliability] unreachable endpoint failed after " + seconds + " s");
    assertTrue(seconds < 60, "took " + seconds + " s to give up on a refused connection");
  }
}
