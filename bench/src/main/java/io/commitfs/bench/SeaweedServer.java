package io.commitfs.bench;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A throw-away SeaweedFS started through tests/servers/launch.py. The launcher stops the server when its
 * stdin closes, so the server cannot outlive this JVM even if it is killed.
 */
final class SeaweedServer implements Closeable {

    private final Process launcher;
    final Targets.S3Endpoint endpoint;

    private SeaweedServer(Process launcher, Targets.S3Endpoint endpoint) {
        this.launcher = launcher;
        this.endpoint = endpoint;
    }

    static SeaweedServer start(Path repo, String bucket) throws IOException {
        Process p = new ProcessBuilder("python3", repo.resolve("tests/servers/launch.py").toString(), "seaweed",
                "--bucket", bucket)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (line == null) {
            p.destroy();
            throw new IOException("tests/servers/launch.py seaweed printed nothing: see its error output above");
        }
        return new SeaweedServer(p, new Targets.S3Endpoint(field(line, "endpoint"), field(line, "bucket"),
                field(line, "access_key"), field(line, "secret_key"), field(line, "region")));
    }

    private static String field(String json, String name) throws IOException {
        Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*\"([^\"]*)\"").matcher(json);
        if (!m.find()) {
            throw new IOException("launch.py's JSON line has no \"" + name + "\"");
        }
        return m.group(1);
    }

    @Override
    public void close() throws IOException {
        launcher.getOutputStream().close();
        try {
            if (!launcher.waitFor(30, TimeUnit.SECONDS)) {
                launcher.destroy();
                launcher.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
