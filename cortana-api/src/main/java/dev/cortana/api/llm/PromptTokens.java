package dev.cortana.api.llm;

/**
 * The prompt side of one answer's usage, the same way for every provider: how many input tokens the request had in
 * all, how many of them the provider served from its prompt cache (billed at a fraction), and how many it wrote to
 * the cache (Anthropic bills those a little above the normal price). A provider reports it from its own usage type
 * ({@link LlmProvider#promptTokens}).
 *
 * <pre>{@code
 * // OpenAI: prompt_tokens 1200, prompt_tokens_details.cached_tokens 1024
 * new PromptTokens(1200, 1024, 0)
 * }</pre>
 *
 * @param input       every input token of the request, cached or not
 * @param cachedInput of those, read from the provider's prompt cache
 * @param cacheWrite  of those, written to the provider's prompt cache (0 where the provider does not say)
 * @since 0.1.0
 */
public record PromptTokens(long input, long cachedInput, long cacheWrite) {

    public PromptTokens {
        if (input < 0 || cachedInput < 0 || cacheWrite < 0) {
            throw new IllegalArgumentException("token counts are not negative");
        }
    }

    /** Input tokens with nothing said about a cache (a usage type without cache figures). */
    public static PromptTokens uncached(long input) {
        return new PromptTokens(input, 0, 0);
    }
}
