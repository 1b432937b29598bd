package io.commitfs.hadoop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.CommonPathCapabilities;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FsStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** filec's permissions, owners, times, umask and space: what RawLocalFileSystem does, on the real files. */
class FilecMetadataTest {
  @TempDir
  java.nio.file.Path root;

  private FileSystem fs(String umask) throws IOException {
    Configuration conf = CommitFileSystemTest.filecConf(root);
    if (umask != null) {
      conf.set("fs.permissions.umask-mode", umask);
    }
    return FileSystem.newInstance(URI.create("filec:///"), conf);
  }

  private String mode(String rel) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve(rel)));
  }

  @Test
  void setPermissionOwnerAndTimesChangeTheFile() throws Exception {
    try (FileSystem fs = fs(null)) {
      Path f = new Path("/m/f");
      fs.create(f).close();
      fs.setPermission(f, new FsPermission((short) 0604));
      assertEquals("rw----r--", mode("m/f"));
      assertEquals(new FsPermission((short) 0604), fs.getFileStatus(f).getPermission());
      fs.setPermission(new Path("/m"), new FsPermission((short) 0711));
      assertEquals("rwx--x--x", mode("m"));
      fs.setTimes(f, 1_500_000_000_123L, -1);
      assertEquals(1_500_000_000_123L, fs.getFileStatus(f).getModificationTime());
      assertEquals(1_500_000_000_123L, Files.getLastModifiedTime(root.resolve("m/f")).toMillis());
      fs.setTimes(f, -1, 1_400_000_000_000L);
      assertEquals(1_500_000_000_123L, fs.getFileStatus(f).getModificationTime(), "-1 leaves the time alone");
      FileStatus before = fs.getFileStatus(f);
      fs.setOwner(f, before.getOwner(), before.getGroup());
      assertThrows(IOException.class, () -> fs.setOwner(f, null, null));
      assertThrows(IOException.class, () -> fs.setOwner(f, "no-such-user-commitfs", null));
      Path missing = new Path("/m/missing");
      assertThrows(FileNotFoundException.class, () -> fs.setPermission(missing, new FsPermission((short) 0600)));
      assertThrows(FileNotFoundException.class, () -> fs.setTimes(missing, 1, 1));
      assertThrows(FileNotFoundException.class, () -> fs.setOwner(missing, before.getOwner(), null));
      Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "chown to another user needs root");
      fs.setOwner(f, "4242", null);
      assertEquals("4242", fs.getFileStatus(f).getOwner());
      assertEquals(before.getGroup(), fs.getFileStatus(f).getGroup());
      fs.setOwner(f, null, "4343");
      assertEquals("4343", fs.getFileStatus(f).getGroup());
    }
  }

  @Test
  void mkdirsAndCreateHonourTheConfiguredUmask() throws Exception {
    try (FileSystem fs = fs("027")) {
      fs.mkdirs(new Path("/u/a/b"));
      assertEquals("rwxr-x---", mode("u"));
      assertEquals("rwxr-x---", mode("u/a/b"));
      fs.mkdirs(new Path("/u/c/d"), new FsPermission((short) 0700));
      assertEquals("rwx------", mode("u/c/d"), "the given permission, less the umask, for the leaf");
      assertEquals("rwxr-x---", mode("u/c"), "parents: 0777 less the umask, as RawLocalFileSystem");
      fs.create(new Path("/u/f")).close();
      assertEquals("rw-r-----", mode("u/f"));
      fs.create(new Path("/u/g"), new FsPermission((short) 0600), false, 4096, (short) 1, 1 << 20, null).close();
      assertEquals("rw-------", mode("u/g"));
    }
    try (FileSystem fs = fs("000")) {
      fs.create(new Path("/v/f")).close();
      assertEquals("rw-rw-rw-", mode("v/f"), "umask 000: 0666 whatever the process umask");
    }
  }

  @Test
  void parentsMadeByCreateHonourTheConfiguredUmask() throws Exception {
    for (String[] umaskAndMode : new String[][] {{"077", "rwx------"}, {"000", "rwxrwxrwx"}, {"022", "rwxr-xr-x"}}) {
      String top = "p" + umaskAndMode[0];
      try (FileSystem fs = fs(umaskAndMode[0])) {
        fs.create(new Path("/" + top + "/a/b/f")).close();
        assertEquals(umaskAndMode[1], mode(top), "0777 less umask " + umaskAndMode[0] + ", as mkdirs");
        assertEquals(umaskAndMode[1], mode(top + "/a/b"), "every parent create makes");
      }
    }
  }

  @Test
  void permissionsCapabilityAndSpaceAreReported() throws Exception {
    try (FileSystem fs = fs(null)) {
      assertTrue(fs.hasPathCapability(new Path("/"), CommonPathCapabilities.FS_PERMISSIONS));
      FsStatus s = fs.getStatus(new Path("/"));
      java.nio.file.FileStore store = Files.getFileStore(root);
      assertEquals(store.getTotalSpace(), s.getCapacity());
      assertTrue(s.getUsed() > 0 && s.getRemaining() > 0 && s.getUsed() + s.getRemaining() <= s.getCapacity(), s.toString());
    }
  }
}
