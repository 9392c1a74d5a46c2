package dev.cortana.testkit;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The plugin whose tests are running, as its build describes it in the {@code cortana.plugin.*} system properties the
 * plugin parent POM hands to surefire ({@code cortana.plugin.id}, {@code .version}, {@code .description},
 * {@code .requires}, {@code .settings}, {@code .classes}, {@code .libs}).
 */
record PluginUnderTest(String id, String version, String description, String requires, String settings,
                       Path classes, Optional<Path> libs) {

    static final String PREFIX = "cortana.plugin.";

    /** The plugin id from {@code cortana.plugin.id}, if the build set it. */
    static Optional<String> idProperty() {
        return property("id");
    }

    /** {@code cortana.plugin.settings}, if the build set it. */
    static Optional<String> declaredSettings() {
        return property("settings");
    }

    /** The plugin under test, or an error saying which property is missing and where it comes from. */
    static PluginUnderTest fromSystemProperties() {
        String id = required("id");
        Path classes = Path.of(required("classes"));
        return new PluginUnderTest(id, property("version").orElse("0.0.0"), property("description").orElse(""),
                property("requires").orElse(""), property("settings").orElse(""), classes,
                property("libs").map(Path::of));
    }

    private static String required(String name) {
        return property(name).orElseThrow(() -> new IllegalStateException("System property " + PREFIX + name
                + " is not set: run the test with Maven through cortana-plugin-parent (it passes the plugin's identity"
                + " to surefire as cortana.plugin.id, .classes, .libs, ...), or set it in the IDE's run configuration"));
    }

    private static Optional<String> property(String name) {
        return Optional.ofNullable(System.getProperty(PREFIX + name)).map(String::strip).filter(v -> !v.isEmpty());
    }
}
