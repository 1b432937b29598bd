package io.commitfs.hadoop.reliability;

import io.commitfs.hadoop.CommitFileSystem;
import io.commitfs.hadoop.CommitFs;
import io.commitfs.hadoop.contract.S3Server;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * One store under test, as child JVMs see it too: {@code filec:///} confined to a private directory, or
 * {@code s3c://bucket/} on the SeaweedFS the contract tests launch. Every test works below its own
 * {@link #base} and deletes it afterwards (the bucket is shared with the contract suites).
 */
final class Store implements AutoCloseable {
  final String scheme;
  final URI uri;
  final Configuration conf;
  /** The filec root directory; null for s3c. */
  final java.nio.file.Path localRoot;
  final Path base;
  /** Private directory for the configuration file handed to children (it may hold credentials). */
  final java.nio.file.Path privateDir;
  private FileSystem fs;

  private Store(String scheme, URI uri, Configuration conf, java.nio.file.Path localRoot) throws IOException {
    this.scheme = scheme;
    this.uri = uri;
    this.conf = conf;
    this.localRoot = localRoot;
    this.base = new Path("/reliability-" + UUID.randomUUID());
    this.privateDir = Files.createTempDirectory("commitfs-reliability-",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
  }

  static Configuration bareConf(String scheme) {
    Configuration conf = new Configuration(false);
    conf.set("fs." + scheme + ".impl", CommitFileSystem.class.getName());
    conf.set("fs.AbstractFileSystem." + scheme + ".impl", CommitFs.class.getName());
    conf.setBoolean("fs." + scheme + ".impl.disable.cache", true);
    return conf;
  }

  /** filec:/// confined (fs.filec.root) to {@code root}, which must exist. */
  static Store filec(java.nio.file.Path root) throws IOException {
    Configuration conf = bareConf("filec");
    conf.set("fs.filec.root", root.toString());
    return new Store("filec", URI.create("filec:///"), conf, root);
  }

  /** s3c:// on the shared SeaweedFS; the test is skipped (with the reason) if it cannot start. */
  static Store s3c() throws IOException {
    S3Server server;
    try {
      server = S3Server.get("seaweed");
    } catch (RuntimeException e) {
      Assumptions.abort("SeaweedFS not available: " + e.getMessage());
      throw e;
    }
    Configuration conf = bareConf("s3c");
    server.configure(conf, "s3c");
    return new Store("s3c", URI.create("s3c://" + server.bucket + "/"), conf, null);
  }

  static Store of(String scheme, java.nio.file.Path filecRoot) throws IOException {
    return scheme.equals("filec") ? filec(filecRoot) : s3c();
  }

  FileSystem fs() throws IOException {
    if (fs == null) {
      fs = FileSystem.get(uri, conf);
    }
    return fs;
  }

  Path path(String relative) {
    return new Path(base, relative);
  }

  /** The configuration as a Hadoop XML file only this user can read. */
  java.nio.file.Path confFile() throws IOException {
    java.nio.file.Path f = privateDir.resolve("conf.xml");
    if (!Files.exists(f)) {
      Files.createFile(f, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      try (OutputStream out = Files.newOutputStream(f)) {
        conf.writeXml(out);
      }
    }
    return f;
  }

  @Override
  public void close() throws IOException {
    try {
      if (fs != null) {
        try {
          fs.delete(base, true);
        } catch (IOException e) {
          // a test that closed the filesystem itself: nothing of ours to clean through it
        }
        fs.close();
      }
    } finally {
      TestFiles.deleteTree(privateDir);
    }
  }
}
