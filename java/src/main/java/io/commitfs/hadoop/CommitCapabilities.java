package io.commitfs.hadoop;

import org.apache.hadoop.fs.CommonPathCapabilities;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.impl.PathCapabilitiesSupport;

/** The path capabilities commitfs answers itself ({@link CommitFileSystem#hasPathCapability}). */
final class CommitCapabilities {
  private CommitCapabilities() {}

  /** Whether commitfs has {@code capability} at {@code path} (qualified); null: Hadoop's default answers. */
  static Boolean known(Path path, String capability, boolean atomicDirectoryRename, boolean permissions,
      boolean etags) {
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
      case CommonPathCapabilities.FS_PATHHANDLES:
      // A rename by COPY gives a multipart-uploaded object a new ETag (and moto's multipart copy mode
      // every object): not preserved in general (EtagTest shows it per store).
      case CommonPathCapabilities.ETAGS_PRESERVED_IN_RENAME:
        return false;
      case CommonPathCapabilities.ETAGS_AVAILABLE:
        return etags;
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
