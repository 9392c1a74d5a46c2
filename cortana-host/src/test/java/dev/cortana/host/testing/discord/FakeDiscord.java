package dev.cortana.host.testing.discord;

import dev.cortana.testkit.wire.LoopbackHttp;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.java_websocket.WebSocket;

/**
 * A loopback Discord for the real JDA client: REST on a JDK {@link HttpServer} ({@link #apiBaseUrl()}) and a
 * gateway websocket ({@link #gatewayUrl()}, JSON, no compression). The gateway says HELLO, answers IDENTIFY with
 * READY, heartbeats with ACKs and RESUME with the events the client missed (or all since a given sequence, to act out
 * Discord's at-least-once replay) followed by RESUMED. Every REST call JDA makes is recorded as a {@link Call}.
 *
 * <pre>{@code
 * try (FakeDiscord discord = FakeDiscord.start()) {
 *     // point JDA at discord.apiBaseUrl() / discord.gatewayUrl() with token FakeDiscord.TOKEN
 *     discord.directMessage(FakeDiscord.MASTER, "hello");
 *     Call reply = discord.await(call -> call.isMessagePost(), Duration.ofSeconds(5));
 * }
 * }</pre>
 */
public final class FakeDiscord implements AutoCloseable {

    public static final String TOKEN = "fake-bot-token";
    public static final String BOT_ID = "900000000000000001";
    public static final String MASTER = "100000000000000001";
    public static final String STRANGER = "100000000000000002";
    public static final String GUILD = "300000000000000001";
    public static final String GUILD_CHANNEL = "300000000000000002";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One REST request JDA made. */
    public record Call(String method, String path, String body, long nanoTime) {

        /** The message content of a message post or interaction follow-up (JSON body or multipart payload_json). */
        public String content() {
            JsonNode payload = payload();
            return payload == null ? null : payload.path("content").asText(null);
        }

        public JsonNode payload() {
            String json = body;
            int start = body.indexOf('{');
            if (!body.startsWith("{") && !body.startsWith("[") && start >= 0) { // multipart: payload_json part
                int end = body.indexOf("\r\n--", start);
                json = body.substring(start, end < 0 ? body.length() : end);
            }
            try {
                return json.isBlank() ? null : JSON.readTree(json);
            } catch (IOException e) {
                return null;
            }
        }

        /** The nonce a message post carried ({@code null} when none). */
        public String nonce() {
            JsonNode payload = payload();
            return payload == null ? null : payload.path("nonce").asText(null);
        }

        /**
         * The files uploaded with a multipart message post, by the filename of each part ({@code files[n]}), as
         * the text of their bytes.
         */
        public Map<String, String> uploadedFiles() {
            Map<String, String> files = new java.util.LinkedHashMap<>();
            java.util.regex.Matcher part = java.util.regex.Pattern.compile(
                    "Content-Disposition: form-data; name=\"files\\[\\d+]\"; filename=\"([^\"]*)\"\r\n"
                            + "(?:[^\r\n]+\r\n)*\r\n(.*?)\r\n--", java.util.regex.Pattern.DOTALL).matcher(body);
            while (part.find()) {
                files.put(part.group(1), part.group(2));
            }
            return files;
        }

        public boolean isMessagePost() {
            return method.equals("POST") && path.matches(".*/channels/\\d+/messages");
        }

        /** An edit of a message's content ({@code PATCH /channels/{channel}/messages/{message}}). */
        public boolean isMessageEdit() {
            return method.equals("PATCH") && path.matches(".*/channels/\\d+/messages/\\d+");
        }

        /** The id of the message an edit changes. */
        public String editedMessageId() {
            return path.substring(path.lastIndexOf('/') + 1);
        }

        public boolean isTyping() {
            return method.equals("POST") && path.endsWith("/typing");
        }

        public boolean isInteractionCallback() {
            return path.contains("/interactions/") && path.endsWith("/callback");
        }

        public boolean isFollowUp() {
            return method.equals("POST") && path.contains("/webhooks/");
        }

        public boolean isCommandRegistration() {
            return method.equals("PUT") && path.endsWith("/commands");
        }
    }

    private final HttpServer rest;
    private final FakeDiscordGateway gateway;
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final List<String> events = new CopyOnWriteArrayList<>(); // dispatched payloads by sequence - 1
    private final AtomicLong ids = new AtomicLong();
    private volatile boolean dropNextSend;

    private FakeDiscord() throws IOException, InterruptedException {
        rest = LoopbackHttp.start(this::handle, Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fake-discord-rest");
            t.setDaemon(true);
            return t;
        }));
        gateway = new FakeDiscordGateway(this);
        gateway.setReuseAddr(true);
        gateway.setTcpNoDelay(true);
        gateway.start();
        gateway.started.await();
    }

    public static FakeDiscord start() {
        try {
            return new FakeDiscord();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public String apiBaseUrl() {
        return "http://127.0.0.1:" + rest.getAddress().getPort() + "/api/v10/";
    }

    public String gatewayUrl() {
        return "ws://127.0.0.1:" + gateway.getPort();
    }

    public List<Call> calls() {
        return List.copyOf(calls);
    }

    public List<Call> calls(Predicate<Call> filter) {
        return calls.stream().filter(filter).toList();
    }

    /** Blocks until at least {@code count} recorded calls match {@code filter}; returns them. */
    public List<Call> awaitCalls(Predicate<Call> filter, int count, java.time.Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (calls) {
            while (true) {
                List<Call> matching = calls(filter);
                if (matching.size() >= count) {
                    return matching;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IllegalStateException("expected " + count + " matching calls, got " + matching.size());
                }
                calls.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    /** The DM channel id between the bot and {@code userId}. */
    public static String dmChannelOf(String userId) {
        return "2" + userId.substring(1);
    }

    private volatile boolean refuseIntents;

    /** IDENTIFY is answered with close code 4014, as when the bot lacks the Message Content intent. */
    public void refuseIntents() {
        refuseIntents = true;
    }

    boolean refusesIntents() {
        return refuseIntents;
    }

    /** The next message post answers 500 once (Discord having a bad moment). */
    public void failNextMessagePost() {
        dropNextSend = true;
    }

    private final java.util.concurrent.atomic.AtomicInteger failingPosts = new java.util.concurrent.atomic.AtomicInteger();
    private volatile java.util.concurrent.CountDownLatch holdPosts;
    /** Messages created, by channel; a post with a nonce seen before (enforce_nonce) creates none. */
    private final List<ObjectNode> created = new CopyOnWriteArrayList<>();
    private final Map<String, ObjectNode> byNonce = new java.util.concurrent.ConcurrentHashMap<>();

    private final java.util.concurrent.atomic.AtomicInteger failingDmOpens = new java.util.concurrent.atomic.AtomicInteger();

    /** The next {@code count} requests to open a DM channel answer 500. */
    public void failDmOpens(int count) {
        failingDmOpens.set(count);
    }

    /** The next {@code count} message posts answer 500. */
    public void failMessagePosts(int count) {
        failingPosts.set(count);
    }

    /**
     * Message posts from now on create their message (as Discord does on receipt) but get no answer until
     * {@link #releasePosts()}: a client killed meanwhile never learns that its message went out.
     */
    public void holdPosts() {
        holdPosts = new java.util.concurrent.CountDownLatch(1);
    }

    public void releasePosts() {
        java.util.concurrent.CountDownLatch held = holdPosts;
        holdPosts = null;
        if (held != null) {
            held.countDown();
        }
    }

    /**
     * The messages Discord created, as the user sees them in the DM: a post repeating an earlier one's nonce with
     * {@code enforce_nonce} returns that message and creates none, as Discord does for a few minutes.
     */
    public List<String> createdMessages() {
        synchronized (byNonce) {
            return created.stream().map(m -> m.path("content").asText()).toList();
        }
    }

    // ---- gateway events -------------------------------------------------------------------------------------

    /** A DM from {@code userId}; returns the message id. */
    public String directMessage(String userId, String content) {
        String id = nextId();
        ObjectNode message = DiscordPayloads.message(id, dmChannelOf(userId), author(userId), content);
        dispatch("MESSAGE_CREATE", message);
        return id;
    }

    /** A file attached to a DM. */
    public record Attachment(String filename, String contentType, byte[] bytes) {
    }

    private final Map<String, byte[]> files = new java.util.concurrent.ConcurrentHashMap<>();

    /** A DM from {@code userId} with files; the fake serves them like Discord's CDN. */
    public String directMessage(String userId, String content, List<Attachment> attachments) {
        String id = nextId();
        ObjectNode message = DiscordPayloads.message(id, dmChannelOf(userId), author(userId), content);
        ArrayNode array = message.putArray("attachments");
        for (Attachment attachment : attachments) {
            String fileId = nextId();
            String url = "http://127.0.0.1:" + rest.getAddress().getPort() + "/attachments/" + fileId + "/"
                    + java.net.URLEncoder.encode(attachment.filename(), StandardCharsets.UTF_8).replace("+", "%20");
            files.put("/attachments/" + fileId + "/" + attachment.filename(), attachment.bytes());
            ObjectNode node = array.addObject();
            node.put("id", fileId).put("filename", attachment.filename()).put("size", attachment.bytes().length)
                    .put("url", url).put("proxy_url", url).put("content_type", attachment.contentType());
            if (attachment.contentType().startsWith("image/")) {
                node.put("width", 64).put("height", 64);
            }
        }
        dispatch("MESSAGE_CREATE", message);
        return id;
    }

    /** A message in a guild text channel; JDA only delivers it when it knows the guild, so the guild is sent first. */
    public String guildMessage(String userId, String content) {
        String id = nextId();
        ObjectNode message = DiscordPayloads.message(id, GUILD_CHANNEL, author(userId), content);
        message.put("guild_id", GUILD);
        ObjectNode member = message.putObject("member");
        member.putArray("roles");
        member.put("joined_at", Instant.now().toString());
        dispatch("MESSAGE_CREATE", message);
        return id;
    }

    /** A slash command from {@code userId}, in their DM or (with {@code inGuild}) in a guild channel. */
    public String slashCommand(String userId, boolean inGuild, String name, String subcommand,
                               Map<String, String> options) {
        ObjectNode data = JSON.createObjectNode();
        data.put("id", nextId());
        data.put("name", name);
        data.put("type", 1);
        ArrayNode optionArray = JSON.createArrayNode();
        options.forEach((key, value) -> optionArray.addObject().put("name", key).put("type", 3).put("value", value));
        if (subcommand != null) {
            ObjectNode sub = data.putArray("options").addObject();
            sub.put("name", subcommand).put("type", 1).set("options", optionArray);
        } else {
            data.set("options", optionArray);
        }
        return interaction(2, userId, inGuild, data);
    }

    /** The master typing {@code typed} into option {@code option} of {@code /name subcommand}. */
    public String autocomplete(String userId, String name, String subcommand, String option, String typed) {
        ObjectNode data = JSON.createObjectNode();
        data.put("id", nextId()).put("name", name).put("type", 1);
        ObjectNode focused = JSON.createObjectNode().put("name", option).put("type", 3).put("value", typed)
                .put("focused", true);
        data.putArray("options").addObject().put("name", subcommand).put("type", 1).putArray("options").add(focused);
        return interaction(4, userId, false, data);
    }

    /** A press of the button {@code customId} by {@code userId} on message {@code messageId} in their DM. */
    public String buttonPress(String userId, String messageId, String customId) {
        ObjectNode data = JSON.createObjectNode();
        data.put("custom_id", customId).put("component_type", 2);
        ObjectNode interaction = interactionPayload(3, userId, false, data);
        interaction.set("message", DiscordPayloads.message(messageId, dmChannelOf(userId), DiscordPayloads.user(BOT_ID, "cortana"), "question"));
        dispatch("INTERACTION_CREATE", interaction);
        return interaction.get("token").asText();
    }

    private String interaction(int type, String userId, boolean inGuild, ObjectNode data) {
        ObjectNode interaction = interactionPayload(type, userId, inGuild, data);
        dispatch("INTERACTION_CREATE", interaction);
        return interaction.get("token").asText();
    }

    private ObjectNode interactionPayload(int type, String userId, boolean inGuild, ObjectNode data) {
        return DiscordPayloads.interaction(nextId(), type, userId, inGuild, data);
    }

    private static ObjectNode author(String userId) {
        return DiscordPayloads.user(userId, "user" + userId.substring(15));
    }

    /** Sends one dispatch event; it is kept for replay on resume. */
    public synchronized void dispatch(String type, ObjectNode data) {
        int sequence = events.size() + 1;
        ObjectNode frame = JSON.createObjectNode();
        frame.put("op", 0).put("t", type).put("s", sequence).set("d", data);
        String text = frame.toString();
        events.add(text);
        WebSocket connection = gateway.current;
        if (connection != null && connection.isOpen()) {
            connection.send(text);
        }
    }

    /**
     * Drops the gateway connection the way Discord does before a resume. On RESUME the fake replays every event
     * after {@code replayFromSequence} (0: after what the client acknowledged), so a test can act out a replay of
     * events the client has already handled.
     */
    public void dropConnection(int replayFromSequence) {
        gateway.replayFrom = replayFromSequence;
        WebSocket connection = gateway.current;
        if (connection != null) {
            connection.close(4000, "Unknown error");
        }
    }

    /** For a RESUME: the events after {@code sequence}, then a RESUMED dispatch (recorded like any event). */
    synchronized List<String> eventsAfterThenResumed(int sequence) {
        List<String> frames = new ArrayList<>(events.subList(Math.min(sequence, events.size()), events.size()));
        ObjectNode frame = JSON.createObjectNode();
        frame.put("op", 0).put("t", "RESUMED").put("s", events.size() + 1).putObject("d");
        events.add(frame.toString());
        frames.add(frame.toString());
        return frames;
    }

    public int lastSequence() {
        return events.size();
    }

    public int resumes() {
        return gateway.resumes;
    }

    // ---- REST ------------------------------------------------------------------------------------------------

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            synchronized (calls) {
                calls.add(new Call(method, path, body, System.nanoTime()));
                calls.notifyAll();
            }
            if (path.startsWith("/attachments/")) { // the CDN: no token needed
                byte[] file = files.get(path);
                exchange.sendResponseHeaders(file == null ? 404 : 200, file == null ? -1 : file.length);
                if (file != null) {
                    exchange.getResponseBody().write(file);
                }
                return;
            }
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            if (!("Bot " + TOKEN).equals(auth)) {
                respond(exchange, 401, "{\"message\":\"401: Unauthorized\",\"code\":0}");
                return;
            }
            String route = path.replaceFirst("^/api/v\\d+", "");
            if (method.equals("GET") && route.equals("/users/@me")) {
                respond(exchange, 200, DiscordPayloads.user(BOT_ID, "cortana").put("bot", true).toString());
            } else if (method.equals("PUT") && route.matches("/applications/\\d+/commands")) {
                ArrayNode registered = (ArrayNode) JSON.readTree(body);
                for (JsonNode command : registered) {
                    ((ObjectNode) command).put("id", nextId()).put("application_id", BOT_ID).put("version", nextId());
                }
                respond(exchange, 200, registered.toString());
            } else if (method.equals("POST") && route.equals("/users/@me/channels")
                    && failingDmOpens.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                respond(exchange, 500, "{\"message\":\"Internal Server Error\",\"code\":0}");
            } else if (method.equals("POST") && route.equals("/users/@me/channels")) {
                String recipient = JSON.readTree(body).path("recipient_id").asText();
                ObjectNode channel = JSON.createObjectNode().put("id", dmChannelOf(recipient)).put("type", 1);
                channel.putArray("recipients").add(DiscordPayloads.user(recipient, "master"));
                respond(exchange, 200, channel.toString());
            } else if (route.endsWith("/typing") || route.endsWith("/callback")) {
                respond(exchange, 204, "");
            } else if (method.equals("POST") && route.matches("/channels/\\d+/messages")) {
                if (dropNextSend || failingPosts.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    dropNextSend = false;
                    respond(exchange, 500, "{\"message\":\"Internal Server Error\",\"code\":0}");
                    return;
                }
                String channel = route.split("/")[2];
                Call post = new Call(method, path, body, 0);
                JsonNode payload = post.payload();
                String nonce = post.nonce();
                boolean enforced = payload != null && payload.path("enforce_nonce").asBoolean(false);
                ObjectNode message;
                synchronized (byNonce) {
                    message = enforced && nonce != null ? byNonce.get(nonce) : null;
                    if (message == null) {
                        message = sent(channel, body);
                        if (nonce != null) {
                            message.put("nonce", nonce);
                            byNonce.put(nonce, message);
                        }
                        created.add(message);
                    }
                }
                java.util.concurrent.CountDownLatch held = holdPosts;
                if (held != null) {
                    try {
                        held.await(60, java.util.concurrent.TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                respond(exchange, 200, message.toString());
            } else if (method.equals("PATCH") && route.matches("/channels/\\d+/messages/\\d+")
                    && edit(route.substring(route.lastIndexOf('/') + 1), body) != null) {
                respond(exchange, 200, edit(route.substring(route.lastIndexOf('/') + 1), body).toString());
            } else if (route.startsWith("/webhooks/") || route.matches("/channels/\\d+/messages/\\d+")) {
                respond(exchange, 200, sent(dmChannelOf(MASTER), body).toString());
            } else {
                respond(exchange, 404, "{\"message\":\"404: Not Found\",\"code\":0}");
            }
        } catch (RuntimeException e) {
            e.printStackTrace();
            throw e;
        }
    }

    /** Edits the content of a message this fake created; null when it created none with that id. */
    private ObjectNode edit(String messageId, String body) {
        String content = new Call("PATCH", "", body, 0).content();
        synchronized (byNonce) {
            for (ObjectNode message : created) {
                if (message.path("id").asText().equals(messageId)) {
                    if (content != null) {
                        message.put("content", content);
                        message.put("edited_timestamp", java.time.OffsetDateTime.now().toString());
                    }
                    return message.deepCopy();
                }
            }
        }
        return null;
    }

    private ObjectNode sent(String channelId, String body) {
        String content = new Call("POST", "", body, 0).content();
        return DiscordPayloads.message(nextId(), channelId, DiscordPayloads.user(BOT_ID, "cortana"), content == null ? "" : content);
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, status == 204 ? -1 : bytes.length);
        if (status != 204) {
            exchange.getResponseBody().write(bytes);
        }
    }

    /** A snowflake of now: JDA refuses to answer interactions whose id says they are older than 15 minutes. */
    private String nextId() {
        long discordEpochMillis = System.currentTimeMillis() - 1420070400000L;
        return Long.toString((discordEpochMillis << 22) | (ids.incrementAndGet() & 0x3FFFFF));
    }

    @Override
    public void close() {
        releasePosts();
        rest.stop(0);
        try {
            gateway.stop(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
