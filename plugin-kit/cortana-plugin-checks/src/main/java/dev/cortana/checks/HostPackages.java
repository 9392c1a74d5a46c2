package dev.cortana.checks;

import dev.cortana.checks.PluginProblem.Kind;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The libraries Cortana provides to every plugin, and how to tell their classes in a plugin. A plugin that bundles
 * one defines look-alike types (its {@code ToolProvider} is not the host's), so its extensions silently do not count,
 * or fail with a {@code LinkageError}.
 */
final class HostPackages {

    /** One provided library: its Maven coordinates and the packages (folder prefixes) of its classes. */
    private record Library(String coordinates, List<String> prefixes, Set<String> exactClasses) {
        boolean owns(String entry) {
            if (exactClasses != null) {
                return exactClasses.contains(entry);
            }
            for (String prefix : prefixes) {
                if (prefix.endsWith("/*") ? entry.startsWith(prefix.substring(0, prefix.length() - 1))
                        : entry.startsWith(prefix) && entry.indexOf('/', prefix.length()) < 0) {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * langchain4j-core shares packages with other LangChain4j modules a plugin may bundle (its provider's model, the
     * AiServices module), so it is told by its exact class list. The list is a resource, not read from the JAR the
     * host's copy came from: in Cortana's single runnable JAR that would be every class Cortana ships.
     */
    static final Set<String> CORE_CLASSES = classList("langchain4j-core.classes");

    private static final List<Library> LIBRARIES = List.of(
            new Library("dev.cortana:cortana-api", List.of("dev/cortana/api/*"), null),
            new Library("org.pf4j:pf4j", List.of("org/pf4j/*"), null),
            new Library("dev.langchain4j:langchain4j-core",
                    List.of("dev/langchain4j/agent/tool/*", "dev/langchain4j/model/chat/*", "dev/langchain4j/data/message/*"),
                    CORE_CLASSES),
            new Library("dev.langchain4j:langchain4j-http-client", List.of("dev/langchain4j/http/client/",
                    "dev/langchain4j/http/client/log/*", "dev/langchain4j/http/client/sse/*"), null),
            new Library("dev.langchain4j:langchain4j-http-client-jdk", List.of("dev/langchain4j/http/client/jdk/*"), null),
            new Library("com.fasterxml.jackson.core:jackson-core", List.of("com/fasterxml/jackson/core/*"), null),
            new Library("com.fasterxml.jackson.core:jackson-databind", List.of("com/fasterxml/jackson/databind/*"), null),
            new Library("com.fasterxml.jackson.core:jackson-annotations", List.of("com/fasterxml/jackson/annotation/*"), null),
            new Library("com.fasterxml.jackson.datatype:jackson-datatype-jsr310",
                    List.of("com/fasterxml/jackson/datatype/jsr310/*"), null),
            new Library("org.slf4j:slf4j-api", List.of("org/slf4j/*"), null));

    private HostPackages() {
    }

    /** One problem per provided library of which {@code entries} (JAR entry names) hold classes. */
    static List<PluginProblem> bundled(Set<String> entries) {
        Map<Library, Set<String>> found = new LinkedHashMap<>();
        for (String entry : entries) {
            if (!entry.endsWith(".class") || entry.startsWith("META-INF/")) {
                continue;
            }
            for (Library library : LIBRARIES) {
                if (library.owns(entry)) {
                    found.computeIfAbsent(library, l -> new TreeSet<>()).add(entry.substring(0, entry.lastIndexOf('/')).replace('/', '.'));
                    break;
                }
            }
        }
        List<PluginProblem> problems = new ArrayList<>();
        found.forEach((library, packages) -> {
            String first = packages.iterator().next();
            String named = packages.size() == 1 ? "package " + first : "packages " + first + " and " + (packages.size() - 1) + " more";
            problems.add(new PluginProblem(Kind.BUNDLED_HOST_PACKAGE, first, "Bundles its own copy of " + named
                    + " (" + library.coordinates() + "), which Cortana provides: the plugin's copy would not be the "
                    + "host's, so its extensions would not work. Fix: declare " + library.coordinates()
                    + " provided (dev.cortana:cortana-plugin-parent does), or remove it from the shade."));
        });
        return problems;
    }

    /** The entries listed in a resource next to this class (one per line, {@code #} comments). */
    static Set<String> classList(String resource) {
        try (var in = HostPackages.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("cortana-plugin-checks is missing its resource " + resource);
            }
            Set<String> classes = new TreeSet<>();
            for (String line : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
                String entry = line.strip();
                if (!entry.isEmpty() && !entry.startsWith("#")) {
                    classes.add(entry);
                }
            }
            return Set.copyOf(classes);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
