package io.commitfs.hadoop.reliability;

import java.nio.ByteBuffer;

/**
 * Self-validating file content: an 8-byte seed, a 4-byte length, then bytes derived from both. A reader
 * can tell a complete file from a partial, empty or mixed one without knowing what was written.
 */
final class Payload {
  static final int HEADER = 12;

  private Payload() {}

  static byte[] make(long seed, int length) {
    int len = Math.max(HEADER, length);
    byte[] b = new byte[len];
    ByteBuffer.wrap(b).putLong(seed).putInt(len);
    for (int i = HEADER; i < len; i++) {
      b[i] = expected(seed, i);
    }
    return b;
  }

  /** The seed of a complete payload, or -1 if {@code b} is not one (partial, empty, corrupt). */
  static long seedOf(byte[] b) {
    if (b.length < HEADER) {
      return -1;
    }
    ByteBuffer h = ByteBuffer.wrap(b);
    long seed = h.getLong();
    if (seed < 0 || h.getInt() != b.length) {
      return -1;
    }
    for (int i = HEADER; i < b.length; i++) {
      if (b[i] != expected(seed, i)) {
        return -1;
      }
    }
    return seed;
  }

  private static byte expected(long seed, int i) {
    long x = (seed + 1) * 0x9E3779B97F4A7C15L + i * 0xBF58476D1CE4E5B9L;
    return (byte) (x ^ (x >>> 29));
  }
}
