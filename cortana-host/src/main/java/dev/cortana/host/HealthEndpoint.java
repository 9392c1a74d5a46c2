package dev.cortana.host;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.cortana.host.config.Config;
import dev.cortana.host.config.ConfigException;
import dev.cortana.host.plugins.PluginStatus;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code HEALTH_PORT}: {@code GET /health} answers what a container runtime or a monitor needs to know, as JSON, with
 * HTTP 200 when Cortana is healthy and 503 otherwise. Healthy means started ({@code ready}), the database reachable
 * and the channel not failing: serving Discord DMs, chatting on the console, or waiting for a Discord token ("not
 * configured": restarting would not help). It also says whether an LLM key is usable and each plugin's state. No
 * secrets: states, names and Cortana's own one-line reasons only.
 *
 * <p>Off unless {@code HEALTH_PORT} is set (the Docker image sets 8080): {@code 8080} listens on every interface,
 * {@code 127.0.0.1:8080} on that address only.
 */
public final class HealthEndpoint implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HealthEndpoint.class);
    private static final Pattern HOST_PORT = Pattern.compile("(?:(.+):)?(\\d{1,5})");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** How long one database check may take before the database counts as unreachable. */
    private static final long DATABASE_CHECK_MILLIS = 3000;

    private final HttpServer server;
    private final ExecutorService threads;
    private volatile Cortana cortana;
    private volatile Supplier<String> channel = () -> "starting";
    private volatile boolean stopping;

    private HealthEndpoint(HttpServer server, ExecutorService threads) {
        this.server = server;
        this.threads = threads;
    }

    /**
     * Starts serving when {@code HEALTH_PORT} is set; empty otherwise.
     *
     * @throws ConfigException for a malformed {@code HEALTH_PORT} or a port that cannot be opened, in the host's one form
     */
    public static Optional<HealthEndpoint> start(Config config) {
        Optional<String> value = config.get("HEALTH_PORT");
        if (value.isEmpty()) {
            return Optional.empty();
        }
        InetSocketAddress address = address(value.get());
        HttpServer server;
        try {
            server = HttpServer.create(address, 8);
        } catch (IOException | RuntimeException e) {
            throw ConfigException.invalid("HEALTH_PORT", value.get(), "a port Cortana can listen on (" + e.getMessage() + ")");
        }
        ExecutorService threads = Executors.newFixedThreadPool(4, Cortana.daemonThreads("health"));
        HealthEndpoint endpoint = new HealthEndpoint(server, threads);
        server.createContext("/health", endpoint::handle);
        server.setExecutor(threads);
        server.start();
        log.info("Health endpoint: GET http://{}:{}/health", address.getHostString(), server.getAddress().getPort());
        return Optional.of(endpoint);
    }

    /** {@code HEALTH_PORT}'s address: {@code 8080} (every interface) or {@code host:8080}. */
    static InetSocketAddress address(String value) {
        Matcher matcher = HOST_PORT.matcher(value.strip());
        int port = matcher.matches() ? Integer.parseInt(matcher.group(2)) : -1;
        if (port < 1 || port > 65535) {
            throw ConfigException.invalid("HEALTH_PORT", value,
                    "a port number from 1 to 65535, or host:port such as 127.0.0.1:8080");
        }
        return matcher.group(1) == null ? new InetSocketAddress(port) : new InetSocketAddress(matcher.group(1), port);
    }

    /** The port it listens on. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Cortana has started: its plugins, database and model router are what {@code /health} reports from now on. */
    public void started(Cortana started) {
        this.cortana = started;
    }

    /**
     * The channel's state as {@code /health} shows it: {@code console}, {@code not configured}, or the Discord
     * gateway's state ({@code connected}, {@code reconnecting}, ...); {@code healthy} says whether it is one of the
     * healthy ones.
     */
    public void channel(Supplier<String> state) {
        this.channel = state;
    }

    /** Shutdown has begun: {@code /health} answers 503 with status {@code stopping}. */
    public void stopping() {
        stopping = true;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
                exchange.getResponseHeaders().add("Allow", "GET, HEAD");
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            ObjectNode body = report();
            byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(body);
            exchange.getResponseHeaders().add("Content-Type", "application/json; charset=utf-8");
            exchange.getResponseHeaders().add("Cache-Control", "no-store");
            int status = body.get("healthy").asBoolean() ? 200 : 503;
            if (exchange.getRequestMethod().equals("HEAD")) {
                exchange.sendResponseHeaders(status, -1);
                return;
            }
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        } catch (RuntimeException e) {
            log.warn("The health endpoint failed to answer: {}", e.toString());
        }
    }

    /** What {@code GET /health} answers. */
    ObjectNode report() {
        ObjectNode body = JSON.createObjectNode();
        Cortana running = cortana;
        String channelState = channel.get();
        boolean ready = running != null && !stopping;
        body.put("status", stopping ? "stopping" : running == null ? "starting" : channelState.equals("not configured")
                ? "not configured" : "ready");
        body.put("ready", ready);
        body.put("version", Cortana.VERSION);
        body.put("channel", channelState);
        if (running == null) {
            body.put("healthy", false);
            return body;
        }
        boolean databaseReachable = databaseReachable(running);
        ObjectNode database = body.putObject("database");
        database.put("reachable", databaseReachable);
        database.put("embedded", running.database().embedded());
        ObjectNode llm = body.putObject("llm");
        Optional<String> problem = running.llmProblem();
        llm.put("model", running.config().modelName());
        llm.put("usable", problem.isEmpty());
        problem.ifPresent(p -> llm.put("problem", p));
        ArrayNode plugins = body.putArray("plugins");
        List<PluginStatus> statuses = running.plugins().statuses();
        for (PluginStatus status : statuses) {
            ObjectNode plugin = plugins.addObject();
            plugin.put("id", status.id());
            status.version().ifPresent(v -> plugin.put("version", v));
            plugin.put("state", status.state().toString().toLowerCase(java.util.Locale.ROOT));
            plugin.put("folder", status.file().getParent() == null ? "" : status.file().getParent().toString());
            status.reason().ifPresent(r -> plugin.put("reason", r));
        }
        boolean channelHealthy = channelState.equals("console") || channelState.equals("not configured")
                || channelState.equals("connected");
        body.put("healthy", ready && databaseReachable && channelHealthy);
        return body;
    }

    /** Whether the database answers a validity check within {@link #DATABASE_CHECK_MILLIS}. */
    private boolean databaseReachable(Cortana running) {
        CompletableFuture<Boolean> check = CompletableFuture.supplyAsync(() -> {
            try (Connection connection = running.database().dataSource().getConnection()) {
                return connection.isValid((int) (DATABASE_CHECK_MILLIS / 1000));
            } catch (Exception e) {
                return false;
            }
        }, threads);
        try {
            return check.get(DATABASE_CHECK_MILLIS, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            check.cancel(true);
            return false;
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
