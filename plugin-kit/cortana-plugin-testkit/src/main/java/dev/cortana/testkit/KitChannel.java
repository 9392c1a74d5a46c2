package dev.cortana.testkit;

import dev.cortana.api.Approvals;
import dev.cortana.host.channel.MasterChannel;
import java.time.Duration;

/** The test's channel to the master user: what the host sends is recorded, approval questions answered by script. */
final class KitChannel implements MasterChannel {

    private final String masterUserId;
    private final TestNotifier messages;
    private final TestApprovals approvals;

    KitChannel(String masterUserId, TestNotifier messages, TestApprovals approvals) {
        this.masterUserId = masterUserId;
        this.messages = messages;
        this.approvals = approvals;
    }

    @Override
    public void notify(String text) {
        messages.record(text);
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
