package dev.cortana.host.conversation;

/**
 * What one compaction did.
 *
 * @param tokensBefore       tokens of the history before (summary and messages, no system prompt)
 * @param tokensAfter        tokens of the history after
 * @param summarisedMessages messages folded out of the history (0 when there was nothing old enough to fold),
 *                           including those dropped
 * @param keptExchanges      user/assistant exchanges kept verbatim
 * @param droppedMessages    of those, messages the model refused to summarise as too long for its window: they are
 *                           gone, replaced by a notice in the summary
 */
public record Compaction(int tokensBefore, int tokensAfter, int summarisedMessages, int keptExchanges,
                         int droppedMessages) {

    public boolean happened() {
        return summarisedMessages > 0;
    }

    /** This compaction followed by {@code next} on the same conversation, as one. */
    public Compaction then(Compaction next) {
        return new Compaction(tokensBefore, next.tokensAfter, summarisedMessages + next.summarisedMessages,
                next.keptExchanges, droppedMessages + next.droppedMessages);
    }
}
