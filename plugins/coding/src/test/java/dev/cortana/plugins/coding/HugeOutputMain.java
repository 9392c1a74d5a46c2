package dev.cortana.plugins.coding;

import java.nio.file.Path;

/** Runs a command printing 1 GiB through {@link BashRunner} in a JVM with a small heap; prints the result. */
public final class HugeOutputMain {

    public static void main(String[] args) throws Exception {
        BashRunner runner = new BashRunner(Path.of(args[0]), 500, 51_200);
        BashResult result = runner.run("yes 0123456789abcdefghijklmnopqrstuvwxyz | head -c 1073741824", 120);
        System.out.println("bytes=" + result.totalBytes() + " lines=" + result.totalLines() + " exit=" + result.exitCode()
                + " file=" + result.fullOutput().map(Path::toString).orElse("none")
                + " heapUsedMb=" + (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) / (1024 * 1024));
        result.fullOutput().ifPresent(file -> file.toFile().delete());
    }
}
