package io.commitfs.hadoop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class NativeObjectTest {
  @Test
  void freesOnceAndRefusesUseAfterClose() throws IOException {
    AtomicInteger frees = new AtomicInteger();
    NativeObject o = new NativeObject(new Object(), "stream", 42, h -> frees.incrementAndGet());
    assertEquals(42L, (long) o.call(h -> h));
    o.close();
    o.close();
    assertEquals(1, frees.get());
    IOException e = assertThrows(IOException.class, () -> o.call(h -> h));
    assertEquals("stream is closed", e.getMessage());
  }

  @Test
  void takeHandsOverTheHandleWithoutFreeingIt() {
    AtomicInteger frees = new AtomicInteger();
    NativeObject o = new NativeObject(new Object(), "stream", 7, h -> frees.incrementAndGet());
    assertEquals(7, o.take());
    assertEquals(0, o.take());
    o.close();
    assertEquals(0, frees.get());
    assertTrue(o.isClosed());
  }

  @Test
  void anUnreachableOwnerIsFreedByTheCleaner() throws InterruptedException {
    AtomicInteger frees = new AtomicInteger();
    new NativeObject(new Object(), "stream", 9, h -> frees.incrementAndGet());
    for (int i = 0; i < 100 && frees.get() == 0; i++) {
      System.gc();
      Thread.sleep(20);
    }
    assertEquals(1, frees.get());
  }
}
