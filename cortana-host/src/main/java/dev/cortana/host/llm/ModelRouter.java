package dev.cortana.host.llm;

import dev.cortana.api.llm.LlmCredential;
import dev.cortana.api.llm.LlmFailure;
import dev.cortana.api.llm.ModelInfo;
import dev.cortana.api.llm.LlmProvider;
import dev.cortana.api.llm.ModelClient;
import dev.cortana.api.llm.ModelSetup;
import dev.cortana.host.config.Config;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.cortana.host.llm.http.ModelHttpClient;
import dev.cortana.host.llm.rotation.CooldownPolicy;
import dev.cortana.host.llm.rotation.KeyPool;
import dev.cortana.host.llm.rotation.KeyRecord;
import dev.cortana.host.llm.rotation.RotationSettings;
import dev.cortana.host.llm.rotation.UsageLedger;
import dev.langchain4j.data.message.AiMessage;
import java.time.Clock;
import java.time.Instant;
import dev.cortana.host.llm.rotation.KeyStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.TreeSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a chat request to the right provider, rotating through its keys. Providers come from plugins, keys from the
 * environment ({@link CredentialDiscovery}); each provider's keys form one {@link KeyPool} (selection, cooldowns,
 * usage), saved to the {@link UsageLedger} off the request path. Clients are built once per (key, model) and
 * rebuilt when the plugin set changes.
 */
public final class ModelRouter implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ModelRouter.class);

    private final Supplier<List<LlmProvider>> providers;
    private final Supplier<Long> pluginGeneration;
    private final Config config;
    private final RotationSettings settings;
    private final Clock clock;
    private final Map<String, List<LlmCredential>> credentials;
    private final SecretRedactor redactor;
    private final Map<String, ChatModel> clients = new ConcurrentHashMap<>();
    private final Map<String, KeyPool> pools = new ConcurrentHashMap<>();
    private final Optional<UsageLedger> ledger;
    private final Map<String, KeyRecord> restored;
    private final ModelListings listings;
    private final ModelCatalog catalog;
    private final KeyFailover failover;
    private final java.time.Duration requestTimeout;
    private final Map<String, Optional<StreamingChatModel>> streamingClients = new ConcurrentHashMap<>();
    private volatile long clientsGeneration = -1;

    public ModelRouter(Supplier<List<LlmProvider>> providers, Supplier<Long> pluginGeneration, Config config) {
        this(providers, pluginGeneration, config, RotationSettings.defaults(), Clock.systemUTC());
    }

    public ModelRouter(Supplier<List<LlmProvider>> providers, Supplier<Long> pluginGeneration, Config config,
                       RotationSettings settings, Clock clock) {
        this.providers = providers;
        this.pluginGeneration = pluginGeneration;
        this.config = config;
        this.settings = settings;
        this.clock = clock;
        this.credentials = CredentialDiscovery.discover(config);
        this.redactor = SecretRedactor.of(credentials.values().stream().flatMap(List::stream).map(LlmCredential::apiKey).toList(),
                config.get("LLM_API_KEY").stream().toList());
        this.ledger = settings.usageFile().map(UsageLedger::new);
        this.restored = ledger.map(UsageLedger::load).orElse(Map.of());
        ledger.ifPresent(l -> l.source(this::ledgerSnapshot));
        this.listings = new ModelListings(clock, redactor);
        this.catalog = ModelCatalog.load(config);
        this.failover = new KeyFailover(settings, clock, redactor);
        this.requestTimeout = dev.cortana.host.config.CortanaConfig.requestTimeout(config);
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

    /**
     * Sends {@code request} to {@code modelName}, rotating through the provider's keys: a key that fails with a rate
     * limit, quota, auth or server error rests and the next answers in the same call. When the whole provider is
     * exhausted, each of {@code LLM_FALLBACK_MODELS} is tried in turn and the answer says so once. Failures become an
     * {@link LlmUnavailableException} whose message is written for the user; a too-long conversation or a rejected
     * request fails at once without touching another key.
     */
    public ChatResponse chat(String modelName, ChatRequest request) {
        Instant deadline = clock.instant().plus(settings.globalTimeout());
        try {
            return chatWithKeys(resolve(modelName), request, deadline);
        } catch (LlmUnavailableException primaryFailure) {
            if (primaryFailure.failure().map(f -> f.kind() == LlmFailure.Kind.CONTEXT_LENGTH
                    || f.kind() == LlmFailure.Kind.INVALID_REQUEST).orElse(false)) {
                throw primaryFailure;
            }
            for (String fallback : settings.fallbackModels()) {
                if (fallback.equals(modelName) || clock.instant().isAfter(deadline)) {
                    continue;
                }
                try {
                    ChatResponse response = chatWithKeys(resolve(fallback), request, deadline);
                    log.warn("Model {} unavailable; answered by fallback {}", modelName, fallback);
                    return withNotice(response, FailoverMessages.fallbackNotice(modelName, fallback));
                } catch (LlmUnavailableException fallbackFailure) {
                    log.warn("Fallback model {} unavailable too: {}", fallback, fallbackFailure.getMessage());
                }
            }
            throw primaryFailure;
        }
    }

    private ChatResponse chatWithKeys(Route route, ChatRequest request, Instant deadline) {
        return failover.chat(route.provider, route.providerName, route.model, pool(route),
                (credential, until) -> failover.call(client(route.provider, credential, route.model),
                        route.provider.prepare(request, route.model), until),
                deadline);
    }

    /**
     * Like {@link #chat}, streaming: text goes to {@code onText} as it arrives and the complete response is returned.
     * Keys rotate only while nothing has reached the user; a stream that breaks off after that fails with a clear
     * message instead of starting over on another key (which would repeat the text). A provider without a streaming
     * client answers in one piece, and then nothing goes to {@code onText}.
     */
    public ChatResponse chatStreaming(String modelName, ChatRequest request, Consumer<String> onText) {
        return chatStreaming(modelName, request, onText, () -> false);
    }

    /**
     * Like {@link #chatStreaming(String, ChatRequest, Consumer)}, and when the provider fails before any text reached
     * the user, each of {@code LLM_FALLBACK_MODELS} is tried as {@link #chat} tries them, the fallback notice going
     * out first, as the start of the text. Once {@code stopped} says so the stream is cancelled and the text so far
     * is returned as the answer (finish reason {@code OTHER}).
     */
    public ChatResponse chatStreaming(String modelName, ChatRequest request, Consumer<String> onText,
                                      BooleanSupplier stopped) {
        Instant deadline = clock.instant().plus(settings.globalTimeout());
        java.util.concurrent.atomic.AtomicBoolean textShown = new java.util.concurrent.atomic.AtomicBoolean();
        Consumer<String> shown = text -> {
            textShown.set(true);
            onText.accept(text);
        };
        try {
            return streamWithKeys(resolve(modelName), request, shown, deadline, stopped);
        } catch (LlmUnavailableException primaryFailure) {
            if (textShown.get() || primaryFailure.failure().map(f -> f.kind() == LlmFailure.Kind.CONTEXT_LENGTH
                    || f.kind() == LlmFailure.Kind.INVALID_REQUEST).orElse(false)) {
                throw primaryFailure; // after text reached the user, another model would start the answer over
            }
            for (String fallback : settings.fallbackModels()) {
                if (fallback.equals(modelName) || clock.instant().isAfter(deadline) || stopped.getAsBoolean()) {
                    continue;
                }
                String notice = FailoverMessages.fallbackNotice(modelName, fallback);
                java.util.concurrent.atomic.AtomicBoolean noticeSent = new java.util.concurrent.atomic.AtomicBoolean();
                Consumer<String> afterNotice = text -> {
                    if (noticeSent.compareAndSet(false, true)) {
                        shown.accept(notice + "\n\n");
                    }
                    shown.accept(text);
                };
                try {
                    ChatResponse response = streamWithKeys(resolve(fallback), request, afterNotice, deadline, stopped);
                    log.warn("Model {} unavailable; answered by fallback {} (streamed)", modelName, fallback);
                    return withNotice(response, notice);
                } catch (LlmUnavailableException fallbackFailure) {
                    log.warn("Fallback model {} unavailable too: {}", fallback, fallbackFailure.getMessage());
                    if (textShown.get()) {
                        throw fallbackFailure;
                    }
                }
            }
            throw primaryFailure;
        }
    }

    private ChatResponse streamWithKeys(Route route, ChatRequest request, Consumer<String> onText, Instant deadline,
                                        BooleanSupplier stopped) {
        return failover.chat(route.provider, route.providerName, route.model, pool(route), (credential, until) -> {
            Optional<StreamingChatModel> streaming = streamingClient(route.provider, credential, route.model);
            if (streaming.isPresent()) {
                return failover.stream(streaming.get(), route.provider.prepare(request, route.model), onText, until,
                        stopped);
            }
            // Nothing goes to onText: an answer that arrives whole is shown as a whole reply (split, or as a file).
            return failover.call(client(route.provider, credential, route.model),
                    route.provider.prepare(request, route.model), until);
        }, deadline);
    }

    private Optional<StreamingChatModel> streamingClient(LlmProvider provider, LlmCredential credential, String model) {
        dropStaleClients();
        return streamingClients.computeIfAbsent(credential.fingerprint() + "|" + model, k -> {
            ModelClient built = provider.model(setup(provider, credential, model, true));
            return built instanceof ModelClient.Streaming streaming ? Optional.of(streaming.model()) : Optional.empty();
        });
    }

    /**
     * What a provider needs for one client, resolved here once for every provider: the base URL (the key's
     * {@code <PROVIDER>_API_BASE}, else the provider's default), {@code LLM_REQUEST_TIMEOUT}, and an HTTP client
     * builder made for that URL (HTTP/1.1 to a cleartext server, a default one included, such as a local Ollama).
     */
    private ModelSetup setup(LlmProvider provider, LlmCredential credential, String model, boolean streaming) {
        // resolve() refused a provider with no known server, so the base URL is set here.
        String baseUrl = baseUrl(provider, credential).orElse("");
        ModelInfo limits = modelInfo(credential.provider() + "/" + model)
                .orElse(new ModelInfo(credential.provider(), model, 0, 0));
        return new ModelSetup(credential, model, baseUrl, requestTimeout, ModelHttpClient.builder(baseUrl), streaming,
                limits);
    }

    private static ChatResponse withNotice(ChatResponse response, String notice) {
        AiMessage message = response.aiMessage();
        if (message == null || message.hasToolExecutionRequests() || message.text() == null) {
            return response; // the notice goes on the answer the user reads, not on a tool call
        }
        return response.toBuilder().aiMessage(message.withText(notice + "\n\n" + message.text())).build();
    }

    /**
     * What the host knows about {@code modelName} (context window, output limit), each limit from the first source
     * that has it: {@code MODEL_LIMITS}, the provider's cached live listing, the bundled catalog file, the plugin's
     * catalog ({@link ModelCatalog#merge}).
     */
    public Optional<ModelInfo> modelInfo(String modelName) {
        ModelName name = ModelName.parse(modelName);
        List<LlmProvider> available = providers.get();
        String providerName = name.provider().orElseGet(() -> inferProvider(available, name.model()));
        return catalog.merge(providerName, name.model(), listings.cached(providerName, name.model()),
                pluginCatalogEntry(available, providerName, name.model()));
    }

    private Optional<ModelInfo> pluginCatalogEntry(List<LlmProvider> available, String providerName, String model) {
        ModelName name = new ModelName(Optional.of(providerName), model);
        for (LlmProvider provider : available) {
            if (provider.serves(providerName)) {
                try {
                    for (ModelInfo info : provider.catalog()) {
                        if (info.name().equals(name.model()) && info.provider().equals(providerName)) {
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

    /** One provider's key pool as {@code /settings status} shows it. */
    public record PoolStatus(String provider, String model, List<KeyStatus> keys) {
    }

    /**
     * Every configured provider that a loaded plugin serves, with each key's state; cooldowns are shown for
     * {@code activeModel} on its provider and key-wide ones elsewhere.
     */
    public List<PoolStatus> status(String activeModel) {
        ModelName active = ModelName.parse(activeModel);
        List<LlmProvider> available = providers.get();
        String activeProvider = active.provider().orElseGet(() -> inferProvider(available, active.model()));
        List<PoolStatus> result = new ArrayList<>();
        Set<String> names = new TreeSet<>(credentials.keySet());
        names.add(activeProvider);
        for (String name : names) {
            if (available.stream().noneMatch(p -> p.serves(name))) {
                continue;
            }
            String model = name.equals(activeProvider) ? active.model() : "";
            try {
                result.add(new PoolStatus(name, model, pool(resolve(name + "/" + (model.isEmpty() ? "-" : model)))
                        .status(model, clock.instant())));
            } catch (LlmUnavailableException noKeys) {
                result.add(new PoolStatus(name, model, List.of()));
            }
        }
        return result;
    }

    /** The providers a loaded plugin serves and that have keys. */
    public List<String> configuredProviders() {
        List<LlmProvider> available = providers.get();
        Set<String> names = new TreeSet<>(credentials.keySet());
        if (config.get("LLM_API_KEY").isPresent()) {
            available.stream().map(LlmProvider::id).forEach(names::add);
        }
        return names.stream().filter(n -> available.stream().anyMatch(p -> p.serves(n))).toList();
    }

    /**
     * The models of {@code providerName}: its live listing where it has one (cached), else its catalog; limits merged
     * as {@link #modelInfo} merges them.
     */
    public List<ModelInfo> models(String providerName) {
        Route route = resolve(providerName + "/-");
        ModelListings.Listing listing = listings.list(providerName, route.provider,
                route.credentials.stream().findFirst().map(key -> listingSetup(route.provider, key)));
        // Nothing listed and no catalog in the plugin: the bundled file is the one catalog of the known models.
        boolean fromFile = listing.models().isEmpty();
        boolean live = listing.live() && !fromFile;
        List<ModelInfo> offered = fromFile ? catalog.bundled(providerName) : listing.models();
        return offered.stream().map(m -> catalog.merge(providerName, m.name(),
                Optional.of(m).filter(x -> live), Optional.of(m).filter(x -> !live)).orElse(m)).toList();
    }

    /**
     * Why {@code modelName} cannot be chosen, in words for the user; empty when it can. Beyond
     * {@link #unavailableReason}, a model missing from the provider's own live listing is refused.
     */
    public Optional<String> validate(String modelName) {
        Optional<String> reason = unavailableReason(modelName);
        if (reason.isPresent()) {
            return reason;
        }
        Route route = resolve(modelName);
        ModelListings.Listing listing = listings.list(route.providerName, route.provider,
                route.credentials.stream().findFirst().map(key -> listingSetup(route.provider, key)));
        if (listing.live() && listing.models().stream().noneMatch(m -> m.name().equals(route.model))) {
            return Optional.of("The " + route.providerName + " server does not list a model named \"" + route.model
                    + "\". See /settings models " + route.providerName + " for the names it offers.");
        }
        return Optional.empty();
    }

    private ChatModel client(LlmProvider provider, LlmCredential credential, String model) {
        dropStaleClients();
        return clients.computeIfAbsent(credential.fingerprint() + "|" + model, k -> {
            ModelClient built = provider.model(setup(provider, credential, model, false));
            if (built instanceof ModelClient.Blocking blocking) {
                return blocking.model();
            }
            throw new IllegalStateException("Provider " + provider.id() + " returned " + built + " for a whole answer");
        });
    }

    /** Clients of a plugin generation that was unloaded must not be used again. */
    private void dropStaleClients() {
        long generation = pluginGeneration.get();
        if (generation != clientsGeneration) {
            clients.clear();
            streamingClients.clear();
            clientsGeneration = generation;
        }
    }

    private Route resolve(String modelName) {
        ModelName name = ModelName.parse(modelName);
        List<LlmProvider> available = providers.get();
        String providerName = name.provider().orElseGet(() -> inferProvider(available, name.model()));
        LlmProvider provider = available.stream().filter(p -> p.serves(providerName)).findFirst()
                .orElseThrow(() -> new LlmUnavailableException(noProviderMessage(providerName, available)));
        List<LlmCredential> keys = credentials.getOrDefault(providerName, List.of());
        if (!settings.enabled()) {
            // Legacy single-key mode: LLM_API_KEY when set, else the provider's first key; never rotated.
            keys = CredentialDiscovery.legacyKey(config, providerName).map(List::of)
                    .orElse(keys.isEmpty() ? List.of() : List.of(keys.get(0)));
        }
        if (keys.isEmpty()) {
            keys = CredentialDiscovery.legacyKey(config, providerName).stream().toList();
        }
        if (keys.isEmpty()) {
            throw new LlmUnavailableException(noKeyMessage(providerName));
        }
        if (baseUrl(provider, keys.get(0)).isEmpty()) {
            throw new LlmUnavailableException("No server is known for provider \"" + providerName + "\": set "
                    + providerName.toUpperCase(Locale.ROOT) + "_API_BASE to its URL (for example "
                    + "http://localhost:8000/v1), then restart Cortana.");
        }
        return new Route(provider, providerName, name.model(), keys);
    }

    /** A listing is a small GET made while a user waits on {@code /settings}: fail fast. */
    static final java.time.Duration LIST_MODELS_TIMEOUT = java.time.Duration.ofSeconds(10);

    /** The setup for a model listing: as for a client, with the listing's timeout and no model. */
    private static ModelSetup listingSetup(LlmProvider provider, LlmCredential credential) {
        String baseUrl = baseUrl(provider, credential).orElse("");
        return new ModelSetup(credential, "", baseUrl, LIST_MODELS_TIMEOUT, ModelHttpClient.builder(baseUrl), false,
                new ModelInfo(credential.provider(), "", 0, 0));
    }

    /** The key's {@code <PROVIDER>_API_BASE}, else the provider's default for that provider name. */
    private static Optional<String> baseUrl(LlmProvider provider, LlmCredential credential) {
        return credential.baseUrl().or(() -> provider.defaultBaseUrl(credential.provider()));
    }

    private String inferProvider(List<LlmProvider> available, String model) {
        for (LlmProvider provider : available) {
            if (provider.ownsModel(model)) {
                return provider.id();
            }
        }
        // A model name no provider claims (a local server's "llama3"): use the only served provider that has keys.
        List<String> configured = credentials.keySet().stream()
                .filter(name -> available.stream().anyMatch(p -> p.serves(name))).toList();
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

    private KeyPool pool(Route route) {
        return pools.computeIfAbsent(route.providerName, name -> new KeyPool(name, route.credentials,
                settings.tolerance(), settings.enabled() ? new CooldownPolicy() : CooldownPolicy.none(), restored,
                () -> ledger.ifPresent(UsageLedger::changed)));
    }

    /**
     * The pool of a plugin's own service keys ({@code EXA_API_KEY_1}, {@code _2}), made on first use under
     * {@code poolId}: selected, rested and saved in the usage ledger exactly like LLM keys.
     */
    public KeyPool servicePool(String poolId, String provider, List<LlmCredential> keys) {
        return pools.computeIfAbsent(poolId, id -> new KeyPool(provider, keys, settings.tolerance(),
                settings.enabled() ? new CooldownPolicy() : CooldownPolicy.none(), restored,
                () -> ledger.ifPresent(UsageLedger::changed)));
    }

    /**
     * Does ahead of time what the first request to {@code modelName} would otherwise pay for, and sends nothing to
     * the provider: builds the clients of each of its keys (whole and streaming), runs {@code request} through the
     * provider's {@code prepare}, then sends it with a client made for a placeholder key (never a configured one) to
     * {@code sinkBaseUrl}, a local server standing in for the provider, so the request is serialised, written and
     * its answer parsed by the real client code. No key is selected, used or rested, and the usage ledger does not change.
     *
     * @throws LlmUnavailableException when the model cannot be served (no provider plugin, no key): the first
     *                                 message will say so
     */
    public void warmUp(String modelName, ChatRequest request, String sinkBaseUrl) {
        Route route = resolve(modelName);
        for (LlmCredential credential : route.credentials) {
            client(route.provider, credential, route.model);
            streamingClient(route.provider, credential, route.model);
        }
        ChatRequest prepared = route.provider.prepare(request, route.model);
        LlmCredential placeholder = new LlmCredential(route.credentials.get(0).provider(), "cortana-warm-up-no-key",
                Optional.of(sinkBaseUrl));
        if (route.provider.model(setup(route.provider, placeholder, route.model, false))
                instanceof ModelClient.Blocking blocking) {
            try {
                blocking.model().chat(prepared);
            } catch (RuntimeException refused) { // a sink that does not speak this provider's format
                log.debug("Warm-up request refused by the local sink: {}", refused.toString());
            }
        }
    }

    /** Every saved key, including keys no longer configured (their history is kept, not dropped). */
    private Map<String, KeyRecord> ledgerSnapshot() {
        Map<String, KeyRecord> all = new HashMap<>(restored);
        for (KeyPool pool : pools.values()) {
            all.putAll(pool.snapshot());
        }
        return all;
    }

    /** Flushes the usage ledger and stops the call workers. */
    @Override
    public void close() {
        failover.close();
        ledger.ifPresent(UsageLedger::close);
    }

    private record Route(LlmProvider provider, String providerName, String model, List<LlmCredential> credentials) {
    }
}
