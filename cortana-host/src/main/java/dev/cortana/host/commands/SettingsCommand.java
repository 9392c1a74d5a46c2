package dev.cortana.host.commands;

import dev.cortana.api.commands.Autocompleting;
import dev.cortana.api.commands.Command;
import dev.cortana.api.commands.CommandInvocation;
import dev.cortana.api.commands.CommandOption;
import dev.cortana.api.llm.ModelInfo;
import dev.cortana.host.llm.LlmUnavailableException;
import dev.cortana.host.llm.ModelName;
import dev.cortana.host.llm.ModelRouter;
import dev.cortana.host.llm.rotation.KeyStatus;
import dev.cortana.host.storage.UserSettingsStore;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code /settings}: the user's model and time zone (kept in {@code user_settings}, so they survive a restart), and
 * the state of every provider's key pool, then the lines plugins add ({@link dev.cortana.api.StatusLines}). Keys are
 * shown by fingerprint only.
 */
public final class SettingsCommand implements Command, Autocompleting {

    static final int MAX_LISTED_MODELS = 60;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss z");

    private final ModelRouter models;
    private final UserSettingsStore settings;
    private final String defaultModel;
    private final ZoneId defaultZone;
    private final Supplier<Map<String, List<String>>> pluginLines;

    public SettingsCommand(ModelRouter models, UserSettingsStore settings, String defaultModel, ZoneId defaultZone) {
        this(models, settings, defaultModel, defaultZone, Map::of);
    }

    /**
     * @param pluginLines the plugins' {@link dev.cortana.api.StatusLines} by plugin id, already capped and with
     *                    secrets redacted ({@code PluginsCommand.statusLines})
     */
    public SettingsCommand(ModelRouter models, UserSettingsStore settings, String defaultModel, ZoneId defaultZone,
                           Supplier<Map<String, List<String>>> pluginLines) {
        this.pluginLines = pluginLines;
        this.models = models;
        this.settings = settings;
        this.defaultModel = defaultModel;
        this.defaultZone = defaultZone;
    }

    @Override
    public String name() {
        return "settings";
    }

    @Override
    public String description() {
        return "Model, time zone and LLM key status";
    }

    @Override
    public List<Subcommand> subcommands() {
        return List.of(
                new Subcommand("model", "Switch the model (provider/model)",
                        List.of(new CommandOption("name", "e.g. gemini/gemini-2.5-flash", true, true))),
                new Subcommand("status", "Active model and each provider's keys", List.of()),
                new Subcommand("models", "List a provider's models",
                        List.of(new CommandOption("provider", "e.g. openai; default: the active model's", false, true))),
                new Subcommand("timezone", "Set your time zone",
                        List.of(new CommandOption("zone", "e.g. Europe/Berlin", true, true))));
    }

    @Override
    public String run(CommandInvocation invocation) {
        String subcommand = invocation.subcommand() == null ? "status" : invocation.subcommand();
        return switch (subcommand) {
            case "model" -> model(invocation.userId(), invocation.option("name"));
            case "status" -> status(invocation.userId());
            case "models" -> listModels(invocation.userId(), invocation.option("provider"));
            case "timezone" -> timezone(invocation.userId(), invocation.option("zone"));
            default -> "Unknown subcommand \"" + subcommand + "\". Use model, status, models or timezone.";
        };
    }

    private String activeModel(String userId) {
        return settings.get(userId, "model").orElse(defaultModel);
    }

    private ZoneId zone(String userId) {
        try {
            return settings.get(userId, "timezone").map(ZoneId::of).orElse(defaultZone);
        } catch (DateTimeException e) {
            return defaultZone;
        }
    }

    private String model(String userId, Optional<String> name) {
        if (name.isEmpty()) {
            return "The active model is **" + activeModel(userId) + "**. Give a name to switch: "
                    + "`/settings model gemini/gemini-2.5-flash`.";
        }
        String chosen = name.get().trim();
        Optional<String> problem = models.validate(chosen);
        if (problem.isPresent()) {
            return "Model not changed (still **" + activeModel(userId) + "**): " + problem.get();
        }
        settings.put(userId, "model", chosen);
        return "Model set to **" + chosen + "**.";
    }

    private String status(String userId) {
        String active = activeModel(userId);
        ZoneId zone = zone(userId);
        StringBuilder out = new StringBuilder();
        out.append("**Model:** ").append(active);
        models.unavailableReason(active).ifPresent(r -> out.append(" (unavailable: ").append(r).append(')'));
        out.append("\n**Time zone:** ").append(zone.getId()).append('\n');
        List<ModelRouter.PoolStatus> pools = models.status(active);
        if (pools.isEmpty()) {
            out.append("\nNo LLM provider has keys.");
        }
        for (ModelRouter.PoolStatus pool : pools) {
            out.append("\n**").append(pool.provider()).append("**");
            if (!pool.model().isEmpty()) {
                out.append(" (cooldowns for ").append(pool.model()).append(')');
            }
            out.append('\n');
            if (pool.keys().isEmpty()) {
                out.append("- no keys: set ").append(pool.provider().toUpperCase(Locale.ROOT)).append("_API_KEY\n");
            }
            KeyStatus.TokensToday today = pool.keys().stream().map(KeyStatus::today)
                    .reduce(KeyStatus.TokensToday.NONE, KeyStatus.TokensToday::plus);
            if (!pool.keys().isEmpty()) {
                out.append("- today: ").append(String.format(Locale.ROOT, "%,d", today.input())).append(" input tokens (")
                        .append(String.format(Locale.ROOT, "%,d", today.cachedInput())).append(" cached");
                if (today.cacheWrite() > 0) {
                    out.append(", ").append(String.format(Locale.ROOT, "%,d", today.cacheWrite()))
                            .append(" written to the cache");
                }
                out.append("), ").append(String.format(Locale.ROOT, "%,d", today.output())).append(" output tokens\n");
            }
            for (KeyStatus key : pool.keys()) {
                out.append("- `").append(key.fingerprint()).append("` ")
                        .append(key.coolingUntil().map(t -> "cooling down until " + TIME.format(t.atZone(zone)))
                                .orElse("available"))
                        .append(" · today ").append(key.todayRequests()).append(" requests, ")
                        .append(key.todayTokens()).append(" tokens")
                        .append(key.lastError().map(e -> " · last error " + e).orElse(""))
                        .append('\n');
            }
        }
        Map<String, List<String>> lines;
        try {
            lines = pluginLines.get();
        } catch (RuntimeException e) {
            lines = Map.of();
        }
        lines.forEach((pluginId, shown) -> {
            out.append("\n**").append(pluginId).append("** (plugin)\n");
            shown.forEach(line -> out.append("- ").append(line).append('\n'));
        });
        return out.toString().stripTrailing();
    }

    private String listModels(String userId, Optional<String> provider) {
        String name = provider.map(p -> p.trim().toLowerCase(Locale.ROOT)).orElseGet(() -> {
            String active = activeModel(userId);
            return ModelName.parse(active).provider().orElseGet(() -> providerOf(active));
        });
        List<ModelInfo> list;
        try {
            list = models.models(name);
        } catch (LlmUnavailableException e) {
            return e.getMessage();
        }
        if (list.isEmpty()) {
            return "The " + name + " provider lists no models. Any model name its server accepts works with "
                    + "`/settings model " + name + "/<model>`.";
        }
        StringBuilder out = new StringBuilder("**" + name + " models**\n");
        list.stream().limit(MAX_LISTED_MODELS).forEach(m -> out.append("- ").append(m.qualifiedName())
                .append(limits(m)).append('\n'));
        if (list.size() > MAX_LISTED_MODELS) {
            out.append("… and ").append(list.size() - MAX_LISTED_MODELS).append(" more.");
        }
        return out.toString().stripTrailing();
    }

    private String providerOf(String active) {
        return models.status(active).stream().filter(p -> !p.model().isEmpty()).map(ModelRouter.PoolStatus::provider)
                .findFirst().orElse("openai");
    }

    private static String limits(ModelInfo model) {
        if (model.contextWindow() <= 0) {
            return "";
        }
        return " — " + thousands(model.contextWindow()) + " context"
                + (model.maxOutputTokens() > 0 ? ", " + thousands(model.maxOutputTokens()) + " output" : "");
    }

    private static String thousands(int tokens) {
        return tokens >= 1000 ? Math.round(tokens / 1000.0) + "k" : Integer.toString(tokens);
    }

    private String timezone(String userId, Optional<String> zone) {
        if (zone.isEmpty()) {
            return "Your time zone is **" + zone(userId).getId() + "**. Give one to change it: "
                    + "`/settings timezone Europe/Berlin`.";
        }
        String text = zone.get().trim();
        ZoneId parsed;
        try {
            parsed = ZoneId.of(text);
        } catch (DateTimeException e) {
            return "Time zone not changed: \"" + text + "\" is not a time zone. Use a region name such as "
                    + "Europe/Berlin, America/New_York or UTC.";
        }
        settings.put(userId, "timezone", parsed.getId());
        return "Time zone set to **" + parsed.getId() + "**.";
    }

    @Override
    public List<String> complete(String subcommand, String option, String typed) {
        String prefix = typed == null ? "" : typed.trim().toLowerCase(Locale.ROOT);
        List<String> candidates = new ArrayList<>();
        if ("model".equals(subcommand)) {
            for (String provider : models.configuredProviders()) {
                try {
                    models.models(provider).forEach(m -> candidates.add(m.qualifiedName()));
                } catch (LlmUnavailableException ignored) {
                    // a provider without keys offers nothing to pick
                }
            }
        } else if ("models".equals(subcommand)) {
            candidates.addAll(models.configuredProviders());
        } else if ("timezone".equals(subcommand)) {
            ZoneId.getAvailableZoneIds().stream().sorted().forEach(candidates::add);
        }
        return candidates.stream().filter(c -> c.toLowerCase(Locale.ROOT).contains(prefix)).limit(25).toList();
    }
}
