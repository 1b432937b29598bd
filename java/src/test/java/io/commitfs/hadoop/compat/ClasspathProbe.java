package io.commitfs.hadoop.compat;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Run in a child JVM whose classpath is Hadoop's jars plus the commitfs jar and nothing of ours
 * configured: Hadoop finds every filesystem through META-INF/services, as on a cluster. Prints one
 * {@code OK <scheme> <implementation>} line per filesystem that worked; any failure exits non-zero.
 */
public final class ClasspathProbe {
  private ClasspathProbe() {}

  public static void main(String[] args) throws IOException {
    File dir = new File(args[0]);
    Configuration conf = new Configuration();
    // file:// (built in) first: on Hadoop 3.3 an unloadable service entry fails this very call.
    Path local = new Path(dir.toURI().toString(), "local.txt");
    FileSystem file = FileSystem.get(URI.create("file:///"), conf);
    roundTrip(file, local, "local");
    // viewfs:// (built in, in hadoop-common): a mount table onto the directory.
    conf.set("fs.viewfs.mounttable.probe.link./data", dir.toURI().toString());
    FileSystem view = FileSystem.get(URI.create("viewfs://probe/"), conf);
    FileStatus[] listed = view.listStatus(new Path("viewfs://probe/data"));
    check(listed.length == 1 && listed[0].getPath().getName().equals("local.txt"), "viewfs lists " + listed.length);
    roundTrip(view, new Path("viewfs://probe/data/view.txt"), "view");
    report(view);
    report(file);
    // filec:// found through our service entry (no fs.filec.impl set): create, rename, list, read.
    conf.set("fs.filec.root", dir.getPath());
    FileSystem filec = FileSystem.get(URI.create("filec:///"), conf);
    check(filec.getConf().get("fs.filec.impl") == null, "fs.filec.impl must come from META-INF/services");
    Path a = new Path("filec:///a.txt");
    Path b = new Path("filec:///b.txt");
    try (OutputStream out = filec.create(a, false)) {
      out.write("commitfs".getBytes(StandardCharsets.UTF_8));
    }
    check(filec.rename(a, b), "rename a to b");
    // A rename that returns false: on Hadoop 3.3 this path once died with NoSuchFieldError: LOG.
    check(!filec.rename(a, new Path("filec:///c.txt")), "rename of a missing source returns false");
    check(filec.listStatus(new Path("filec:///")).length >= 1, "filec lists");
    check(read(filec, b).equals("commitfs"), "filec reads back");
    report(filec);
    check(new File(dir, "b.txt").isFile(), "filec wrote below fs.filec.root");
  }

  private static void roundTrip(FileSystem fs, Path p, String text) throws IOException {
    try (OutputStream out = fs.create(p, false)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
    check(read(fs, p).equals(text), fs.getScheme() + " reads back");
  }

  private static String read(FileSystem fs, Path p) throws IOException {
    byte[] buf = new byte[64];
    int n;
    try (InputStream in = fs.open(p)) {
      n = in.read(buf);
    }
    return new String(buf, 0, Math.max(n, 0), StandardCharsets.UTF_8);
  }

  private static void report(FileSystem fs) {
    System.out.println("OK " + fs.getScheme() + " " + fs.getClass().getName());
  }

  private static void check(boolean ok, String what) {
    if (!ok) {
      throw new AssertionError(what);
    }
  }
}
