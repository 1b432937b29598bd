package io.commitfs.hadoop.contract;

import java.net.URI;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSMainOperationsBaseTest;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileContextCreateMkdirBaseTest;
import org.apache.hadoop.fs.FileContextMainOperationsBaseTest;
import org.apache.hadoop.fs.FileContextURIBase;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileSystemContractBaseTest;
import org.junit.jupiter.api.BeforeEach;

/**
 * Hadoop's older whole-API suites (not AbstractFSContract-based: they take a FileSystem or a FileContext
 * and no contract options) on filec, on s3c against moto and against SeaweedFS. Where a test's expectation
 * contradicts a deliberate commitfs rule it is overridden in {@link Deviations} with the reason (listed in
 * the README's skips table).
 */
@SuppressWarnings("checkstyle:OneTopLevelClass")
final class MainOperationsSuites {
  private MainOperationsSuites() {}

  /** A Configuration for {@code store} (filec, moto, seaweed): both faces bound, instances uncached. */
  static Configuration conf(String store) {
    Configuration conf = new Configuration(false);
    String scheme = "filec".equals(store) ? "filec" : "s3c";
    CommitContract.configure(conf, scheme);
    conf.setBoolean("fs." + scheme + ".impl.disable.cache", true);
    if ("filec".equals(store)) {
      conf.set("fs.filec.root", CommitContract.filecRoot().toString());
    } else {
      S3Server.get(store).configure(conf, "s3c");
    }
    return conf;
  }

  static URI uri(String store) {
    return "filec".equals(store) ? URI.create("filec:///") : URI.create("s3c://" + S3Server.get(store).bucket + "/");
  }

  static FileSystem fileSystem(String store) throws Exception {
    return FileSystem.get(uri(store), conf(store));
  }

  static FileContext fileContext(String store) throws Exception {
    return FileContext.getFileContext(uri(store), conf(store));
  }

  // ---- FileSystemContractBaseTest ----

  abstract static class FsContract extends FileSystemContractBaseTest {
    abstract String store();

    @BeforeEach
    void bind() throws Exception {
      fs = fileSystem(store());
    }

    @Override
    protected String getDefaultWorkingDirectory() {
      return fs.getWorkingDirectory().toUri().getPath();
    }
  }

  static class FilecFsContractTest extends FsContract {
    @Override
    String store() {
      return "filec";
    }
  }

  static class MotoFsContractTest extends FsContract {
    @Override
    String store() {
      return "moto";
    }
  }

  static class SeaweedFsContractTest extends FsContract {
    @Override
    String store() {
      return "seaweed";
    }
  }

  // ---- FSMainOperationsBaseTest ----

  abstract static class FsMainOperations extends FSMainOperationsBaseTest {
    abstract String store();

    @Override
    protected FileSystem createFileSystem() throws Exception {
      return fileSystem(store());
    }
  }

  static class FilecFsMainOperationsTest extends FsMainOperations {
    @Override
    String store() {
      return "filec";
    }
  }

  static class MotoFsMainOperationsTest extends FsMainOperations {
    @Override
    String store() {
      return "moto";
    }
  }

  static class SeaweedFsMainOperationsTest extends FsMainOperations {
    @Override
    String store() {
      return "seaweed";
    }
  }

  // ---- FileContextMainOperationsBaseTest ----

  abstract static class FcMainOperations extends FileContextMainOperationsBaseTest {
    abstract String store();

    @Override
    @BeforeEach
    public void setUp() throws Exception {
      fc = fileContext(store());
      super.setUp();
    }

    @Override
    protected boolean listCorruptedBlocksSupported() {
      return false;
    }
  }

  static class FilecFcMainOperationsTest extends FcMainOperations {
    @Override
    String store() {
      return "filec";
    }
  }

  static class MotoFcMainOperationsTest extends FcMainOperations {
    @Override
    String store() {
      return "moto";
    }
  }

  static class SeaweedFcMainOperationsTest extends FcMainOperations {
    @Override
    String store() {
      return "seaweed";
    }
  }

  // ---- FileContextCreateMkdirBaseTest ----

  abstract static class FcCreateMkdir extends FileContextCreateMkdirBaseTest {
    abstract String store();

    @Override
    @BeforeEach
    public void setUp() throws Exception {
      fc = fileContext(store());
      super.setUp();
    }
  }

  static class FilecFcCreateMkdirTest extends FcCreateMkdir {
    @Override
    String store() {
      return "filec";
    }
  }

  static class MotoFcCreateMkdirTest extends FcCreateMkdir {
    @Override
    String store() {
      return "moto";
    }
  }

  static class SeaweedFcCreateMkdirTest extends FcCreateMkdir {
    @Override
    String store() {
      return "seaweed";
    }
  }

  // ---- FileContextURIBase ----

  abstract static class FcUri extends FileContextURIBase {
    abstract String store();

    @Override
    @BeforeEach
    public void setUp() throws Exception {
      fc1 = fileContext(store());
      fc2 = fileContext(store());
      super.setUp();
    }
  }

  static class FilecFcUriTest extends FcUri {
    @Override
    String store() {
      return "filec";
    }
  }

  static class MotoFcUriTest extends FcUri {
    @Override
    String store() {
      return "moto";
    }
  }

  static class SeaweedFcUriTest extends FcUri {
    @Override
    String store() {
      return "seaweed";
    }
  }
}
