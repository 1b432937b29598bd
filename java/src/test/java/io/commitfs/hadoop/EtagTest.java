package io.commitfs.hadoop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.commitfs.hadoop.contract.S3Server;
import java.net.URI;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.CommonPathCapabilities;
import org.apache.hadoop.fs.EtagSource;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * s3c statuses carry the object's ETag (HEAD and LIST agree); whether a rename keeps it depends on how
 * the store moves the object, so {@code etags.preserved.in.rename} is false: moto shows a rename that
 * changes it (SeaweedFS happens to keep it).
 */
class EtagTest {
  private static String etag(FileStatus s) {
    assertTrue(s instanceof EtagSource, s + " is an EtagSource");
    return ((EtagSource) s).getEtag();
  }

  private static void write(FileSystem fs, Path p, int size) throws Exception {
    byte[] chunk = new byte[1 << 20];
    new java.util.Random(size).nextBytes(chunk);
    try (FSDataOutputStream out = fs.create(p, false)) {
      for (int left = size; left > 0; left -= chunk.length) {
        out.write(chunk, 0, Math.min(left, chunk.length));
      }
    }
  }

  private static FileStatus listed(FileSystem fs, Path p) throws Exception {
    for (FileStatus s : fs.listStatus(p.getParent())) {
      if (s.getPath().getName().equals(p.getName())) {
        return s;
      }
    }
    throw new AssertionError(p + " not listed");
  }

  @ParameterizedTest
  @ValueSource(strings = {"moto", "seaweed"})
  void renameKeepsOrChangesTheEtagAsTheStoreMovesObjects(String kind) throws Exception {
    S3Server server = S3Stores.orSkip(kind);
    Configuration conf = S3Stores.s3cConf(server);
    conf.set("fs.s3c.multipart.size", "5M");
    try (FileSystem fs = FileSystem.newInstance(URI.create("s3c://" + server.bucket + "/"), conf)) {
      Path b = new Path("/etag-" + UUID.randomUUID());
      assertTrue(fs.hasPathCapability(b, CommonPathCapabilities.ETAGS_AVAILABLE));
      assertFalse(fs.hasPathCapability(b, CommonPathCapabilities.ETAGS_PRESERVED_IN_RENAME));
      StringBuilder seen = new StringBuilder();
      boolean allKept = true;
      for (int size : new int[] {11, 6 << 20}) {
        Path src = new Path(b, "src-" + size);
        Path dst = new Path(b, "dst-" + size);
        write(fs, src, size);
        String before = etag(fs.getFileStatus(src));
        assertEquals(before, etag(listed(fs, src)), "HEAD and LIST agree");
        assertTrue(fs.rename(src, dst));
        String after = etag(fs.getFileStatus(dst));
        seen.append(kind).append(' ').append(size).append(" bytes: ").append(before).append(" -> ").append(after)
            .append('\n');
        allKept &= before.equals(after);
      }
      System.out.print(seen);
      // moto (copy-if-not-exists=multipart) renames by a multipart copy: a new "-1" ETag for every file.
      // SeaweedFS's CopyObject keeps it (seen above), AWS's gives a multipart upload a plain MD5 one and
      // SSE-KMS objects a new one: preserved on some stores only, so the capability says false.
      assertEquals(!"moto".equals(kind), allKept, seen.toString());
      write(fs, new Path(b, "x"), 3);
      String first = etag(fs.getFileStatus(new Path(b, "x")));
      fs.delete(new Path(b, "x"), false);
      write(fs, new Path(b, "x"), 4);
      assertNotEquals(first, etag(fs.getFileStatus(new Path(b, "x"))), "new data, new ETag");
      fs.delete(b, true);
    }
  }
}
