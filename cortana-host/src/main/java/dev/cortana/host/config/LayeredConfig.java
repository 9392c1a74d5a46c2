package dev.cortana.host.config;

import io.github.cdimascio.dotenv.Dotenv;
import io.github.cdimascio.dotenv.DotenvEntry;
import io.github.cdimascio.dotenv.DotenvException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * The environment over {@code .env} over the YAML settings file. Defaults live with the typed settings
 * ({@link CortanaConfig}), so this class only layers sources.
 *
 * <p>The YAML file ({@code CORTANA_CONFIG}, else {@code cortana.yml} / {@code cortana.yaml} in the working directory)
 * may use the environment names directly ({@code LLM_MODEL_NAME: gpt-4o}) or nest them: {@code rotator:
 * {max_retries: 2}} is {@code ROTATOR_MAX_RETRIES}; a list becomes a comma-separated value. The {@code plugins:}
 * section holds each plugin's own settings ({@code plugins: {todos: {...}}}).
 */
public final class LayeredConfig implements Config {

    private static final java.util.regex.Pattern DOTENV_ENTRY =
            java.util.regex.Pattern.compile("(export\\s+)?[A-Za-z_][A-Za-z0-9_.-]*\\s*=");

    private final Map<String, String> values;
    private final Map<String, Map<String, String>> pluginSections;

    private final List<Path> files;

    private LayeredConfig(Map<String, String> values, Map<String, Map<String, String>> pluginSections,
                          List<Path> files) {
        this.values = Map.copyOf(values);
        this.pluginSections = Map.copyOf(pluginSections);
        this.files = List.copyOf(files);
    }

    /** Loads {@code .env} and the YAML file from {@code workingDir}, under {@code environment}. */
    public static LayeredConfig load(Map<String, String> environment, Path workingDir) {
        Map<String, String> merged = new LinkedHashMap<>();
        Map<String, Map<String, String>> plugins = new LinkedHashMap<>();
        Optional<Path> yamlFile = yamlFile(environment, workingDir);
        if (yamlFile.isPresent()) {
            readYaml(yamlFile.get(), merged, plugins);
        }
        merged.putAll(readDotenv(workingDir));
        environment.forEach((k, v) -> {
            if (v != null) {
                merged.put(k, v);
            }
        });
        merged.values().removeIf(String::isBlank);
        List<Path> files = new java.util.ArrayList<>();
        for (String name : List.of(".env", "cortana.yml", "cortana.yaml")) {
            files.add(workingDir.resolve(name).toAbsolutePath().normalize());
        }
        yamlFile.map(p -> p.toAbsolutePath().normalize()).filter(p -> !files.contains(p)).ifPresent(files::add);
        return new LayeredConfig(merged, plugins, files);
    }

    @Override
    public Optional<String> get(String key) {
        return Optional.ofNullable(values.get(key)).map(String::trim).filter(v -> !v.isEmpty());
    }

    @Override
    public List<Path> files() {
        return files;
    }

    @Override
    public Map<String, String> all() {
        return values;
    }

    @Override
    public Map<String, String> pluginSection(String pluginId) {
        return pluginSections.getOrDefault(pluginId, Map.of());
    }

    private static Optional<Path> yamlFile(Map<String, String> environment, Path workingDir) {
        String named = environment.get("CORTANA_CONFIG");
        if (named != null && !named.isBlank()) {
            Path path = workingDir.resolve(named.trim());
            if (!Files.isRegularFile(path)) {
                throw ConfigException.invalid("CORTANA_CONFIG", named, "the path of a readable YAML file");
            }
            return Optional.of(path);
        }
        for (String name : List.of("cortana.yml", "cortana.yaml")) {
            Path path = workingDir.resolve(name);
            if (Files.isRegularFile(path)) {
                return Optional.of(path);
            }
        }
        return Optional.empty();
    }

    private static Map<String, String> readDotenv(Path workingDir) {
        if (!Files.isRegularFile(workingDir.resolve(".env"))) {
            return Map.of();
        }
        try {
            Dotenv dotenv = Dotenv.configure().directory(workingDir.toString()).filename(".env").load();
            return dotenv.entries(Dotenv.Filter.DECLARED_IN_ENV_FILE).stream()
                    .collect(Collectors.toMap(DotenvEntry::getKey, DotenvEntry::getValue, (a, b) -> b, LinkedHashMap::new));
        } catch (DotenvException e) {
            // The parser's message quotes the bad line, and a .env line is often a key: name the line, never show it.
            throw new ConfigException(".env in " + workingDir.toAbsolutePath() + " is not valid: expected lines of "
                    + "NAME=value" + malformedLine(workingDir.resolve(".env")).map(n -> "; line " + n + " is not one"
                    + " (not shown here, as it may hold a secret)").orElse(""));
        }
    }

    /** The number of the first line that is neither blank, a comment, nor {@code NAME=...}; empty when none is. */
    private static Optional<Integer> malformedLine(Path file) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).strip();
                if (!line.isEmpty() && !line.startsWith("#") && !DOTENV_ENTRY.matcher(line).lookingAt()) {
                    return Optional.of(i + 1);
                }
            }
        } catch (IOException | RuntimeException e) {
            // unreadable as UTF-8 lines: say what is expected without a line number
        }
        return Optional.empty();
    }

    @SuppressWarnings("unchecked")
    private static void readYaml(Path file, Map<String, String> into, Map<String, Map<String, String>> plugins) {
        Object root;
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
        } catch (IOException | YAMLException e) {
            throw new ConfigException(file + " is not valid YAML: " + firstLine(e.getMessage()));
        }
        if (root == null) {
            return;
        }
        if (!(root instanceof Map)) {
            throw new ConfigException(file + " is not valid: expected a mapping of settings (NAME: value) at the top level");
        }
        for (Map.Entry<Object, Object> entry : ((Map<Object, Object>) root).entrySet()) {
            String key = String.valueOf(entry.getKey());
            if (key.equals("plugins") && entry.getValue() instanceof Map) {
                ((Map<Object, Object>) entry.getValue()).forEach((id, section) -> {
                    Map<String, String> flat = new LinkedHashMap<>();
                    flatten("", section, flat);
                    plugins.put(String.valueOf(id), flat);
                });
            } else {
                flatten(key, entry.getValue(), into);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static void flatten(String prefix, Object value, Map<String, String> into) {
        if (value instanceof Map) {
            ((Map<Object, Object>) value).forEach((k, v) -> {
                String name = String.valueOf(k);
                flatten(prefix.isEmpty() ? name : prefix + "_" + name, v, into);
            });
        } else if (value instanceof List) {
            into.put(envName(prefix), ((List<Object>) value).stream().map(String::valueOf).collect(Collectors.joining(",")));
        } else if (value != null) {
            into.put(envName(prefix), String.valueOf(value));
        }
    }

    private static String envName(String key) {
        return key.replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int newline = message.indexOf('\n');
        return (newline < 0 ? message : message.substring(0, newline)).trim();
    }
}
