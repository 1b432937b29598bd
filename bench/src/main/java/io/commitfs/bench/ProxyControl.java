package io.commitfs.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A side door into the {@link CountingProxy} for a workload that runs in another process (the Spark
 * driver of the streaming workload): {@code GET /counts} answers the proxy's counts by kind and the request
 * targets recorded since the previous call, as JSON. It is a separate port, so these calls are never
 * counted as S3 requests.
 */
final class ProxyControl implements Closeable {

    private final HttpServer server;
    private final CountingProxy proxy;

    ProxyControl(CountingProxy proxy) throws IOException {
        this.proxy = proxy;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        server.createContext("/counts", exchange -> answer(exchange, json(proxy.snapshot(), proxy.drainTargets())));
        server.start();
        proxy.recordTargets(true);
    }

    String countsUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/counts";
    }

    private static String json(long[] counts, List<String> targets) {
        StringBuilder out = new StringBuilder("{\"counts\":{");
        for (CountingProxy.Kind kind : CountingProxy.Kind.values()) {
            out.append(kind.ordinal() == 0 ? "" : ",").append('"').append(kind).append("\":")
                    .append(counts[kind.ordinal()]);
        }
        return out.append("},\"targets\":[")
                .append(targets.stream().map(t -> '"' + t.replace("\\", "\\\\").replace("\"", "\\\"") + '"')
                        .collect(Collectors.joining(",")))
                .append("]}").toString();
    }

    private static void answer(HttpExchange exchange, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        proxy.recordTargets(false);
        server.stop(0);
    }
}
