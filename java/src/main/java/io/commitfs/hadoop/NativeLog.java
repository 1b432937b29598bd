package io.commitfs.hadoop;

import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The native core's log records (unused S3A keys, retries and throttling, rename roll-forward, sweeps,
 * and at DEBUG one line per S3 request) into slf4j. The core queues them (it runs on threads that may
 * not be attached to the JVM); each store connection drains the queue once it returns, and a daemon
 * thread drains it every {@link #DRAIN_INTERVAL_MS} ms. The core records down to this logger's level,
 * so DEBUG request lines cost nothing unless DEBUG is on; a level changed at run time is picked up at
 * the next drain.
 */
final class NativeLog {
  /** The filesystem's logger name, so users configure one logger for everything commitfs says. */
  static final Logger LOG = LoggerFactory.getLogger(CommitFileSystem.class);

  static final long DRAIN_INTERVAL_MS = 1000;

  private static volatile int nativeLevel = -1;
  private static Thread drainer;

  private NativeLog() {}

  /** Before the first connect: the core's level is the logger's, and the drain thread runs. */
  static synchronized void start() {
    syncLevel();
    if (drainer == null) {
      drainer = new Thread(NativeLog::drainForever, "commitfs-native-log");
      drainer.setDaemon(true);
      drainer.start();
    }
  }

  /** This logger's level in the core's numbering: 0 off, 1 error, 2 warn, 3 info, 4 debug, 5 trace. */
  static int level() {
    return LOG.isTraceEnabled() ? 5 : LOG.isDebugEnabled() ? 4 : LOG.isInfoEnabled() ? 3
        : LOG.isWarnEnabled() ? 2 : LOG.isErrorEnabled() ? 1 : 0;
  }

  private static void syncLevel() {
    int level = level();
    if (level != nativeLevel) {
      NativeFs.setLogLevel(level);
      nativeLevel = level;
    }
  }

  private static void drainForever() {
    while (true) {
      try {
        TimeUnit.MILLISECONDS.sleep(DRAIN_INTERVAL_MS);
        syncLevel();
        forward();
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException | LinkageError e) {
        // A logging failure must not end logging: try again at the next tick.
      }
    }
  }

  /** Everything the core queued, now, in order. */
  static synchronized void forward() {
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
        case "DEBUG": LOG.debug(message); break;
        case "TRACE": LOG.trace(message); break;
        default: LOG.info(message); break;
      }
    }
  }
}
