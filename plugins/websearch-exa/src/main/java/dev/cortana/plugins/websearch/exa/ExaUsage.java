package dev.cortana.plugins.websearch.exa;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;

/**
 * Exa calls and spend per day in the user's time zone, in the plugin's table {@code websearch_exa_usage}, so a restart
 * does not reset today's numbers. The day's figures are kept in memory after the first read or write, so
 * {@code /settings status} reads the database at most once per day.
 */
final class ExaUsage {

    /** One day's figures. */
    record Day(LocalDate day, int searches, int pages, BigDecimal dollars) {

        /** {@code web searches today: 3 · pages read: 1 · $0.016}. */
        String line() {
            DecimalFormat money = new DecimalFormat("0.000##", DecimalFormatSymbols.getInstance(Locale.ROOT));
            return "web searches today: " + searches + " · pages read: " + pages + " · $" + money.format(dollars);
        }
    }

    private final DataSource db;
    private final Clock clock;
    private final ZoneId zone;
    private final AtomicReference<Day> cached = new AtomicReference<>();

    ExaUsage(DataSource db, Clock clock, ZoneId zone) {
        this.db = db;
        this.clock = clock;
        this.zone = zone;
    }

    /** Counts one search. */
    void searched(BigDecimal dollars) throws SQLException {
        add(1, 0, dollars);
    }

    /** Counts one page read (or a /contents call that found nothing but still cost something). */
    void read(int pages, BigDecimal dollars) throws SQLException {
        add(0, pages, dollars);
    }

    /** Today's figures. */
    Day today() throws SQLException {
        LocalDate today = LocalDate.now(clock.withZone(zone));
        Day day = cached.get();
        if (day != null && day.day().equals(today)) {
            return day;
        }
        try (Connection c = db.getConnection();
             PreparedStatement s = c.prepareStatement(
                     "SELECT searches, pages, cost_dollars FROM websearch_exa_usage WHERE day = ?")) {
            s.setDate(1, Date.valueOf(today));
            try (ResultSet r = s.executeQuery()) {
                day = r.next() ? new Day(today, r.getInt(1), r.getInt(2), r.getBigDecimal(3))
                        : new Day(today, 0, 0, BigDecimal.ZERO);
            }
        }
        cached.set(day);
        return day;
    }

    private void add(int searches, int pages, BigDecimal dollars) throws SQLException {
        LocalDate today = LocalDate.now(clock.withZone(zone));
        try (Connection c = db.getConnection();
             PreparedStatement s = c.prepareStatement("""
                     INSERT INTO websearch_exa_usage (day, searches, pages, cost_dollars) VALUES (?, ?, ?, ?)
                     ON CONFLICT (day) DO UPDATE SET searches = websearch_exa_usage.searches + EXCLUDED.searches,
                         pages = websearch_exa_usage.pages + EXCLUDED.pages,
                         cost_dollars = websearch_exa_usage.cost_dollars + EXCLUDED.cost_dollars
                     RETURNING searches, pages, cost_dollars""")) {
            s.setDate(1, Date.valueOf(today));
            s.setInt(2, searches);
            s.setInt(3, pages);
            s.setBigDecimal(4, dollars);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                cached.set(new Day(today, r.getInt(1), r.getInt(2), r.getBigDecimal(3)));
            }
        }
    }
}
