package io.commitfs.hadoop.reliability;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** A group of worker JVMs on one store, started together and answering commands in parallel. */
final class Children implements AutoCloseable {
  final List<Child> all = new ArrayList<>();

  /** Starts {@code n} workers (in parallel: each JVM start is mostly waiting) and waits until all are ready. */
  static Children start(Store store, int n) throws IOException {
    Children c = new Children();
    try {
      for (int i = 0; i < n; i++) {
        c.all.add(Child.start(store, i));
      }
      for (Child k : c.all) {
        String ready = k.receive();
        if (!ready.startsWith("READY")) {
          throw new IOException("child " + k.id + " did not start: " + ready + "; stderr: " + k.stderrTail());
        }
      }
      return c;
    } catch (IOException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  /** Sends each child its command first, then collects the answers: the commands run concurrently. */
  List<String> callAll(java.util.function.IntFunction<String> commandFor) throws IOException {
    for (Child k : all) {
      k.send(commandFor.apply(k.id));
    }
    List<String> answers = new ArrayList<>();
    for (Child k : all) {
      answers.add(k.receive());
    }
    return answers;
  }

  @Override
  public void close() {
    for (Child k : all) {
      k.close();
    }
  }
}
