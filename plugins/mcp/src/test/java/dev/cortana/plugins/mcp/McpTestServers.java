package dev.cortana.plugins.mcp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/** The real MCP test server (mcp_test_server.py: stdio or streamable HTTP) and helpers to configure and await it. */
final class McpTestServers {

    private McpTestServers() {
    }

    private static Path script;

    /**
     * The test server's script, copied out of {@code /tmp}: the sandbox gives a stdio server a private {@code /tmp},
     * so a server file under it (a checkout in {@code /tmp}, as CI may have) would not exist for the server.
     */
    static synchronized Path script() {
        if (script != null) {
            return script;
        }
        try {
            Path built = Path.of(McpTestServers.class.getResource("/mcp_test_server.py").toURI());
            if (!built.toAbsolutePath().startsWith("/tmp")) {
                return script = built;
            }
            Path dir = Files.createDirectories(Path.of(System.getProperty("user.home"), ".cache", "cortana-mcp-test",
                    String.valueOf(ProcessHandle.current().pid())));
            Path copy = dir.resolve("mcp_test_server.py");
            Files.copy(built, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            dir.toFile().deleteOnExit(); // registered first, deleted after the file
            copy.toFile().deleteOnExit();
            return script = copy;
        } catch (URISyntaxException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An {@code mcpServers} entry that runs the test server over stdio with these extra arguments. */
    static String stdioEntry(String name, String extraJson, String... args) {
        StringBuilder argv = new StringBuilder("\"" + script() + "\"");
        for (String arg : args) {
            argv.append(", \"").append(arg).append('"');
        }
        return "\"" + name + "\": {\"command\": \"python3\", \"args\": [" + argv + "]"
                + (extraJson.isEmpty() ? "" : ", " + extraJson) + "}";
    }

    static String config(String... entries) {
        return "{\"mcpServers\": {" + String.join(", ", entries) + "}}";
    }

    static Path write(Path file, String json) {
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, json);
            return Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path tempConfig(String json) {
        try {
            Path dir = Files.createTempDirectory("cortana-mcp-test-");
            return write(dir.resolve("mcp.json"), json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) {
        long end = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("Timed out after " + timeout.toSeconds() + " s waiting until " + what);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** Processes whose command line contains {@code marker} (read from /proc, so sandboxed ones count too). */
    static List<Long> processesWith(String marker) {
        try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
            return entries.filter(p -> p.getFileName().toString().matches("\\d+"))
                    .filter(p -> {
                        try {
                            String cmdline = new String(Files.readAllBytes(p.resolve("cmdline"))).replace('\0', ' ');
                            return cmdline.contains(marker) && cmdline.contains("mcp_test_server.py");
                        } catch (IOException e) {
                            return false;
                        }
                    })
                    .map(p -> Long.parseLong(p.getFileName().toString()))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The test server in HTTP mode on {@code port}, as a plain child of the test JVM. */
    static Process startHttp(int port, String... args) throws IOException {
        List<String> command = new java.util.ArrayList<>(List.of("python3", script().toString(), "--http",
                Integer.toString(port)));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        await("the HTTP test server listens on " + port, Duration.ofSeconds(10), () -> {
            try (java.net.Socket ignored = new java.net.Socket("127.0.0.1", port)) {
                return true;
            } catch (IOException e) {
                return false;
            }
        });
        return process;
    }
}
