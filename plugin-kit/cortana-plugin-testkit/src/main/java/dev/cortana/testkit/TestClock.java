package dev.cortana.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link Clock} the test moves by hand. Give it to {@link TestContextBuilder#clock(TestClock)} or read it from
 * {@link CortanaTestHost#clock()}: moving it there also runs the durable jobs that fell due, before
 * {@link #advance(Duration)} or {@link #set(Instant)} returns.
 *
 * <pre>{@code
 * TestClock clock = TestClock.at(Instant.parse("2026-11-25T09:00:00Z"));
 * context.jobs().schedule("remind", Schedule.at(clock.instant().plusSeconds(3600)), "{}");
 * clock.advance(Duration.ofHours(1));          // the job ran
 * }</pre>
 *
 * <p>It reads in UTC; {@link #withZone(ZoneId)} gives a fixed clock at the current instant. Thread-safe.
 *
 * @since 0.1.0
 */
public final class TestClock extends Clock {

    private volatile Instant now;
    private final List<Runnable> onMove = new CopyOnWriteArrayList<>();

    private TestClock(Instant start) {
        this.now = Objects.requireNonNull(start, "start");
    }

    /**
     * A clock standing at {@code start}.
     *
     * @since 0.1.0
     */
    public static TestClock at(Instant start) {
        return new TestClock(start);
    }

    /**
     * A clock standing at the current time, to the second.
     *
     * @since 0.1.0
     */
    public static TestClock atNow() {
        return new TestClock(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    }

    /**
     * Moves the clock forward (a negative duration moves it back), then runs what fell due.
     *
     * <pre>{@code
     * cortana.clock().advance(Duration.ofMinutes(30));
     * }</pre>
     *
     * @since 0.1.0
     */
    public void advance(Duration by) {
        synchronized (this) {
            now = now.plus(by);
        }
        moved();
    }

    /**
     * Sets the clock to {@code instant}, then runs what fell due.
     *
     * @since 0.1.0
     */
    public void set(Instant instant) {
        now = Objects.requireNonNull(instant, "instant");
        moved();
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return Clock.fixed(now, zone);
    }

    /** Runs {@code action} after each move, on the moving thread (the kit waits there for due jobs). */
    void onMove(Runnable action) {
        onMove.add(action);
    }

    void removeOnMove(Runnable action) {
        onMove.remove(action);
    }

    private void moved() {
        for (Runnable action : onMove) {
            action.run();
        }
    }

    @Override
    public String toString() {
        return "TestClock[" + now + "]";
    }
}
