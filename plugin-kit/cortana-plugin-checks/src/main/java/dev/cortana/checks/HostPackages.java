package dev.cortana.checks;

import dev.cortana.checks.PluginProblem.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.ZipFile;

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

    private static final List<Library> LIBRARIES = List.of(
            new Library("dev.cortana:cortana-api", List.of("dev/cortana/api/*"), null),
            new Library("org.pf4j:pf4j", List.of("org/pf4j/*"), null),
            new Library("dev.langchain4j:langchain4j-core",
                    List.of("dev/langchain4j/agent/tool/*", "dev/langchain4j/model/chat/*", "dev/langchain4j/data/message/*"),
                    classesOfJar(dev.langchain4j.agent.tool.ToolSpecification.class)),
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

    /**
     * The class entries of the JAR {@code type} was loaded from; {@code null} (use the prefixes) when not a JAR, or
     * not langchain4j-core's own: in the shaded {@code cortana-host.jar} that would be every class of the host, and
     * the bundled provider-openai plugin's jtokkit would count as a copy of langchain4j-core.
     */
    private static Set<String> classesOfJar(Class<?> type) {
        Path jar = PluginChecks.codeSource(type);
        if (jar == null || !Files.isRegularFile(jar) || !jar.getFileName().toString().startsWith("langchain4j-core")) {
            return null;
        }
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            Set<String> classes = new TreeSet<>();
            zip.stream().map(java.util.zip.ZipEntry::getName)
                    .filter(n -> n.endsWith(".class") && !n.startsWith("META-INF/")).forEach(classes::add);
            return classes.isEmpty() ? null : Set.copyOf(classes);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
