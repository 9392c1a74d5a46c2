package dev.cortana.plugins.calendar;

import dev.cortana.api.CortanaContext;
import dev.cortana.api.jobs.DurableJobs;
import dev.cortana.api.jobs.Schedule;
import dev.cortana.api.tools.ToolProvider;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.pf4j.Extension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The calendar plugin: the tools {@code calendar_add}, {@code calendar_list} (with {@code free}: free slots),
 * {@code calendar_update} (with {@code delete}: deletes) and {@code calendar_ics} (import or export), the durable job that sends event reminders,
 * and the daily job that keeps series without end expanded to the horizon. Settings: see {@link Settings}.
 */
@Extension
public final class CalendarToolProvider implements ToolProvider {

    static final String HORIZON_HANDLER = "extend-series";
    private static final Logger LOG = LoggerFactory.getLogger(CalendarToolProvider.class);

    private final CalendarTools tools;

    public CalendarToolProvider(CortanaContext context) {
        Settings settings = Settings.read(context.settings());
        CalendarStore store = new CalendarStore(context.dataSource(), context.clock(), settings.horizon());
        EventReminders reminders = new EventReminders(context, store);
        this.tools = new CalendarTools(context, store, reminders, settings);
        logIndex(context);
        DurableJobs jobs = context.jobs();
        jobs.handle(EventReminders.HANDLER, reminders::run);
        jobs.handle(HORIZON_HANDLER, run -> store.extendAll());
        if (jobs.list().stream().noneMatch(job -> job.handlerName().equals(HORIZON_HANDLER))) {
            jobs.schedule(HORIZON_HANDLER, Schedule.every(Duration.ofDays(1)), "{}");
        }
    }

    @Override
    public List<Object> tools() {
        return List.of(tools);
    }

    /** Says once which index the conflict search has: btree_gist's (user, range) or the range-only fallback. */
    private static void logIndex(CortanaContext context) {
        try (Connection c = context.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'btree_gist')")) {
            if (rs.next() && !rs.getBoolean(1)) {
                LOG.warn("calendar: the extension btree_gist is not installed and Cortana's database user may not create"
                        + " it; conflict search uses a GiST index on the time range alone (ask the database owner to run"
                        + " CREATE EXTENSION btree_gist for the faster per-user index)");
            }
        } catch (SQLException e) {
            LOG.warn("calendar: could not check for btree_gist: {}", e.getMessage());
        }
    }
}
