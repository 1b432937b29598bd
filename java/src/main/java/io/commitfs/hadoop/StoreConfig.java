package io.commitfs.hadoop;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;

/** The part of a Hadoop Configuration the native store reads, flattened for one JNI call. */
final class StoreConfig {
  /** Read through Hadoop's credential providers as S3A reads them (`Configuration.getPassword`). */
  private static final String[] SECRET_SUFFIXES = {
    ".access.key", ".secret.key", ".session.token", ".encryption.key", ".server-side-encryption.key", ".proxy.password"
  };

  private StoreConfig() {}

  /**
   * {@code fs.<scheme>.*}, {@code fs.s3a.*} and {@code fs.commitfs.*} as {key, value, key, value, ...},
   * with variables expanded and secrets resolved through Hadoop credential providers, as S3A does. Only
   * keys the user set: a value that comes only from Hadoop's {@code core-default.xml} (such as
   * {@code fs.s3a.multipart.size=64M}, {@code fs.s3a.readahead.range=64K}, or Hadoop 3.3.4's
   * {@code fs.s3a.connection.request.timeout=0}) is S3A's default, not the user's choice, and must not
   * replace commitfs's own.
   */
  static String[] relevantPairs(Configuration conf, String scheme) throws IOException {
    String own = "fs." + scheme + ".";
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, String> e : conf) {
      String key = e.getKey();
      if ((key.startsWith(own) || key.startsWith("fs.s3a.") || key.startsWith("fs.commitfs.")) && userSet(conf, key)) {
        String value = isSecret(key) ? password(conf, key) : conf.get(key);
        if (value != null) {
          out.add(key);
          out.add(value);
        }
      }
    }
    if (conf.get("hadoop.security.credential.provider.path") != null) {
      // Secrets may live only in a credential store, under a key the configuration never lists.
      for (String prefix : new String[] {own, "fs.s3a."}) {
        for (String suffix : SECRET_SUFFIXES) {
          String key = prefix + suffix.substring(1);
          String value = out.contains(key) ? null : password(conf, key);
          if (value != null) {
            out.add(key);
            out.add(value);
          }
        }
      }
    }
    if (asksForJvmTrust(out)) {
      try {
        out.add(JvmTrust.ANCHORS_KEY);
        out.add(JvmTrust.anchorsPem());
      } catch (java.security.GeneralSecurityException e) {
        throw new IOException("connection.ssl.trust-jvm: cannot read the JVM's trust anchors: " + e, e);
      }
    }
    return out.toArray(new String[0]);
  }

  /** Whether a passed key turns `connection.ssl.trust-jvm` on (the core decides which one applies). */
  private static boolean asksForJvmTrust(List<String> pairs) {
    for (int i = 0; i + 1 < pairs.size(); i += 2) {
      if (pairs.get(i).endsWith(JvmTrust.SWITCH_SUFFIX) && "true".equalsIgnoreCase(pairs.get(i + 1).trim())) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether {@code key} was set by the user: by a site file, a resource, code or Spark, i.e. by anything
   * but Hadoop's {@code *-default.xml} resources. A key whose origin Hadoop did not record counts as set.
   */
  static boolean userSet(Configuration conf, String key) {
    String[] sources = conf.getPropertySources(key);
    if (sources == null || sources.length == 0) {
      return true;
    }
    for (String source : sources) {
      if (source == null || !source.endsWith("-default.xml")) {
        return true;
      }
    }
    return false;
  }

  private static boolean isSecret(String key) {
    for (String s : SECRET_SUFFIXES) {
      if (key.endsWith(s)) {
        return true;
      }
    }
    return false;
  }

  private static String password(Configuration conf, String key) throws IOException {
    char[] p = conf.getPassword(key);
    return p == null ? null : new String(p);
  }
}
