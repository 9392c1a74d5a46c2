package dev.cortana.plugins.todos;

import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.StringJoiner;
import java.util.function.Supplier;

/**
 * The text the tools return: short, user-presentable lines the model can repeat as they are. Dates are shown in
 * the user's time zone with English weekday names, whatever the JVM's default locale.
 */
final class TodoFormatter {

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("EEE uuuu-MM-dd", Locale.ENGLISH);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT);
    private static final int MAX_NOTES_SHOWN = 100;

    private final Clock clock;
    private final Supplier<ZoneId> userZone;

    TodoFormatter(Clock clock, Supplier<ZoneId> userZone) {
        this.clock = clock;
        this.userZone = userZone;
    }

    /** {@code Added "buy milk" (due Fri 2026-11-27).} The number shows in the list. */
    String added(Todo todo) {
        String due = todo.due().map(d -> " (due " + due(d) + ")").orElse("");
        return "Added \"" + todo.title() + "\"" + due + ".";
    }

    /** One line per todo, or {@code No open todos.} */
    String list(TodoRepository.Page page, TodoStatus status) {
        if (page.todos().isEmpty()) {
            switch (status) {
                case OPEN: return "No open todos.";
                case DONE: return "No done todos.";
                default: return "No todos.";
            }
        }
        LocalDateTime now = now();
        StringJoiner lines = new StringJoiner("\n");
        for (Todo todo : page.todos()) {
            lines.add(line(todo, status == TodoStatus.ALL, now));
        }
        int hidden = page.total() - page.todos().size();
        if (hidden > 0) {
            lines.add("…and " + hidden + " more.");
        }
        return lines.toString();
    }

    String completed(Todo todo) {
        return "Completed " + sentence(name(todo));
    }

    String alreadyDone(Todo todo) {
        return "Already done: " + sentence(name(todo));
    }

    String reopened(Todo todo) {
        return "Reopened " + sentence(name(todo));
    }

    String alreadyOpen(Todo todo) {
        return "Already open: " + sentence(name(todo));
    }

    /** {@code Updated 1. buy milk — due Fri 2026-11-27 — high priority.}: the todo as it is now. */
    String updated(Todo todo) {
        return "Updated " + sentence(line(todo, true, now()));
    }

    String deleted(Todo todo) {
        return "Deleted " + sentence(name(todo));
    }

    String notFound(int number) {
        return "Error: no todo #" + number + ". Call list_todos to see the numbers.";
    }

    String invalid(InvalidTodoInput e) {
        return "Error: " + e.getMessage();
    }

    /**
     * {@code 1. buy milk — due Fri 2026-11-27 (overdue) — high priority — notes: ...}; with {@code markDone}, a done
     * todo reads {@code 3. ✓ call mum}.
     */
    String line(Todo todo, boolean markDone, LocalDateTime now) {
        StringBuilder line = new StringBuilder().append(todo.number()).append(". ");
        if (markDone && todo.done()) {
            line.append("✓ ");
        }
        line.append(todo.title());
        todo.due().ifPresent(due -> {
            line.append(" — due ").append(due(due));
            if (!todo.done() && due.isBefore(now)) {
                line.append(" (overdue)");
            }
        });
        if (todo.priority() != Priority.NORMAL) {
            line.append(" — ").append(todo.priority().label()).append(" priority");
        }
        if (todo.notes() != null && !todo.notes().isBlank()) {
            line.append(" — notes: ").append(shorten(todo.notes()));
        }
        return line.toString();
    }

    /** {@code Fri 2026-11-27} or {@code Fri 2026-11-27 09:00}. */
    static String due(Due due) {
        String day = DAY.format(due.date());
        return due.time() == null ? day : day + " " + TIME.format(due.time());
    }

    private LocalDateTime now() {
        return LocalDateTime.ofInstant(clock.instant(), userZone.get());
    }

    private static String name(Todo todo) {
        return todo.number() + ". " + todo.title();
    }

    private static String sentence(String text) {
        return text.endsWith(".") || text.endsWith("!") || text.endsWith("?") ? text : text + ".";
    }

    /** Notes on one line, cut at {@value #MAX_NOTES_SHOWN} characters. */
    private static String shorten(String notes) {
        String oneLine = notes.strip().replaceAll("\\s+", " ");
        return oneLine.length() <= MAX_NOTES_SHOWN ? oneLine : oneLine.substring(0, MAX_NOTES_SHOWN - 1) + "…";
    }
}
