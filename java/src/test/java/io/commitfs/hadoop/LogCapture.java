package io.commitfs.hadoop;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.log4j.AppenderSkeleton;
import org.apache.log4j.Level;
import org.apache.log4j.Logger;
import org.apache.log4j.spi.LoggingEvent;

/** What commitfs's logger (slf4j over log4j in the tests) receives while open, at DEBUG and above. */
final class LogCapture extends AppenderSkeleton implements AutoCloseable {
  private final Logger logger = Logger.getLogger(CommitFileSystem.class);
  private final Level previous = logger.getLevel();
  private final List<LoggingEvent> events = new ArrayList<>();

  LogCapture() {
    logger.setLevel(Level.DEBUG);
    logger.addAppender(this);
  }

  @Override
  protected synchronized void append(LoggingEvent event) {
    events.add(event);
  }

  /** Everything logged so far (the core's queue drained first), as {@code LEVEL message} lines. */
  List<String> lines() {
    try {
      NativeLibrary.load();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    NativeLog.forward();
    synchronized (this) {
      return events.stream().map(e -> e.getLevel() + " " + e.getRenderedMessage()).collect(Collectors.toList());
    }
  }

  /** The lines at {@code level} that contain {@code text}. */
  List<String> matching(String level, String text) {
    return lines().stream().filter(l -> l.startsWith(level + " ") && l.contains(text)).collect(Collectors.toList());
  }

  @Override
  public void close() {
    logger.removeAppender(this);
    logger.setLevel(previous);
  }

  @Override
  public boolean requiresLayout() {
    return false;
  }
}
