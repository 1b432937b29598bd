package io.commitfs.hadoop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.commitfs.hadoop.contract.S3Server;
import java.io.IOException;
import java.net.URI;
import java.util.UUID;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.StreamCapabilities;
import org.junit.jupiter.api.Test;

/** {@code unbuffer()} frees what a stream holds: the next read fetches again, from where it was. */
class UnbufferTest {
  @Test
  void unbufferDropsTheBlockAndTheNextReadFetchesAgain() throws Exception {
    S3Server server = S3Stores.orSkip("seaweed");
    try (CommitFileSystem fs = (CommitFileSystem) FileSystem.newInstance(URI.create("s3c://" + server.bucket + "/"),
        S3Stores.s3cConf(server))) {
      Path p = new Path("/unbuffer-" + UUID.randomUUID());
      byte[] data = new byte[100_000];
      new java.util.Random(7).nextBytes(data);
      try (FSDataOutputStream out = fs.create(p)) {
        out.write(data);
      }
      try (FSDataInputStream in = fs.open(p)) {
        assertTrue(in.hasCapability(StreamCapabilities.UNBUFFER));
        assertEquals(data[0] & 0xff, in.read());
        long gets = gets(fs);
        assertEquals(data[1] & 0xff, in.read());
        assertEquals(gets, gets(fs), "the second byte comes from the buffers");
        in.unbuffer();
        assertEquals(data[2] & 0xff, in.read());
        assertEquals(gets + 1, gets(fs), "after unbuffer the next read is a GET: nothing was kept");
        assertEquals(3, in.getPos());
        in.unbuffer();
        in.unbuffer();
      }
      fs.delete(p, false);
    }
  }

  private static long gets(CommitFileSystem fs) throws IOException {
    for (String line : fs.nativeCounters().split("\n")) {
      if (line.startsWith("GET=")) {
        return Long.parseLong(line.substring("GET=".length()));
      }
    }
    return 0;
  }
}
