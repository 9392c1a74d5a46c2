package dev.cortana.plugins.coding;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HugeOutputTest {

    @TempDir
    Path workspace;

    @Test
    void aCommandPrintingOneGigabyteRunsInA24MegabyteHeap() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-Xmx24m", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), HugeOutputMain.class.getName(), workspace.toString())
                .redirectErrorStream(true).start();
        assertThat(child.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String printed = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(child.exitValue()).as(printed).isZero();
        assertThat(printed).contains("bytes=1073741824 lines=29020050 exit=0 file=/");
    }
}
