package dev.cortana.testkit;

import dev.cortana.api.Approvals;
import dev.cortana.host.channel.MasterChannel;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/** The test's channel to the master user: what the host sends is recorded, approval questions answered by script. */
final class KitChannel implements MasterChannel {

    private final String masterUserId;
    private final TestNotifier messages;
    private final TestApprovals approvals;

    private final AtomicReference<String> failing;

    KitChannel(String masterUserId, TestNotifier messages, TestApprovals approvals, AtomicReference<String> failing) {
        this.masterUserId = masterUserId;
        this.failing = failing;
        this.messages = messages;
        this.approvals = approvals;
    }

    @Override
    public void notify(String text) {
        messages.record(text);
    }

    @Override
    public void deliver(String text, String nonce, Consumer<Optional<String>> done) {
        String failure = failing.get();
        if (failure != null) { // CortanaTestHost.failDeliveries: the channel refuses it, nothing arrives
            done.accept(Optional.of(failure));
            return;
        }
        notify(text);
        done.accept(Optional.empty());
    }

    @Override
    public Approvals.Decision askApproval(String question, Duration timeout) {
        return approvals.ask(question, timeout);
    }

    @Override
    public String masterUserId() {
        return masterUserId;
    }
}
