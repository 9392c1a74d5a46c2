package dev.cortana.plugins.todos;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolMemoryId;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The todo tools the model calls. Each validates its arguments, calls {@link TodoRepository} and lets
 * {@link TodoFormatter} word the result.
 *
 * <p>Methods are named like the tools ({@code add_todo}) rather than in Java style: LangChain4j's
 * {@code DefaultToolExecutor(object, request)} finds the method by the tool's name. Descriptions are kept short on
 * purpose: every request to the model carries them.
 *
 * <p>A bad argument or an unknown number is answered with an {@code Error: ...} result rather than an exception,
 * so the model reads the same text whichever executor runs the tool; database failures are thrown for the host to
 * report.
 */
public final class TodoTools {

    private static final int MAX_TITLE = 500;
    private static final String CLEAR = "none";

    private final TodoRepository repository;
    private final TodoFormatter formatter;
    private final int maxListed;

    TodoTools(TodoRepository repository, TodoFormatter formatter, int maxListed) {
        this.repository = repository;
        this.formatter = formatter;
        this.maxListed = maxListed;
    }

    @Tool("Add a todo for the user")
    public String add_todo(
            @ToolMemoryId String userId,
            String title,
            @P(value = "ISO-8601 date or date-time in the user's time zone", required = false) String due,
            @P(value = "low, normal or high", required = false) String priority,
            @P(value = "", required = false) String notes) {
        try {
            storable("title", title, "due", due, "priority", priority, "notes", notes);
            String cleanTitle = title(title);
            Due dueAt = isBlank(due) ? null : Due.parse(due);
            Priority level = Priority.parse(priority);
            String cleanNotes = isBlank(notes) ? null : notes.strip();
            return formatter.added(repository.add(user(userId), cleanTitle, cleanNotes, dueAt, level));
        } catch (InvalidTodoInput e) {
            return formatter.invalid(e);
        }
    }

    @Tool("List the user's todos")
    public String list_todos(
            @ToolMemoryId String userId,
            @P(value = "open (default), done or all", required = false) String status) {
        try {
            storable("status", status);
            TodoStatus which = TodoStatus.parse(status);
            return formatter.list(repository.list(user(userId), which, maxListed), which);
        } catch (InvalidTodoInput e) {
            return formatter.invalid(e);
        }
    }

    @Tool("Mark a todo done")
    public String complete_todo(@ToolMemoryId String userId, int number) {
        String user = user(userId);
        return repository.setDone(user, number, true).map(formatter::completed)
                .orElseGet(() -> repository.find(user, number).map(formatter::alreadyDone)
                        .orElseGet(() -> formatter.notFound(number)));
    }

    @Tool("Mark a done todo open again")
    public String reopen_todo(@ToolMemoryId String userId, int number) {
        String user = user(userId);
        return repository.setDone(user, number, false).map(formatter::reopened)
                .orElseGet(() -> repository.find(user, number).map(formatter::alreadyOpen)
                        .orElseGet(() -> formatter.notFound(number)));
    }

    @Tool("Edit a todo; omitted fields are kept")
    public String update_todo(
            @ToolMemoryId String userId,
            int number,
            @P(value = "", required = false) String title,
            @P(value = "ISO-8601 date or date-time in the user's time zone; none clears", required = false) String due,
            @P(value = "low, normal or high", required = false) String priority,
            @P(value = "none clears", required = false) String notes) {
        try {
            storable("title", title, "due", due, "priority", priority, "notes", notes);
            TodoPatch patch = new TodoPatch(
                    isBlank(title) ? null : title(title),
                    isBlank(due) ? null : isClear(due) ? Optional.empty() : Optional.of(Due.parse(due)),
                    Priority.parse(priority),
                    isBlank(notes) ? null : isClear(notes) ? Optional.empty() : Optional.of(notes.strip()));
            if (patch.isEmpty()) {
                return "Error: nothing to change; give title, due, priority or notes.";
            }
            return repository.update(user(userId), number, patch).map(formatter::updated)
                    .orElseGet(() -> formatter.notFound(number));
        } catch (InvalidTodoInput e) {
            return formatter.invalid(e);
        }
    }

    @Tool("Delete a todo")
    public String delete_todo(@ToolMemoryId String userId, int number) {
        return repository.delete(user(userId), number).map(formatter::deleted)
                .orElseGet(() -> formatter.notFound(number));
    }

    /** The served user's id; the host always passes one, so a missing id is a wiring bug, not a user error. */
    private static String user(String userId) {
        return Objects.requireNonNull(userId, "no user id: the todo tools need the served user's id as memory id");
    }

    /**
     * Rejects text a PostgreSQL {@code text} column cannot hold, before it reaches the database (which would answer
     * with a raw encoding error): the NUL character and UTF-16 surrogates without their pair. Arguments come as
     * name/value pairs; null values are skipped.
     */
    private static void storable(String... namesAndValues) {
        for (int i = 0; i < namesAndValues.length; i += 2) {
            String name = namesAndValues[i];
            String value = namesAndValues[i + 1];
            if (value == null) {
                continue;
            }
            if (value.indexOf('\0') >= 0) {
                throw new InvalidTodoInput("the " + name + " contains a NUL character (\\u0000), which cannot be "
                        + "saved; send the " + name + " without it");
            }
            for (int at = 0; at < value.length(); at++) {
                char c = value.charAt(at);
                if (Character.isHighSurrogate(c) && at + 1 < value.length() && Character.isLowSurrogate(value.charAt(at + 1))) {
                    at++;
                } else if (Character.isSurrogate(c)) {
                    throw new InvalidTodoInput("the " + name + " contains a broken character (an unpaired UTF-16 "
                            + "surrogate), which cannot be saved; send the " + name + " as valid text");
                }
            }
        }
    }

    /** The title on one line, 1 to {@value #MAX_TITLE} characters (the table's limit). */
    private static String title(String title) {
        String clean = title == null ? "" : title.strip().replaceAll("\\s+", " ");
        if (clean.isEmpty()) {
            throw new InvalidTodoInput("title must not be empty");
        }
        if (clean.codePointCount(0, clean.length()) > MAX_TITLE) {
            throw new InvalidTodoInput("title must be at most " + MAX_TITLE + " characters");
        }
        return clean;
    }

    private static boolean isBlank(String text) {
        return text == null || text.isBlank();
    }

    private static boolean isClear(String text) {
        return text.strip().toLowerCase(Locale.ROOT).equals(CLEAR);
    }
}
