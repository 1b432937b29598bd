package io.commitfs.bench;

import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFs;
import org.apache.hadoop.fs.DelegateToFileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;

/**
 * The fair {@code file://} peer: LocalFileSystem as it runs on a cluster node that has libhadoop. Without
 * libhadoop (as on this machine) RawLocalFileSystem sets every permission by forking {@code chmod}; with it,
 * NativeIO calls chmod(2) in-process. This subclass does what the native code does, with java.nio, so the
 * peer's cost is Hadoop's own I/O path and not process creation. The forking LocalFileSystem stays in the
 * table as a second row.
 */
public final class InProcessChmodLocalFileSystem extends LocalFileSystem {

    public InProcessChmodLocalFileSystem() {
        super(new Raw());
    }

    /** RawLocalFileSystem with chmod(2) in-process instead of {@code Shell.execCommand("chmod")}. */
    public static final class Raw extends RawLocalFileSystem {
        @Override
        public void setPermission(Path p, FsPermission permission) throws IOException {
            File file = pathToFile(p);
            if (!file.exists()) {
                throw new FileNotFoundException("File " + p + " does not exist");
            }
            Files.setPosixFilePermissions(file.toPath(), toPosix(permission.toShort()));
        }
    }

    /** The same for FileContext (Spark's checkpoint managers): LocalFs over the in-process RawLocalFileSystem. */
    public static final class Fs extends ChecksumFs {
        public Fs(URI uri, Configuration conf) throws IOException, URISyntaxException {
            super(new RawFs(uri, conf));
        }
    }

    /** RawLocalFs over {@link Raw}. */
    public static final class RawFs extends DelegateToFileSystem {
        public RawFs(URI uri, Configuration conf) throws IOException, URISyntaxException {
            super(uri, new Raw(), conf, "file", false);
        }
    }

    private static final PosixFilePermission[] BITS_HIGH_TO_LOW = {
        PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE,
        PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
        PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE,
    };

    static Set<PosixFilePermission> toPosix(short mode) {
        Set<PosixFilePermission> out = EnumSet.noneOf(PosixFilePermission.class);
        for (int i = 0; i < BITS_HIGH_TO_LOW.length; i++) {
            if ((mode & (1 << (8 - i))) != 0) {
                out.add(BITS_HIGH_TO_LOW[i]);
            }
        }
        return out;
    }
}
