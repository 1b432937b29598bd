package io.commitfs.hadoop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.commitfs.hadoop.contract.S3Server;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ContentSummary;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.junit.jupiter.api.Test;

/**
 * {@code listFiles(path, true)} and {@code getContentSummary} on s3c list the tree flat: ≤ ceil(keys/1000)
 * LISTs (S3A's bound) where a walk sends one LIST per directory (41 and 82 for this tree before).
 */
class TreeListingTest {
  @Test
  void recursiveListingAndContentSummaryAreFlatPagedLists() throws Exception {
    S3Server server = S3Stores.orSkip("seaweed");
    Configuration conf = S3Stores.s3cConf(server);
    try (CommitFileSystem fs = (CommitFileSystem) FileSystem.newInstance(URI.create("s3c://" + server.bucket + "/"), conf)) {
      Path b = new Path("/tree-" + UUID.randomUUID());
      for (int i = 0; i < 40; i++) {
        fs.create(new Path(b, "d" + i + "/f")).close();
      }
      fs.mkdirs(new Path(b, "empty/deeper"));
      fs.listStatus(b); // the first listing's look for interrupted renames (once a minute)
      long before = lists(fs);
      List<Path> files = new ArrayList<>();
      RemoteIterator<LocatedFileStatus> it = fs.listFiles(b, true);
      while (it.hasNext()) {
        files.add(it.next().getPath());
      }
      assertEquals(1, lists(fs) - before, fs.nativeCounters());
      assertEquals(40, files.size());
      assertEquals(fs.makeQualified(new Path(b, "d0/f")), files.get(0));
      before = lists(fs);
      ContentSummary summary = fs.getContentSummary(b);
      assertEquals(1, lists(fs) - before, fs.nativeCounters());
      assertEquals(40, summary.getFileCount());
      assertEquals(40 + 2 + 1, summary.getDirectoryCount(), "d0..d39, empty, empty/deeper and the root");
      assertEquals(0, summary.getLength());
      ContentSummary ofFile = fs.getContentSummary(new Path(b, "d3/f"));
      assertEquals(1, ofFile.getFileCount());
      assertEquals(0, ofFile.getDirectoryCount());
      assertEquals(1, count(fs.listFiles(new Path(b, "d3/f"), true)));
      assertThrows(FileNotFoundException.class, () -> fs.listFiles(new Path(b, "missing"), true));
      assertThrows(FileNotFoundException.class, () -> fs.getContentSummary(new Path(b, "missing")));
      fs.delete(b, true);
    }
  }

  private static int count(RemoteIterator<LocatedFileStatus> it) throws IOException {
    int n = 0;
    while (it.hasNext()) {
      it.next();
      n++;
    }
    return n;
  }

  private static long lists(CommitFileSystem fs) throws IOException {
    for (String line : fs.nativeCounters().split("\n")) {
      if (line.startsWith("LIST=")) {
        return Long.parseLong(line.substring("LIST=".length()));
      }
    }
    return 0;
  }
}
