package dev.cortana.testkit;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * Plugin JARs for the test host: the plugin under test packaged as the plugin parent packages it (its classes, its
 * private libraries merged in the way the shade plugin merges them, the {@code Plugin-*} manifest entries), and the
 * other plugins a test names, found on the test class path by their {@code Plugin-Id}.
 */
final class PluginJars {

    private PluginJars() {
    }

    /** Writes {@code <id>.jar} for the plugin under test into {@code pluginsDir}. */
    static Path build(PluginUnderTest plugin, Path pluginsDir) {
        if (!Files.isDirectory(plugin.classes())) {
            throw new IllegalStateException("The plugin's classes folder " + plugin.classes() + " (cortana.plugin.classes)"
                    + " does not exist: compile the plugin first (mvn verify does)");
        }
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Plugin-Id", plugin.id());
        main.putValue("Plugin-Version", plugin.version());
        main.putValue("Plugin-Provider", "plugin test kit");
        main.putValue("Plugin-Description", plugin.description());
        if (!plugin.requires().isEmpty()) {
            main.putValue("Plugin-Requires", plugin.requires());
        }
        if (!plugin.settings().isEmpty()) {
            main.putValue("Plugin-Settings", plugin.settings());
        }
        Path jar = pluginsDir.resolve(plugin.id() + ".jar");
        Map<String, byte[]> services = new TreeMap<>();
        Set<String> written = new HashSet<>();
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
            written.add("META-INF/");
            written.add(JarFile.MANIFEST_NAME);
            addFolder(plugin.classes(), out, written, services);
            for (Path lib : libraries(plugin)) {
                addJar(lib, out, written, services);
            }
            for (Map.Entry<String, byte[]> service : services.entrySet()) {
                directories(service.getKey(), out, written);
                out.putNextEntry(new JarEntry(service.getKey()));
                out.write(service.getValue());
                out.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot build the plugin JAR " + jar + ": " + e.getMessage(), e);
        }
        return jar;
    }

    /** The plugin JARs on the test class path, by {@code Plugin-Id}. */
    static Map<String, Path> onClassPath() {
        Map<String, Path> found = new LinkedHashMap<>();
        for (String entry : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
            Path path = Path.of(entry);
            if (!entry.endsWith(".jar") || !Files.isRegularFile(path)) {
                continue;
            }
            try (JarFile jar = new JarFile(path.toFile())) {
                Manifest manifest = jar.getManifest();
                String id = manifest == null ? null : manifest.getMainAttributes().getValue("Plugin-Id");
                if (id != null && !id.isBlank()) {
                    found.putIfAbsent(id.strip(), path);
                }
            } catch (IOException e) {
                // not a readable JAR: not a plugin
            }
        }
        return found;
    }

    /** Copies the named plugins from the test class path into {@code pluginsDir}, or says which are missing. */
    static void copyNamed(List<String> ids, Path pluginsDir) {
        Map<String, Path> available = onClassPath();
        List<String> missing = ids.stream().filter(id -> !available.containsKey(id)).toList();
        if (!missing.isEmpty()) {
            throw new IllegalStateException("No plugin " + String.join(", ", missing) + " on the test class path."
                    + " Plugin JARs found there (by Plugin-Id): " + (available.isEmpty() ? "none" : available.keySet())
                    + ". Add the plugin as a test dependency (in a reactor build, its JAR exists from the package phase"
                    + " on: run mvn verify rather than mvn test).");
        }
        for (String id : ids) {
            try {
                Files.copy(available.get(id), pluginsDir.resolve(id + ".jar"));
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot copy plugin " + id + ": " + e.getMessage(), e);
            }
        }
    }

    private static List<Path> libraries(PluginUnderTest plugin) throws IOException {
        if (plugin.libs().isEmpty() || !Files.isDirectory(plugin.libs().get())) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(plugin.libs().get())) {
            return files.filter(f -> f.getFileName().toString().endsWith(".jar")).sorted().toList();
        }
    }

    private static void addFolder(Path root, JarOutputStream out, Set<String> written, Map<String, byte[]> services)
            throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = new ArrayList<>(walk.filter(Files::isRegularFile).sorted().toList());
        }
        for (Path file : files) {
            String name = root.relativize(file).toString().replace(File.separatorChar, '/');
            try (InputStream in = Files.newInputStream(file)) {
                add(name, in, out, written, services);
            }
        }
    }

    private static void addJar(Path lib, JarOutputStream out, Set<String> written, Map<String, byte[]> services)
            throws IOException {
        try (JarInputStream in = new JarInputStream(Files.newInputStream(lib))) {
            for (JarEntry entry = in.getNextJarEntry(); entry != null; entry = in.getNextJarEntry()) {
                if (!entry.isDirectory()) {
                    add(entry.getName(), in, out, written, services);
                }
            }
        }
    }

    /** Like the plugin parent's shade configuration: signatures and module descriptors dropped, services merged. */
    private static void add(String name, InputStream in, JarOutputStream out, Set<String> written,
                            Map<String, byte[]> services) throws IOException {
        if (name.equals(JarFile.MANIFEST_NAME) || name.matches("META-INF/[^/]+\\.(SF|DSA|RSA)")
                || name.endsWith("module-info.class")) {
            return;
        }
        if (name.startsWith("META-INF/services/") && name.indexOf('/', "META-INF/services/".length()) < 0) {
            byte[] more = in.readAllBytes();
            services.merge(name, more, PluginJars::joinLines);
            return;
        }
        if (!written.add(name)) {
            return; // the first copy wins, as in the shade plugin
        }
        directories(name, out, written);
        out.putNextEntry(new JarEntry(name));
        in.transferTo(out);
        out.closeEntry();
    }

    /** The folder entries above {@code name}: class loaders find a folder as a resource only through them. */
    private static void directories(String name, JarOutputStream out, Set<String> written) throws IOException {
        for (int slash = name.indexOf('/'); slash >= 0; slash = name.indexOf('/', slash + 1)) {
            String folder = name.substring(0, slash + 1);
            if (written.add(folder)) {
                out.putNextEntry(new JarEntry(folder));
                out.closeEntry();
            }
        }
    }

    private static byte[] joinLines(byte[] first, byte[] second) {
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        joined.writeBytes(first);
        if (first.length > 0 && first[first.length - 1] != '\n') {
            joined.write('\n');
        }
        joined.writeBytes(second);
        return joined.toByteArray();
    }

}
