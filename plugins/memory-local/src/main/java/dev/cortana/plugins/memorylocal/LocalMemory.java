package dev.cortana.plugins.memorylocal;

import dev.cortana.api.CortanaContext;
import dev.cortana.api.SettingException;
import dev.cortana.api.StatusNote;
import dev.cortana.api.llm.ModelAccess;
import dev.cortana.api.memory.MemoryFact;
import dev.cortana.api.memory.MemoryProvider;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.pf4j.Extension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Long-term memory in PostgreSQL, the default when no other memory plugin is active ({@link #fallback()}).
 *
 * <p>After each turn (in the background: the host runs {@link #learn} after the reply) the model lists the lasting
 * facts about the user; each is compared with the most similar stored facts and the model decides add, update,
 * delete or keep. For each message the most relevant facts come back by hybrid retrieval ({@link Retriever}).
 *
 * <p>Settings: {@code MEMORY_EXTRACTION} = {@code every_turn} (default), {@code compaction} (only from messages
 * about to be compacted away) or {@code off}; {@code MEMORY_MODEL}, a model for the extraction
 * ({@code openai/gpt-4o-mini}), else {@code LLM_BACKGROUND_MODEL}, else the active model.
 */
@Extension
public final class LocalMemory implements MemoryProvider, StatusNote {

    private static final Logger log = LoggerFactory.getLogger(LocalMemory.class);
    static final String ID = "memory-local";
    /** Facts that go with a message. */
    static final int CONTEXT_FACTS = 8;
    /** Stored facts shown to the model per new fact when it decides. */
    static final int SIMILAR_FACTS = 5;
    private static final int MAX_CONVERSATION = 8_000;
    private static final String HOST_CONTEXT_PREFIX = "Now: ";
    private static final DateTimeFormatter DAY = DateTimeFormatter.ISO_LOCAL_DATE;
    /** The user the warm-up retrieves for: no channel gives this id (Discord ids are digits, the console's "console"). */
    static final String WARM_UP_USER = "memory-local warm-up (no such user)";
    /** A message as a user writes it, and a short one (up to four words: trigrams are searched too). */
    private static final List<String> WARM_UP_MESSAGES = List.of(
            "What did I tell you about my sister's new flat in Lisbon last week?", "my dog's name?");

    enum Extraction { EVERY_TURN, COMPACTION, OFF }

    private final FactStore store;
    private final ModelFetch fetch; // null with MEMORY_EMBEDDINGS=false
    private final Embedder embedder;
    private final Retriever retriever;
    private final Supplier<ModelAccess> model;
    private final Supplier<ZoneId> zone;
    private final Extraction extraction;
    private final Optional<String> memoryModel;
    private final Map<String, Object> userLocks = new ConcurrentHashMap<>();

    public LocalMemory(CortanaContext context) {
        this.store = new FactStore(context.dataSource(), context.clock());
        boolean embeddings = context.settings().getBoolean("MEMORY_EMBEDDINGS", true);
        this.fetch = embeddings ? ModelFetch.from(context) : null;
        // Loaded once the host makes this memory the one in use (selected()): a memory-local not in use fetches nothing.
        this.embedder = embeddings ? Embedder.deferred(fetch) : Embedder.none();
        MemoryLocalPlugin.closeOnStop(embedder);
        // A moment's wait for a model loading from disk; none while it is downloaded (lexical until then).
        this.retriever = new Retriever(store, embedder,
                () -> fetch != null && fetch.local() ? Duration.ofSeconds(5) : Duration.ZERO);
        this.model = context::model;
        this.zone = context::userZone;
        this.extraction = extraction(context.settings().get("MEMORY_EXTRACTION", "every_turn"));
        this.memoryModel = context.settings().get("MEMORY_MODEL").map(String::strip).filter(m -> !m.isEmpty());
    }

    static Extraction extraction(String value) {
        return switch (value.strip().toLowerCase(Locale.ROOT).replace('-', '_')) {
            case "every_turn" -> Extraction.EVERY_TURN;
            case "compaction" -> Extraction.COMPACTION;
            case "off" -> Extraction.OFF;
            default -> throw SettingException.invalid("MEMORY_EXTRACTION", value, "every_turn, compaction or off");
        };
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public boolean fallback() {
        return true;
    }

    /** The host made this the memory in use: the embedding model starts loading (in the background). */
    @Override
    public void selected() {
        embedder.start();
    }

    /**
     * The retrieval path of a message's context, run for {@link #WARM_UP_USER}, who has no facts: the full-text and
     * trigram queries, the user's facts and vectors read, the query embedded (waiting for a model still loading from
     * disk, as a message would) and the facts looked up by id; and one vector row made up by the database parsed as
     * a user's are (the driver's array parsing is slow the first time). Reads only; nothing is stored for anyone,
     * and the empty index it built is dropped.
     */
    @Override
    public void warmUp() throws Exception {
        embedder.start();
        try {
            for (String message : WARM_UP_MESSAGES) {
                context(WARM_UP_USER, message);
            }
            store.byIds(WARM_UP_USER, List.of(0L)); // what a message that found facts runs next (ids are >= 1)
            store.madeUpRow();
        } finally {
            retriever.drop(WARM_UP_USER);
        }
    }

    @Override
    public Optional<String> statusNote() {
        // Semantic recall is what the user expects: said only when it is off, or waits for a download.
        String semantic = fetch == null ? "; lexical recall only (MEMORY_EMBEDDINGS=false)"
                : embedder.ready() ? ""
                : embedder.failed() ? "; semantic recall off: the embedding model could not load (see the log)"
                : fetch.local() ? "" : "; " + fetch.note();
        return Optional.of("extraction " + extraction.name().toLowerCase(Locale.ROOT)
                + memoryModel.map(m -> ", model " + m).orElse("") + semantic);
    }

    @Override
    public String context(String userId, String message) throws Exception {
        List<MemoryFact> facts = recall(userId, message, CONTEXT_FACTS);
        StringBuilder context = new StringBuilder();
        for (MemoryFact fact : facts) {
            context.append("- ").append(fact.text()).append(" (").append(fact.source()).append(")\n");
        }
        return context.toString().strip();
    }

    @Override
    public void learn(String userId, List<ChatMessage> turn) throws Exception {
        if (extraction == Extraction.EVERY_TURN) {
            learnFrom(userId, turn, "turn");
        }
    }

    /** Also in {@code every_turn} mode: a turn whose learning failed (model down) still gets its chance here. */
    @Override
    public void beforeForget(String userId, List<ChatMessage> messages) throws Exception {
        if (extraction != Extraction.OFF) {
            learnFrom(userId, messages, "compaction");
        }
    }

    @Override
    public List<MemoryFact> recall(String userId, String query, int limit) throws Exception {
        List<Long> ids = retriever.search(userId, query, limit);
        Map<Long, StoredFact> found = store.byIds(userId, ids);
        List<MemoryFact> facts = new ArrayList<>();
        for (Long id : ids) {
            StoredFact fact = found.get(id);
            if (fact != null) {
                facts.add(shown(fact));
            }
        }
        return facts;
    }

    @Override
    public List<MemoryFact> facts(String userId, int limit) throws Exception {
        return store.newest(userId, limit).stream().map(this::shown).toList();
    }

    @Override
    public MemoryFact remember(String userId, String fact) throws Exception {
        String text = FactStore.clip(fact, FactStore.MAX_TEXT);
        if (text.isEmpty()) {
            throw new IllegalArgumentException("Send the fact to remember as one sentence.");
        }
        synchronized (lock(userId)) {
            float[] vector = retriever.embed(text).orElse(null);
            long id = store.add(userId, text, "asked", "", vector);
            retriever.added(userId, id, text, vector);
            return shown(store.byIds(userId, List.of(id)).get(id));
        }
    }

    @Override
    public boolean forget(String userId, String factId) throws Exception {
        long id;
        try {
            id = Long.parseLong(factId.strip().replaceAll("[\\[\\]#]", ""));
        } catch (NumberFormatException e) {
            return false;
        }
        synchronized (lock(userId)) {
            boolean forgotten = store.forget(userId, id);
            if (forgotten) {
                retriever.removed(userId, id);
            }
            return forgotten;
        }
    }

    /** Extracts facts from {@code messages}, then adds, updates or deletes stored facts as the model decides. */
    private void learnFrom(String userId, List<ChatMessage> messages, String origin) throws Exception {
        String conversation = conversation(messages);
        if (conversation.isBlank()) {
            return;
        }
        String source = firstUserWords(messages);
        List<String> fresh = Learning.facts(ask(Learning.extractionPrompt(conversation)));
        if (fresh.isEmpty()) {
            return;
        }
        synchronized (lock(userId)) {
            // Stored facts resembling any new one, numbered 1..n for the model.
            Map<Long, StoredFact> similar = new LinkedHashMap<>();
            for (String fact : fresh) {
                List<Long> ids = retriever.search(userId, fact, SIMILAR_FACTS);
                store.byIds(userId, ids).forEach(similar::putIfAbsent);
            }
            if (similar.isEmpty()) {
                for (String fact : fresh) {
                    add(userId, fact, origin, source);
                }
                return;
            }
            List<StoredFact> shown = new ArrayList<>(similar.values());
            String answer = ask(Learning.decisionPrompt(shown.stream().map(StoredFact::text).toList(), fresh));
            List<Learning.Decision> decisions = Learning.decisions(answer, shown.size());
            for (Learning.Decision decision : decisions) {
                switch (decision.kind()) {
                    case ADD -> add(userId, decision.text(), origin, source);
                    case UPDATE -> {
                        StoredFact old = shown.get(decision.stored() - 1);
                        float[] vector = retriever.embed(decision.text()).orElse(null);
                        Optional<Long> id = store.update(userId, old.id(), decision.text(), origin, source, vector);
                        if (id.isPresent()) {
                            retriever.removed(userId, old.id());
                            retriever.added(userId, id.get(), decision.text(), vector);
                        }
                    }
                    case DELETE -> {
                        StoredFact old = shown.get(decision.stored() - 1);
                        if (store.end(userId, old.id())) {
                            retriever.removed(userId, old.id());
                        }
                    }
                }
            }
            log.debug("Memory of user {}: {} new facts, {} decisions", userId, fresh.size(), decisions.size());
        }
    }

    private void add(String userId, String text, String origin, String source) throws Exception {
        float[] vector = retriever.embed(text).orElse(null);
        long id = store.add(userId, text, origin, source, vector);
        retriever.added(userId, id, text, vector);
    }

    private String ask(String prompt) {
        ChatRequest request = ChatRequest.builder().messages(UserMessage.from(prompt)).build();
        ModelAccess access = model.get();
        ChatResponse response = memoryModel.isPresent() ? access.chatWith(memoryModel.get(), request)
                : access.chat(ModelAccess.Choice.BACKGROUND, request);
        return response.aiMessage() == null || response.aiMessage().text() == null ? "" : response.aiMessage().text();
    }

    /** "User: ..." and "Assistant: ..." lines of the messages' text, without the host's time and memory lines. */
    static String conversation(List<ChatMessage> messages) {
        StringBuilder text = new StringBuilder();
        for (ChatMessage message : messages) {
            if (message instanceof UserMessage user && user.hasSingleText()) {
                String words = user.singleText().strip();
                if (!words.isEmpty() && !words.startsWith(HOST_CONTEXT_PREFIX)) {
                    text.append("User: ").append(words).append('\n');
                }
            } else if (message instanceof AiMessage ai && ai.text() != null && !ai.text().isBlank()) {
                text.append("Assistant: ").append(ai.text().strip()).append('\n');
            }
        }
        // The newest words matter most: a long exchange keeps its end.
        return text.length() <= MAX_CONVERSATION ? text.toString().strip()
                : text.substring(text.length() - MAX_CONVERSATION).strip();
    }

    private static String firstUserWords(List<ChatMessage> messages) {
        for (ChatMessage message : messages) {
            if (message instanceof UserMessage user && user.hasSingleText()
                    && !user.singleText().strip().startsWith(HOST_CONTEXT_PREFIX)) {
                return user.singleText().strip();
            }
        }
        return "";
    }

    private MemoryFact shown(StoredFact fact) {
        String day = DAY.format(fact.learnedAt().atZone(zone.get()));
        String source = switch (fact.origin()) {
            case "asked" -> "asked to remember on " + day;
            default -> "said on " + day;
        };
        return new MemoryFact(Long.toString(fact.id()), fact.text(), fact.learnedAt(), source);
    }

    private Object lock(String userId) {
        return userLocks.computeIfAbsent(userId, id -> new Object());
    }
}
