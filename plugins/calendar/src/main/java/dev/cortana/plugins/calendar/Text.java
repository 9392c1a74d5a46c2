package dev.cortana.plugins.calendar;

/** Checks on text arguments before they reach PostgreSQL, which cannot store NUL or broken UTF-16. */
final class Text {

    private Text() {
    }

    /** Name/value pairs; null values are skipped. */
    static void storable(String... namesAndValues) {
        for (int i = 0; i < namesAndValues.length; i += 2) {
            String name = namesAndValues[i];
            String value = namesAndValues[i + 1];
            if (value == null) {
                continue;
            }
            if (value.indexOf('\0') >= 0) {
                throw new CalendarInputException("the " + name + " contains a NUL character; send it without");
            }
            for (int at = 0; at < value.length(); at++) {
                char c = value.charAt(at);
                if (Character.isHighSurrogate(c) && at + 1 < value.length() && Character.isLowSurrogate(value.charAt(at + 1))) {
                    at++;
                } else if (Character.isSurrogate(c)) {
                    throw new CalendarInputException("the " + name + " contains a broken character; send valid text");
                }
            }
        }
    }
}
