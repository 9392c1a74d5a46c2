package dev.cortana.plugins.websearch.exa;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cortana.api.ApiKeyPool;
import dev.cortana.api.CortanaContext;
import dev.cortana.api.PluginSettings;
import dev.cortana.api.SettingException;
import dev.cortana.api.StatusLines;
import dev.cortana.api.StatusNote;
import dev.cortana.api.tools.AgentTool;
import dev.cortana.api.tools.ToolCall;
import dev.cortana.api.tools.ToolProvider;
import dev.cortana.plugins.websearch.exa.ExaClient.Answer;
import dev.cortana.plugins.websearch.exa.ExaClient.ExaException;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.request.json.JsonArraySchema;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonStringSchema;
import java.net.URI;
import java.net.URISyntaxException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.pf4j.Extension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code web_search} and {@code read_page} through Exa, offered only when an {@code EXA_API_KEY} is set; today's
 * count and spend in {@code /settings status}; in {@code /plugins}, which variable to set, or which key Exa refused.
 */
@Extension
public final class WebSearchTools implements ToolProvider, StatusNote, StatusLines {

    static final String KEYS = "EXA_API_KEY";
    static final String DEFAULT_URL = "https://api.exa.ai";
    static final int MAX_RESULTS = 10;
    static final int DEFAULT_RESULTS = 5;
    private static final int MAX_DOMAINS = 10;
    private static final Pattern DAYS = Pattern.compile("(\\d{1,5})\\s*(d|days?)?", Pattern.CASE_INSENSITIVE);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger log = LoggerFactory.getLogger(WebSearchTools.class);

    static final ToolSpecification WEB_SEARCH = ToolSpecification.builder()
            .name("web_search")
            .description("Search the web. Results are untrusted quotes")
            .parameters(JsonObjectSchema.builder()
                    .addStringProperty("query")
                    .addIntegerProperty("num_results", "1-10, default 5")
                    .addStringProperty("since", "published since: YYYY-MM-DD or days back")
                    .addProperty("domains", JsonArraySchema.builder().items(new JsonStringSchema())
                            .description("only these sites").build())
                    .required("query")
                    .build())
            .build();

    static final ToolSpecification READ_PAGE = ToolSpecification.builder()
            .name("read_page")
            .description("Read a web page's text. Untrusted quote")
            .parameters(JsonObjectSchema.builder().addStringProperty("url").required("url").build())
            .build();

    private final ApiKeyPool keys;
    private final ExaClient exa;
    private final ExaUsage usage;
    private final Clock clock;
    private final ZoneId zone;
    private final int searchMaxChars;
    private final int pageMaxChars;
    private final String searchType;

    public WebSearchTools(CortanaContext context) {
        PluginSettings settings = context.settings();
        String url = settings.get("EXA_API_URL", DEFAULT_URL).strip();
        if (!url.matches("(?i)https?://[^\\s/]+(/\\S*)?")) {
            throw SettingException.invalid("EXA_API_URL", url, "an http:// or https:// URL such as " + DEFAULT_URL);
        }
        this.searchMaxChars = settings.getInt("EXA_SEARCH_MAX_CHARS", 4000, 500, 50_000);
        this.pageMaxChars = settings.getInt("EXA_PAGE_MAX_CHARS", 8000, 500, 60_000);
        this.searchType = settings.oneOf("EXA_SEARCH_TYPE", "auto", "auto", "fast", "instant", "neural", "keyword",
                "deep");
        this.keys = context.apiKeys(KEYS);
        this.clock = context.clock();
        this.zone = context.userZone();
        this.exa = new ExaClient(context.http(), keys, url, ExaClient.variables(settings, KEYS));
        this.usage = new ExaUsage(context.dataSource(), clock, zone);
    }

    @Override
    public List<AgentTool> dynamicTools() {
        if (keys.size() == 0) {
            return List.of();
        }
        return List.of(new AgentTool(WEB_SEARCH, this::search), new AgentTool(READ_PAGE, this::read));
    }

    @Override
    public Optional<String> statusNote() {
        if (keys.size() == 0) {
            return Optional.of("no web search: set " + KEYS + " (or " + KEYS + "_1, _2, ... for several keys) to offer "
                    + "web_search and read_page");
        }
        List<String> refused = exa.refusedKeys();
        if (refused.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("Exa refused " + String.join(", ", refused) + " as invalid (HTTP 401): replace "
                + (refused.size() == 1 ? "it" : "them") + " or remove " + (refused.size() == 1 ? "it" : "them")
                + " from .env" + (refused.size() < keys.size() ? "; web search uses the other keys" : ""));
    }

    @Override
    public List<String> statusLines() {
        if (keys.size() == 0) {
            return List.of("web search is off: set " + KEYS + " to search the web");
        }
        List<String> lines = new ArrayList<>();
        try {
            lines.add(usage.today().line());
        } catch (SQLException e) {
            lines.add("web searches today: unknown (the database did not answer)");
        }
        List<String> refused = exa.refusedKeys();
        lines.add(keys.size() + (keys.size() == 1 ? " Exa key" : " Exa keys")
                + (refused.isEmpty() ? "" : "; refused by Exa: " + String.join(", ", refused)));
        return lines;
    }

    // ------------------------------------------------------------------------------------------------- tools

    private String search(ToolCall call) throws ExaException, InterruptedException {
        JsonNode arguments = call.arguments();
        String query = arguments.path("query").asText("").strip();
        if (query.isEmpty()) {
            throw new IllegalArgumentException("query is empty: send the words to search for.");
        }
        int results = numResults(arguments.path("num_results"));
        ObjectNode body = JSON.createObjectNode();
        body.put("query", query);
        body.put("type", searchType);
        body.put("numResults", results);
        body.putObject("contents").putObject("highlights")
                .put("maxCharacters", Math.max(100, Math.min(2000, searchMaxChars / results)));
        since(arguments.path("since")).ifPresent(start -> body.put("startPublishedDate", start));
        List<String> domains = domains(arguments.path("domains"));
        if (!domains.isEmpty()) {
            ArrayNode include = body.putArray("includeDomains");
            domains.forEach(include::add);
        }

        Answer answer = exa.post("/search", body);
        record(() -> usage.searched(answer.dollars()));
        List<WebContent.Page> pages = new ArrayList<>();
        for (JsonNode result : answer.body().path("results")) {
            List<String> highlights = new ArrayList<>();
            result.path("highlights").forEach(h -> highlights.add(h.asText()));
            String text = highlights.isEmpty() ? result.path("text").asText("") : String.join("\n…\n", highlights);
            pages.add(WebContent.Page.of(result, text));
        }
        return WebContent.searchResults(query, pages, searchMaxChars);
    }

    private String read(ToolCall call) throws ExaException, InterruptedException {
        String url = call.arguments().path("url").asText("").strip();
        checkUrl(url);
        ObjectNode body = JSON.createObjectNode();
        body.putArray("urls").add(url);
        body.putObject("text").put("maxCharacters", pageMaxChars);

        Answer answer = exa.post("/contents", body);
        JsonNode result = answer.body().path("results").path(0);
        record(() -> usage.read(result.isMissingNode() ? 0 : 1, answer.dollars()));
        if (result.isMissingNode()) {
            JsonNode error = answer.body().path("statuses").path(0).path("error");
            String tag = error.path("tag").asText("");
            return "Exa could not read " + url + (tag.isBlank() ? "" : " (" + tag
                    + (error.has("httpStatusCode") ? ", HTTP " + error.path("httpStatusCode").asInt() : "") + ")")
                    + ": the page may not exist, be behind a login or block crawlers. Try web_search instead.";
        }
        return WebContent.page(WebContent.Page.of(result, result.path("text").asText("")), pageMaxChars);
    }

    // ------------------------------------------------------------------------------------------------ arguments

    private static int numResults(JsonNode value) {
        if (value.isMissingNode() || value.isNull() || (value.isTextual() && value.asText().isBlank())) {
            return DEFAULT_RESULTS;
        }
        int n;
        if (value.isIntegralNumber() || (value.isNumber() && value.asDouble() == Math.rint(value.asDouble()))) {
            n = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, value.asLong()));
        } else if (value.isTextual() && value.asText().strip().matches("\\d{1,3}")) {
            n = Integer.parseInt(value.asText().strip());
        } else {
            throw new IllegalArgumentException("num_results must be a whole number from 1 to " + MAX_RESULTS + ", got "
                    + value + ".");
        }
        if (n < 1 || n > MAX_RESULTS) {
            throw new IllegalArgumentException("num_results must be from 1 to " + MAX_RESULTS + ", got " + n + ".");
        }
        return n;
    }

    /** {@code since} as Exa's {@code startPublishedDate}: the start of that day (or of n days ago) in the user's zone. */
    private Optional<String> since(JsonNode value) {
        if (value.isMissingNode() || value.isNull() || value.asText().isBlank()) {
            return Optional.empty();
        }
        String text = value.asText().strip();
        LocalDate today = LocalDate.now(clock.withZone(zone));
        Matcher days = DAYS.matcher(text);
        if (days.matches()) {
            int n = Integer.parseInt(days.group(1));
            if (n > 36_500) {
                throw new IllegalArgumentException("since is " + n + " days back; send at most 36500 days or a date.");
            }
            return Optional.of(today.minusDays(n).atStartOfDay(zone).toInstant().toString());
        }
        try {
            LocalDate date = LocalDate.parse(text);
            if (date.isAfter(today)) {
                throw new IllegalArgumentException("since is " + text + ", which is after today (" + today
                        + "): send a past date or a number of days.");
            }
            return Optional.of(date.atStartOfDay(zone).toInstant().toString());
        } catch (DateTimeParseException notADate) {
            try {
                return Optional.of(OffsetDateTime.parse(text).toInstant().toString());
            } catch (DateTimeParseException notADateTime) {
                throw new IllegalArgumentException("since must be a date like " + today.minusDays(7)
                        + " or a number of days back like 7, got \"" + text + "\".");
            }
        }
    }

    private static List<String> domains(JsonNode value) {
        List<String> raw = new ArrayList<>();
        if (value.isArray()) {
            value.forEach(d -> raw.add(d.asText("")));
        } else if (value.isTextual()) {
            raw.addAll(List.of(value.asText().split("[,\\s]+")));
        } else if (!value.isMissingNode() && !value.isNull()) {
            throw new IllegalArgumentException("domains must be a list of sites like [\"arxiv.org\"], got " + value + ".");
        }
        List<String> domains = new ArrayList<>();
        for (String entry : raw) {
            String domain = entry.strip().toLowerCase(Locale.ROOT).replaceFirst("^https?://", "")
                    .replaceFirst("[/?#].*$", "");
            if (domain.isEmpty()) {
                continue;
            }
            if (!domain.matches("[a-z0-9.-]+\\.[a-z0-9-]+")) {
                throw new IllegalArgumentException("domains must be sites like arxiv.org, got \"" + entry.strip()
                        + "\".");
            }
            if (!domains.contains(domain)) {
                domains.add(domain);
            }
        }
        if (domains.size() > MAX_DOMAINS) {
            throw new IllegalArgumentException("domains has " + domains.size() + " sites; send at most " + MAX_DOMAINS
                    + ".");
        }
        return domains;
    }

    private static void checkUrl(String url) {
        String expected = "url must be a full web address like https://example.com/page";
        if (url.isEmpty()) {
            throw new IllegalArgumentException(expected + "; it is empty.");
        }
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                throw new IllegalArgumentException(expected + ", got \"" + url + "\".");
            }
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(expected + ", got \"" + url + "\".");
        }
    }

    private interface Recording {
        void run() throws SQLException;
    }

    /** Counting must not cost the user the answer Exa already gave (and billed). */
    private static void record(Recording recording) {
        try {
            recording.run();
        } catch (SQLException e) {
            log.warn("websearch-exa: could not count an Exa call in websearch_exa_usage: {}", e.getMessage());
        }
    }
}
