package io.commitfs.hadoop.reliability;

import java.io.BufferedReader;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;

/**
 * Child-JVM main for the cross-process tests: {@code Worker <conf.xml> <uri> <id>}. Reads one command
 * per stdin line and answers one {@code @}-line on stdout; paths carry no spaces. The {@code crash-*}
 * commands announce the point the parent kills at, then carry on (or hang) so the kill lands there.
 */
public final class Worker {
  private final FileSystem fs;
  private final FileContext fc;
  private final PrintStream out;

  private Worker(FileSystem fs, FileContext fc, PrintStream out) {
    this.fs = fs;
    this.fc = fc;
    this.out = out;
  }

  public static void main(String[] args) throws Exception {
    PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, "UTF-8");
    Configuration conf = new Configuration(false);
    conf.addResource(new Path("file://" + args[0]));
    URI uri = URI.create(args[1]);
    FileSystem fs;
    FileContext fc;
    try {
      fs = FileSystem.get(uri, conf);
      fc = FileContext.getFileContext(uri, conf);
    } catch (IOException | RuntimeException e) {
      out.println("@INITFAIL " + describe(e));
      return;
    }
    out.println("@READY " + args[2]);
    Worker w = new Worker(fs, fc, out);
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      String[] a = line.trim().split(" ");
      if (a[0].equals("exit")) {
        break;
      }
      try {
        out.println("@" + w.run(a));
      } catch (IOException | RuntimeException e) {
        out.println("@ERR " + describe(e));
      }
    }
    fs.close();
  }

  static String describe(Throwable e) {
    return e.getClass().getName() + ": " + String.valueOf(e.getMessage()).replace('\n', ' ');
  }

  private String run(String[] a) throws IOException, InterruptedException {
    switch (a[0]) {
      case "put": // put <path> <len> <seed>: overwrite
        TestFiles.write(fs, new Path(a[1]), true, Payload.make(Long.parseLong(a[3]), Integer.parseInt(a[2])));
        return "OK";
      case "mkdirs":
        fs.mkdirs(new Path(a[1]));
        return "OK";
      case "create": // create <path> <len> <seed>: exclusive
        try {
          TestFiles.write(fs, new Path(a[1]), false, Payload.make(Long.parseLong(a[3]), Integer.parseInt(a[2])));
          return "WIN";
        } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
          return "LOSE " + e.getClass().getSimpleName();
        }
      case "rename": // FileSystem.rename: false when the destination exists
        return fs.rename(new Path(a[1]), new Path(a[2])) ? "WIN" : "LOSE false";
      case "fcrename": // FileContext.rename(NONE), as Spark's checkpoint manager calls it
        try {
          fc.rename(new Path(a[1]), new Path(a[2]), Options.Rename.NONE);
          return "WIN";
        } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
          return "LOSE " + e.getClass().getSimpleName();
        }
      case "replace": // replace <dst> <tmp> <len> <seed>: Spark's overwrite: write temp, delete, rename
        return replace(new Path(a[1]), new Path(a[2]), Integer.parseInt(a[3]), Long.parseLong(a[4]));
      case "readloop": // readloop <path> <millis>
        return readLoop(new Path(a[1]), Long.parseLong(a[2]));
      case "crash-write": // crash-write <path> <len> <seed>: announce, then keep writing forever
        return crashWrite(new Path(a[1]), Integer.parseInt(a[2]), Long.parseLong(a[3]));
      case "crash-close": // crash-close <path> <len> <seed>: announce, close, announce
        return crashClose(new Path(a[1]), Integer.parseInt(a[2]), Long.parseLong(a[3]));
      case "crash-rename": // crash-rename <src> <dst>: announce, rename, announce
        out.println("@RENAMING");
        return fs.rename(new Path(a[1]), new Path(a[2])) ? "RENAMED" : "RENAME-FALSE";
      case "counters": // the store's request counters (s3c) on one line
        return "COUNTERS " + ((io.commitfs.hadoop.CommitFileSystem) fs).nativeCounters().replace('\n', ' ');
      case "probe": // probe <path>: every basic operation, each failure described
        return probe(new Path(a[1]));
      default:
        throw new IllegalArgumentException("unknown command " + a[0]);
    }
  }

  private String replace(Path dst, Path tmp, int len, long seed) throws IOException {
    TestFiles.write(fs, tmp, false, Payload.make(seed, len));
    fs.delete(dst, false);
    return fs.rename(tmp, dst) ? "OK" : "RENAME-FALSE";
  }

  /** Reads {@code p} in a loop: complete files, missing (between delete and rename), and bad ones. */
  private String readLoop(Path p, long millis) throws IOException {
    long end = System.currentTimeMillis() + millis;
    long complete = 0;
    long missing = 0;
    long changed = 0;
    long bad = 0;
    String firstBad = "";
    while (System.currentTimeMillis() < end) {
      try {
        byte[] b = TestFiles.readAll(fs, p);
        if (Payload.seedOf(b) >= 0) {
          complete++;
        } else {
          bad++;
          if (firstBad.isEmpty()) {
            firstBad = "len=" + b.length;
          }
        }
      } catch (FileNotFoundException e) {
        missing++;
      } catch (io.commitfs.hadoop.ConcurrentChangeException e) {
        changed++; // replaced while being read: refused, never mixed
      }
    }
    return "READS " + complete + " " + missing + " " + changed + " " + bad + " " + firstBad;
  }

  private String crashWrite(Path p, int len, long seed) throws IOException, InterruptedException {
    byte[] data = Payload.make(seed, len);
    FSDataOutputStream o = fs.create(p, false);
    o.write(data, 0, data.length / 2);
    out.println("@WRITING");
    while (true) { // the parent kills us in here
      o.write(data, data.length / 2, Math.min(4096, data.length / 2));
      Thread.sleep(1);
    }
  }

  private String crashClose(Path p, int len, long seed) throws IOException {
    FSDataOutputStream o = fs.create(p, false);
    o.write(Payload.make(seed, len));
    out.println("@CLOSING");
    o.close();
    return "CLOSED";
  }

  private String probe(Path p) {
    StringBuilder b = new StringBuilder("PROBE");
    String[] names = {"status", "list", "create", "open", "rename", "delete"};
    for (String name : names) {
      try {
        switch (name) {
          case "status": fs.getFileStatus(p); break;
          case "list": fs.listStatus(p.getParent()); break;
          case "create": TestFiles.write(fs, p, false, Payload.make(1, 100)); break;
          case "open": fs.open(p).close(); break;
          case "rename": fs.rename(p, p.suffix(".moved")); break;
          default: fs.delete(p, false); break;
        }
        b.append(" | ").append(name).append(" ok");
      } catch (IOException | RuntimeException e) {
        b.append(" | ").append(name).append(' ').append(describe(e));
      }
    }
    return b.toString();
  }
}
