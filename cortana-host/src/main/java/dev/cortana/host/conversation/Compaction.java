package dev.cortana.host.conversation;

/**
 * What one compaction did.
 *
 * @param tokensBefore       tokens of the history before (summary and messages, no system prompt)
 * @param tokensAfter        tokens of the history after
 * @param summarisedMessages messages folded into the summary (0 when there was nothing old enough to fold)
 * @param keptExchanges      user/assistant exchanges kept verbatim
 */
public record Compaction(int tokensBefore, int tokensAfter, int summarisedMessages, int keptExchanges) {

    public boolean happened() {
        return summarisedMessages > 0;
    }
}
