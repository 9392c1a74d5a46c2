package dev.cortana.host.llm;

import java.util.Locale;
import java.util.Optional;

/**
 * A model as users write it: {@code provider/model} ({@code gemini/gemini-2.5-flash}) or bare ({@code gpt-4o}, the
 * provider is then inferred from the name).
 */
public record ModelName(Optional<String> provider, String model) {

    public static ModelName parse(String text) {
        String trimmed = text.trim();
        int slash = trimmed.indexOf('/');
        if (slash > 0 && slash < trimmed.length() - 1) {
            return new ModelName(Optional.of(trimmed.substring(0, slash).toLowerCase(Locale.ROOT)), trimmed.substring(slash + 1));
        }
        return new ModelName(Optional.empty(), trimmed);
    }

    @Override
    public String toString() {
        return provider.map(p -> p + "/" + model).orElse(model);
    }
}
