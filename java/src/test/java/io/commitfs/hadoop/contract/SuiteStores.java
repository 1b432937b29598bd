package io.commitfs.hadoop.contract;

import java.net.URI;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileSystem;

/**
 * FileSystems and FileContexts on the stores Hadoop's whole-API suites run on (filec, moto, seaweed), for
 * both Hadoop lines' bindings ({@code MainOperationsSuites}, {@code Hadoop33ContractSuites}).
 */
final class SuiteStores {
  private SuiteStores() {}

  /** A Configuration for {@code store} (filec, moto, seaweed): both faces bound, instances uncached. */
  static Configuration conf(String store) {
    Configuration conf = new Configuration(false);
    String scheme = "filec".equals(store) ? "filec" : "s3c";
    CommitContract.configure(conf, scheme);
    conf.setBoolean("fs." + scheme + ".impl.disable.cache", true);
    // What core-default.xml gives every Hadoop client (this Configuration loads no defaults, so the s3a
    // aliases of core-default do not reach s3c): the local filesystem, for the tests that use it, and
    // the umask the suites save and restore.
    conf.set("fs.file.impl", org.apache.hadoop.fs.LocalFileSystem.class.getName());
    conf.set("fs.AbstractFileSystem.file.impl", org.apache.hadoop.fs.local.LocalFs.class.getName());
    conf.set("fs.permissions.umask-mode", "022");
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
}
