package dev.cortana.host.plugins;

import static dev.cortana.host.plugins.PluginHost.NOT_AN_ARCHIVE;
import static dev.cortana.host.plugins.PluginHost.NO_DESCRIPTOR;
import static dev.cortana.host.plugins.PluginHost.describe;

import dev.cortana.host.plugins.ContextExtensionFactory.ExtensionCreationException;
import dev.cortana.host.plugins.CortanaPluginManager.PluginClassException;
import dev.cortana.host.plugins.PluginTimeLimit.PluginTimeoutException;
import dev.cortana.checks.PluginChecks;
import dev.cortana.checks.PluginProblem;
import dev.cortana.host.storage.Migrations;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.pf4j.AbstractExtensionFinder;
import org.pf4j.DependencyResolver;
import org.pf4j.Extension;
import org.pf4j.IndexedExtensionFinder;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginState;
import org.pf4j.PluginWrapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one plugin file into a started plugin with its extensions created, or into a {@link LoadFailure} that says
 * why not and what the user can do; and takes a plugin out of PF4J again ({@link #discard}).
 *
 * <p>Not thread-safe, like PF4J itself: {@link PluginHost} calls it under its lock only, except
 * {@link #createExtensions(Loaded)}, which touches nothing of PF4J and runs for several plugins at once.
 */
final class PluginLoader {

    /** PluginHost's logger: the log lines keep the name users know and filter on. */
    private static final Logger log = LoggerFactory.getLogger(PluginHost.class);

    /** Classes plugins must take from the host, one per shared library. */
    private static final List<Class<?>> SHARED_CLASSES = List.of(dev.cortana.api.CortanaContext.class,
            dev.langchain4j.agent.tool.ToolSpecification.class, com.fasterxml.jackson.databind.JsonNode.class);

    private final CortanaPluginManager manager;
    private final Path pluginsDir;
    private final String hostVersion;
    private final HostServices services;
    private final ContextExtensionFactory extensionFactory;
    private final PluginTimeLimit timeLimit;
    /** The file a plugin id is loaded from (started, or being started with others), or null; only read here. */
    private final Function<String, Path> fileOfLoaded;
    /** Whether a started LLM provider plugin serves a provider name: its keys are never a plugin setting. */
    private final Predicate<String> llmProvider;

    PluginLoader(CortanaPluginManager manager, Path pluginsDir, String hostVersion, HostServices services,
                 ContextExtensionFactory extensionFactory, PluginTimeLimit timeLimit,
                 Function<String, Path> fileOfLoaded, Predicate<String> llmProvider) {
        this.llmProvider = llmProvider;
        this.manager = manager;
        this.timeLimit = timeLimit;
        this.pluginsDir = pluginsDir;
        this.hostVersion = hostVersion;
        this.services = services;
        this.extensionFactory = extensionFactory;
        this.fileOfLoaded = fileOfLoaded;
    }

    /** The plugin PF4J holds under {@code id}, or {@code null}. */
    PluginWrapper loaded(String id) {
        return manager.getPlugin(id);
    }

    /** Loads and starts {@code file} and creates its extensions; on failure, leaves nothing of it in PF4J. */
    Running load(Path file) throws LoadFailure {
        Loaded started = start(prepare(file));
        try {
            return createExtensions(started);
        } catch (LoadFailure failure) {
            discard(started, failure);
            throw failure;
        }
    }

    /**
     * Loads {@code file} into PF4J, with its migrations applied and its extension classes found, but none of its code
     * run yet; on failure, leaves nothing of it in PF4J. Then {@link #start(Loaded)} runs its {@code Plugin-Class}, and
     * {@link #createExtensions(Loaded)}, which may run on another thread (alongside other plugins' constructors), makes
     * its extensions; if either fails, nothing of it stays either ({@link #discard(Loaded, LoadFailure)}).
     */
    Loaded prepare(Path file) throws LoadFailure {
        checkArchive(file);
        PluginDescriptor descriptor;
        try {
            descriptor = manager.findDescriptor(file);
        } catch (RuntimeException e) {
            throw new LoadFailure(null, null, NO_DESCRIPTOR, noDescriptorAdvice(), e);
        }
        String id = blankToNull(descriptor.getPluginId());
        if (id == null) {
            throw new LoadFailure(null, null, NO_DESCRIPTOR, noDescriptorAdvice(), null);
        }
        String version = blankToNull(descriptor.getVersion());
        if (version == null) {
            throw new LoadFailure(id, null, "no plugin version (MANIFEST Plugin-Version or plugin.version)",
                    "Rebuild the plugin with a version", null);
        }

        Path sameId = fileOfLoaded.apply(id);
        if (sameId != null) {
            throw new LoadFailure(id, version, "duplicate plugin id '" + id + "' (already loaded from "
                    + sameId.getFileName() + ")", "Remove one of the two files", null).waitingForOthers();
        }

        String requires = manager.effectiveRequires(descriptor.getRequires());
        boolean compatible;
        try {
            compatible = manager.satisfies(descriptor.getRequires());
        } catch (RuntimeException e) {
            throw new LoadFailure(id, version, PluginRequires.malformed(descriptor.getRequires(), hostVersion),
                    PluginRequires.RULES, e);
        }
        if (!compatible) {
            org.pf4j.VersionManager versions = manager.getVersionManager();
            throw new LoadFailure(id, version, PluginRequires.unmet(requires, hostVersion,
                    probe -> versions.checkVersionConstraint(probe, requires), versions::compareVersions),
                    PluginRequires.RULES, null);
        }

        if (manager.isDisabled(id)) {
            throw new LoadFailure(id, version, disabledReason(id), "", null).withState(PluginState.DISABLED);
        }

        checkAuthorMistakes(id, version, file);

        if (file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".zip")) {
            forceFreshExpansion(file);
        }
        try {
            manager.loadPlugin(file);
        } catch (DependencyResolver.DependenciesNotFoundException e) {
            discard(id, null, null);
            throw new LoadFailure(id, version, "needs plugin(s) " + String.join(", ", e.getDependencies())
                    + ", which are not started", "Add the plugins it needs to " + pluginsDir, e).waitingForOthers();
        } catch (DependencyResolver.DependenciesWrongVersionException e) {
            discard(id, null, null);
            String needs = e.getDependencies().stream()
                    .map(d -> d.getDependencyId() + " " + d.getRequiredVersion() + " (found " + d.getExistingVersion() + ")")
                    .collect(Collectors.joining(", "));
            throw new LoadFailure(id, version, "needs plugin " + needs, "Update the plugins it needs", e).waitingForOthers();
        } catch (RuntimeException | LinkageError e) {
            discard(id, null, null);
            throw new LoadFailure(id, version, "cannot be loaded: " + describe(e), "Rebuild or reinstall the plugin", e);
        }
        PluginWrapper wrapper = manager.getPlugin(id);
        if (wrapper == null) {
            throw new LoadFailure(id, version, "cannot be loaded", "Rebuild or reinstall the plugin", null);
        }

        ClassLoader loader = wrapper.getPluginClassLoader();
        migrate(id, version, loader);
        HostPluginContext context = new HostPluginContext(id, SettingsDeclaringDescriptor.declaredSettings(descriptor),
                llmProvider, services);
        extensionFactory.register(loader, context);
        try {
            return new Loaded(id, version, file, wrapper, context, extensionClasses(id, version, wrapper));
        } catch (LoadFailure failure) {
            discard(id, loader, context);
            throw failure;
        } catch (RuntimeException | LinkageError e) {
            discard(id, loader, context);
            throw new LoadFailure(id, version, "cannot be loaded: " + describe(e), "Rebuild or reinstall the plugin", e);
        }
    }

    /** Starts a {@link #prepare prepared} plugin in PF4J (its {@code Plugin-Class}); on failure, discards it. */
    Loaded start(Loaded plugin) throws LoadFailure {
        String id = plugin.id();
        String version = plugin.version();
        PluginWrapper wrapper = plugin.wrapper();
        ClassLoader loader = wrapper.getPluginClassLoader();
        HostPluginContext context = plugin.context();
        try {
            PluginState state = manager.startQuietly(wrapper);
            if (!state.isStarted()) {
                Throwable cause = wrapper.getFailedException();
                String reason = cause instanceof PluginClassException || cause instanceof PluginTimeoutException
                        ? cause.getMessage()
                        : state == PluginState.DISABLED ? disabledReason(id) : "start() failed: " + describe(cause);
                throw new LoadFailure(id, version, reason,
                        "Check the plugin's settings, or report the error to its author", cause);
            }
            return plugin;
        } catch (LoadFailure failure) {
            if (failure.getCause() instanceof PluginTimeoutException) {
                // Its code may still run on an abandoned thread: nothing from this class loader is ever offered.
                extensionFactory.abandon(loader);
            }
            discard(id, loader, context);
            throw failure;
        } catch (RuntimeException | LinkageError e) {
            discard(id, loader, context);
            throw new LoadFailure(id, version, "cannot be started: " + describe(e),
                    "Check the plugin's settings, or report the error to its author", e);
        }
    }

    /**
     * Applies the plugin's own migrations ({@code cortana/migrations/<id>/} in its JAR) before its code runs, so its
     * {@code start()} and extensions find their tables. A failure fails this plugin alone, with the database's error.
     */
    private void migrate(String id, String version, ClassLoader loader) throws LoadFailure {
        if (!Migrations.shipsMigrations(loader, id)) {
            return;
        }
        if (Migrations.HOST_OWNER.equals(id)) {
            discard(id, null, null);
            throw new LoadFailure(id, version, "ships migrations under the plugin id '" + id + "', which is Cortana's own",
                    "Ask the plugin's author for a build with another plugin id", null);
        }
        if (services.dataSource() == null) {
            discard(id, null, null);
            throw new LoadFailure(id, version, "ships database migrations, but Cortana has no database here",
                    "Run it where Cortana has its database", null);
        }
        try {
            Migrations.apply(services.dataSource(), id, loader);
        } catch (Migrations.MigrationException e) {
            discard(id, null, null);
            throw new LoadFailure(id, version, "database migration failed: " + e.getMessage(),
                    "Report the error to the plugin's author, or remove the plugin; the other plugins are not affected",
                    e);
        } catch (RuntimeException | LinkageError e) {
            discard(id, null, null);
            throw new LoadFailure(id, version, "database migration failed: " + describe(e),
                    "Report the error to the plugin's author, or remove the plugin", e);
        }
    }

    /** Takes a plugin whose extensions could not be made ({@code failure}) out of PF4J again. */
    void discard(Loaded started, LoadFailure failure) {
        ClassLoader loader = started.wrapper().getPluginClassLoader();
        if (failure.getCause() instanceof PluginTimeoutException) {
            extensionFactory.abandon(loader); // as above: its constructor may still run on an abandoned thread
        }
        discard(started.id(), loader, started.context());
    }

    /** Cancels the plugin's tasks, drops its extensions, and has PF4J stop and unload it (closing its class loader). */
    void discard(String id, ClassLoader loader, HostPluginContext context) {
        if (context != null) {
            context.close();
        }
        if (loader != null) {
            extensionFactory.forget(loader);
        }
        if (manager.getPlugin(id) != null) {
            try {
                manager.unloadPlugin(id);
            } catch (RuntimeException | LinkageError e) {
                log.warn("Plugin {} did not unload cleanly: {}", id, describe(e));
                log.debug("Why plugin {} did not unload cleanly", id, e);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------- checks

    /** A readable ZIP with a descriptor in it; checked first so PF4J never logs stack traces for these common cases. */
    private static void checkArchive(Path file) throws LoadFailure {
        boolean jar = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".jar");
        try (ZipFile zip = new ZipFile(file.toFile())) {
            if (zip.getEntry("plugin.properties") != null) {
                return;
            }
            ZipEntry manifestEntry = zip.getEntry(jar ? "META-INF/MANIFEST.MF" : "classes/META-INF/MANIFEST.MF");
            if (manifestEntry != null) {
                try (InputStream in = zip.getInputStream(manifestEntry)) {
                    if (blankToNull(new Manifest(in).getMainAttributes().getValue("Plugin-Id")) != null) {
                        return;
                    }
                }
            }
        } catch (ZipException e) {
            throw new LoadFailure(null, null, NOT_AN_ARCHIVE, "Replace it with a plugin JAR or remove it", e);
        } catch (IOException e) {
            throw new LoadFailure(null, null, "cannot be read: " + describe(e), "Check the file and its permissions", e);
        }
        throw new LoadFailure(null, null, NO_DESCRIPTOR, noDescriptorAdvice(), null);
    }

    /**
     * The author mistakes that make a plugin useless or broken ({@link PluginChecks#checkArchive}: no extensions,
     * bundled copies of what Cortana provides), found before any of its code runs. The first one fails the plugin,
     * with its reason and fix in {@code /plugins}.
     */
    private static void checkAuthorMistakes(String id, String version, Path file) throws LoadFailure {
        List<PluginProblem> problems;
        try {
            problems = PluginChecks.checkArchive(file);
        } catch (RuntimeException e) {
            throw new LoadFailure(id, version, "cannot be read: " + describe(e), "Check the file and its permissions", e);
        }
        if (!problems.isEmpty()) {
            PluginProblem problem = problems.get(0);
            String reason = problem.reason().substring(0, 1).toLowerCase(Locale.ROOT) + problem.reason().substring(1);
            throw new LoadFailure(id, version, reason + " — " + problem.fix(),
                    "Ask the plugin's author for a build that passes cortana:check", null);
        }
    }

    private static String noDescriptorAdvice() {
        return "If it is a library, remove it from the plugins folder (bundle it inside the plugin that needs it)";
    }

    /** The extension classes of a just-started plugin, in creation order (PF4J ordinal, then name). */
    private List<Class<?>> extensionClasses(String id, String version, PluginWrapper wrapper) throws LoadFailure {
        ClassLoader loader = wrapper.getPluginClassLoader();
        checkSharedClasses(id, version, loader);
        if (loader instanceof URLClassLoader own && own.findResource(IndexedExtensionFinder.EXTENSIONS_RESOURCE) == null) {
            return List.of(); // PF4J would read the host's own index instead: those classes are not the plugin's
        }
        List<Class<?>> classes = new ArrayList<>();
        for (String className : new TreeSet<>(manager.getExtensionClassNames(id))) {
            Class<?> type;
            try {
                type = loader.loadClass(className);
            } catch (ClassNotFoundException | LinkageError e) {
                throw new LoadFailure(id, version, "extension " + className + " cannot be loaded: " + describe(e),
                        "Rebuild the plugin with the libraries it needs inside its JAR", e);
            }
            if (type.getClassLoader() == loader) { // a class the plugin did not define is not its extension
                classes.add(type);
            }
        }
        classes.sort(Comparator.<Class<?>>comparingInt(PluginLoader::ordinal).thenComparing(Class::getName));
        return List.copyOf(classes);
    }

    /**
     * Creates every extension of a started plugin, so a constructor that throws fails the plugin now, with a reason,
     * instead of a tool silently missing later. Touches nothing of PF4J: several plugins' run at once.
     * Whatever goes wrong is a {@link LoadFailure}; the caller then {@link #discard(Loaded, LoadFailure) discards} it.
     */
    Running createExtensions(Loaded started) throws LoadFailure {
        String id = started.id();
        String version = started.version();
        List<Object> extensions = new ArrayList<>(started.extensionClasses().size());
        for (Class<?> type : started.extensionClasses()) {
            try {
                extensions.add(timeLimit.call("the constructor of extension " + type.getSimpleName(),
                        "cortana-plugin-" + id + "-extension", () -> extensionFactory.create(type)));
            } catch (ExtensionCreationException e) {
                if (e.getCause() instanceof dev.cortana.api.SettingException setting) { // the one settings form, as is
                    throw new LoadFailure(id, version, setting.getMessage(), "Correct it in the environment, .env or "
                            + "cortana.yml (top level or plugins: " + id + ":)", setting);
                }
                throw new LoadFailure(id, version, "extension " + e.getMessage(),
                        "Check the plugin's settings, or report the error to its author", e.getCause());
            } catch (PluginTimeoutException e) {
                throw new LoadFailure(id, version, e.getMessage(),
                        "Report the error to the plugin's author, or remove the plugin", e);
            } catch (RuntimeException | LinkageError e) {
                throw new LoadFailure(id, version, "cannot be started: " + describe(e),
                        "Check the plugin's settings, or report the error to its author", e);
            } catch (Exception e) { // create() throws no checked exception; kept for the compiler
                throw new LoadFailure(id, version, "extension " + type.getSimpleName() + " could not be created: "
                        + describe(e), "Report the error to the plugin's author", e);
            }
        }
        return new Running(id, version, started.file(), started.wrapper(), started.context(), List.copyOf(extensions));
    }

    /**
     * A plugin that bundles its own copy of the API (a missing {@code provided} scope) defines look-alike types: its
     * extensions would silently not count as tools or providers. Caught here, with the fix in the message.
     */
    private static void checkSharedClasses(String id, String version, ClassLoader loader) throws LoadFailure {
        for (Class<?> shared : SHARED_CLASSES) {
            Class<?> seen;
            try {
                seen = loader.loadClass(shared.getName());
            } catch (ClassNotFoundException | LinkageError e) {
                continue;
            }
            if (seen != shared) {
                throw new LoadFailure(id, version, "bundles its own copy of " + shared.getPackageName()
                        + " (Cortana provides it)", "Rebuild the plugin with cortana-api, langchain4j-core and Jackson "
                        + "as provided dependencies", null);
            }
        }
    }

    private static int ordinal(Class<?> type) {
        Extension extension = AbstractExtensionFinder.findExtensionAnnotation(type);
        return extension == null ? 0 : extension.ordinal();
    }

    private String disabledReason(String id) {
        return Files.isRegularFile(pluginsDir.resolve("enabled.txt")) && !listed(pluginsDir.resolve("enabled.txt"), id)
                ? "not listed in enabled.txt"
                : "listed in disabled.txt";
    }

    private static boolean listed(Path file, String id) {
        try {
            return Files.readAllLines(file).stream().map(String::trim).anyMatch(id::equals);
        } catch (IOException e) {
            return false;
        }
    }

    /** PF4J re-expands a ZIP only when it is newer than its folder; a replaced ZIP may carry an older date. */
    private static void forceFreshExpansion(Path zip) {
        String name = zip.getFileName().toString();
        Path expanded = zip.resolveSibling(name.substring(0, name.lastIndexOf('.')));
        if (Files.isDirectory(expanded)) {
            try {
                Files.setLastModifiedTime(expanded, FileTime.fromMillis(0));
            } catch (IOException e) {
                log.debug("Cannot reset the date of {}: {}", expanded, describe(e));
            }
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    // ------------------------------------------------------------------------------------------------- results

    /** A plugin loaded in PF4J (then started) whose extensions are not made yet. */
    record Loaded(String id, String version, Path file, PluginWrapper wrapper, HostPluginContext context,
                   List<Class<?>> extensionClasses) {

        /** Whether its descriptor names plugins it needs ({@code Plugin-Dependencies}). */
        boolean needsOtherPlugins() {
            return !wrapper.getDescriptor().getDependencies().isEmpty();
        }

        /** Whether it contributes an LLM provider (whose provider names make those keys the host's). */
        boolean providesModels() {
            return extensionClasses.stream().anyMatch(dev.cortana.api.llm.LlmProvider.class::isAssignableFrom);
        }
    }

    /** A started plugin with its extensions, created once. */
    record Running(String id, String version, Path file, PluginWrapper wrapper, HostPluginContext context,
                   List<Object> extensions) {
    }

    /** Why a file was not started, and what the user can do about it. */
    static final class LoadFailure extends Exception {
        final String id;
        final String version;
        final String reason;
        final String advice;
        PluginState state = PluginState.FAILED;
        boolean waitsForOthers;

        LoadFailure(String id, String version, String reason, String advice, Throwable cause) {
            super(reason, cause, false, false);
            this.id = id;
            this.version = version;
            this.reason = reason;
            this.advice = advice;
        }

        LoadFailure waitingForOthers() {
            waitsForOthers = true;
            return this;
        }

        LoadFailure withState(PluginState newState) {
            state = newState;
            return this;
        }
    }
}
