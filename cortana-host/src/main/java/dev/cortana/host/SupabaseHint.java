package dev.cortana.host;

import dev.cortana.host.config.Config;
import java.util.Optional;

/**
 * The original bot's users have {@code SUPABASE_URL} and {@code SUPABASE_KEY} (Supabase's REST API) in their
 * {@code .env}; Cortana talks to PostgreSQL itself and needs the database's connection string instead.
 */
final class SupabaseHint {

    private SupabaseHint() {
    }

    /** The start-up line for a configuration with Supabase's REST settings and no {@code DATABASE_URL}, else empty. */
    static Optional<String> line(Config config) {
        if (config.get("SUPABASE_URL").isEmpty() || config.get("SUPABASE_KEY").isEmpty()
                || config.get("DATABASE_URL").isPresent()) {
            return Optional.empty();
        }
        return Optional.of("Note: SUPABASE_URL and SUPABASE_KEY are set but Cortana needs DATABASE_URL, the database's "
                + "connection string: in Supabase, Project Settings -> Database -> Connection string, URI "
                + "(postgresql://postgres...:[YOUR-PASSWORD]@...:5432/postgres); until then Cortana uses its embedded "
                + "PostgreSQL.");
    }
}
