package io.commitfs.hadoop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;

/** One WARN per scheme naming the exact key and value when the FileContext binding is missing. */
class FileContextCheckTest {
  @Test
  void missingBindingWarnsOncePerSchemeWithTheKeyToAdd() {
    String scheme = "s3cwarn" + Long.toHexString(System.nanoTime());
    Configuration conf = new Configuration(false);
    try (LogCapture log = new LogCapture()) {
      FileContextCheck.warnIfMissing(scheme, conf);
      FileContextCheck.warnIfMissing(scheme, conf);
      List<String> warnings = log.matching("WARN", "fs.AbstractFileSystem." + scheme + ".impl");
      assertEquals(1, warnings.size(), warnings::toString);
      assertTrue(warnings.get(0).contains("fs.AbstractFileSystem." + scheme + ".impl=io.commitfs.hadoop.CommitFs"),
          warnings.get(0));
      assertTrue(warnings.get(0).contains("spark.hadoop.fs.AbstractFileSystem." + scheme + ".impl"), warnings.get(0));
    }
  }

  @Test
  void setBindingIsQuiet() {
    String scheme = "filecset" + Long.toHexString(System.nanoTime());
    Configuration conf = new Configuration(false);
    conf.set("fs.AbstractFileSystem." + scheme + ".impl", CommitFs.class.getName());
    try (LogCapture log = new LogCapture()) {
      FileContextCheck.warnIfMissing(scheme, conf);
      assertTrue(log.matching("WARN", "fs.AbstractFileSystem").isEmpty());
    }
  }
}
