package dev.cortana.plugins.todos;

/**
 * A tool argument the model got wrong. The message is shown to the model as {@code Error: <message>}, so it says
 * what was expected and what was received.
 */
final class InvalidTodoInput extends RuntimeException {

    private static final long serialVersionUID = 1L;

    InvalidTodoInput(String message) {
        super(message, null, false, false);
    }

    /** {@code "text"}, shortened when the model sent something long. */
    static String quote(String text) {
        String shown = text.length() > 60 ? text.substring(0, 57) + "..." : text;
        return "\"" + shown + "\"";
    }
}
