package dev.cortana.api.llm;

/**
 * What the host needs to know about a model.
 *
 * @param provider        provider name ({@code openai})
 * @param name            the model name without the provider prefix ({@code gpt-4o})
 * @param contextWindow   input + output tokens the model accepts, or 0 when unknown
 * @param maxOutputTokens the most tokens one answer may have, or 0 when unknown
 * @since 0.1.0
 */
public record ModelInfo(String provider, String name, int contextWindow, int maxOutputTokens) {

    /** {@code provider/name}, the form {@code /settings model} accepts. */
    public String qualifiedName() {
        return provider + "/" + name;
    }
}
