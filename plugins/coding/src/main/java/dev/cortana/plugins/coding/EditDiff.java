package dev.cortana.plugins.coding;

import java.util.List;

/** A short line diff of one edit: the changed lines with their numbers and a line of context each side. */
final class EditDiff {

    private static final int MAX_SHOWN = 40;

    private EditDiff() {
    }

    static String between(String before, String after) {
        List<String> a = before.lines().toList();
        List<String> b = after.lines().toList();
        int prefix = 0;
        while (prefix < a.size() && prefix < b.size() && a.get(prefix).equals(b.get(prefix))) {
            prefix++;
        }
        int suffix = 0;
        while (suffix < a.size() - prefix && suffix < b.size() - prefix
                && a.get(a.size() - 1 - suffix).equals(b.get(b.size() - 1 - suffix))) {
            suffix++;
        }
        StringBuilder diff = new StringBuilder();
        int[] shown = {0};
        if (prefix > 0) {
            line(diff, shown, ' ', prefix, a.get(prefix - 1));
        }
        for (int i = prefix; i < a.size() - suffix; i++) {
            line(diff, shown, '-', i + 1, a.get(i));
        }
        for (int i = prefix; i < b.size() - suffix; i++) {
            line(diff, shown, '+', i + 1, b.get(i));
        }
        if (suffix > 0) {
            line(diff, shown, ' ', b.size() - suffix + 1, b.get(b.size() - suffix));
        }
        if (shown[0] > MAX_SHOWN) {
            diff.append("... (").append(shown[0] - MAX_SHOWN).append(" more diff lines)\n");
        }
        return diff.toString().stripTrailing();
    }

    private static void line(StringBuilder diff, int[] shown, char mark, int number, String text) {
        if (shown[0]++ < MAX_SHOWN) {
            diff.append(mark).append(String.format("%4d ", number)).append(text).append('\n');
        }
    }
}
