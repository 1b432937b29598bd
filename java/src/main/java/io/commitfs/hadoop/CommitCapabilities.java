package io.commitfs.hadoop;

import org.apache.hadoop.fs.CommonPathCapabilities;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.impl.PathCapabilitiesSupport;

/** The path capabilities commitfs answers itself ({@link CommitFileSystem#hasPathCapability}). */
final class CommitCapabilities {
  private CommitCapabilities() {}

  /** Whether commitfs has {@code capability} at {@code path} (qualified); null: Hadoop's default answers. */
  static Boolean known(Path path, String capability, boolean atomicDirectoryRename, boolean permissions) {
    switch (PathCapabilitiesSupport.validatePathCapabilityArgs(path, capability)) {
      case CommonPathCapabilities.FS_APPEND:
      case CommonPathCapabilities.FS_CONCAT:
      case CommonPathCapabilities.FS_TRUNCATE:
      case CommonPathCapabilities.FS_CHECKSUMS:
      case CommonPathCapabilities.FS_SYMLINKS:
      case CommonPathCapabilities.FS_ACLS:
      case CommonPathCapabilities.FS_XATTRS:
      case CommonPathCapabilities.FS_SNAPSHOTS:
      case CommonPathCapabilities.FS_STORAGEPOLICY:
      case CommonPathCapabilities.FS_MULTIPART_UPLOADER:
      case CommonPathCapabilities.ETAGS_AVAILABLE:
      case CommonPathCapabilities.FS_PATHHANDLES:
        return false;
      case CommonPathCapabilities.ABORTABLE_STREAM:
      case "fs.commitfs.capability.rename.noreplace":
      case "fs.commitfs.capability.create.exclusive":
      case CommitFileSystem.CREATE_INVISIBLE_UNTIL_CLOSE:
        return true;
      case CommonPathCapabilities.FS_PERMISSIONS:
        return permissions;
      case "fs.commitfs.capability.directory.rename.atomic":
        return atomicDirectoryRename;
      default:
        return null;
    }
  }
}
