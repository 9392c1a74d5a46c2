package dev.cortana.testkit.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** FakeZep answers the way Zep does: its paths, its auth header, its statuses, and the switches a test flips. */
class FakeZepTest {

    private final FakeZep zep = FakeZep.start("z_key");
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @AfterEach
    void close() {
        zep.close();
    }

    @Test
    void usersAndThreadsAreCreatedOnceAndMessagesNeedAThread() throws Exception {
        assertThat(post("/users", "{\"user_id\":\"u1\"}", "z_key").statusCode()).isEqualTo(201);
        assertThat(post("/users", "{\"user_id\":\"u1\"}", "z_key").statusCode()).isEqualTo(409);
        assertThat(post("/threads/t1/messages", "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "z_key")
                .statusCode()).isEqualTo(404);
        assertThat(post("/threads", "{\"thread_id\":\"t1\",\"user_id\":\"u1\"}", "z_key").statusCode()).isEqualTo(201);
        assertThat(post("/threads", "{\"thread_id\":\"t1\",\"user_id\":\"u1\"}", "z_key").statusCode()).isEqualTo(409);

        HttpResponse<String> added = post("/threads/t1/messages",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"assistant\",\"content\":\"hello\"}]}",
                "z_key");

        assertThat(added.statusCode()).isEqualTo(200);
        assertThat(added.body()).contains("message_uuids");
        assertThat(zep.messages("t1")).extracting(FakeZep.Message::content).containsExactly("hi", "hello");
        assertThat(post("/threads/t1/messages", "{\"messages\":[{\"role\":\"robot\",\"content\":\"x\"}]}", "z_key")
                .statusCode()).isEqualTo(400);
    }

    @Test
    void aWrongKeyIsRefusedAndTheContextBlockHoldsTheUsersValidFacts() throws Exception {
        assertThat(post("/users", "{\"user_id\":\"u1\"}", "wrong").statusCode()).isEqualTo(401);
        post("/users", "{\"user_id\":\"u1\"}", "z_key");
        post("/threads", "{\"thread_id\":\"t1\",\"user_id\":\"u1\"}", "z_key");
        zep.addFact("u1", "Ana lives in Porto");
        zep.invalidateFact(zep.addFact("u1", "Ana lives in Lisbon"));
        zep.addFact("u2", "Bob lives in Faro");

        HttpResponse<String> context = get("/threads/t1/context");

        assertThat(context.body()).contains("Ana lives in Porto").doesNotContain("Lisbon").doesNotContain("Bob");
    }

    @Test
    void downAnswers503UntilUpAndRateLimitAnswers429WithRetryAfter() throws Exception {
        zep.down();
        assertThat(post("/users", "{\"user_id\":\"u1\"}", "z_key").statusCode()).isEqualTo(503);
        zep.up().rateLimit(1);
        HttpResponse<String> limited = post("/users", "{\"user_id\":\"u1\"}", "z_key");
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(post("/users", "{\"user_id\":\"u1\"}", "z_key").statusCode()).isEqualTo(201);
        assertThat(zep.users()).containsExactly("u1");
    }

    private HttpResponse<String> post(String path, String body, String key) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(zep.baseUrl() + path)).header("Authorization", "Api-Key " + key)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(zep.baseUrl() + path)).header("Authorization", "Api-Key z_key")
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
