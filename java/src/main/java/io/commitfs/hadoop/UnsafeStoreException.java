package io.commitfs.hadoop;

import java.io.IOException;

/** The store does not give a guarantee commitfs relies on (for example, conditional writes). */
public class UnsafeStoreException extends IOException {
  private static final long serialVersionUID = 1L;

  public UnsafeStoreException(String message) {
    super(message);
  }
}
