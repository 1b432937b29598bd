package io.commitfs.hadoop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;

/**
 * The JVM passes commitfs only the keys the user set: values that come only from Hadoop's
 * {@code core-default.xml} are S3A's defaults and must not replace commitfs's own.
 */
class StoreConfigTest {
  /** What Hadoop 3.3.4's core-default.xml says for three keys commitfs defaults differently. */
  private static final String HADOOP_334_DEFAULTS = "<configuration>"
      + "<property><name>fs.s3a.connection.request.timeout</name><value>0</value></property>"
      + "<property><name>fs.s3a.multipart.size</name><value>64M</value></property>"
      + "<property><name>fs.s3a.readahead.range</name><value>64K</value></property>"
      + "</configuration>";

  private static Map<String, String> passed(Configuration conf, String scheme) throws Exception {
    String[] pairs = StoreConfig.relevantPairs(conf, scheme);
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i + 1 < pairs.length; i += 2) {
      out.put(pairs[i], pairs[i + 1]);
    }
    return out;
  }

  private static Configuration fromResource(String xml, String name) {
    Configuration conf = new Configuration(false);
    conf.addResource(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)), name);
    return conf;
  }

  @Test
  void hadoopsOwnCoreDefaultsAreNotPassedButWhatTheUserSetIs() throws Exception {
    Configuration conf = new Configuration();
    assertNotNull(conf.get("fs.s3a.multipart.size"), "this Hadoop's core-default.xml sets it");
    Map<String, String> keys = passed(conf, "s3c");
    assertFalse(keys.containsKey("fs.s3a.multipart.size"), keys.toString());
    assertFalse(keys.containsKey("fs.s3a.readahead.range"), keys.toString());
    conf.set("fs.s3a.multipart.size", "16M");
    conf.set("fs.s3c.readahead.range", "2M");
    keys = passed(conf, "s3c");
    assertEquals("16M", keys.get("fs.s3a.multipart.size"));
    assertEquals("2M", keys.get("fs.s3c.readahead.range"));
  }

  @Test
  void hadoop334ZeroRequestTimeoutFromCoreDefaultStaysOut() throws Exception {
    Configuration conf = fromResource(HADOOP_334_DEFAULTS, "core-default.xml");
    assertEquals("0", conf.get("fs.s3a.connection.request.timeout"));
    assertEquals(Map.of(), passed(conf, "s3c"));
    // The same values in a site file are the user's choice and are passed (a user-set 0 keeps
    // commitfs's bounded timeout: rust/core settings RetrySettings).
    Configuration site = fromResource(HADOOP_334_DEFAULTS, "core-site.xml");
    Map<String, String> keys = passed(site, "s3c");
    assertEquals("0", keys.get("fs.s3a.connection.request.timeout"));
    assertEquals(3, keys.size(), keys.toString());
  }

  @Test
  void blockAndBufferSizesAreReadThroughTheSettingsTable() throws Exception {
    NativeLibrary.load();
    assertArrayEquals(new long[] {32L << 20, 1 << 20, 1 << 20}, NativeFs.jvmSettings("s3c", "b", new String[0]));
    String[] conf = {"fs.s3a.block.size", "64M", "fs.commitfs.write.buffer.size", "2M"};
    assertArrayEquals(new long[] {64L << 20, 1 << 20, 2 << 20}, NativeFs.jvmSettings("filec", null, conf));
    Exception e = assertThrows(IllegalArgumentException.class,
        () -> NativeFs.jvmSettings("s3c", "b", new String[] {"fs.commitfs.read.buffer.size", "lots"}));
    assertTrue(e.getMessage().contains("fs.commitfs.read.buffer.size=lots") && e.getMessage().contains("a size"),
        e.getMessage());
  }

  @Test
  void trustJvmPassesTheJvmsTrustAnchorsAsPem() throws Exception {
    Configuration conf = new Configuration(false);
    assertFalse(passed(conf, "s3c").containsKey(JvmTrust.ANCHORS_KEY));
    conf.set("fs.s3a.bucket.b.connection.ssl.trust-jvm", "true");
    String pem = passed(conf, "s3c").get(JvmTrust.ANCHORS_KEY);
    assertNotNull(pem);
    int certs = pem.split("-----BEGIN CERTIFICATE-----", -1).length - 1;
    assertTrue(certs > 10, "the JDK's cacerts hold many anchors, got " + certs);
    assertEquals(certs, pem.split("-----END CERTIFICATE-----", -1).length - 1);
  }

  @Test
  void unusedS3aKeysAreLoggedOnceAtWarn() throws Exception {
    NativeLibrary.load();
    NativeFs.drainLog();
    String unknown = "fs.memwarn.no-such-key-" + System.nanoTime();
    Configuration conf = new Configuration(false);
    conf.set("fs.commitfs.scheme.memwarn.backend", "memory");
    conf.set("fs.s3a.committer.magic.enabled", "true");
    conf.set(unknown, "1");
    String[] pairs = StoreConfig.relevantPairs(conf, "memwarn");
    long handle = NativeFs.connect("memwarn", "a", pairs);
    NativeFs.release(handle);
    String log = NativeFs.drainLog();
    assertNotNull(log);
    assertTrue(log.contains("WARN " + unknown + " is not a key commitfs knows"), log);
    long again = NativeFs.connect("memwarn", "b", pairs);
    NativeFs.release(again);
    String second = NativeFs.drainLog();
    assertTrue(second == null || !second.contains(unknown), "logged twice: " + second);
  }
}
