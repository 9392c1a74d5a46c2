package dev.cortana.plugins.mcp;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/**
 * MCP's stdio transport over a process the host started ({@code context.processes()}): one JSON-RPC message per line
 * on the server's standard input and output. The SDK's own {@code StdioClientTransport} starts the process itself,
 * outside the host's sandbox and environment rules, so the plugin brings this one.
 */
final class StdioTransport implements McpClientTransport {

    private final Process process;
    private final McpJsonMapper mapper;
    private final String name;
    private final OutputStream stdin;
    private volatile Consumer<Throwable> exceptionHandler = e -> { };

    StdioTransport(Process process, McpJsonMapper mapper, String name) {
        this.process = process;
        this.mapper = mapper;
        this.name = name;
        this.stdin = process.getOutputStream();
    }

    @Override
    public Mono<Void> connect(Function<Mono<McpSchema.JSONRPCMessage>, Mono<McpSchema.JSONRPCMessage>> handler) {
        return Mono.fromRunnable(() -> {
            Thread reader = new Thread(() -> read(handler), "mcp-" + name + "-stdout");
            reader.setDaemon(true);
            reader.start();
        });
    }

    private void read(Function<Mono<McpSchema.JSONRPCMessage>, Mono<McpSchema.JSONRPCMessage>> handler) {
        try (BufferedReader lines = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                McpSchema.JSONRPCMessage message;
                try {
                    message = McpSchema.deserializeJsonRpcMessage(mapper, line);
                } catch (IOException | RuntimeException e) {
                    continue; // a server's stray log line on stdout is not fatal
                }
                handler.apply(Mono.just(message)).subscribe(m -> { }, exceptionHandler);
            }
        } catch (IOException e) {
            // the process ended: McpServer learns it from Process.onExit()
        }
    }

    @Override
    public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
        return Mono.fromRunnable(() -> {
            try {
                byte[] json = mapper.writeValueAsBytes(message);
                synchronized (stdin) {
                    stdin.write(json);
                    stdin.write('\n');
                    stdin.flush();
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("the server's input is closed (" + e.getMessage() + ")", e);
            }
        });
    }

    @Override
    public void setExceptionHandler(Consumer<Throwable> handler) {
        this.exceptionHandler = handler;
    }

    @Override
    public Mono<Void> closeGracefully() {
        return Mono.fromRunnable(() -> {
            try {
                stdin.close();
            } catch (IOException ignored) {
                // already gone
            }
            process.destroy();
        });
    }

    @Override
    public <T> T unmarshalFrom(Object data, TypeRef<T> type) {
        return mapper.convertValue(data, type);
    }
}
