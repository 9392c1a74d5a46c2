package dev.cortana.host.plugins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What a plugin gets through its CortanaContext. */
class PluginContextTest {

    private final PluginTestServices services = new PluginTestServices(
            Map.of("TODOS_MAX_LIST", "50", "TIMEOUT", "30"),
            Map.of("todos", Map.of("TODOS_MAX_LIST", "10")));
    private final HostPluginContext context = new HostPluginContext("todos", services.services);

    @AfterEach
    void tearDown() {
        context.close();
        services.close();
    }

    @Test
    void settingsReadThePluginsOwnSectionFirstThenTheKeysItDeclares() {
        HostPluginContext declaring = new HostPluginContext("todos", List.of("TODOS_*", "TIMEOUT"), name -> false,
                services.services);

        assertThat(declaring.settings().getInt("TODOS_MAX_LIST", 0)).isEqualTo(10);
        assertThat(declaring.settings().getInt("TIMEOUT", 0)).isEqualTo(30);
        assertThat(declaring.settings().get("MISSING")).isEmpty();
        assertThat(new HostPluginContext("other", List.of("TODOS_MAX_LIST"), name -> false, services.services)
                .settings().getInt("TODOS_MAX_LIST", 0)).isEqualTo(50);
    }

    @Test
    void aPluginThatDeclaresNothingReadsOnlyItsOwnSection() {
        assertThat(context.settings().getInt("TODOS_MAX_LIST", 0)).isEqualTo(10);
        assertThat(context.settings().get("TIMEOUT")).isEmpty();
    }

    @Test
    void theUserZoneIsReadWhenAsked() {
        services.userZone = ZoneId.of("Asia/Tokyo");

        assertThat(context.userZone()).isEqualTo(ZoneId.of("Asia/Tokyo"));
    }

    @Test
    void aPeriodicTaskThatThrowsKeepsItsSchedule() {
        AtomicInteger runs = new AtomicInteger();

        context.scheduler().every(Duration.ofMillis(10), () -> {
            runs.incrementAndGet();
            throw new IllegalStateException("feed unreachable");
        });

        await().atMost(Duration.ofSeconds(2)).until(() -> runs.get() >= 3);
    }

    @Test
    void closingTheContextCancelsItsTasksAndRefusesNewOnes() {
        ScheduledFuture<?> periodic = context.scheduler().every(Duration.ofMillis(10), () -> { });
        ScheduledFuture<?> later = context.scheduler().after(Duration.ofHours(1), () -> { });

        context.close();

        assertThat(periodic.isCancelled()).isTrue();
        assertThat(later.isCancelled()).isTrue();
        assertThat(services.scheduler.getQueue()).isEmpty();
        assertThatThrownBy(() -> context.scheduler().after(Duration.ZERO, () -> { }))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("todos");
    }
}
