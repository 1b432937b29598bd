package io.commitfs.hadoop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.CommonPathCapabilities;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.PathIsNotEmptyDirectoryException;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.fs.StreamCapabilities;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CommitFileSystem on filec:// below a private temp root: streams, errors, listing, lifecycle. */
class CommitFileSystemTest {
  @TempDir
  java.nio.file.Path root;
  private FileSystem fs;

  static Configuration filecConf(java.nio.file.Path root) {
    Configuration conf = new Configuration(false);
    conf.set("fs.filec.impl", CommitFileSystem.class.getName());
    conf.set("fs.AbstractFileSystem.filec.impl", CommitFs.class.getName());
    conf.setBoolean("fs.filec.impl.disable.cache", true);
    conf.set("fs.filec.root", root.toString());
    return conf;
  }

  @BeforeEach
  void open() throws IOException {
    Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx------"));
    fs = FileSystem.get(URI.create("filec:///"), filecConf(root));
  }

  @AfterEach
  void close() throws IOException {
    fs.close();
  }

  @Test
  void aFileIsInvisibleUntilCloseAndReadsBack() throws IOException {
    Path p = new Path("/d/f.bin");
    byte[] data = new byte[300_000];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) (i * 31);
    }
    FSDataOutputStream out = fs.create(p, false);
    out.write(data, 0, 1000);
    out.write(data[1000]);
    out.write(data, 1001, data.length - 1001);
    out.hflush();
    assertFalse(fs.exists(p), "visible before close");
    assertFalse(out.hasCapability("hflush"));
    assertFalse(out.hasCapability("hsync"));
    out.close();
    out.close(); // second close: no-op
    IOException e = assertThrows(IOException.class, () -> out.write(1));
    assertTrue(e.getMessage().contains("stream is closed"), e.getMessage());

    assertEquals(data.length, fs.getFileStatus(p).getLen());
    byte[] back = new byte[data.length];
    try (FSDataInputStream in = fs.open(p)) {
      assertEquals(data[0] & 0xff, in.read());
      in.readFully(back, 1, data.length - 1);
      back[0] = data[0];
      in.seek(5);
      assertEquals(data[5] & 0xff, in.read());
      byte[] mid = new byte[10];
      in.readFully(200_000, mid);
      assertEquals(6, in.getPos(), "positioned read moved the stream");
      assertEquals(data[200_000], mid[0]);
    }
    assertArrayEquals(data, back);
    FileSystem.Statistics stats = FileSystem.getStatistics("filec", CommitFileSystem.class);
    assertTrue(stats.getBytesWritten() >= data.length && stats.getBytesRead() >= data.length, stats.toString());
  }

  @Test
  void errorsArriveAsHadoopExceptionsNamingThePath() throws IOException {
    FileNotFoundException nf = assertThrows(FileNotFoundException.class, () -> fs.open(new Path("/no/such/file")));
    assertTrue(nf.getMessage().contains("/no/such/file"), nf.getMessage());
    assertThrows(FileNotFoundException.class, () -> fs.getFileStatus(new Path("/missing")));
    assertThrows(FileNotFoundException.class, () -> fs.listStatus(new Path("/missing")));

    Path f = new Path("/x/file");
    fs.create(f).close();
    FileAlreadyExistsException ae = assertThrows(FileAlreadyExistsException.class, () -> fs.create(f, false));
    assertTrue(ae.getMessage().contains("/x/file"), ae.getMessage());
    PathIsNotEmptyDirectoryException ne = assertThrows(PathIsNotEmptyDirectoryException.class,
        () -> fs.delete(new Path("/x"), false));
    assertTrue(ne.getMessage().contains("/x"), ne.getMessage());
    assertThrows(UnsupportedOperationException.class, () -> fs.append(f));
    assertThrows(UnsupportedOperationException.class, () -> fs.truncate(f, 0));
    assertThrows(IOException.class, () -> fs.mkdirs(new Path("/x/file/sub")));
  }

  @Test
  // Also the regression test of "NoSuchFieldError: LOG" on Hadoop 3.3 (-PhadoopVersion=3.3.4): the
  // false-returning path used FileSystem.LOG, commons-logging's Log there, as an slf4j Logger.
  void renameReturnsFalseWhereHdfsDoes() throws IOException {
    Path a = new Path("/r/a");
    Path b = new Path("/r/b");
    fs.create(a).close();
    fs.create(b).close();
    assertFalse(fs.rename(new Path("/r/missing"), new Path("/r/c")), "missing source");
    assertFalse(fs.rename(a, b), "existing destination");
    assertFalse(fs.rename(new Path("/r"), new Path("/r/sub")), "into its own subtree");
    assertTrue(fs.rename(a, new Path("/r/c")));
    fs.mkdirs(new Path("/r/dir"));
    assertTrue(fs.rename(b, new Path("/r/dir")), "into an existing directory");
    assertTrue(fs.exists(new Path("/r/dir/b")));
  }

  @Test
  void listingPagesAcrossJniCalls() throws IOException {
    int n = 1000 * 2 + 17; // filec's page: 1,000 entries per JNI call
    for (int i = 0; i < n; i++) {
      fs.mkdirs(new Path(String.format("/many/d%05d", i)));
    }
    FileStatus[] all = fs.listStatus(new Path("/many"));
    assertEquals(n, all.length);
    assertEquals(new Path("filec:/many/d00000"), all[0].getPath());
    assertTrue(all[n - 1].isDirectory());
    RemoteIterator<FileStatus> it = fs.listStatusIterator(new Path("/many"));
    int count = 0;
    while (it.hasNext()) {
      it.next();
      count++;
    }
    assertEquals(n, count);
    assertEquals(n, fs.getContentSummary(new Path("/many")).getDirectoryCount() - 1);
  }

  @Test
  void oddNamesRoundTrip() throws IOException {
    for (String name : new String[] {"sp ace", "ünï", "%41", "a+b", "k=v", "c:d"}) {
      Path p = new Path("/odd/" + name);
      fs.create(p).close();
      assertEquals(p.getName(), fs.getFileStatus(p).getPath().getName());
    }
    FileStatus[] all = fs.listStatus(new Path("/odd"));
    assertEquals(6, all.length);
    for (FileStatus s : all) {
      assertTrue(fs.exists(s.getPath()), s.getPath().toString());
    }
  }

  @Test
  void capabilitiesTellTheTruth() throws IOException {
    Path p = new Path("/");
    assertFalse(fs.hasPathCapability(p, CommonPathCapabilities.FS_APPEND));
    assertFalse(fs.hasPathCapability(p, CommonPathCapabilities.FS_CONCAT));
    assertTrue(fs.hasPathCapability(p, "fs.commitfs.capability.rename.noreplace"));
    assertTrue(fs.hasPathCapability(p, "fs.commitfs.capability.directory.rename.atomic"));
    fs.create(new Path("/cap")).close();
    try (FSDataInputStream in = fs.open(new Path("/cap"))) {
      // Vectored reads are native where Hadoop has the API (3.4+; "in:readvectored" is its constant).
      assertEquals(hasClass("org.apache.hadoop.fs.FileRange"), in.hasCapability("in:readvectored"));
      assertTrue(in.hasCapability(StreamCapabilities.READBYTEBUFFER));
    }
  }

  @Test
  void useAfterCloseFailsCleanly() throws IOException {
    Path p = new Path("/closed");
    try (FSDataOutputStream out = fs.create(p)) {
      out.write(new byte[] {1, 2, 3});
    }
    FSDataInputStream in = fs.open(p);
    in.close();
    in.close();
    assertThrows(IOException.class, () -> in.read());
    fs.close();
    IOException e = assertThrows(IOException.class, () -> fs.getFileStatus(p));
    assertTrue(e.getMessage().contains("is closed"), e.getMessage());
  }

  @Test
  void anUnclosedWriterPublishesNothing() throws IOException {
    Path p = new Path("/abandoned");
    FSDataOutputStream out = fs.create(p);
    out.write(new byte[1000]);
    fs.close(); // the store handle goes; the writer is still open and never closed
    try (FileSystem again = FileSystem.get(URI.create("filec:///"), filecConf(root))) {
      assertFalse(again.exists(p));
    }
  }

  /** Spark cancels a checkpoint write by aborting its stream: nothing may be published, also not later. */
  @Test
  void anAbortedStreamPublishesNothing() throws IOException {
    Path p = new Path("/d/aborted");
    assertTrue(fs.hasPathCapability(p, CommonPathCapabilities.ABORTABLE_STREAM));
    assertTrue(fs.hasPathCapability(p, CommitFileSystem.CREATE_INVISIBLE_UNTIL_CLOSE));
    FSDataOutputStream out = fs.create(p, false);
    assertTrue(out.hasCapability(StreamCapabilities.ABORTABLE_STREAM));
    out.write(new byte[200_000]);
    assertFalse(out.abort().alreadyClosed());
    out.close();
    assertFalse(fs.exists(p), "an aborted stream is never published, not even by a later close");
    assertThrows(IOException.class, () -> out.write(1));
    try (FSDataOutputStream again = fs.create(p, false)) {
      again.write(7);
    }
    assertEquals(1, fs.getFileStatus(p).getLen(), "the name was never taken by the aborted writer");
    FSDataOutputStream closed = fs.create(new Path("/d/closed"), false);
    closed.close();
    assertTrue(closed.abort().alreadyClosed(), "abort after close changes nothing");
    assertTrue(fs.exists(new Path("/d/closed")));
  }

  @Test
  void stringsMentionTheScheme() {
    assertEquals("filec", fs.getScheme());
    assertEquals(URI.create("filec:///"), fs.getUri());
    assertEquals("data", new String("data".getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8));
  }

  private static boolean hasClass(String name) {
    try {
      Class.forName(name, false, CommitFileSystemTest.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }
}
