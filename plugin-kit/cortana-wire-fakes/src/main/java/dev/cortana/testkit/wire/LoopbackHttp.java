package dev.cortana.testkit.wire;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Executor;

/** What every loopback fake of a remote HTTP service shares: a server on 127.0.0.1 and JSON replies. */
public final class LoopbackHttp {

    static {
        // The JDK server leaves Nagle's algorithm on unless told otherwise; small replies then wait ~40 ms for the
        // client's delayed ACK, which would swamp every latency measured against a fake. Read once per JVM, before
        // the first server starts: hence here, where every fake's server is made.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private LoopbackHttp() {
    }

    /** A started server on 127.0.0.1 at a free port, sending every path to {@code handler}. */
    public static HttpServer start(HttpHandler handler, Executor executor) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/", handler);
            server.setExecutor(executor);
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("a loopback fake could not bind a port", e);
        }
    }

    /** Sends {@code body} as {@code application/json} with {@code status} and extra {@code headers}. */
    public static void sendJson(HttpExchange exchange, int status, String body, Map<String, String> headers)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        headers.forEach(exchange.getResponseHeaders()::set);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
