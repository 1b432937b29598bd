package io.commitfs.hadoop;

/** Test-only native entry points (rust/jni/src/test_hooks.rs). */
final class NativeTestHooks {
  private NativeTestHooks() {}

  static native void panic(String message);

  static native byte[] reverse(byte[] data);

  /** Fails with the core error kind named {@code kind} (NotFound, AlreadyExists, ...). */
  static native void fail(String kind, String path, String message) throws java.io.IOException;
}
