package dev.cortana.host.agent;

import java.util.Optional;

/**
 * A sentence every reply carries while something beside the model is wrong, such as the database being away: the
 * user learns it once per message, whatever the model said (or whichever tools failed) during the turn. Asked as the
 * turn ends, so a turn that recovered (the database came back during it) does not claim an outage.
 *
 * <pre>{@code
 * ReplyNotice notice = () -> database.availability().notice();
 * }</pre>
 */
@FunctionalInterface
public interface ReplyNotice {

    /** No notice, ever. */
    ReplyNotice NONE = Optional::empty;

    /** The sentence to append to the reply of the turn that just ended, or empty. */
    Optional<String> current();
}
