package io.commitfs.hadoop;

import java.io.IOException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.CreateFlag;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FSDataOutputStreamBuilder;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.PathIOException;

/**
 * {@code createFile(path)}'s builder. Takes S3A's per-call create option under both names,
 * {@code fs.s3a.create.performance} and {@code fs.<scheme>.create.performance}, through {@code must()} or
 * {@code opt()}: true makes this create skip the open-time probes, the parent's included (the store's
 * {@code fs.<scheme>.create.performance} bargain, for this call). Other mandatory keys are refused, as
 * Hadoop's builder refuses them; optional ones are ignored.
 */
final class CommitCreateBuilder extends FSDataOutputStreamBuilder<FSDataOutputStream, CommitCreateBuilder> {
  private final CommitFileSystem fs;

  CommitCreateBuilder(CommitFileSystem fs, Path path) {
    super(fs, path);
    this.fs = fs;
    create().overwrite(true); // Hadoop's createFile() default: CREATE|OVERWRITE, not recursive
  }

  @Override
  public CommitCreateBuilder getThisBuilder() {
    return this;
  }

  private Set<String> known() {
    return new HashSet<>(Arrays.asList("fs.s3a.create.performance", "fs." + fs.getScheme() + ".create.performance"));
  }

  @Override
  public FSDataOutputStream build() throws IOException {
    Set<String> known = known();
    for (String key : getMandatoryKeys()) {
      if (!known.contains(key)) {
        throw new IllegalArgumentException("unknown mandatory key \"" + key + "\" for " + getPath()
            + "; commitfs's createFile() knows " + known);
      }
    }
    Configuration options = getOptions();
    boolean performance = options.getBoolean("fs." + fs.getScheme() + ".create.performance",
        options.getBoolean("fs.s3a.create.performance", false));
    EnumSet<CreateFlag> flags = getFlags();
    if (flags.contains(CreateFlag.APPEND)) {
      return fs.append(getPath(), getBufferSize(), getProgress());
    }
    if (!flags.contains(CreateFlag.CREATE) && !flags.contains(CreateFlag.OVERWRITE)) {
      throw new PathIOException(getPath().toString(), "Must specify either create, overwrite or append");
    }
    if (!isRecursive() && !performance) {
      CreateRules.requireParentDirectory(fs, fs.makeQualified(getPath()));
    }
    return fs.create(getPath(), getPermission(), flags.contains(CreateFlag.OVERWRITE), performance);
  }
}
