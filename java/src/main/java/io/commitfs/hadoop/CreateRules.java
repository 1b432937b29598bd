package io.commitfs.hadoop;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.EnumSet;
import org.apache.hadoop.fs.CreateFlag;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.ParentNotDirectoryException;
import org.apache.hadoop.fs.Path;

/** Hadoop's open-time rules of the create variants that the core's create does not decide itself. */
final class CreateRules {
  private CreateRules() {}

  /**
   * createNonRecursive: the parent of {@code qualified} must be an existing directory. Asked in the one
   * look that suits a directory (on S3 one LIST; a HEAD-first status would cost a directory HEAD + LIST).
   */
  static void requireParentDirectory(CommitFileSystem fs, Path qualified) throws IOException {
    Path parent = qualified.getParent();
    if (parent == null) {
      return;
    }
    FileStatus ps;
    try {
      ps = fs.status(parent, false);
    } catch (FileNotFoundException e) {
      throw new FileNotFoundException("cannot create " + qualified + ": parent directory " + parent
          + " does not exist (createNonRecursive)");
    }
    if (!ps.isDirectory()) {
      throw new ParentNotDirectoryException("cannot create " + qualified + ": parent " + parent + " is a file");
    }
  }

  /**
   * FileContext's flag rules ({@code CreateFlag.validate}): no flags, or APPEND with OVERWRITE, is a
   * HadoopIllegalArgumentException before anything is asked; APPEND needs the file to exist unless CREATE
   * is also given (then a missing file is created). Hadoop's default asks {@code exists(f)} every time;
   * our create already refuses an existing file without OVERWRITE (atomically, at open and again at
   * commit), so only APPEND, and OVERWRITE without CREATE, pay that probe.
   *
   * @return whether the caller must append to the existing file (which commitfs refuses)
   */
  static boolean appends(FileSystem fs, Path f, EnumSet<CreateFlag> flags) throws IOException {
    CreateFlag.validate(flags);
    if (flags.contains(CreateFlag.APPEND) || !flags.contains(CreateFlag.CREATE)) {
      boolean exists = fs.exists(f);
      CreateFlag.validate(f, exists, flags);
      return exists && flags.contains(CreateFlag.APPEND);
    }
    return false;
  }
}
