package dev.cortana.host.llm;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Removes API keys from text that came back from a provider (error bodies sometimes echo part of the key) before it
 * reaches a log line or the user.
 */
public final class SecretRedactor {

    // Common key shapes: OpenAI/Anthropic/DeepSeek "sk-...", Google "AIza...", Groq "gsk_...", bearer tokens.
    private static final Pattern KEY_SHAPES = Pattern.compile(
            "(?:sk-[A-Za-z0-9_*\\-.]{6,}|AIza[0-9A-Za-z_\\-]{10,}|gsk_[A-Za-z0-9]{10,}|(?i:bearer)\\s+[A-Za-z0-9_\\-.=]{8,})");

    private final List<String> secrets;

    private SecretRedactor(List<String> secrets) {
        this.secrets = secrets;
    }

    @SafeVarargs
    public static SecretRedactor of(Collection<String>... secretLists) {
        List<String> all = new ArrayList<>();
        for (Collection<String> list : secretLists) {
            list.stream().filter(s -> s != null && s.length() >= 4).forEach(all::add);
        }
        return new SecretRedactor(List.copyOf(all));
    }

    public String redact(String text) {
        if (text == null) {
            return null;
        }
        String result = text;
        for (String secret : secrets) {
            result = result.replace(secret, "[redacted]");
        }
        return KEY_SHAPES.matcher(result).replaceAll("[redacted]");
    }
}
