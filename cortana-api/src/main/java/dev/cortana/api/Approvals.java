package dev.cortana.api;

import java.time.Duration;

/**
 * Asks the master user to allow something before a plugin does it (run a shell command, delete files). The host
 * shows the question on the active channel (a button on Discord, a y/n prompt on the console) and waits.
 *
 * <pre>{@code
 * Approvals.Decision decision = context.approvals().ask("Run `rm -rf build/`?", Duration.ofMinutes(2));
 * if (decision != Approvals.Decision.APPROVED) {
 *     return "Not run: the user " + decision.describe() + ".";
 * }
 * }</pre>
 *
 * @since 0.1.0
 */
public interface Approvals {

    /** Blocks until the master answers or {@code timeout} passes. Never throws for a missing channel: that is DENIED. */
    Decision ask(String question, Duration timeout);

    enum Decision {
        APPROVED, DENIED, TIMED_OUT;

        /** {@code "approved"}, {@code "denied"}, {@code "did not answer in time"}: for tool results. */
        public String describe() {
            switch (this) {
                case APPROVED: return "approved";
                case DENIED: return "denied";
                default: return "did not answer in time";
            }
        }
    }
}
