package io.commitfs.hadoop.contract;

import io.commitfs.hadoop.CommitFileSystem;
import io.commitfs.hadoop.CommitFs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.contract.AbstractFSContract;

/** Hadoop's contract binding for a commitfs store: {@code filec} below a private temp root, or {@code s3c}. */
public final class CommitContract extends AbstractFSContract {
  private static java.nio.file.Path filecRoot;

  private final String scheme;
  private final URI uri;
  private FileSystem fs;

  private CommitContract(Configuration conf, String scheme, URI uri) {
    super(conf);
    this.scheme = scheme;
    this.uri = uri;
    addConfResource("contract/commitfs-common.xml");
    addConfResource("contract/" + scheme + ".xml");
  }

  /** filec:/// rooted at one private temp directory per JVM (fs.filec.root), so root tests are safe. */
  public static CommitContract filec(Configuration conf) {
    configure(conf, "filec");
    conf.set("fs.filec.root", filecRoot().toString());
    return new CommitContract(conf, "filec", URI.create("filec:///"));
  }

  /** s3c://bucket against a launched S3 server. */
  public static CommitContract s3c(Configuration conf, S3Server server) {
    configure(conf, "s3c");
    server.configure(conf, "s3c");
    return new CommitContract(conf, "s3c", URI.create("s3c://" + server.bucket + "/"));
  }

  static void configure(Configuration conf, String scheme) {
    conf.set("fs." + scheme + ".impl", CommitFileSystem.class.getName());
    conf.set("fs.AbstractFileSystem." + scheme + ".impl", CommitFs.class.getName());
  }

  static synchronized java.nio.file.Path filecRoot() {
    if (filecRoot == null) {
      try {
        filecRoot = Files.createTempDirectory("commitfs-filec-contract-",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Runtime.getRuntime().addShutdownHook(new Thread(() -> TempDirs.deleteQuietly(filecRoot)));
    }
    return filecRoot;
  }

  @Override
  public void init() throws IOException {
    super.init();
    try {
      fs = FileSystem.get(uri, getConf());
    } catch (UnsupportedOperationException e) {
      // Branches without the object backend yet: a skip with the reason, not a failure.
      org.junit.jupiter.api.Assumptions.abort("backend for " + uri + " not available: " + e.getMessage());
    }
  }

  @Override
  public FileSystem getTestFileSystem() {
    return fs;
  }

  @Override
  public String getScheme() {
    return scheme;
  }

  @Override
  public Path getTestPath() {
    return new Path("/test");
  }
}
