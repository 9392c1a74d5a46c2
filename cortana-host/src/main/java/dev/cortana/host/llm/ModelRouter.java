package dev.cortana.host.llm;

import dev.cortana.api.llm.LlmCredential;
import dev.cortana.api.llm.LlmFailure;
import dev.cortana.api.llm.ModelInfo;
import dev.cortana.api.llm.LlmProvider;
import dev.cortana.host.config.Config;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a chat request to the right provider with a configured key. Providers come from plugins, keys from the
 * environment ({@link CredentialDiscovery}); clients are built once per (key, model) and rebuilt when the plugin set
 * changes.
 */
public final class ModelRouter {

    private static final Logger log = LoggerFactory.getLogger(ModelRouter.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Supplier<List<LlmProvider>> providers;
    private final Supplier<Long> pluginGeneration;
    private final Config config;
    private final Map<String, List<LlmCredential>> credentials;
    private final SecretRedactor redactor;
    private final Map<String, ChatModel> clients = new ConcurrentHashMap<>();
    private volatile long clientsGeneration = -1;

    public ModelRouter(Supplier<List<LlmProvider>> providers, Supplier<Long> pluginGeneration, Config config) {
        this.providers = providers;
        this.pluginGeneration = pluginGeneration;
        this.config = config;
        this.credentials = CredentialDiscovery.discover(config);
        this.redactor = SecretRedactor.of(credentials.values().stream().flatMap(List::stream).map(LlmCredential::apiKey).toList(),
                config.get("LLM_API_KEY").stream().toList());
    }

    /** Why {@code modelName} cannot be used right now, in words for the user; empty when it can. */
    public Optional<String> unavailableReason(String modelName) {
        try {
            resolve(modelName);
            return Optional.empty();
        } catch (LlmUnavailableException e) {
            return Optional.of(e.getMessage());
        }
    }

    /** Sends {@code request} to {@code modelName}. Failures become an {@link LlmUnavailableException} with a clear reason. */
    public ChatResponse chat(String modelName, ChatRequest request) {
        Route route = resolve(modelName);
        LlmCredential credential = route.credentials.get(0);
        ChatModel client = client(route.provider, credential, route.model);
        try {
            return client.chat(request);
        } catch (RuntimeException e) {
            LlmFailure failure = LlmErrorClassifier.classify(route.provider, e);
            String reason = describe(failure, e);
            log.warn("Model call to {}/{} with key {} failed ({}): {}", route.providerName, route.model,
                    credential.fingerprint(), failure.kind(), reason);
            throw new LlmUnavailableException("The model " + route.providerName + "/" + route.model
                    + " could not answer (key " + credential.fingerprint() + "): " + reason, failure, null);
        }
    }

    /**
     * What the host knows about {@code modelName}: the provider's catalog entry (context window, output limit), when
     * the provider lists it.
     */
    public Optional<ModelInfo> modelInfo(String modelName) {
        ModelName name = ModelName.parse(modelName);
        List<LlmProvider> available = providers.get();
        String providerName = name.provider().orElseGet(() -> inferProvider(available, name.model()));
        for (LlmProvider provider : available) {
            if (provider.serves(providerName)) {
                try {
                    for (ModelInfo info : provider.catalog()) {
                        if (info.name().equals(name.model())) {
                            return Optional.of(info);
                        }
                    }
                } catch (RuntimeException | LinkageError e) {
                    log.debug("Catalog of provider {} failed: {}", provider.id(), e.toString());
                }
            }
        }
        return Optional.empty();
    }

    /** {@code HTTP 500 server error: The server had an error...}: the class, then the provider's own words. */
    private String describe(LlmFailure failure, RuntimeException e) {
        String message = providerMessage(e);
        if (message.length() > 300) {
            message = message.substring(0, 300) + "…";
        }
        return redactor.redact(failure.detail() + (message.isBlank() ? "" : ": " + message));
    }

    /** The {@code error.message} of a JSON error body when there is one, else the exception's message. */
    private static String providerMessage(RuntimeException e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().strip();
        if (message.startsWith("{")) {
            try {
                JsonNode body = JSON.readTree(message);
                JsonNode text = body.path("error").path("message");
                if (text.isTextual()) {
                    return text.asText();
                }
            } catch (Exception ignored) {
                // not JSON after all: show it as it is
            }
        }
        return message;
    }

    private ChatModel client(LlmProvider provider, LlmCredential credential, String model) {
        long generation = pluginGeneration.get();
        if (generation != clientsGeneration) {
            clients.clear();
            clientsGeneration = generation;
        }
        return clients.computeIfAbsent(credential.fingerprint() + "|" + model, k -> provider.chatModel(credential, model));
    }

    private Route resolve(String modelName) {
        ModelName name = ModelName.parse(modelName);
        List<LlmProvider> available = providers.get();
        String providerName = name.provider().orElseGet(() -> inferProvider(available, name.model()));
        LlmProvider provider = available.stream().filter(p -> p.serves(providerName)).findFirst()
                .orElseThrow(() -> new LlmUnavailableException(noProviderMessage(providerName, available)));
        List<LlmCredential> keys = credentials.getOrDefault(providerName, List.of());
        if (keys.isEmpty()) {
            keys = CredentialDiscovery.legacyKey(config, providerName).stream().toList();
        }
        if (keys.isEmpty()) {
            throw new LlmUnavailableException(noKeyMessage(providerName));
        }
        return new Route(provider, providerName, name.model(), keys);
    }

    private String inferProvider(List<LlmProvider> available, String model) {
        for (LlmProvider provider : available) {
            if (provider.ownsModel(model)) {
                return provider.id();
            }
        }
        // A model name no provider claims (a local server's "llama3"): use the only provider that has keys.
        List<String> configured = available.stream().map(LlmProvider::id)
                .filter(id -> credentials.containsKey(id)).distinct().toList();
        if (configured.size() == 1) {
            return configured.get(0);
        }
        return "openai";
    }

    private static String noProviderMessage(String providerName, List<LlmProvider> available) {
        String loaded = available.isEmpty() ? "none" : available.stream().map(LlmProvider::id).distinct()
                .collect(Collectors.joining(", "));
        return "No LLM provider plugin serves \"" + providerName + "\" (loaded providers: " + loaded
                + "). Put the provider's plugin JAR in the plugins folder, or choose another model with LLM_MODEL_NAME.";
    }

    private static String noKeyMessage(String providerName) {
        String prefix = providerName.toUpperCase(Locale.ROOT);
        return "No LLM is configured: set " + prefix + "_API_KEY (or " + prefix + "_API_KEY_1, " + prefix
                + "_API_KEY_2, ... for several keys) in the environment or in .env, optionally " + prefix
                + "_API_BASE for any OpenAI-compatible server and LLM_MODEL_NAME for the model (or LLM_API_KEY for a "
                + "single key), then restart Cortana.";
    }

    private record Route(LlmProvider provider, String providerName, String model, List<LlmCredential> credentials) {
    }
}
