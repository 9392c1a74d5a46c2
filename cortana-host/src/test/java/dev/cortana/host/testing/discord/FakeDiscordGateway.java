package dev.cortana.host.testing.discord;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.java_websocket.WebSocket;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.server.WebSocketServer;

/** The gateway side of {@link FakeDiscord}: HELLO, READY on IDENTIFY, heartbeat ACKs, RESUME with replay. */
final class FakeDiscordGateway extends WebSocketServer {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final FakeDiscord discord;
    final CountDownLatch started = new CountDownLatch(1);
    volatile WebSocket current;
    volatile int replayFrom;
    volatile int resumes;

    FakeDiscordGateway(FakeDiscord discord) {
        super(new InetSocketAddress("127.0.0.1", 0));
        this.discord = discord;
    }

    @Override
    public void onStart() {
        started.countDown();
    }

    @Override
    public void onOpen(WebSocket connection, ClientHandshake handshake) {
        current = connection;
        connection.send("{\"op\":10,\"d\":{\"heartbeat_interval\":41250},\"s\":null,\"t\":null}");
    }

    @Override
    public void onMessage(WebSocket connection, String text) {
        JsonNode frame;
        try {
            frame = JSON.readTree(text);
        } catch (IOException e) {
            connection.close(4002, "Decode error");
            return;
        }
        switch (frame.path("op").asInt()) {
            case 1 -> connection.send("{\"op\":11,\"d\":null,\"s\":null,\"t\":null}");
            case 2 -> {
                if (discord.refusesIntents()) {
                    connection.close(4014, "Disallowed intent(s).");
                } else {
                    ready();
                }
            }
            case 6 -> resume(connection, frame.path("d").path("seq").asInt());
            default -> { }
        }
    }

    private void ready() {
        ObjectNode ready = JSON.createObjectNode();
        ready.put("v", 10);
        ready.set("user", DiscordPayloads.user(FakeDiscord.BOT_ID, "cortana").put("bot", true));
        ready.putArray("guilds");
        ready.putArray("private_channels");
        ready.put("session_id", "fake-session");
        ready.put("resume_gateway_url", discord.gatewayUrl());
        ready.putObject("application").put("id", FakeDiscord.BOT_ID).put("flags", 0);
        discord.dispatch("READY", ready);
    }

    private void resume(WebSocket connection, int acknowledged) {
        resumes++;
        int from = replayFrom > 0 ? replayFrom : acknowledged;
        replayFrom = 0;
        List<String> frames = discord.eventsAfterThenResumed(from);
        frames.forEach(connection::send);
    }

    @Override
    public void onClose(WebSocket connection, int code, String reason, boolean remote) {
        if (current == connection) {
            current = null;
        }
    }

    @Override
    public void onError(WebSocket connection, Exception e) {
    }
}
