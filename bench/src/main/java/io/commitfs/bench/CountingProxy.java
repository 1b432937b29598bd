package io.commitfs.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A plain-HTTP forwarding proxy on 127.0.0.1 that counts S3 requests by kind, so that S3A and commitfs are
 * measured by the same neutral counter on the server side of their HTTP clients. Requests are parsed only
 * as far as needed to find where one ends (headers, then Content-Length or chunked body); responses are
 * forwarded as raw bytes. Each client connection gets its own upstream connection, so keep-alive and
 * {@code Expect: 100-continue} behave exactly as they would against the server itself.
 */
final class CountingProxy implements Closeable {

    /**
     * The request kinds reported; POST covers multi-object delete and multipart initiate/complete, RENAME
     * is S3's RenameObject ({@code PUT ...?renameObject}).
     */
    enum Kind { LIST, HEAD, GET, PUT, COPY, RENAME, DELETE, POST, OTHER }

    private final ServerSocket server;
    private final InetSocketAddress upstream;
    private final AtomicLongArray counts = new AtomicLongArray(Kind.values().length);
    /** "KIND request-target" of each request while {@link #recordTargets} is on (see {@link #drainTargets}). */
    private final ConcurrentLinkedQueue<String> targets = new ConcurrentLinkedQueue<>();
    private volatile boolean recording;
    private volatile boolean closed;

    CountingProxy(URI upstreamEndpoint) throws IOException {
        this.upstream = new InetSocketAddress(upstreamEndpoint.getHost(), upstreamEndpoint.getPort());
        this.server = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "counting-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    /** Counts so far, indexed by {@link Kind#ordinal()}. */
    long[] snapshot() {
        long[] out = new long[counts.length()];
        for (int i = 0; i < out.length; i++) {
            out[i] = counts.get(i);
        }
        return out;
    }

    /** Starts or stops keeping each request's kind and target, to see which keys a workload touches. */
    void recordTargets(boolean on) {
        recording = on;
        if (!on) {
            targets.clear();
        }
    }

    /** The requests recorded since the last call, oldest first, as "KIND request-target". */
    List<String> drainTargets() {
        List<String> out = new ArrayList<>();
        for (String t; (t = targets.poll()) != null; ) {
            out.add(t);
        }
        return out;
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = server.accept();
                client.setTcpNoDelay(true);
                Socket up = new Socket();
                up.setTcpNoDelay(true);
                up.connect(upstream, 10_000);
                daemon(() -> pipeResponses(up, client), "counting-proxy-down");
                daemon(() -> pipeRequests(client, up), "counting-proxy-up");
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("counting proxy: " + e);
                }
            }
        }
    }

    private static void daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }

    private static void pipeResponses(Socket up, Socket client) {
        byte[] buf = new byte[1 << 16];
        try (InputStream in = up.getInputStream(); OutputStream out = client.getOutputStream()) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                out.write(buf, 0, n);
            }
        } catch (IOException ignored) {
            // either side closed: the other pipe notices on its next read or write
        } finally {
            closeQuietly(client);
            closeQuietly(up);
        }
    }

    private void pipeRequests(Socket client, Socket up) {
        try (InputStream in = new BufferedInputStream(client.getInputStream(), 1 << 16);
             OutputStream out = up.getOutputStream()) {
            byte[] head;
            while ((head = readHead(in)) != null) {
                String text = new String(head, StandardCharsets.ISO_8859_1);
                Kind kind = classify(text);
                counts.incrementAndGet(kind.ordinal());
                if (recording) {
                    targets.add(kind + " " + text.substring(0, text.indexOf('\r')).split(" ")[1] + auditedOperation(text));
                }
                out.write(head);
                out.flush();
                String te = header(text, "transfer-encoding");
                if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
                    copyChunked(in, out);
                } else {
                    String cl = header(text, "content-length");
                    copyExactly(in, out, cl == null ? 0 : Long.parseLong(cl.trim()));
                }
                out.flush();
            }
        } catch (IOException ignored) {
            // connection closed mid-request: the client sees the failure itself
        } finally {
            closeQuietly(client);
            closeQuietly(up);
        }
    }

    /** Reads one request head up to and including the blank line; null at a clean end of stream. */
    private static byte[] readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream(1024);
        int lastFour = 0;
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            lastFour = (lastFour << 8) | b;
            if (lastFour == 0x0D0A0D0A) {
                return head.toByteArray();
            }
        }
        if (head.size() == 0) {
            return null;
        }
        throw new IOException("connection closed inside a request head");
    }

    private static String readLine(InputStream in, OutputStream copy) throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0) {
            copy.write(b);
            if (b == '\n') {
                return line.toString().trim();
            }
            line.append((char) b);
        }
        throw new IOException("connection closed inside a chunked body");
    }

    private static void copyChunked(InputStream in, OutputStream out) throws IOException {
        while (true) {
            String sizeLine = readLine(in, out);
            int semi = sizeLine.indexOf(';');
            long size = Long.parseLong(semi < 0 ? sizeLine : sizeLine.substring(0, semi), 16);
            if (size == 0) {
                // trailers, then an empty line
                while (!readLine(in, out).isEmpty()) {
                    // forwarded by readLine
                }
                return;
            }
            copyExactly(in, out, size);
            readLine(in, out); // CRLF after the chunk data
        }
    }

    private static void copyExactly(InputStream in, OutputStream out, long n) throws IOException {
        byte[] buf = new byte[1 << 16];
        while (n > 0) {
            int r = in.read(buf, 0, (int) Math.min(buf.length, n));
            if (r < 0) {
                throw new IOException("connection closed inside a request body");
            }
            out.write(buf, 0, r);
            n -= r;
        }
    }

    private static String header(String head, String name) {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }

    /**
     * " [op_create]" when the request carries S3A's audit referrer (fs.s3a.audit.referrer.enabled, on by
     * default), which names the Hadoop operation the request belongs to; "" otherwise.
     */
    private static String auditedOperation(String head) {
        String referrer = header(head, "referer");
        int at = referrer == null ? -1 : referrer.indexOf("op=");
        if (at < 0) {
            return "";
        }
        int end = referrer.indexOf('&', at);
        return " [" + referrer.substring(at + 3, end < 0 ? referrer.length() : end) + "]";
    }

    /** Path-style S3: "/bucket" or "/bucket/" (with a query) addresses the bucket, longer paths an object. */
    static Kind classify(String head) {
        String requestLine = head.substring(0, head.indexOf('\r'));
        String[] parts = requestLine.split(" ");
        String method = parts[0];
        String target = parts.length > 1 ? parts[1] : "/";
        int q = target.indexOf('?');
        String path = q < 0 ? target : target.substring(0, q);
        boolean bucketLevel = path.indexOf('/', 1) < 0 || path.indexOf('/', 1) == path.length() - 1;
        switch (method) {
            case "GET":
                return bucketLevel ? Kind.LIST : Kind.GET;
            case "HEAD":
                return Kind.HEAD;
            case "PUT":
                if (header(head, "x-amz-copy-source") != null) {
                    return Kind.COPY;
                }
                return q >= 0 && ("&" + target.substring(q + 1) + "&").contains("&renameObject") ? Kind.RENAME : Kind.PUT;
            case "DELETE":
                return Kind.DELETE;
            case "POST":
                return Kind.POST;
            default:
                return Kind.OTHER;
        }
    }

    private static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // best effort on teardown
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
    }
}
