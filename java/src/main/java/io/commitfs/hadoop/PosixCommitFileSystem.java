package io.commitfs.hadoop;

/**
 * {@link CommitFileSystem} registered for {@code filec://} (Hadoop's service loader maps one scheme per
 * class). Any instance serves whatever scheme its URI names.
 */
public class PosixCommitFileSystem extends CommitFileSystem {
  @Override
  protected String defaultScheme() {
    return "filec";
  }
}
