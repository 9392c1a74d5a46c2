package dev.cortana.host.services;

import dev.cortana.api.ApiKeyPool;
import dev.cortana.api.HostHttp;
import dev.cortana.api.PluginSettings;
import dev.cortana.api.llm.ModelAccess;
import dev.cortana.host.llm.ModelRouter;
import dev.cortana.host.tools.ToolChanges;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The host services a plugin reaches beyond its data and settings: the HTTP client, the model, key pools for its own
 * API keys, and the way to say its tools changed. One per host; {@link dev.cortana.host.plugins.HostPluginContext}
 * scopes it to a plugin.
 */
public final class PluginPlatform {

    private final HostHttp http;
    private final ModelRouter models;
    private final Supplier<String> activeModel;
    private final Optional<String> backgroundModel;
    private final ToolChanges toolChanges;
    private final Clock clock;

    /**
     * @param activeModel     the master's model now ({@code /settings model}, else {@code LLM_MODEL_NAME})
     * @param backgroundModel {@code LLM_BACKGROUND_MODEL}
     */
    public PluginPlatform(HostHttp http, ModelRouter models, Supplier<String> activeModel,
                          Optional<String> backgroundModel, ToolChanges toolChanges, Clock clock) {
        this.http = Objects.requireNonNull(http, "http");
        this.models = Objects.requireNonNull(models, "models");
        this.activeModel = Objects.requireNonNull(activeModel, "activeModel");
        this.backgroundModel = Objects.requireNonNull(backgroundModel, "backgroundModel");
        this.toolChanges = Objects.requireNonNull(toolChanges, "toolChanges");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public HostHttp http() {
        return http;
    }

    public ModelAccess model(String pluginId) {
        return new HostModelAccess(pluginId, models, activeModel, backgroundModel);
    }

    /** {@code pluginId}'s pool of {@code name}; its rests and counts live in the router's ledger across reloads. */
    public ApiKeyPool keyPool(String pluginId, String name, PluginSettings settings) {
        return HostKeyPool.of(name, settings,
                (provider, keys) -> models.servicePool("plugin:" + pluginId + ":" + name, provider, keys), clock);
    }

    public void toolsChanged(String pluginId) {
        toolChanges.changed(pluginId);
    }
}
