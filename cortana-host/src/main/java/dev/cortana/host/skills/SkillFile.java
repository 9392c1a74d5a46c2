package dev.cortana.host.skills;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Parses one {@code SKILL.md} (the Agent Skills format) leniently: a bad name or a long description loads with a
 * warning; no description or unreadable YAML leaves the skill out, with a problem naming the file.
 */
final class SkillFile {

    static final int MAX_NAME = 64;
    static final int MAX_DESCRIPTION = 1024;
    private static final Pattern NAME = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");
    private static final Set<String> KNOWN_FIELDS = Set.of("name", "description", "license", "compatibility",
            "metadata", "allowed-tools");

    /** The outcome of parsing: the skill unless it was skipped, and every problem found. */
    record Parsed(Optional<Skill> skill, List<SkillProblem> problems) {
    }

    private SkillFile() {
    }

    static Parsed parse(Path file, String origin) {
        List<SkillProblem> problems = new ArrayList<>();
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return skipped(file, "cannot be read: " + e.getMessage());
        }
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        String[] lines = text.split("\r?\n", -1);
        if (lines.length == 0 || !lines[0].strip().equals("---")) {
            return skipped(file, "has no YAML front matter: start the file with a line '---', then name: and "
                    + "description:, then '---'");
        }
        int end = -1;
        for (int i = 1; i < lines.length; i++) {
            if (lines[i].strip().equals("---")) {
                end = i;
                break;
            }
        }
        if (end < 0) {
            return skipped(file, "front matter is not closed: add a line '---' after it");
        }
        Object loaded;
        try {
            loaded = new Yaml(new SafeConstructor(new LoaderOptions()))
                    .load(String.join("\n", java.util.Arrays.asList(lines).subList(1, end)));
        } catch (YAMLException e) {
            return skipped(file, "front matter is not valid YAML: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (!(loaded instanceof Map<?, ?> fields)) {
            return skipped(file, "front matter must be YAML fields (name: ..., description: ...)");
        }
        String folder = file.getParent().getFileName().toString();
        String description = text(fields.get("description"));
        if (description.isEmpty()) {
            return skipped(file, "has no description: add description: saying what the skill does and when to use it");
        }
        String name = text(fields.get("name"));
        if (name.isEmpty()) {
            name = folder;
            problems.add(new SkillProblem(file, "has no name; using the folder name '" + folder + "'", false));
        } else {
            if (name.length() > MAX_NAME || !NAME.matcher(name).matches()) {
                problems.add(new SkillProblem(file, "name '" + name + "' should be 1-" + MAX_NAME
                        + " lowercase letters, digits and single hyphens", false));
            }
            if (!name.equals(folder)) {
                problems.add(new SkillProblem(file, "name '" + name + "' does not match its folder '" + folder + "'",
                        false));
            }
        }
        if (description.length() > MAX_DESCRIPTION) {
            problems.add(new SkillProblem(file, "description has " + description.length() + " characters (at most "
                    + MAX_DESCRIPTION + "); the system prompt shows the first " + MAX_DESCRIPTION, false));
            description = description.substring(0, MAX_DESCRIPTION - 1) + "…";
        }
        for (Object key : fields.keySet()) {
            if (!KNOWN_FIELDS.contains(String.valueOf(key))) {
                problems.add(new SkillProblem(file, "unknown field '" + key + "' ignored", false));
            }
        }
        return new Parsed(Optional.of(new Skill(name, description, file, origin)), List.copyOf(problems));
    }

    /** Collapses a value to one line: block scalars and wrapped text become a single spaced line. */
    private static String text(Object value) {
        if (value == null) {
            return "";
        }
        return String.valueOf(value).strip().replaceAll("\\s+", " ");
    }

    private static Parsed skipped(Path file, String message) {
        return new Parsed(Optional.empty(), List.of(new SkillProblem(file, message, true)));
    }
}
