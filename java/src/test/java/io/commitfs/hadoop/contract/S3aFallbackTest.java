package io.commitfs.hadoop.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;

/** An existing S3A configuration (only fs.s3a.* keys) works unchanged for s3c://. */
class S3aFallbackTest {
  @Test
  void s3cReadsItsSettingsFromFsS3aKeys() throws Exception {
    Configuration conf = new Configuration(false);
    CommitContract.configure(conf, "s3c");
    conf.setBoolean("fs.s3c.impl.disable.cache", true);
    S3Server.get("moto").configure(conf, "s3a");
    FileSystem fs;
    try {
      fs = FileSystem.get(URI.create("s3c://" + S3Server.get("moto").bucket + "/"), conf);
    } catch (UnsupportedOperationException e) {
      org.junit.jupiter.api.Assumptions.abort("object backend not available: " + e.getMessage());
      return;
    }
    try {
      Path p = new Path("/fallback/file");
      try (FSDataOutputStream out = fs.create(p, true)) {
        out.write("via fs.s3a.*".getBytes(StandardCharsets.UTF_8));
      }
      try (FSDataInputStream in = fs.open(p)) {
        assertEquals("via fs.s3a.*", new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
      fs.delete(new Path("/fallback"), true);
    } finally {
      fs.close();
    }
  }
}
