package dev.cortana.host.testing;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.StandardLocation;
import javax.tools.ToolProvider;
import org.pf4j.processor.ExtensionAnnotationProcessor;

/**
 * Builds real plugin JARs from Java source strings, for tests that load plugins the way a user installs them.
 *
 * <p>Sources are compiled with the JDK's compiler against the test's class path (so they can use cortana-api,
 * LangChain4j, PF4J...), with {@code -parameters} (unless {@link Builder#withoutParameterNames}) and PF4J's annotation processor (which writes
 * {@code META-INF/extensions.idx} for {@code @Extension} classes), then jarred with a PF4J manifest. Identical sources
 * are compiled once per JVM.
 *
 * <pre>{@code
 * Path jar = TestPluginJars.plugin("dice")
 *         .toolProvider("test.dice.DiceTools", "roll_die")
 *         .writeTo(pluginsDir);
 * }</pre>
 *
 * <p>Broken kinds: {@link #notAZip}, {@link #withoutDescriptor}, {@link #failingStart}, {@code requires(">=99.0.0")},
 * {@link #throwingExtension}.
 */
public final class TestPluginJars {

    private static final Map<String, Map<String, byte[]>> COMPILED = new ConcurrentHashMap<>();

    private TestPluginJars() {
    }

    /** A plugin with id {@code pluginId}, version 0.1.0, no {@code Plugin-Requires}, written to {@code <id>.jar}. */
    public static Builder plugin(String pluginId) {
        return new Builder(pluginId);
    }

    /** A {@code .jar} that is not a ZIP at all (a failed download, a text file renamed). */
    public static Path notAZip(Path dir, String fileName) {
        return write(dir, fileName, "this is not a zip file\n".getBytes(StandardCharsets.UTF_8));
    }

    /** A valid JAR with a class in it but no PF4J descriptor: a library dropped into the plugins folder. */
    public static Path withoutDescriptor(Path dir, String fileName) {
        return new Builder(null)
                .source("test.library.Util", "package test.library; public class Util { }")
                .fileName(fileName)
                .writeTo(dir);
    }

    /**
     * A plugin whose {@code Plugin-Class} throws {@code IllegalStateException(message)} from {@code start()}; it has a
     * {@code ToolProvider} extension without tools (a plugin without extensions is not started at all).
     */
    public static Builder failingStart(String pluginId, String message) {
        String pkg = packageFor(pluginId);
        return plugin(pluginId).pluginClass(pkg + ".FailingPlugin", """
                package %s;
                public class FailingPlugin extends org.pf4j.Plugin {
                    @Override public void start() { throw new IllegalStateException(%s); }
                }
                """.formatted(pkg, javaString(message))).toolProvider(pkg + ".Tools");
    }

    /** A plugin with a {@code ToolProvider} extension whose constructor throws {@code IllegalStateException(message)}. */
    public static Builder throwingExtension(String pluginId, String className, String message) {
        String pkg = className.substring(0, className.lastIndexOf('.'));
        String simple = className.substring(className.lastIndexOf('.') + 1);
        return plugin(pluginId).source(className, """
                package %s;
                @org.pf4j.Extension
                public class %s implements dev.cortana.api.tools.ToolProvider {
                    public %s(dev.cortana.api.CortanaContext context) { throw new IllegalStateException(%s); }
                }
                """.formatted(pkg, simple, simple, javaString(message)));
    }

    /**
     * Source of a {@code ToolProvider} extension with one {@code @Tool} method per name (no parameters), each
     * returning {@code "<tool name> done"}.
     */
    public static String toolProviderSource(String className, String... toolNames) {
        String pkg = className.substring(0, className.lastIndexOf('.'));
        String simple = className.substring(className.lastIndexOf('.') + 1);
        StringBuilder methods = new StringBuilder();
        for (int i = 0; i < toolNames.length; i++) {
            methods.append("""
                        @dev.langchain4j.agent.tool.Tool(name = %1$s, value = "Test tool " + %1$s)
                        public String tool%2$d() { return %1$s + " done"; }
                    """.formatted(javaString(toolNames[i]), i));
        }
        return """
                package %s;
                @org.pf4j.Extension
                public class %s implements dev.cortana.api.tools.ToolProvider {
                    @Override public java.util.List<Object> tools() { return java.util.List.of(this); }
                %s}
                """.formatted(pkg, simple, methods);
    }

    /** Writes a plugin file the way a copy finishes: complete, then renamed into place (a new inode). */
    public static Path write(Path dir, String fileName, byte[] content) {
        try {
            Files.createDirectories(dir);
            Path temporary = Files.createTempFile(dir, ".copying-", ".tmp"); // hidden: the host ignores it
            Files.write(temporary, content);
            return Files.move(temporary, dir.resolve(fileName), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A plugin JAR under construction. */
    public static final class Builder {
        private final String pluginId;
        private String version = "0.1.0";
        private String requires;
        private String pluginClass;
        private String fileName;
        private String settings;
        private boolean descriptor;
        private boolean parameterNames = true;
        private final Map<String, String> sources = new LinkedHashMap<>();
        private final Map<String, String> manifest = new LinkedHashMap<>();
        private final Map<String, byte[]> resources = new LinkedHashMap<>();

        private Builder(String pluginId) {
            this.pluginId = pluginId;
            this.descriptor = pluginId != null;
        }

        public Builder version(String version) {
            this.version = version;
            return this;
        }

        /** {@code Plugin-Requires}, a SemVer expression on Cortana's version such as {@code >=99.0.0}. */
        public Builder requires(String requires) {
            this.requires = requires;
            return this;
        }

        /** {@code Plugin-Class} with its source (a subclass of {@code org.pf4j.Plugin}). */
        public Builder pluginClass(String className, String javaSource) {
            this.pluginClass = className;
            return source(className, javaSource);
        }

        /** A class of the plugin; mark extensions with {@code @org.pf4j.Extension}. */
        public Builder source(String className, String javaSource) {
            sources.put(className, javaSource);
            return this;
        }

        /** A {@code ToolProvider} extension offering tools with these names (see {@link #toolProviderSource}). */
        public Builder toolProvider(String className, String... toolNames) {
            return source(className, toolProviderSource(className, toolNames));
        }

        /**
         * The settings the plugin declares ({@code EXA_API_KEY, EXA_*}): {@code Plugin-Settings} in the JAR's manifest,
         * {@code plugin.settings} in a ZIP's {@code plugin.properties}.
         */
        public Builder settings(String declaration) {
            this.settings = declaration;
            return manifest("Plugin-Settings", declaration);
        }

        /** Any other manifest entry ({@code Plugin-Dependencies}, ...). */
        public Builder manifest(String name, String value) {
            manifest.put(name, value);
            return this;
        }

        /** A file inside the JAR. */
        public Builder resource(String path, String content) {
            return resource(path, content.getBytes(StandardCharsets.UTF_8));
        }

        /** A file inside the JAR, such as a class file copied from elsewhere. */
        public Builder resource(String path, byte[] content) {
            resources.put(path, content.clone());
            return this;
        }

        /**
         * Compiles without {@code -parameters}, as a build that does not inherit cortana-plugin-parent does: tool
         * parameters without {@code @P(name = ...)} have no names ({@code arg0}, {@code arg1}) in the class files.
         */
        public Builder withoutParameterNames() {
            this.parameterNames = false;
            return this;
        }

        /** Leaves {@code Plugin-Id} and {@code Plugin-Version} out of the manifest. */
        public Builder withoutDescriptor() {
            this.descriptor = false;
            return this;
        }

        /** The file name in the folder; {@code <plugin id>.jar} by default. */
        public Builder fileName(String fileName) {
            this.fileName = fileName;
            return this;
        }

        /** Compiles and writes the JAR into {@code dir} (created if needed); returns its path. */
        public Path writeTo(Path dir) {
            String name = fileName != null ? fileName : pluginId + ".jar";
            return write(dir, name, bytes());
        }

        /**
         * Compiles and writes a PF4J ZIP plugin into {@code dir}: {@code plugin.properties} at the root and the classes
         * under {@code classes/}. The file is {@code <plugin id>.zip} unless {@link #fileName} says otherwise.
         */
        public Path writeZipTo(Path dir) {
            String name = fileName != null ? fileName : pluginId + ".zip";
            Map<String, byte[]> entries = new TreeMap<>();
            if (descriptor) {
                StringBuilder properties = new StringBuilder()
                        .append("plugin.id=").append(pluginId).append('\n')
                        .append("plugin.version=").append(version).append('\n');
                if (requires != null) {
                    properties.append("plugin.requires=").append(requires).append('\n');
                }
                if (pluginClass != null) {
                    properties.append("plugin.class=").append(pluginClass).append('\n');
                }
                if (settings != null) {
                    properties.append("plugin.settings=").append(settings).append('\n');
                }
                entries.put("plugin.properties", properties.toString().getBytes(StandardCharsets.UTF_8));
            }
            compile(sources, parameterNames).forEach((path, bytes) -> entries.put("classes/" + path, bytes));
            resources.forEach((path, bytes) -> entries.put("classes/" + path, bytes));
            withDirectoryEntries(entries);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (ZipOutputStream zip = new ZipOutputStream(out)) {
                for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                    zip.putNextEntry(new ZipEntry(entry.getKey()));
                    zip.write(entry.getValue());
                    zip.closeEntry();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return write(dir, name, out.toByteArray());
        }

        /** Compiles and returns the JAR's bytes. */
        public byte[] bytes() {
            Manifest mf = new Manifest();
            Attributes main = mf.getMainAttributes();
            main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
            if (descriptor) {
                main.putValue("Plugin-Id", pluginId);
                main.putValue("Plugin-Version", version);
            }
            if (requires != null) {
                main.putValue("Plugin-Requires", requires);
            }
            if (pluginClass != null) {
                main.putValue("Plugin-Class", pluginClass);
            }
            manifest.forEach(main::putValue);

            Map<String, byte[]> entries = new TreeMap<>(compile(sources, parameterNames));
            entries.putAll(resources);
            withDirectoryEntries(entries);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (JarOutputStream jar = new JarOutputStream(out, mf)) {
                for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                    jar.putNextEntry(new JarEntry(entry.getKey()));
                    jar.write(entry.getValue());
                    jar.closeEntry();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return out.toByteArray();
        }
    }

    /**
     * Adds an entry for every folder ({@code cortana/}, {@code cortana/migrations/}, ...), as Maven, Gradle and the
     * {@code jar} tool write them: class loaders find a folder of a JAR (Flyway's migrations folder) only by its entry.
     */
    private static void withDirectoryEntries(Map<String, byte[]> entries) {
        for (String name : List.copyOf(entries.keySet())) {
            for (int slash = name.indexOf('/'); slash > 0 && slash < name.length() - 1; slash = name.indexOf('/', slash + 1)) {
                entries.putIfAbsent(name.substring(0, slash + 1), new byte[0]);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ compiling

    /** Class files and {@code META-INF/extensions.idx} by JAR entry name. */
    private static Map<String, byte[]> compile(Map<String, String> sources, boolean parameterNames) {
        if (sources.isEmpty()) {
            return Map.of();
        }
        String key = parameterNames + "\u0002" + sources.entrySet().stream().map(e -> e.getKey() + "\u0000" + e.getValue())
                .collect(Collectors.joining("\u0001"));
        return COMPILED.computeIfAbsent(key, k -> doCompile(sources, parameterNames));
    }

    private static Map<String, byte[]> doCompile(Map<String, String> sources, boolean parameterNames) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new IllegalStateException("Building test plugins needs a JDK (no system Java compiler found)");
        }
        Path output = null;
        try {
            output = Files.createTempDirectory("cortana-test-plugin-");
            DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
            try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
                files.setLocation(StandardLocation.CLASS_OUTPUT, List.of(output.toFile()));
                files.setLocation(StandardLocation.CLASS_PATH, testClassPath());
                files.setLocation(StandardLocation.SOURCE_PATH, List.of());
                List<JavaFileObject> units = new ArrayList<>();
                sources.forEach((className, source) -> units.add(new SourceString(className, source)));
                List<String> options = new ArrayList<>(List.of("-implicit:none", "-Xlint:none", "--release", "17"));
                if (parameterNames) {
                    options.add("-parameters");
                }
                JavaCompiler.CompilationTask task = javac.getTask(null, files, diagnostics, options, null, units);
                task.setProcessors(List.of(new ExtensionAnnotationProcessor()));
                if (!task.call()) {
                    String errors = diagnostics.getDiagnostics().stream()
                            .filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
                            .map(d -> d.getSource().getName() + ":" + d.getLineNumber() + ": " + d.getMessage(Locale.ROOT))
                            .collect(Collectors.joining("\n"));
                    throw new IllegalArgumentException("Test plugin sources do not compile:\n" + errors);
                }
            }
            Map<String, byte[]> compiled = new TreeMap<>();
            Path root = output;
            try (Stream<Path> walk = Files.walk(root)) {
                for (Path file : walk.filter(Files::isRegularFile).toList()) {
                    compiled.put(root.relativize(file).toString().replace(File.separatorChar, '/'), Files.readAllBytes(file));
                }
            }
            return Map.copyOf(compiled);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deleteQuietly(output);
        }
    }

    /**
     * The test JVM's class path. Surefire may start the JVM with a single manifest-only JAR; its real class path is in
     * {@code surefire.test.class.path}, or in that JAR's {@code Class-Path}.
     */
    private static List<File> testClassPath() {
        String path = System.getProperty("surefire.test.class.path");
        if (path == null || path.isBlank()) {
            path = System.getProperty("java.class.path");
        }
        Set<File> entries = new LinkedHashSet<>();
        for (String element : path.split(File.pathSeparator)) {
            if (element.isBlank()) {
                continue;
            }
            File file = new File(element);
            entries.add(file);
            entries.addAll(manifestClassPath(file));
        }
        return entries.stream().filter(File::exists).toList();
    }

    private static List<File> manifestClassPath(File file) {
        if (!file.isFile() || !file.getName().endsWith(".jar")) {
            return List.of();
        }
        try (JarFile jar = new JarFile(file)) {
            Manifest mf = jar.getManifest();
            String classPath = mf == null ? null : mf.getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
            if (classPath == null) {
                return List.of();
            }
            List<File> files = new ArrayList<>();
            for (String url : classPath.trim().split("\\s+")) {
                try {
                    URI uri = file.toURI().resolve(url);
                    files.add(new File(uri));
                } catch (IllegalArgumentException e) {
                    // not a file URL: skip
                }
            }
            return files;
        } catch (IOException e) {
            return List.of();
        }
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            // a temporary folder: the OS cleans it eventually
        }
    }

    private static String packageFor(String pluginId) {
        String cleaned = pluginId.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
        return "test.plugin." + (cleaned.isEmpty() || Character.isDigit(cleaned.charAt(0)) ? "p" + cleaned : cleaned);
    }

    private static String javaString(String value) {
        Objects.requireNonNull(value);
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + '"';
    }

    private static final class SourceString extends SimpleJavaFileObject {
        private final String source;

        SourceString(String className, String source) {
            super(URI.create("string:///" + className.replace('.', '/') + Kind.SOURCE.extension), Kind.SOURCE);
            this.source = source;
        }

        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
            return source;
        }
    }
}
