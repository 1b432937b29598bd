package io.commitfs.bench;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;

/** Builds every target with the configuration a user would write for it, all on the same store. */
final class Targets {

    static final String COMMITFS_FS = "io.commitfs.hadoop.CommitFileSystem";
    static final String COMMITFS_AFS = "io.commitfs.hadoop.CommitFs";
    /** s3c with fs.s3c.create.performance and fs.s3c.rename.performance on. */
    static final String S3C_RELAXED = "s3c relaxed";
    /** The fair file:// peer: LocalFileSystem with chmod in-process, as with libhadoop on a cluster. */
    static final String LOCAL_FAIR = "file (LocalFS, in-process chmod)";

    /** The file:// variants measured: which FileSystem (and AbstractFileSystem) class serves file://. */
    private enum Local {
        CHECKSUMMED("org.apache.hadoop.fs.LocalFileSystem", "org.apache.hadoop.fs.local.LocalFs"),
        IN_PROCESS_CHMOD(InProcessChmodLocalFileSystem.class.getName(),
                InProcessChmodLocalFileSystem.Fs.class.getName()),
        RAW("org.apache.hadoop.fs.RawLocalFileSystem", "org.apache.hadoop.fs.local.RawLocalFs");

        final String fs;
        final String abstractFs;

        Local(String fs, String abstractFs) {
            this.fs = fs;
            this.abstractFs = abstractFs;
        }
    }

    /** Where the S3 targets talk: the counting proxy in front of SeaweedFS. */
    record S3Endpoint(String endpoint, String bucket, String accessKey, String secretKey, String region) { }

    private Targets() { }

    static List<Target> create(S3Endpoint s3, Path posixBase, String runId) {
        String missing = commitfsMissing();
        List<Target> out = new ArrayList<>();
        if (s3 != null) {
            String prefix = "/bench-" + runId + "/";
            out.add(new Target("s3c", Target.Store.S3, true, false,
                    URI.create("s3c://" + s3.bucket() + prefix + "s3c"), s3Conf(s3), missing));
            // S3A-style relaxed checks, opted into by the user (README, Configuration).
            Configuration relaxed = s3Conf(s3);
            relaxed.setBoolean("fs.s3c.create.performance", true);
            relaxed.setBoolean("fs.s3c.rename.performance", true);
            out.add(new Target(S3C_RELAXED, Target.Store.S3, true, false,
                    URI.create("s3c://" + s3.bucket() + prefix + "s3c-relaxed"), relaxed, missing));
            out.add(new Target("s3a", Target.Store.S3, false, true,
                    URI.create("s3a://" + s3.bucket() + prefix + "s3a"), s3Conf(s3), null));
        }
        String base = posixBase.toAbsolutePath().toString();
        out.add(new Target("filec fsync", Target.Store.POSIX, true, false,
                URI.create("filec://" + base + "/filec-fsync"), filecConf(true), missing));
        out.add(new Target("filec no-fsync", Target.Store.POSIX, true, false,
                URI.create("filec://" + base + "/filec-nofsync"), filecConf(false), missing));
        // The reference: LocalFileSystem as on a node with libhadoop (chmod in-process, see the class).
        out.add(new Target(LOCAL_FAIR, Target.Store.POSIX, false, true,
                URI.create("file://" + base + "/localfs-fair"), localConf(Local.IN_PROCESS_CHMOD), null));
        out.add(new Target("file (LocalFS, forks chmod)", Target.Store.POSIX, false, false,
                URI.create("file://" + base + "/localfs"), localConf(Local.CHECKSUMMED), null));
        out.add(new Target("raw (RawLocalFS)", Target.Store.POSIX, false, false,
                URI.create("file://" + base + "/rawlocal"), localConf(Local.RAW), null));
        return out;
    }

    private static String commitfsMissing() {
        try {
            Class.forName(COMMITFS_FS);
            Class.forName(COMMITFS_AFS);
            return null;
        } catch (ClassNotFoundException e) {
            return "commitfs jar not on the class path (build/libs/commitfs-0.1.0.jar)";
        }
    }

    private static Configuration base() {
        Configuration conf = new Configuration();
        conf.set("fs.s3c.impl", COMMITFS_FS);
        conf.set("fs.AbstractFileSystem.s3c.impl", COMMITFS_AFS);
        conf.set("fs.filec.impl", COMMITFS_FS);
        conf.set("fs.AbstractFileSystem.filec.impl", COMMITFS_AFS);
        return conf;
    }

    /** The same keys for both schemes: commitfs reads fs.s3c.* and falls back to fs.s3a.*. */
    private static Configuration s3Conf(S3Endpoint s3) {
        Configuration conf = base();
        s3Settings(s3).forEach(conf::set);
        return conf;
    }

    /** The S3 keys of both targets, as a user would write them (also handed to Spark as spark.hadoop.*). */
    static Map<String, String> s3Settings(S3Endpoint s3) {
        Map<String, String> conf = new LinkedHashMap<>();
        for (String scheme : new String[] {"s3a", "s3c"}) {
            String p = "fs." + scheme + ".";
            conf.put(p + "endpoint", s3.endpoint());
            conf.put(p + "endpoint.region", s3.region());
            conf.put(p + "path.style.access", "true");
            conf.put(p + "access.key", s3.accessKey());
            conf.put(p + "secret.key", s3.secretKey());
        }
        // SeaweedFS honours If-None-Match: * on CopyObject (large exclusive creates publish by COPY); its
        // RenameObject makes a file rename one RENAME (fs.s3c.rename.mode=auto finds it).
        conf.put("fs.s3c.copy-if-not-exists", "header");
        conf.put("fs.s3a.connection.ssl.enabled", "false");
        // SeaweedFS returns plain MD5 ETags and no version ids; the ETag check S3A does by default works.
        conf.put("fs.s3a.change.detection.version.required", "false");
        conf.put("fs.s3a.retry.limit", "2");
        conf.put("fs.s3a.attempts.maximum", "2");
        return conf;
    }

    private static Configuration filecConf(boolean fsync) {
        Configuration conf = base();
        conf.setBoolean("fs.filec.fsync", fsync);
        return conf;
    }

    /** file:// pinned to one LocalFileSystem variant, for FileSystem and FileContext alike. */
    private static Configuration localConf(Local local) {
        Configuration conf = base();
        conf.set("fs.file.impl", local.fs);
        conf.set("fs.AbstractFileSystem.file.impl", local.abstractFs);
        return conf;
    }
}
