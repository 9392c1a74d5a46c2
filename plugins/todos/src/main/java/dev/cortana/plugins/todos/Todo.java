package dev.cortana.plugins.todos;

import java.time.LocalDate;
import java.time.LocalTime;
import java.util.Optional;

/**
 * One row of {@code todos}.
 *
 * @param number   the todo's number in its owner's list: what lists show and what the tools take
 * @param notes    free text, or null
 * @param dueDate  the due day in the user's time zone, or null
 * @param dueTime  the due time of day, or null (only set with {@code dueDate})
 */
record Todo(int number, String title, String notes, LocalDate dueDate, LocalTime dueTime, Priority priority,
            boolean done) {

    Optional<Due> due() {
        return dueDate == null ? Optional.empty() : Optional.of(new Due(dueDate, dueTime));
    }
}
