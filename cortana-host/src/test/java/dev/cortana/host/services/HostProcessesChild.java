package dev.cortana.host.services;

import dev.cortana.host.workspace.HostWorkspace;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** A stand-in for Cortana in its own JVM: starts one long-running child through HostProcesses, then waits. */
public final class HostProcessesChild {

    public static void main(String[] args) throws Exception {
        HostProcesses processes = new HostProcesses("test", HostWorkspace.open(Path.of(args[0])));
        Process child = processes.start(List.of("python3", "-c",
                "import time; print('ready', flush=True); time.sleep(300)", args[1]), Map.of(), Path.of(args[0]));
        // Only once the child runs is the sandbox set up (bubblewrap's die-with-parent armed): a kill before that is
        // a different race from the one the test is about.
        new java.io.BufferedReader(new java.io.InputStreamReader(child.getInputStream())).readLine();
        System.out.println("started " + processes.description());
        System.out.flush();
        Thread.sleep(600_000);
    }
}
