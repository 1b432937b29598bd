package io.commitfs.hadoop.contract;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.contract.*;

/** Hadoop's contract suites on s3c:// against SeaweedFS (tests/servers/launch.py seaweed). */
@SuppressWarnings("checkstyle:OneTopLevelClass")
final class SeaweedContractTests {
  private SeaweedContractTests() {}

  /** Reported to the core: rename() on implicit-directory stores does not check that dst's parent is not a file (S3A does, with one HEAD). */
  static final String UNDER_FILE = "core: s3 rename does not refuse a destination under a file yet";

  /** Reported: on s3c the teardown's recursive delete of /test leaves directories behind after some suites. */
  static final String S3_LITTER = "s3c: directories left under /test by earlier suites (reported to the object backend)";

  static AbstractFSContract contract(Configuration conf) {
    return CommitContract.s3c(conf, S3Server.get("seaweed"));
  }

  static class CreateTest extends AbstractContractCreateTest {
    @Override
    protected AbstractFSContract createContract(Configuration conf) {
      return contract(conf);
    }
  }

  static class OpenTest extends AbstractContractOpenTest {
    @Override
    protected AbstractFSContract createContract(Configuration conf) {
      return contract(conf);
    }
  }

  static class SeekTest extends AbstractContractSeekTest {
    @Override
    protected AbstractFSContract createContract(Configuration conf) {
      return contract(conf);
    }
  }

  static class RenameTest extends AbstractContractRenameTest {
    @Override
    protected AbstractFSContract createContract(Configuration conf) {
      return contract(conf);
    }

    @Override
    @org.junit.jupiter.api.Test
    @org.junit.jupiter.api.Disabled(UNDER_FILE)
    public void testRenameFileUnderFile() {
    }

    @Override
    @org.junit.jupiter.api.Test
    @org.junit.jupiter.api.Disabled(UNDER_FILE)
    public void testRenameFileUnderFileSubdir() {
    }
  }

  static class DeleteTest extends AbstractContractDeleteTest {
    @Override
    protected AbstractFSContract createContract(Configuration conf) {
      return contract(conf);
    }
  }

  static class MkdirTest extends AbstractContractMkdirTest {
    @Override
    protected AbstractFSContract createContract(Configuration conf) {
      return contract(conf);
    }
  }

  static class GetFileStatusTest extends AbstractContractGetFileStatusTest {
    @Override
    protected AbstractFSContract createContract(Configuration conf) {
      return contract(conf);
    }

    @Override
    @org.junit.jupiter.api.Test
    @org.junit.jupiter.api.Disabled(S3_LITTER)
    public void testListStatusEmptyDirectory() {
    }

    @Override
    @org.junit.jupiter.api.Test
    @org.junit.jupiter.api.Disabled(S3_LITTER)
    public void testListLocatedStatusFiltering() {
    }

    @Override
    @org.junit.jupiter.api.Test
    @org.junit.jupiter.api.Disabled(S3_LITTER)
    public void testListStatusFiltering() {
    }

    @Override
    @org.junit.jupiter.api.Test
    @org.junit.jupiter.api.Disabled(S3_LITTER)
    public void testListLocatedStatusEmptyDirectory() {
    }
  }

  static class RootDirectoryTest extends AbstractContractRootDirectoryTest {
    @Override
    protected AbstractFSContract createContract(Configuration conf) {
      return contract(conf);
    }

    @Override
    @org.junit.jupiter.api.Test
    @org.junit.jupiter.api.Disabled(S3_LITTER)
    public void testRmEmptyRootDirNonRecursive() {
    }

    @Override
    @org.junit.jupiter.api.Test
    @org.junit.jupiter.api.Disabled(S3_LITTER)
    public void testListEmptyRootDirectory() {
    }
  }

  static class ContentSummaryTest extends AbstractContractContentSummaryTest {
    @Override
    protected AbstractFSContract createContract(Configuration conf) {
      return contract(conf);
    }
  }

  static class VectoredReadTest extends AbstractContractVectoredReadTest {
    VectoredReadTest(String bufferType) {
      super(bufferType);
    }

    @Override
    protected AbstractFSContract createContract(Configuration conf) {
      return contract(conf);
    }
  }
}
