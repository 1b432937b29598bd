package io.commitfs.hadoop;

import java.io.IOException;

/** A conflicting concurrent change to the same path was detected; the operation did not take effect. */
public class ConcurrentChangeException extends IOException {
  private static final long serialVersionUID = 1L;

  public ConcurrentChangeException(String message) {
    super(message);
  }
}
