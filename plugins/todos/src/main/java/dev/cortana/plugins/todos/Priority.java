package dev.cortana.plugins.todos;

import java.util.Locale;

/** A todo's priority; stored lower-case in {@code todos.priority}. */
enum Priority {
    LOW, NORMAL, HIGH;

    /** The database and user-facing spelling: {@code low}, {@code normal}, {@code high}. */
    String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Priority fromDatabase(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }

    /** Parses the model's argument; null or blank means "not given" and returns null. */
    static Priority parse(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "low": return LOW;
            case "normal": return NORMAL;
            case "high": return HIGH;
            default: throw new InvalidTodoInput("priority must be low, normal or high, got " + InvalidTodoInput.quote(text));
        }
    }
}
