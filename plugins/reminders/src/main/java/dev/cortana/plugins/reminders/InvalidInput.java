package dev.cortana.plugins.reminders;

/** A tool argument the plugin cannot use; its message says what to send instead. */
final class InvalidInput extends RuntimeException {

    InvalidInput(String message) {
        super(message, null, false, false);
    }
}
