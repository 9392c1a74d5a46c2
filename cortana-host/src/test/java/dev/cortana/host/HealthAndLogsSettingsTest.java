package dev.cortana.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cortana.host.config.Config;
import dev.cortana.host.config.ConfigException;
import dev.cortana.host.llm.SecretRedactor;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** HEALTH_PORT, LOG_FORMAT and the Supabase hint: what each setting accepts and what a user sees. */
class HealthAndLogsSettingsTest {

    @ParameterizedTest
    @ValueSource(strings = {"0", "65536", "health", "8080/health", ":"})
    void aMalformedHealthPortStopsStartUpWithTheOneFormLine(String value) {
        assertThatThrownBy(() -> HealthEndpoint.start(Config.of(Map.of("HEALTH_PORT", value))))
                .isInstanceOf(ConfigException.class)
                .hasMessage("HEALTH_PORT='" + value + "' is not valid: expected a port number from 1 to 65535, or "
                        + "host:port such as 127.0.0.1:8080");
    }

    @Test
    void unsetThereIsNoHealthEndpoint() {
        assertThat(HealthEndpoint.start(Config.of(Map.of()))).isEmpty();
    }

    @Test
    void beforeCortanaIsReadyHealthAnswers503Starting() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        try (HealthEndpoint health = HealthEndpoint.start(Config.of(Map.of("HEALTH_PORT", "127.0.0.1:" + port))).orElseThrow()) {
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + health.port() + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(503);
            JsonNode body = new ObjectMapper().readTree(response.body());
            assertThat(body.get("status").asText()).isEqualTo("starting");
            assertThat(body.get("ready").asBoolean()).isFalse();
            assertThat(body.get("healthy").asBoolean()).isFalse();
        }
    }

    @Test
    void logFormatIsTextOrJson() {
        assertThat(Logging.jsonFormat(Config.of(Map.of()))).isFalse();
        assertThat(Logging.jsonFormat(Config.of(Map.of("LOG_FORMAT", "JSON")))).isTrue();
        assertThatThrownBy(() -> Logging.jsonFormat(Config.of(Map.of("LOG_FORMAT", "logfmt"))))
                .hasMessage("LOG_FORMAT='logfmt' is not valid: expected text or json");
    }

    @Test
    void aJsonLogLineIsOneObjectWithThePluginAndTheExceptionAndNoSecret() throws Exception {
        JsonLogEncoder encoder = new JsonLogEncoder(SecretRedactor.of(List.of("hunter2-database-password")));
        LoggerContext context = new LoggerContext();
        encoder.setContext(context);
        encoder.start();
        LoggingEvent event = new LoggingEvent("x", context.getLogger("dev.cortana.host.plugins.PluginHost"), Level.WARN,
                "Key {} was refused; the database said {}", new IllegalStateException("login hunter2-database-password"),
                new Object[] {"sk-live-abcdef0123456789", "password hunter2-database-password"});
        event.setMDCPropertyMap(Map.of("plugin", "todos"));

        String line = new String(encoder.encode(event), StandardCharsets.UTF_8);

        assertThat(line).endsWith("}\n").doesNotContain("\n{").doesNotContain("hunter2-database-password")
                .doesNotContain("sk-live-abcdef0123456789");
        JsonNode json = new ObjectMapper().readTree(line);
        assertThat(json.get("level").asText()).isEqualTo("WARN");
        assertThat(json.get("logger").asText()).isEqualTo("dev.cortana.host.plugins.PluginHost");
        assertThat(json.get("message").asText()).isEqualTo("Key [redacted] was refused; the database said password [redacted]");
        assertThat(json.get("plugin").asText()).isEqualTo("todos");
        assertThat(json.get("thread").asText()).isEqualTo(Thread.currentThread().getName());
        assertThat(json.get("time").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        assertThat(json.get("exception").asText()).startsWith("java.lang.IllegalStateException: login [redacted]");
    }

    @Test
    void jsonLogsHideKeysAndTheDatabaseUrlButNotTheWorkingDirectory(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        SecretRedactor secrets = Main.logSecrets(dev.cortana.host.config.LayeredConfig.load(Map.of("PWD", "/app",
                "GEMINI_API_KEY", "AIzaSyDeployTest0123456789", "DATABASE_URL", "postgresql://cortana:s3cret-pw@db:5432/cortana"),
                dir));

        assertThat(secrets.redact("Plugins in /workspace/plugins, /app/plugins; key AIzaSyDeployTest0123456789; "
                + "postgresql://cortana:s3cret-pw@db:5432/cortana"))
                .isEqualTo("Plugins in /workspace/plugins, /app/plugins; key [redacted]; [redacted]");
    }

    @Test
    void aPasswordNamedPwdIsHiddenInJsonLogsWhileTheShellsWorkingDirectoriesAreNot(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        SecretRedactor secrets = Main.logSecrets(dev.cortana.host.config.LayeredConfig.load(Map.of(
                "PWD", "/home/cortana/checkout", "OLDPWD", "/home/cortana/previous", "DB_PWD", "correct-horse-battery"),
                dir));

        assertThat(secrets.redact("cd /home/cortana/checkout from /home/cortana/previous; password correct-horse-battery"))
                .isEqualTo("cd /home/cortana/checkout from /home/cortana/previous; password [redacted]");
    }

    @Test
    void supabaseUsersAreToldWhereTheConnectionStringIs() {
        assertThat(SupabaseHint.line(Config.of(Map.of("SUPABASE_URL", "https://abcd.supabase.co", "SUPABASE_KEY", "eyJ..."))))
                .hasValueSatisfying(line -> assertThat(line).contains("DATABASE_URL")
                        .contains("Project Settings -> Database -> Connection string, URI").doesNotContain("eyJ"));
        assertThat(SupabaseHint.line(Config.of(Map.of("SUPABASE_URL", "https://abcd.supabase.co", "SUPABASE_KEY", "eyJ...",
                "DATABASE_URL", "postgresql://postgres@db.abcd.supabase.co:5432/postgres")))).isEmpty();
        assertThat(SupabaseHint.line(Config.of(Map.of()))).isEmpty();
    }
}
