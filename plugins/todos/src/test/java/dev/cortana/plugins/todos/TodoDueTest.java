package dev.cortana.plugins.todos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import org.junit.jupiter.api.Test;

/** Parsing and comparing due dates, without a database. */
class TodoDueTest {

    @Test
    void parsesIsoDatesAndDateTimes() {
        assertThat(Due.parse("2026-11-27")).isEqualTo(new Due(LocalDate.of(2026, 11, 27), null));
        assertThat(Due.parse("2026-11-27T09:00")).isEqualTo(new Due(LocalDate.of(2026, 11, 27), LocalTime.of(9, 0)));
        assertThat(Due.parse("2026-11-27T09:05:59.5")).isEqualTo(new Due(LocalDate.of(2026, 11, 27), LocalTime.of(9, 5)));
        assertThat(Due.parse("2028-02-29")).isEqualTo(new Due(LocalDate.of(2028, 2, 29), null));
    }

    @Test
    void rejectsAnythingElseShowingTheExpectedForm() {
        assertThatThrownBy(() -> Due.parse("Friday")).isInstanceOf(InvalidTodoInput.class).hasMessage(
                "due must be an ISO-8601 date like 2026-11-27 or date-time like 2026-11-27T09:00, got \"Friday\"");
        assertThatThrownBy(() -> Due.parse("2027-02-29")).isInstanceOf(InvalidTodoInput.class);
        assertThatThrownBy(() -> Due.parse("x".repeat(200))).hasMessageEndingWith("got \"" + "x".repeat(57) + "...\"");
    }

    @Test
    void aWholeDayIsOverdueOnlyFromTheNextDay() {
        LocalDateTime now = LocalDateTime.of(2026, 11, 25, 10, 0);
        assertThat(Due.parse("2026-11-24").isBefore(now)).isTrue();
        assertThat(Due.parse("2026-11-25").isBefore(now)).isFalse();
        assertThat(Due.parse("2026-11-25T09:59").isBefore(now)).isTrue();
        assertThat(Due.parse("2026-11-25T10:00").isBefore(now)).isFalse();
    }
}
