package dev.cortana.plugins.mcp;

import dev.cortana.api.SandboxedProcesses;
import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.schema.JsonSchemaValidator;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * One configured MCP server and its connection: started, watched (process exit, failed pings), restarted with
 * backoff while the entry stays in {@code mcp.json}, stopped when it leaves. Every state change calls
 * {@code onChange} (the plugin then tells the host its tools changed).
 */
final class McpServer {

    private static final Logger log = LoggerFactory.getLogger(McpServer.class);
    private static final JsonSchemaValidator NO_VALIDATION = (schema, content) ->
            JsonSchemaValidator.ValidationResponse.asValid(null);
    private static final long[] BACKOFF_SECONDS = {1, 2, 4, 8, 16, 30, 60};

    enum State { STARTING, UP, DOWN, STOPPED }

    /** What is scheduled later on the plugin's scheduler. */
    interface Later {
        ScheduledFuture<?> after(Duration delay, Runnable task);
    }

    private final ServerEntry entry;
    private final McpSettings settings;
    private final McpJsonMapper mapper;
    private final SandboxedProcesses processes; // null: this host starts no child processes
    private final Path workingDirectory;
    private final Later later;
    private final Clock clock;
    private final Runnable onChange;

    private volatile State state = State.STARTING;
    private volatile String lastError = "";
    private volatile Instant since;
    private volatile List<McpSchema.Tool> tools = List.of();
    private volatile int leftOut;
    private volatile McpAsyncClient client;
    private volatile Process process;
    private volatile Instant upSince;
    private final Set<CompletableFuture<?>> calls = ConcurrentHashMap.newKeySet();
    private final List<String> stderrTail = new ArrayList<>();
    private int attempts;
    private int generation;
    private ScheduledFuture<?> retry;

    McpServer(ServerEntry entry, McpSettings settings, McpJsonMapper mapper, SandboxedProcesses processes,
              Path workingDirectory, Later later, Clock clock, Runnable onChange) {
        this.entry = entry;
        this.settings = settings;
        this.mapper = mapper;
        this.processes = processes;
        this.workingDirectory = workingDirectory;
        this.later = later;
        this.clock = clock;
        this.onChange = onChange;
        this.since = clock.instant();
    }

    ServerEntry entry() { return entry; }
    String lastError() { return lastError; }
    Instant since() { return since; }
    int attempts() { return attempts; }

    /** The state and the tools it offers (its own names, allow/deny applied), read together; no tools unless up. */
    record Snapshot(State state, List<McpSchema.Tool> tools) { }

    synchronized Snapshot snapshot() {
        return new Snapshot(state, state == State.UP ? tools : List.of());
    }

    /** Connects: starts the process (stdio) on the calling thread; the handshake runs asynchronously. */
    void start() {
        int gen;
        synchronized (this) {
            if (state == State.STOPPED) {
                return;
            }
            gen = ++generation;
            state = State.STARTING;
            since = clock.instant();
        }
        McpAsyncClient started;
        try {
            started = McpClient.async(transport(gen))
                    .clientInfo(new McpSchema.Implementation("cortana", "0.1.0"))
                    .requestTimeout(settings.toolTimeout().plusSeconds(5)) // our own limit answers first
                    .initializationTimeout(settings.startTimeout())
                    .jsonSchemaValidator(NO_VALIDATION)
                    .toolsChangeConsumer(list -> Mono.fromRunnable(() -> toolsListed(gen, list)))
                    .build();
        } catch (IOException | RuntimeException e) {
            failed(gen, "did not start: " + describe(e));
            return;
        }
        synchronized (this) {
            if (gen != generation) {
                started.close();
                return;
            }
            client = started;
        }
        started.initialize()
                .then(Mono.defer(() -> listAll(started, null, new ArrayList<>())))
                .timeout(settings.startTimeout())
                .subscribe(list -> connected(gen, list), e -> failed(gen, "did not start: " + describe(e)));
    }

    private McpClientTransport transport(int gen) throws IOException {
        if (!entry.stdio()) {
            URI url = entry.url();
            String base = url.getScheme() + "://" + url.getRawAuthority();
            String endpoint = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
            if (url.getRawQuery() != null) {
                endpoint += "?" + url.getRawQuery();
            }
            HttpRequest.Builder request = HttpRequest.newBuilder();
            entry.headers().forEach(request::header);
            return HttpClientStreamableHttpTransport.builder(base)
                    .endpoint(endpoint)
                    .jsonMapper(mapper)
                    .requestBuilder(request)
                    .connectTimeout(Duration.ofSeconds(10))
                    .build();
        }
        if (processes == null) {
            throw new IOException("this Cortana cannot start child processes for plugins (it is older than 0.2.0)");
        }
        Process started = processes.start(entry.command(), entry.env(), workingDirectory);
        process = started;
        Thread stderr = new Thread(() -> readStderr(started), "mcp-" + entry.toolPrefix() + "-stderr");
        stderr.setDaemon(true);
        stderr.start();
        started.onExit().thenRun(() -> {
            try {
                Thread.sleep(50); // let the stderr reader catch the last words
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            failed(gen, "exited with status " + started.exitValue() + lastStderr());
        });
        return new StdioTransport(started, mapper, entry.toolPrefix());
    }

    private void readStderr(Process started) {
        try (BufferedReader lines = new BufferedReader(
                new InputStreamReader(started.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                synchronized (stderrTail) {
                    stderrTail.add(line.length() > 300 ? line.substring(0, 300) : line);
                    if (stderrTail.size() > 20) {
                        stderrTail.remove(0);
                    }
                }
            }
        } catch (IOException ignored) {
            // the process ended
        }
    }

    private String lastStderr() {
        synchronized (stderrTail) {
            for (int i = stderrTail.size() - 1; i >= 0; i--) {
                if (!stderrTail.get(i).isBlank()) {
                    return ": " + stderrTail.get(i).strip();
                }
            }
        }
        return "";
    }

    private Mono<List<McpSchema.Tool>> listAll(McpAsyncClient c, String cursor, List<McpSchema.Tool> into) {
        Mono<McpSchema.ListToolsResult> page = cursor == null ? c.listTools() : c.listTools(cursor);
        return page.flatMap(result -> {
            if (result.tools() != null) {
                into.addAll(result.tools());
            }
            String next = result.nextCursor();
            return next == null || next.isEmpty() || into.size() > 1000 ? Mono.just(into) : listAll(c, next, into);
        });
    }

    private void connected(int gen, List<McpSchema.Tool> list) {
        synchronized (this) {
            if (gen != generation || state == State.STOPPED) {
                return;
            }
            tools = filter(list);
            state = State.UP;
            since = clock.instant();
            upSince = since;
            lastError = lastError.isEmpty() ? "" : lastError; // kept for /mcp: why it was down before
        }
        log.info("MCP server {} is up ({}, {} tools)", entry.name(), entry.kind(), tools.size());
        onChange.run();
    }

    private void toolsListed(int gen, List<McpSchema.Tool> list) {
        synchronized (this) {
            if (gen != generation || state != State.UP) {
                return;
            }
            tools = filter(list);
        }
        onChange.run();
    }

    /** The tools allow/deny let through, at most MCP_MAX_TOOLS of them (in the server's order). */
    private List<McpSchema.Tool> filter(List<McpSchema.Tool> list) {
        List<McpSchema.Tool> allowed = list.stream().filter(t -> t.name() != null && entry.offers(t.name())).toList();
        leftOut = Math.max(0, allowed.size() - settings.maxTools());
        return allowed.size() > settings.maxTools() ? allowed.subList(0, settings.maxTools()) : allowed;
    }

    /** How many allowed tools MCP_MAX_TOOLS left out. */
    int leftOut() {
        return leftOut;
    }

    /** The connection of generation {@code gen} failed: withdraw the tools, and try again after a backoff. */
    void failed(int gen, String why) {
        synchronized (this) {
            if (gen != generation || state == State.STOPPED || state == State.DOWN) {
                return;
            }
            if (upSince != null && Duration.between(upSince, clock.instant()).toSeconds() >= 60) {
                attempts = 0; // it ran a good while: this is a new failure, not a crash loop
            }
            upSince = null;
            state = State.DOWN;
            since = clock.instant();
            lastError = why;
            long delay = BACKOFF_SECONDS[Math.min(attempts, BACKOFF_SECONDS.length - 1)];
            attempts++;
            disconnect();
            try {
                retry = later.after(Duration.ofSeconds(delay), this::start);
                log.warn("MCP server {} is down ({}); next attempt in {} s", entry.name(), why, delay);
            } catch (IllegalStateException stopping) {
                state = State.STOPPED; // the plugin is stopping: no more attempts
                return;
            }
        }
        onChange.run();
    }

    /** Pings a server that is up; no answer within the ping interval (at most 10 s) counts as down. */
    void ping() {
        McpAsyncClient c = client;
        int gen;
        synchronized (this) {
            if (state != State.UP || c == null) {
                return;
            }
            gen = generation;
        }
        Duration limit = settings.pingInterval().compareTo(Duration.ofSeconds(10)) < 0
                ? settings.pingInterval() : Duration.ofSeconds(10);
        c.ping().timeout(limit).subscribe(ok -> { }, e -> failed(gen, "stopped answering: " + describe(e)));
    }

    /** Calls one of the server's tools (its own name) within the tool time limit. */
    McpSchema.CallToolResult call(String tool, Map<String, Object> arguments) throws Exception {
        McpAsyncClient c = client;
        int gen;
        synchronized (this) {
            if (state != State.UP || c == null) {
                throw new IllegalStateException("MCP server " + entry.name() + " is down"
                        + (lastError.isEmpty() ? "" : " (" + lastError + ")") + "; try again later");
            }
            gen = generation;
        }
        CompletableFuture<McpSchema.CallToolResult> future =
                c.callTool(new McpSchema.CallToolRequest(tool, arguments)).toFuture();
        calls.add(future);
        try {
            return future.get(settings.toolTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new IllegalStateException("MCP server " + entry.name() + " did not answer within "
                    + settings.toolTimeout().toSeconds() + " s (MCP_TOOL_TIMEOUT)");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TimeoutException) {
                throw new IllegalStateException("MCP server " + entry.name() + " did not answer within "
                        + settings.toolTimeout().toSeconds() + " s (MCP_TOOL_TIMEOUT)");
            }
            if (gen != generation) {
                throw new IllegalStateException("MCP server " + entry.name() + " went down during the call ("
                        + lastError + ")");
            }
            throw new IllegalStateException("MCP server " + entry.name() + ": " + describe(e.getCause()));
        } finally {
            calls.remove(future);
        }
    }

    /** The entry left mcp.json, or the plugin stops. */
    synchronized void stop() {
        state = State.STOPPED;
        generation++;
        if (retry != null) {
            retry.cancel(false);
        }
        disconnect();
    }

    private void disconnect() {
        McpAsyncClient c = client;
        client = null;
        for (CompletableFuture<?> call : calls) {
            call.completeExceptionally(new IOException("the server went down: " + lastError));
        }
        if (c != null) {
            try {
                c.close();
            } catch (RuntimeException ignored) {
                // closing a broken connection
            }
        }
        Process p = process;
        process = null;
        if (p != null && p.isAlive()) {
            p.destroy();
            p.onExit().completeOnTimeout(null, 2, TimeUnit.SECONDS).thenRun(() -> {
                if (p.isAlive()) {
                    p.destroyForcibly();
                }
            });
        }
    }

    static String describe(Throwable e) {
        Throwable t = e;
        while ((t instanceof ExecutionException || t instanceof java.util.concurrent.CompletionException
                || (t.getMessage() == null && t.getCause() != null)) && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof TimeoutException) {
            return "no answer in time";
        }
        String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        message = message.strip().replaceAll("\\s+", " ");
        return message.length() > 200 ? message.substring(0, 200) + "…" : message;
    }

}
