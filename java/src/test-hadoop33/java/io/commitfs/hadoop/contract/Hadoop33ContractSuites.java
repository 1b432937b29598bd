package io.commitfs.hadoop.contract;

import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.contract.*;
import org.junit.Assume;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;

/**
 * Hadoop 3.3's contract suites (JUnit 4, run by the JUnit Platform's vintage engine) on filec:// and on
 * s3c:// against SeaweedFS: the bindings for {@code -PhadoopVersion=3.3.4}, Spark 3.5's client. Hadoop
 * 3.4+ rewrote these suites for JUnit 5 (the other *ContractTests files); 3.3 has no content-summary or
 * vectored-read suite. Etag runs on s3c only (filec has no ETags).
 */
@SuppressWarnings("checkstyle:OneTopLevelClass")
public final class Hadoop33ContractSuites {
  private Hadoop33ContractSuites() {}

  /** The stores every suite runs on, as JUnit 4 parameters. */
  static List<String> stores() {
    return Arrays.asList("filec", "s3c-seaweed");
  }

  static AbstractFSContract contract(Configuration conf, String store) {
    return "filec".equals(store) ? CommitContract.filec(conf) : CommitContract.s3c(conf, S3Server.get("seaweed"));
  }

  @RunWith(Parameterized.class)
  public static class CreateTest extends AbstractContractCreateTest {
    private final String store;

    public CreateTest(String store) {
      this.store = store;
    }

    /**
     * Hadoop 3.3's version opens the file before close when hflush/hsync are unsupported and accepts
     * FileNotFoundException only from a blobstore; commitfs publishes nothing before close on filec
     * either. Hadoop 3.4+ rewrote the check (run on 3.5.0); s3c (a blobstore) runs it here too.
     */
    @Override
    @Test
    public void testSyncable() throws Throwable {
      Assume.assumeTrue("Hadoop 3.3's testSyncable expects an unclosed file on a non-blobstore to be visible; "
          + "commitfs shows it at close (the Hadoop 3.5.0 suite runs this test)", !"filec".equals(store));
      super.testSyncable();
    }

    @Parameterized.Parameters(name = "{0}")
    public static List<String> parameters() {
      return stores();
    }

    @Override
    protected AbstractFSContract createContract(Configuration conf) {
      return contract(conf, store);
    }
  }

  @RunWith(Parameterized.class)
  public static class OpenTest extends AbstractContractOpenTest {
    private final String store;

    public OpenTest(String store) {
      this.store = store;
    }

    @Parameterized.Parameters(name = "{0}")
    public static List<String> parameters() {
      return stores();
    }

    @Override
    protected AbstractFSContract createContract(Configuration conf) {
      return contract(conf, store);
    }
  }

  @RunWith(Parameterized.class)
  public static class SeekTest extends AbstractContractSeekTest {
    private final String store;

    public SeekTest(String store) {
      this.store = store;
    }

    @Parameterized.Parameters(name = "{0}")
    public static List<String> parameters() {
      return stores();
    }

    @Override
    protected AbstractFSContract createContract(Configuration conf) {
      return contract(conf, store);
    }
  }

  @RunWith(Parameterized.class)
  public static class RenameTest extends AbstractContractRenameTest {
    private final String store;

    public RenameTest(String store) {
      this.store = store;
    }

    @Parameterized.Parameters(name = "{0}")
    public static List<String> parameters() {
      return stores();
    }

    @Override
    protected AbstractFSContract createContract(Configuration conf) {
      return contract(conf, store);
    }
  }

  @RunWith(Parameterized.class)
  public static class DeleteTest extends AbstractContractDeleteTest {
    private final String store;

    public DeleteTest(String store) {
      this.store = store;
    }

    @Parameterized.Parameters(name = "{0}")
    public static List<String> parameters() {
      return stores();
    }

    @Override
    protected AbstractFSContract createContract(Configuration conf) {
      return contract(conf, store);
    }
  }

  @RunWith(Parameterized.class)
  public static class MkdirTest extends AbstractContractMkdirTest {
    private final String store;

    public MkdirTest(String store) {
      this.store = store;
    }

    @Parameterized.Parameters(name = "{0}")
    public static List<String> parameters() {
      return stores();
    }

    @Override
    protected AbstractFSContract createContract(Configuration conf) {
      return contract(conf, store);
    }
  }

  @RunWith(Parameterized.class)
  public static class GetFileStatusTest extends AbstractContractGetFileStatusTest {
    private final String store;

    public GetFileStatusTest(String store) {
      this.store = store;
    }

    @Parameterized.Parameters(name = "{0}")
    public static List<String> parameters() {
      return stores();
    }

    @Override
    protected AbstractFSContract createContract(Configuration conf) {
      return contract(conf, store);
    }
  }

  @RunWith(Parameterized.class)
  public static class RootDirectoryTest extends AbstractContractRootDirectoryTest {
    private final String store;

    public RootDirectoryTest(String store) {
      this.store = store;
    }

    @Parameterized.Parameters(name = "{0}")
    public static List<String> parameters() {
      return stores();
    }

    @Override
    protected AbstractFSContract createContract(Configuration conf) {
      return contract(conf, store);
    }
  }

  @RunWith(Parameterized.class)
  public static class UnbufferTest extends AbstractContractUnbufferTest {
    private final String store;

    public UnbufferTest(String store) {
      this.store = store;
    }

    @Parameterized.Parameters(name = "{0}")
    public static List<String> parameters() {
      return stores();
    }

    @Override
    protected AbstractFSContract createContract(Configuration conf) {
      return contract(conf, store);
    }
  }

  @RunWith(Parameterized.class)
  public static class CopyFromLocalTest extends AbstractContractCopyFromLocalTest {
    private final String store;

    public CopyFromLocalTest(String store) {
      this.store = store;
    }

    @Parameterized.Parameters(name = "{0}")
    public static List<String> parameters() {
      return stores();
    }

    @Override
    protected AbstractFSContract createContract(Configuration conf) {
      return contract(conf, store);
    }
  }

  @RunWith(Parameterized.class)
  public static class EtagTest extends AbstractContractEtagTest {
    private final String store;

    public EtagTest(String store) {
      this.store = store;
    }

    @Parameterized.Parameters(name = "{0}")
    public static List<String> parameters() {
      return Arrays.asList("s3c-seaweed");
    }

    @Override
    protected AbstractFSContract createContract(Configuration conf) {
      return contract(conf, store);
    }
  }

  /**
   * Hadoop 3.3's {@code FileSystemContractBaseTest}, with the same two s3c deviations as the 3.5.0 line's
   * binding ({@code MainOperationsSuites}): no permissions on S3, rename creates missing parents (S3A).
   */
  @RunWith(Parameterized.class)
  public static class FsContractTest extends org.apache.hadoop.fs.FileSystemContractBaseTest {
    private final String store;

    public FsContractTest(String store) {
      this.store = store;
    }

    @Parameterized.Parameters(name = "{0}")
    public static List<String> parameters() {
      return stores();
    }

    @org.junit.Before
    public void bind() throws Exception {
      fs = SuiteStores.fileSystem("filec".equals(store) ? "filec" : "seaweed");
    }

    @Override
    protected String getDefaultWorkingDirectory() {
      return fs.getWorkingDirectory().toUri().getPath();
    }

    private void notOnS3(String why) {
      Assume.assumeTrue("s3c: " + why, "filec".equals(store));
    }

    @Override
    @Test
    public void testMkdirsWithUmask() throws Exception {
      notOnS3("no permissions on S3 (as S3A, which skips this test)");
      super.testMkdirsWithUmask();
    }

    @Override
    @Test
    public void testRenameFileMoveToNonExistentDirectory() throws Exception {
      notOnS3("FileSystem.rename creates a missing destination parent, as S3A (rename-creates-dest-dirs)");
      super.testRenameFileMoveToNonExistentDirectory();
    }

    @Override
    @Test
    public void testRenameDirectoryMoveToNonExistentDirectory() throws Exception {
      notOnS3("FileSystem.rename creates a missing destination parent, as S3A (rename-creates-dest-dirs)");
      super.testRenameDirectoryMoveToNonExistentDirectory();
    }
  }
}
