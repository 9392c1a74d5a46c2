package dev.cortana.plugins.coding;

import static dev.cortana.plugins.coding.CodingContexts.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cortana.api.Approvals;
import dev.cortana.api.tools.AgentTool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code BASH_SANDBOX}: what runs when bubblewrap is missing or refused, and that the user is told. The machines here
 * are real: an empty {@code PATH}, or a {@code bwrap} on {@code PATH} that fails the way a container refuses it.
 */
class SandboxChoiceTest {

    @RegisterExtension
    final CodingContexts contexts = new CodingContexts();

    @TempDir
    Path workspace;
    @TempDir
    Path bin;

    /** A PATH with bash and the usual tools but no bwrap. */
    private String pathWithoutBwrap() throws Exception {
        for (String tool : new String[] {"bash", "echo", "env", "true", "cat"}) {
            Path real = Path.of("/bin", tool).toRealPath();
            Files.createSymbolicLink(bin.resolve(tool), real);
        }
        return bin.toString();
    }

    private static dev.cortana.api.tools.ToolHandler bash(CodingToolProvider provider) {
        return provider.dynamicTools().stream().filter(t -> t.name().equals("execute_bash")).findFirst().orElseThrow()
                .handler();
    }

    private static String names(CodingToolProvider provider) {
        return String.join(",", provider.dynamicTools().stream().map(AgentTool::name).toList());
    }

    @Test
    void autoWithoutBubblewrapRunsUnsandboxedAndSaysSoPlainly() throws Exception {
        CodingToolProvider provider = new CodingToolProvider(
                contexts.open(workspace, Map.of(), Approvals.Decision.DENIED), Map.of("PATH", pathWithoutBwrap()));

        assertThat(provider.statusNote()).contains("execute_bash runs WITHOUT a sandbox: bwrap (bubblewrap) is not "
                + "installed (BASH_SANDBOX=auto; commands can read and write everything Cortana's user can)");
        assertThat(names(provider)).isEqualTo("execute_bash,read_file,write_file,edit_file");
        assertThat(bash(provider).handle(call("execute_bash", "command", "echo ran")))
                .isEqualTo("ran");
    }

    @Test
    void autoWithABubblewrapThatIsRefusedSaysWhatBwrapSaid() throws Exception {
        fakeBwrap("echo 'bwrap: No permissions to create new namespace, likely because the kernel does not allow "
                + "non-privileged user namespaces.' >&2; exit 1");

        CodingToolProvider provider = new CodingToolProvider(
                contexts.open(workspace, Map.of(), Approvals.Decision.DENIED), Map.of("PATH", bin + ":/usr/bin:/bin"));

        assertThat(provider.statusNote()).contains("execute_bash runs WITHOUT a sandbox: bubblewrap does not work here: "
                + "bwrap: No permissions to create new namespace, likely because the kernel does not allow "
                + "non-privileged user namespaces. (BASH_SANDBOX=auto; commands can read and write everything "
                + "Cortana's user can)");
    }

    @Test
    void requiredWithoutAWorkingSandboxOffersNoExecuteBashButTheFileTools() throws Exception {
        fakeBwrap("echo 'bwrap: Creating new namespace failed: Operation not permitted' >&2; exit 1");

        CodingToolProvider provider = new CodingToolProvider(contexts.open(workspace,
                Map.of("BASH_SANDBOX", "required"), Approvals.Decision.DENIED), Map.of("PATH", bin + ":/usr/bin:/bin"));

        assertThat(names(provider)).isEqualTo("read_file,write_file,edit_file");
        assertThat(provider.statusNote()).contains("execute_bash is not offered: BASH_SANDBOX=required, but bubblewrap "
                + "does not work here: bwrap: Creating new namespace failed: Operation not permitted");
    }

    @Test
    void offRunsUnsandboxedAndSaysSo() throws Exception {
        CodingToolProvider provider = new CodingToolProvider(contexts.open(workspace,
                Map.of("BASH_SANDBOX", "off"), Approvals.Decision.DENIED), Map.of("PATH", "/usr/bin:/bin"));

        assertThat(provider.statusNote()).contains("execute_bash runs without a sandbox (BASH_SANDBOX=off): commands "
                + "can read and write everything Cortana's user can");
        assertThat(bash(provider)
                .handle(call("execute_bash", "command", "echo x >> notes.md; cat notes.md"))).isEqualTo("x");
    }

    @Test
    void withoutExecuteBashThereIsNothingToSay() {
        CodingToolProvider provider = new CodingToolProvider(contexts.open(workspace,
                Map.of("ENABLE_BASH_TOOL", "false"), Approvals.Decision.DENIED), Map.of("PATH", "/usr/bin:/bin"));

        assertThat(provider.statusNote()).isEmpty();
    }

    @Test
    void unknownSandboxValuesAreRefusedAtStart() {
        assertThatThrownBy(() -> new CodingToolProvider(contexts.open(workspace, Map.of("BASH_SANDBOX", "maybe"))))
                .hasMessage("BASH_SANDBOX='maybe' is not valid: expected one of auto, required or off");
        assertThatThrownBy(() -> new CodingToolProvider(contexts.open(workspace,
                Map.of("BASH_SANDBOX_NETWORK", "yes"))))
                .hasMessage("BASH_SANDBOX_NETWORK='yes' is not valid: expected one of on or off");
    }

    @Test
    void theSandboxEnvironmentKeepsOnlyTheAllowList() {
        Map<String, String> environment = BashSandbox.environment(Map.of("PATH", "/usr/bin", "HOME", "/home/c",
                "LANG", "C.UTF-8", "LC_ALL", "C", "TZ", "UTC", "OPENAI_API_KEY", "sk-1", "DISCORD_TOKEN", "t",
                "JAVA_TOOL_OPTIONS", "-Dx=y", "LC_API_TOKEN", "t2"));

        assertThat(environment).containsOnlyKeys("PATH", "HOME", "LANG", "LC_ALL", "TZ");
    }

    private void fakeBwrap(String script) throws Exception {
        Path bwrap = bin.resolve("bwrap");
        Files.writeString(bwrap, "#!/bin/sh\n" + script + "\n");
        Files.setPosixFilePermissions(bwrap, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
