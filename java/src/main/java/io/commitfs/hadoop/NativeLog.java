package io.commitfs.hadoop;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The native core's log records (unused S3A keys, rename recovery, credential renewal failures) into
 * slf4j. The core queues them (it runs on threads that may not be attached to the JVM); each store
 * connection drains the queue once it returns.
 */
final class NativeLog {
  /** The filesystem's logger name, so users configure one logger for everything commitfs says. */
  private static final Logger LOG = LoggerFactory.getLogger(CommitFileSystem.class);

  private NativeLog() {}

  static void forward() {
    String records = NativeFs.drainLog();
    if (records == null) {
      return;
    }
    for (String line : records.split("\n")) {
      int space = line.indexOf(' ');
      String level = space < 0 ? "" : line.substring(0, space);
      String message = line.substring(space + 1);
      switch (level) {
        case "ERROR": LOG.error(message); break;
        case "WARN": LOG.warn(message); break;
        default: LOG.info(message); break;
      }
    }
  }
}
