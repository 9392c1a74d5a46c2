package dev.cortana.host.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Cortana's raw configuration: one value per key after layering environment over {@code .env} over the YAML
 * settings file over defaults. Keys are the environment variable names ({@code OPENAI_API_KEY}).
 */
public interface Config {

    /** The value of {@code key}; blank values count as unset. */
    Optional<String> get(String key);

    /** Every key with a value, for discovery by prefix ({@code *_API_KEY_<N>}). */
    Map<String, String> all();

    /** The YAML section {@code plugins: {<pluginId>: {...}}} flattened to strings; empty when absent. */
    Map<String, String> pluginSection(String pluginId);

    /**
     * The settings files this configuration reads or would read ({@code .env}, {@code cortana.yml}, the file named
     * by {@code CORTANA_CONFIG}), absolute; they are Cortana's own and private to the agent.
     */
    default List<Path> files() {
        return List.of();
    }

    /** A config over a fixed map, for tests and tools. */
    static Config of(Map<String, String> values) {
        Map<String, String> copy = Map.copyOf(values);
        return new Config() {
            @Override public Optional<String> get(String key) {
                return Optional.ofNullable(copy.get(key)).filter(v -> !v.isBlank());
            }
            @Override public Map<String, String> all() { return copy; }
            @Override public Map<String, String> pluginSection(String pluginId) { return Map.of(); }
        };
    }
}
