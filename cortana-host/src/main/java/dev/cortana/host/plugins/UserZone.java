package dev.cortana.host.plugins;

import java.time.ZoneId;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The master user's zone as {@link HostServices#userZone()} supplies it, also telling whether the user chose it
 * ({@code TIMEZONE}/{@code TZ}, or {@code /settings timezone}) or it is the machine's, assumed:
 * {@link dev.cortana.api.CortanaContext#userZoneChosen()}.
 */
public record UserZone(Supplier<ZoneId> zone, BooleanSupplier chosen) implements Supplier<ZoneId> {

    @Override
    public ZoneId get() {
        return zone.get();
    }
}
