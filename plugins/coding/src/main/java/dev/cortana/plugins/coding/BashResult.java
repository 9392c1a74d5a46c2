package dev.cortana.plugins.coding;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What one command did.
 *
 * @param output     the tail of stdout and stderr, interleaved as produced
 * @param exitCode   the exit code, or -1 when the command was killed for running too long
 * @param timedOut   whether the command was killed after {@code timeoutSeconds}
 * @param totalBytes how many bytes the command printed in all
 * @param totalLines how many lines the command printed in all
 * @param fullOutput the file holding the whole output, when the output was cut
 * @param notes      what the sandbox undid after the command, one sentence each (usually none)
 */
record BashResult(String output, int exitCode, boolean timedOut, int timeoutSeconds, long totalBytes, long totalLines,
                  Optional<Path> fullOutput, List<String> notes) {

    BashResult {
        notes = List.copyOf(notes);
    }
}
