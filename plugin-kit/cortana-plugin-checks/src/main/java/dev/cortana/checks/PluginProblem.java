package dev.cortana.checks;

import java.util.Objects;

/**
 * One mistake in a plugin, in words its author can act on: {@link #message()} names the class, method or parameter
 * and ends with the fix.
 *
 * @param kind    which check found it
 * @param subject what it is about: a tool name, {@code Class.method}, a package, or the plugin itself
 * @param message the whole sentence, as the build and {@code /plugins} show it
 */
public record PluginProblem(Kind kind, String subject, String message) {

    /** The mistakes the checks find. */
    public enum Kind {
        /** A tool parameter without a name: the class was compiled without {@code -parameters}. */
        UNNAMED_PARAMETER,
        /** A tool parameter of a type the model cannot fill with JSON ({@code Path}, {@code InputStream}, ...). */
        UNFILLABLE_PARAMETER,
        /** No {@code META-INF/extensions.idx}, or an empty one: the host finds nothing in the plugin. */
        NO_EXTENSIONS,
        /** Classes of a library Cortana provides (cortana-api, PF4J, LangChain4j core, Jackson, SLF4J) in the plugin. */
        BUNDLED_HOST_PACKAGE,
        /** Two tools of the plugin with the same name. */
        DUPLICATE_TOOL_NAME;

        /** Whether the host refuses to start a plugin with this mistake (the others skip the tool concerned). */
        public boolean failsThePlugin() {
            return this == NO_EXTENSIONS || this == BUNDLED_HOST_PACKAGE;
        }
    }

    public PluginProblem {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(message, "message");
    }

    /** The message without its fix: what is wrong. */
    public String reason() {
        int fix = message.indexOf(FIX);
        return stripPeriod(fix < 0 ? message : message.substring(0, fix));
    }

    /** What to do about it: the message after {@code "Fix: "}; empty when it gives none. */
    public String fix() {
        int fix = message.indexOf(FIX);
        return fix < 0 ? "" : stripPeriod(message.substring(fix + FIX.length()));
    }

    private static final String FIX = " Fix: ";

    private static String stripPeriod(String text) {
        String trimmed = text.strip();
        return trimmed.endsWith(".") ? trimmed.substring(0, trimmed.length() - 1) : trimmed;
    }

    @Override
    public String toString() {
        return message;
    }
}
