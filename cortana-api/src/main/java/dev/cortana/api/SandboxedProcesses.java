package dev.cortana.api;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Starts long-running child processes for a plugin (an MCP server, a language server) the way Cortana runs the
 * agent's shell commands: in the bubblewrap sandbox when it works on this machine, with only the environment the
 * plugin passes (plus {@code PATH}, {@code HOME}, {@code USER}, {@code LOGNAME}, {@code SHELL}, {@code LANG},
 * {@code LANGUAGE}, {@code LC_*}, {@code TERM}, {@code TZ} from Cortana's), never Cortana's keys.
 *
 * <p>In the sandbox the process sees the file system read-only except the workspace, a private {@code /tmp}, its own
 * process namespace, the network, and none of Cortana's private files ({@link Workspace#privatePaths()}: a folder
 * shows empty, a file reads as empty). Without bubblewrap it is a plain child process. Either way it never outlives
 * Cortana: it is killed when the plugin stops or Cortana exits, and when Cortana is killed ({@code kill -9}) the
 * sandbox's die-with-parent (or, without the sandbox, a small watchdog process) ends it within about a second.
 *
 * <pre>{@code
 * Process server = context.processes().start(List.of("npx", "-y", "@modelcontextprotocol/server-memory"),
 *         Map.of("MEMORY_FILE", "memory.json"), context.workspace().root());
 * }</pre>
 *
 * @since 0.2.0
 */
public interface SandboxedProcesses {

    /**
     * Starts {@code command} (program and arguments, no shell) in {@code workingDirectory} with {@code environment}
     * added to the basic variables above (the plugin's value wins). Its standard input, output and error are pipes
     * to the returned process.
     *
     * @throws IOException when the program cannot be started (not found, not executable)
     */
    Process start(List<String> command, Map<String, String> environment, Path workingDirectory) throws IOException;

    /** Whether processes started here run in the bubblewrap sandbox. */
    boolean sandboxed();

    /**
     * One short line for the user: {@code "in a bubblewrap sandbox"}, or {@code "WITHOUT a sandbox: bwrap is not
     * installed"} with the reason.
     */
    String description();
}
