package dev.cortana.api;

import java.util.List;

/**
 * An extension with a few lines for {@code /settings status}: usage, spend, a missing key, what a user checks when
 * something costs money or does not work. The host shows them under a heading with the plugin's id, after the
 * model and key status. Implement it beside an extension point, on any extension of the plugin; for one sentence in
 * {@code /plugins}, see {@link StatusNote}.
 *
 * <p>Answer from what the extension already knows (counters it keeps, settings read at start-up): the host asks each
 * time the user looks, and does not wait for the network. At most {@value #MAX_LINES} lines of at most
 * {@value #MAX_LENGTH} characters are shown; blank lines are dropped, and a throwing extension shows nothing. Never put
 * a secret in a line: the host also replaces any value of a secret setting it finds with {@code [redacted]}.
 *
 * <pre>{@code
 * @Extension
 * public final class SearchTools implements ToolProvider, StatusLines {
 *     private final AtomicInteger searchesToday = new AtomicInteger();
 *     private final boolean hasKey;
 *
 *     public SearchTools(CortanaContext context) { this.hasKey = context.settings().get("EXA_API_KEY").isPresent(); }
 *
 *     @Override
 *     public List<String> statusLines() {
 *         return hasKey ? List.of("searches today: " + searchesToday.get())
 *                 : List.of("no key: set EXA_API_KEY to search the web");
 *     }
 * }
 * }</pre>
 * @since 0.1.0
 */
public interface StatusLines {

    /** The most lines the host shows for one plugin. */
    int MAX_LINES = 10;

    /** The longest line the host shows; longer ones are cut. */
    int MAX_LENGTH = 200;

    /** The lines, one fact each; empty when there is nothing to report. */
    List<String> statusLines();
}
