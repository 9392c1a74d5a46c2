package dev.cortana.api.llm;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;

/**
 * One API key of one provider, with the base URL to reach it at. {@link #toString()} never shows the key: logs,
 * replies and files name a credential by its {@link #fingerprint()} only.
 *
 * @param provider provider name in lower case ({@code openai}, {@code deepseek})
 * @param apiKey   the secret; pass it to the client and nowhere else
 * @param baseUrl  {@code <PROVIDER>_API_BASE} when set
 * @since 0.1.0
 */
public record LlmCredential(String provider, String apiKey, Optional<String> baseUrl) {

    public LlmCredential {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(apiKey, "apiKey");
        baseUrl = baseUrl == null ? Optional.empty() : baseUrl.filter(s -> !s.isBlank());
    }

    /** A stable, non-secret name for the key: {@code openai:…a1b2#3f9c2e}, last four characters and a short hash. */
    public String fingerprint() {
        String tail = apiKey.length() > 8 ? apiKey.substring(apiKey.length() - 4) : "";
        return provider + ":…" + tail + "#" + shortHash(apiKey);
    }

    private static String shortHash(String secret) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 3);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "LlmCredential[" + fingerprint() + baseUrl.map(u -> " @ " + u).orElse("") + "]";
    }
}
