package io.commitfs.hadoop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.commitfs.hadoop.contract.S3Server;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

/**
 * A credential provider class commitfs does not know, implementing the AWS SDK v2 interface, named in
 * {@code fs.s3a.aws.credentials.provider}: instantiated with S3A's (URI, Configuration) constructor and
 * asked again by the native store before each session expires, at least 3 times in one FileSystem's life.
 */
class CredentialBridgeTest {
  static final AtomicInteger CALLS = new AtomicInteger();
  static final Set<String> SEEN_URIS = ConcurrentHashMap.newKeySet();
  static final Set<String> SEEN_MARKERS = ConcurrentHashMap.newKeySet();

  /** Sessions of 2 s; the store renews them at half life. */
  public static class RotatingProvider implements AwsCredentialsProvider {
    public RotatingProvider(URI uri, Configuration conf) {
      SEEN_URIS.add(uri.toString());
      SEEN_MARKERS.add(conf.get("test.marker", "none"));
    }

    @Override
    public AwsCredentials resolveCredentials() {
      int n = CALLS.incrementAndGet();
      return AwsSessionCredentials.builder()
          .accessKeyId("ROTATING" + n)
          .secretAccessKey("secret-" + n)
          .sessionToken("token-" + n)
          .expirationTime(Instant.now().plusSeconds(2))
          .build();
    }
  }

  /** Not a credential provider at all. */
  public static class NotAProvider {}

  private static Configuration conf(S3Server server, String provider) {
    Configuration conf = new Configuration(false);
    conf.set("fs.s3c.impl", CommitFileSystem.class.getName());
    conf.setBoolean("fs.s3c.impl.disable.cache", true);
    server.configure(conf, "s3c");
    conf.set("fs.s3a.aws.credentials.provider", provider);
    conf.set("test.marker", "from-this-configuration");
    return conf;
  }

  @Test
  void javaProviderIsAskedBeforeEachExpiryAndRotatesThreeTimes() throws Exception {
    S3Server server = S3Server.get("moto");
    URI uri = URI.create("s3c://" + server.bucket + "/");
    try (FileSystem fs = FileSystem.newInstance(uri, conf(server, RotatingProvider.class.getName()))) {
      Path base = new Path("/credential-bridge-" + System.nanoTime());
      long start = System.nanoTime();
      int i = 0;
      // About 3.5 s see the first session and 3 renewals; 10 s bounds a slow machine.
      while (CALLS.get() < 4 && System.nanoTime() - start < 10_000_000_000L) {
        Path p = new Path(base, "f" + i++);
        try (FSDataOutputStream out = fs.create(p, true)) {
          out.write("x".getBytes(StandardCharsets.UTF_8));
        }
        assertTrue(fs.exists(p));
        assertEquals(i, fs.listStatus(base).length);
        Thread.sleep(150);
      }
      assertTrue(CALLS.get() >= 4, "first session and >= 3 renewals: " + CALLS.get() + " calls in " + i + " rounds");
      assertTrue(CALLS.get() <= 2 * i, "cached between renewals: " + CALLS.get() + " calls in " + i + " rounds");
    }
    assertEquals(Set.of(uri.toString()), SEEN_URIS);
    assertEquals(Set.of("from-this-configuration"), SEEN_MARKERS);
  }

  @Test
  void classesThatAreNoProviderOrMissingAreRefusedNamingKeyAndClass() {
    S3Server server = S3Server.get("moto");
    URI uri = URI.create("s3c://" + server.bucket + "/");
    for (String name : new String[] {NotAProvider.class.getName(), "com.example.NoSuchProvider"}) {
      Exception e = assertThrows(Exception.class, () -> FileSystem.newInstance(uri, conf(server, name)).close());
      String m = String.valueOf(e.getMessage());
      assertTrue(m.contains("fs.s3a.aws.credentials.provider") && m.contains(name), m);
    }
  }
}
