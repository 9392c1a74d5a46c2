package dev.cortana.plugins.calendar;

/** A tool argument the calendar cannot use; its message is one sentence saying what to send instead. */
final class CalendarInputException extends RuntimeException {

    CalendarInputException(String message) {
        super(message, null, false, false);
    }
}
