package dev.cortana.plugins.todos;

import java.util.Locale;

/** Which todos {@code list_todos} shows. */
enum TodoStatus {
    OPEN, DONE, ALL;

    /** Parses the model's argument; null or blank means the default, {@link #OPEN}. */
    static TodoStatus parse(String text) {
        if (text == null || text.isBlank()) {
            return OPEN;
        }
        switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "open": return OPEN;
            case "done": return DONE;
            case "all": return ALL;
            default: throw new InvalidTodoInput("status must be open, done or all, got " + InvalidTodoInput.quote(text));
        }
    }
}
