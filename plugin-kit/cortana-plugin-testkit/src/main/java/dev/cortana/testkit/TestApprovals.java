package dev.cortana.testkit;

import dev.cortana.api.Approvals;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The master user's side of approval questions, scripted: each question is recorded and answered with the next
 * scripted decision, or with the default one (DENIED unless set otherwise, as a host with no channel answers).
 *
 * <pre>{@code
 * cortana.approvals().answerNext(Approvals.Decision.APPROVED);
 * cortana.chat("delete my build folder");
 * assertThat(cortana.approvals().questions()).singleElement().asString().contains("rm -rf build");
 * }</pre>
 *
 * @since 0.1.0
 */
public final class TestApprovals implements Approvals {

    private final Queue<Decision> next = new ConcurrentLinkedQueue<>();
    private final List<String> questions = new CopyOnWriteArrayList<>();
    private volatile Decision otherwise;

    TestApprovals(Decision otherwise) {
        this.otherwise = Objects.requireNonNull(otherwise, "otherwise");
    }

    /**
     * Records the question and answers with the next scripted decision, else the default.
     *
     * @since 0.1.0
     */
    @Override
    public Decision ask(String question, Duration timeout) {
        questions.add(question);
        Decision scripted = next.poll();
        return scripted != null ? scripted : otherwise;
    }

    /**
     * Answers the next questions with {@code decisions}, in order.
     *
     * @return this
     * @since 0.1.0
     */
    public TestApprovals answerNext(Decision... decisions) {
        for (Decision decision : decisions) {
            next.add(Objects.requireNonNull(decision, "decision"));
        }
        return this;
    }

    /**
     * Answers every question not scripted by {@link #answerNext} with {@code decision}.
     *
     * @return this
     * @since 0.1.0
     */
    public TestApprovals answerAll(Decision decision) {
        otherwise = Objects.requireNonNull(decision, "decision");
        return this;
    }

    /**
     * The questions asked so far, oldest first.
     *
     * @since 0.1.0
     */
    public List<String> questions() {
        return List.copyOf(questions);
    }
}
