package dev.cortana.plugins.mcp;

import java.util.Set;

/** Tool names the providers accept: {@code [a-zA-Z0-9_-]}, at most 64 characters, unique. */
final class McpToolNames {

    static final int MAX = 64;

    private McpToolNames() {
    }

    static String sanitise(String name, int max) {
        String clean = name.replaceAll("[^a-zA-Z0-9_-]", "_");
        if (clean.isEmpty()) {
            clean = "server";
        }
        return clean.length() <= max ? clean : clean.substring(0, max);
    }

    /** {@code <prefix>_<tool>}, cut to 64 characters, with {@code _2}, {@code _3} ... when the name is taken. */
    static String unique(String prefix, String tool, Set<String> taken) {
        String base = sanitise(prefix + "_" + tool, MAX);
        String name = base;
        for (int n = 2; taken.contains(name); n++) {
            String suffix = "_" + n;
            name = base.substring(0, Math.min(base.length(), MAX - suffix.length())) + suffix;
        }
        taken.add(name);
        return name;
    }

    /** Cut at a word boundary to {@code max} characters, with an ellipsis. */
    static String trim(String text, int max) {
        String flat = text == null ? "" : text.strip().replaceAll("\\s+", " ");
        if (flat.length() <= max) {
            return flat;
        }
        int cut = flat.lastIndexOf(' ', Math.max(0, max - 1));
        if (cut < max / 2) {
            cut = max - 1;
        }
        return flat.substring(0, cut) + "…";
    }
}
