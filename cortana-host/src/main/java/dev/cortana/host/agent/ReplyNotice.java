package dev.cortana.host.agent;

import java.util.Optional;

/**
 * A sentence every reply carries while something beside the model is wrong, such as the database being away: the
 * user learns it once per message, whatever the model said (or whichever tools failed) during the turn.
 *
 * <pre>{@code
 * long mark = notice.mark();   // as the turn starts
 * ... the turn ...
 * notice.since(mark)           // the sentence to append, if any
 * }</pre>
 */
public interface ReplyNotice {

    /** No notice, ever. */
    ReplyNotice NONE = new ReplyNotice() {
        @Override
        public long mark() {
            return 0;
        }

        @Override
        public Optional<String> since(long mark) {
            return Optional.empty();
        }
    };

    /** Taken as a turn starts. */
    long mark();

    /** The sentence for a turn that started at {@code mark}, or empty. */
    Optional<String> since(long mark);
}
