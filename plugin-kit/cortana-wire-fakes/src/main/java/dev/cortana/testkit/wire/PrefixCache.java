package dev.cortana.testkit.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.TreeSet;

/**
 * A provider's prompt cache as the fakes play it: it remembers the prompts it has seen (in the order the provider
 * reads them: tools, system, messages) and reports how much of a new prompt repeats the start of one of them, at
 * about four characters a token. So a test sees cached-token figures that follow the request layout: a prompt that
 * begins with the previous one is mostly cached, one that changes early is not. Thread-safe.
 *
 * <p>The prompts are kept sorted: the earlier prompt sharing the longest start with a new one is always one of its
 * two neighbours in that order, so a lookup compares with two prompts, not with every one seen (a benchmark's fake
 * sees thousands of long prompts in one conversation, and its own cost must not grow with them).
 */
final class PrefixCache {

    private final TreeSet<String> seen = new TreeSet<>();

    /** The tokens of {@code prompt} a cache holding every earlier prompt serves; then remembers {@code prompt}. */
    synchronized int cachedTokens(String prompt) {
        int best = 0;
        String below = seen.floor(prompt);
        if (below != null) {
            best = sharedPrefix(below, prompt);
        }
        String above = seen.ceiling(prompt);
        if (above != null) {
            best = Math.max(best, sharedPrefix(above, prompt));
        }
        seen.add(prompt);
        return best / 4;
    }

    static int sharedPrefix(String a, String b) {
        int length = Math.min(a.length(), b.length());
        int same = 0;
        while (same < length && a.charAt(same) == b.charAt(same)) {
            same++;
        }
        return same;
    }

    /** The pieces of {@code fields} of {@code body}, in that order, each array element on its own, as JSON. */
    static String prompt(JsonNode body, String... fields) {
        StringBuilder prompt = new StringBuilder();
        for (String field : fields) {
            JsonNode value = body.path(field);
            if (value.isArray()) {
                value.forEach(element -> prompt.append(withoutCacheMarks(element)).append('\n'));
            } else if (!value.isMissingNode() && !value.isNull()) {
                prompt.append(withoutCacheMarks(value)).append('\n');
            }
        }
        return prompt.toString();
    }

    /** Anthropic's breakpoints mark where to cache, not what: they are no part of the cached text. */
    private static String withoutCacheMarks(JsonNode node) {
        if (!node.toString().contains("cache_control")) {
            return node.toString();
        }
        JsonNode copy = node.deepCopy();
        strip(copy);
        return copy.toString();
    }

    private static void strip(JsonNode node) {
        if (node instanceof ObjectNode object) {
            object.remove("cache_control");
        }
        node.forEach(PrefixCache::strip);
    }
}
