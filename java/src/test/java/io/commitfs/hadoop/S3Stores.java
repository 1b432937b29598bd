package io.commitfs.hadoop;

import io.commitfs.hadoop.contract.S3Server;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Assumptions;

/** The s3c side of the JUnit tests that also run on a throw-away S3 server (moto or SeaweedFS). */
final class S3Stores {
  private S3Stores() {}

  /** The server of this kind, or the test is skipped (not failed) where none can start here. */
  static S3Server orSkip(String kind) {
    try {
      return S3Server.get(kind);
    } catch (RuntimeException e) {
      Assumptions.abort(kind + " not available: " + e.getMessage());
      throw e;
    }
  }

  /** A Configuration for s3c:// on {@code server}: both faces, uncached instances, the server's keys. */
  static Configuration s3cConf(S3Server server) {
    Configuration conf = new Configuration(false);
    conf.set("fs.s3c.impl", CommitFileSystem.class.getName());
    conf.set("fs.AbstractFileSystem.s3c.impl", CommitFs.class.getName());
    conf.setBoolean("fs.s3c.impl.disable.cache", true);
    server.configure(conf, "s3c");
    return conf;
  }
}
