package dev.cortana.plugins.todos;

import java.util.Optional;

/**
 * What {@code update_todo} changes. A null field is left as it is; {@code Optional.empty()} clears an optional
 * column.
 */
record TodoPatch(String title, Optional<Due> due, Priority priority, Optional<String> notes) {

    boolean isEmpty() {
        return title == null && due == null && priority == null && notes == null;
    }
}
