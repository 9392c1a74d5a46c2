package dev.cortana.host.services;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cortana.host.llm.SecretRedactor;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class HostHttpClientTest {

    @Test
    void aTimeoutBelowASecondIsNamedInMillisecondsNotAsZeroSeconds() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) { // accepts, never answers
            HostHttpClient http = new HostHttpClient("0.1.0", SecretRedactor.of(List.of()));
            var request = http.request(URI.create("http://127.0.0.1:" + silent.getLocalPort() + "/slow"))
                    .timeout(Duration.ofMillis(300)).GET().build();
            assertThatThrownBy(() -> http.send(request))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("no complete answer within 300 ms")
                    .hasMessageNotContaining("within 0 s");
        }
    }

    @Test
    void wholeSecondsStayInSeconds() {
        assertThat(dev.cortana.host.config.Durations.describe(Duration.ofSeconds(30))).isEqualTo("30 s");
        assertThat(dev.cortana.host.config.Durations.describe(Duration.ofMillis(1500))).isEqualTo("1500 ms");
    }
}
