package dev.cortana.checks;

import dev.cortana.checks.PluginProblem.Kind;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;

/**
 * The author-mistake checks, on a built plugin: a JAR, a PF4J ZIP ({@code plugin.properties}, {@code classes/},
 * {@code lib/*.jar}) or a classes folder. Static: classes are loaded without being initialised and nothing is
 * instantiated, so the same checks run at build time ({@code cortana:check}) and when the host loads a plugin.
 *
 * <ul>
 *   <li>{@link #check}: everything below, in this order: bundled host packages, no extensions, then per tool class
 *       unnamed and unfillable parameters, then duplicate tool names.</li>
 *   <li>{@link #checkArchive}: what needs no class loader (no extensions, bundled host packages).</li>
 *   <li>{@link #checkTools}: the {@code @Tool} methods of the plugin's classes.</li>
 *   <li>{@link #checkToolMethod}: one {@code @Tool} method (unnamed and unfillable parameters), for the host's tool
 *       registry, which skips such a tool.</li>
 * </ul>
 */
public final class PluginChecks {

    static final String TOOL = "dev.langchain4j.agent.tool.Tool";
    static final String EXTENSIONS_INDEX = "META-INF/extensions.idx";
    /** How a class file that uses {@code @Tool} names it in its constant pool. */
    private static final byte[] TOOL_DESCRIPTOR = "Ldev/langchain4j/agent/tool/Tool;".getBytes(StandardCharsets.UTF_8);

    private PluginChecks() {
    }

    /** Every problem of the plugin at {@code plugin}, whose classes {@code loader} loads (with what they need). */
    public static List<PluginProblem> check(Path plugin, ClassLoader loader) {
        Contents contents = Contents.read(plugin, true);
        List<PluginProblem> problems = new ArrayList<>(archiveProblems(contents));
        problems.addAll(toolProblems(contents, loader));
        return problems;
    }

    /** No extensions and bundled copies of host packages: the problems that fail the plugin at load time. */
    public static List<PluginProblem> checkArchive(Path plugin) {
        return archiveProblems(Contents.read(plugin, false)); // names only: the host runs this for every plugin it loads
    }

    /** The problems of the plugin's {@code @Tool} methods, including duplicate tool names within the plugin. */
    public static List<PluginProblem> checkTools(Path plugin, ClassLoader loader) {
        return toolProblems(Contents.read(plugin, true), loader);
    }

    /**
     * The problems of one {@code @Tool} method: parameters without names, parameters the model cannot fill. Empty for
     * a method without {@code @Tool}.
     */
    public static List<PluginProblem> checkToolMethod(Method method) {
        Annotation tool = annotation(method.getAnnotations(), TOOL);
        if (tool == null) {
            return List.of();
        }
        String label = "Tool '" + toolName(method) + "' (" + method.getDeclaringClass().getName() + "." + method.getName() + ")";
        List<PluginProblem> problems = new ArrayList<>();
        List<String> unnamed = new ArrayList<>();
        for (Parameter parameter : method.getParameters()) {
            if (ToolParameters.managedByTheHost(parameter)) {
                continue;
            }
            if (ToolParameters.explicitName(parameter) == null && !parameter.isNamePresent()) {
                unnamed.add(parameter.getName());
            }
        }
        if (!unnamed.isEmpty()) {
            String names = String.join(", ", unnamed);
            problems.add(new PluginProblem(Kind.UNNAMED_PARAMETER, subject(method), label + ": "
                    + (unnamed.size() == 1 ? "parameter " + names + " has no name" : "parameters " + names + " have no names")
                    + ", so the model would be offered '" + unnamed.get(0) + "': the class was compiled without -parameters. "
                    + "Fix: compile with -parameters (inherit dev.cortana:cortana-plugin-parent, or set "
                    + "maven.compiler.parameters to true), or name each parameter with @P(name = \"...\")."));
        }
        for (Parameter parameter : method.getParameters()) {
            if (ToolParameters.managedByTheHost(parameter)) {
                continue;
            }
            String why = ToolParameters.whyUnfillable(parameter);
            if (why != null) {
                String name = ToolParameters.explicitName(parameter) != null ? ToolParameters.explicitName(parameter)
                        : parameter.getName();
                problems.add(new PluginProblem(Kind.UNFILLABLE_PARAMETER, subject(method) + "(" + name + ")", label
                        + ": parameter '" + name + "' " + why + ", which the model cannot fill: it only sends JSON "
                        + "(text, numbers, booleans, enums, lists, maps, and records or classes made of those). "
                        + "Fix: take a String, number, boolean, enum, List or record of those instead (for a file: its "
                        + "path in the workspace as a String), and build the object inside the tool."));
            }
        }
        return problems;
    }

    /** The name the model sees: {@code @Tool(name = ...)}, or the method's name. */
    public static String toolName(Method method) {
        Annotation tool = annotation(method.getAnnotations(), TOOL);
        String name = tool == null ? null : (String) value(tool, "name");
        return name == null || name.isBlank() ? method.getName() : name;
    }

    // --------------------------------------------------------------------------------------------- archive checks

    private static List<PluginProblem> archiveProblems(Contents contents) {
        List<PluginProblem> problems = new ArrayList<>(HostPackages.bundled(contents.allEntries));
        String index = contents.extensionsIndex;
        boolean empty = index == null || index.lines().map(String::strip).allMatch(l -> l.isEmpty() || l.startsWith("#"));
        if (empty) {
            problems.add(new PluginProblem(Kind.NO_EXTENSIONS, EXTENSIONS_INDEX, "No extensions: " + EXTENSIONS_INDEX
                    + (index == null ? " is missing" : " is empty") + ", so Cortana finds no tools or other extensions "
                    + "in this plugin. Fix: mark each extension class (a ToolProvider, LlmProvider, ...) with "
                    + "@org.pf4j.Extension and compile with PF4J's annotation processor (org.pf4j:pf4j on the compile "
                    + "class path, as dev.cortana:cortana-plugin-parent sets it up)."));
        }
        return problems;
    }

    // ------------------------------------------------------------------------------------------------ tool checks

    private static List<PluginProblem> toolProblems(Contents contents, ClassLoader loader) {
        List<PluginProblem> problems = new ArrayList<>();
        Map<String, List<String>> methodsByToolName = new TreeMap<>();
        for (String className : contents.toolClasses) {
            Class<?> type;
            try {
                type = Class.forName(className, false, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                continue; // cannot be checked here; loading the plugin reports it
            }
            Method[] methods;
            try {
                methods = type.getDeclaredMethods();
            } catch (LinkageError e) {
                continue;
            }
            List<Method> tools = new ArrayList<>();
            for (Method method : methods) {
                if (Modifier.isPublic(method.getModifiers()) && !method.isSynthetic() && !method.isBridge()
                        && annotation(method.getAnnotations(), TOOL) != null) {
                    tools.add(method);
                }
            }
            tools.sort(java.util.Comparator.comparing(Method::getName).thenComparing(Method::toString));
            for (Method method : tools) {
                problems.addAll(checkToolMethod(method));
                methodsByToolName.computeIfAbsent(toolName(method), k -> new ArrayList<>()).add(subject(method));
            }
        }
        methodsByToolName.forEach((name, methods) -> {
            if (methods.size() > 1) {
                problems.add(new PluginProblem(Kind.DUPLICATE_TOOL_NAME, name, "Tool name '" + name + "' is used by "
                        + methods.size() + " tools: " + String.join(", ", methods) + "; the model can be offered only "
                        + "one of them. Fix: give each @Tool a unique name (@Tool(name = \"...\"))."));
            }
        });
        return problems;
    }

    private static String subject(Method method) {
        return method.getDeclaringClass().getName() + "." + method.getName();
    }

    static Annotation annotation(Annotation[] annotations, String typeName) {
        for (Annotation annotation : annotations) {
            if (annotation.annotationType().getName().equals(typeName)) {
                return annotation;
            }
        }
        return null;
    }

    /** An annotation's element by name, read reflectively: the annotation may come from another class loader. */
    static Object value(Annotation annotation, String element) {
        try {
            Method accessor = annotation.annotationType().getMethod(element);
            accessor.setAccessible(true);
            return accessor.invoke(annotation);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    // ------------------------------------------------------------------------------------------------ reading

    /** What the checks read from a plugin: its entry names, its extensions index and the classes that use @Tool. */
    static final class Contents {
        final Set<String> allEntries = new TreeSet<>();
        final Set<String> toolClasses = new TreeSet<>();
        String extensionsIndex;
        /** Whether class files are read to find {@link #toolClasses}; without it only entry names and the index are. */
        private final boolean withTools;

        private Contents(boolean withTools) {
            this.withTools = withTools;
        }

        static Contents read(Path plugin, boolean withTools) {
            Contents contents = new Contents(withTools);
            try {
                if (Files.isDirectory(plugin)) {
                    try (Stream<Path> walk = Files.walk(plugin)) {
                        for (Path file : walk.filter(Files::isRegularFile).sorted().toList()) {
                            String name = plugin.relativize(file).toString().replace(File.separatorChar, '/');
                            contents.add(name, () -> Files.readAllBytes(file));
                        }
                    }
                } else {
                    try (ZipFile zip = new ZipFile(plugin.toFile())) {
                        // A PF4J ZIP plugin: plugin.properties at the root, classes under classes/, libraries in lib/
                        boolean pf4jZip = zip.getEntry("plugin.properties") != null && zip.getEntry("META-INF/MANIFEST.MF") == null;
                        for (ZipEntry entry : zip.stream().filter(e -> !e.isDirectory()).toList()) {
                            String name = entry.getName();
                            if (pf4jZip && name.startsWith("lib/") && name.endsWith(".jar")) {
                                try (InputStream in = zip.getInputStream(entry)) {
                                    contents.allEntries.addAll(nestedEntries(in.readAllBytes()));
                                }
                                continue;
                            }
                            if (pf4jZip) {
                                if (!name.startsWith("classes/")) {
                                    continue;
                                }
                                name = name.substring("classes/".length());
                            }
                            contents.add(name, () -> {
                                try (InputStream in = zip.getInputStream(entry)) {
                                    return in.readAllBytes();
                                }
                            });
                        }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read the plugin " + plugin + ": " + e.getMessage(), e);
            }
            return contents;
        }

        private void add(String name, Bytes bytes) throws IOException {
            allEntries.add(name);
            if (name.equals(EXTENSIONS_INDEX)) {
                extensionsIndex = new String(bytes.read(), StandardCharsets.UTF_8);
            } else if (withTools && name.endsWith(".class") && !name.endsWith("module-info.class") && !name.startsWith("META-INF/")
                    && contains(bytes.read(), TOOL_DESCRIPTOR)) {
                toolClasses.add(name.substring(0, name.length() - ".class".length()).replace('/', '.'));
            }
        }

        private static List<String> nestedEntries(byte[] jar) throws IOException {
            List<String> names = new ArrayList<>();
            try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(jar))) {
                for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                    if (!entry.isDirectory()) {
                        names.add(entry.getName());
                    }
                }
            }
            return names;
        }

        private static boolean contains(byte[] haystack, byte[] needle) {
            outer:
            for (int i = 0; i <= haystack.length - needle.length; i++) {
                for (int j = 0; j < needle.length; j++) {
                    if (haystack[i + j] != needle[j]) {
                        continue outer;
                    }
                }
                return true;
            }
            return false;
        }
    }

    private interface Bytes {
        byte[] read() throws IOException;
    }

    /** The JAR or folder a class was loaded from, or {@code null}. */
    static Path codeSource(Class<?> type) {
        try {
            CodeSource source = type.getProtectionDomain().getCodeSource();
            return source == null || source.getLocation() == null ? null : Path.of(source.getLocation().toURI());
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    /** For tests and tools: the problems as the build prints them, one per line. */
    public static String describe(List<PluginProblem> problems) {
        StringBuilder out = new StringBuilder();
        for (PluginProblem problem : problems) {
            out.append(out.isEmpty() ? "" : "\n").append("- ").append(problem.message());
        }
        return out.toString();
    }
}
